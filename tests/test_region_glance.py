"""A region's answer at a glance: one line per indicator, and a change chip that never
reads as good news below the target."""

from __future__ import annotations

import pytest

from utils.metrics.attainment import Facts
from utils.metrics.targets import Target
from utils.report import region_glance as glance

TARGET = Target("ktp_el", 2024, "national", 99.4, "Renstra")


def facts(percent: float | None, gap: int | None, change: float | None,
          target: Target | None = TARGET) -> Facts:
    return Facts("ktp_el", "regency", "Kota Bontang", "2025-06-30", percent, target=target,
                 gap=gap, previous_period="2024-12-31" if change is not None else None,
                 change=change)


@pytest.mark.parametrize(("case", "colour"), [
    (facts(99.12, 2645, 0.43), "gray"),     # below target and rising: not green
    (facts(99.12, 2645, -0.43), "red"),     # below target and falling
    (facts(99.12, 2645, 0.0), "gray"),
    (facts(99.12, 2645, None), "gray"),
    (facts(99.52, 0, 0.43), "normal"),      # met: rising is good (green), falling red
    (facts(99.52, 0, -0.43), "normal"),
    (facts(100.4, 0, 1.2), "normal"),
    (facts(75.0, None, 2.0, target=None), "normal"),  # no target: higher is better
    (facts(None, None, None), "normal"),
])
def test_a_change_chip_below_target_is_never_green(case, colour):
    assert glance.delta_colour(case) == colour


@pytest.mark.parametrize(("case", "lang", "line"), [
    (facts(99.12, 2645, 0.43), "id",
     "Perekaman KTP-el: 99,12 % · Di bawah target (target 99,40 %)"),
    (facts(99.3995, 5, 0.43), "id",  # never shown as its target while below it
     "Perekaman KTP-el: 99,3995 % · Di bawah target (target 99,40 %)"),
    (facts(99.52, 0, 0.1), "en", "KTP-el recording: 99.52 % · Target met (target 99.40 %)"),
    (facts(100.4, 0, 0.1), "en", "KTP-el recording: 100.40 % · Above 100 % (target 99.40 %)"),
    (facts(75.0, None, None, target=None), "id", "Perekaman KTP-el: 75,00 % · Tanpa target"),
    (facts(None, None, None), "en", "KTP-el recording: – · No data"),
])
def test_glance_line_names_figure_status_and_target(case, lang, line):
    label = "Perekaman KTP-el" if lang == "id" else "KTP-el recording"
    assert glance.glance_line(case, label, lang) == line
