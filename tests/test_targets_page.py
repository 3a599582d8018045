"""AppTest: the targets page (run as a page script; the lead registers it in app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "pages" / "targets.py"


@pytest.fixture
def page(built):
    return AppTest.from_file(str(PAGE), default_timeout=60)


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_national_view_has_gauges_bullets_and_a_demo_summary(page):
    page.run()
    assert not page.exception
    assert page.title[0].value == "Target dan capaian"
    assert any("Data contoh — bukan data resmi" in w.value for w in page.warning)
    assert len(charts(page)) == 4  # three gauges and one bullet chart
    text = page.code[0].value
    assert text.startswith("[DATA CONTOH — bukan angka resmi] Perekaman KTP-el secara nasional")
    assert "dari 38 provinsi telah memenuhi target" in text
    assert page.code[1].value.startswith("[DEMO DATA — not official figures] KTP-el recording")
    labels = [m.label for m in page.metric]
    assert labels[:3] == ["Tertinggi", "Terendah", "Memenuhi target"]


def test_province_scope_ranks_the_province(page):
    page.run()
    page.selectbox(key="targets_province").set_value("64").run()
    assert not page.exception
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Peringkat cakupan"].endswith(" dari 38")
    assert metrics["Peringkat jumlah memenuhi target"].endswith(" dari 38")
    assert metrics["Memenuhi target"].endswith(" dari 10")
    text = page.code[0].value
    assert "Provinsi Kalimantan Timur per 30 Juni 2025" in text
    assert "peringkat" in text and "kabupaten/kota" in text


def test_regency_scope_and_every_indicator(page):
    page.run()
    page.selectbox(key="targets_province").set_value("65").run()
    page.selectbox(key="targets_regency_65").set_value("65.71").run()
    for indicator in ("ktp_el", "kia", "akta_lahir"):
        page.selectbox(key="targets_indicator").set_value(indicator).run()
        assert not page.exception
        assert "Kota Tarakan" in page.code[0].value
        assert len(charts(page)) == 4


def test_older_period_and_english(page):
    page.session_state["lang"] = "en"
    page.run()
    page.selectbox(key="targets_period").set_value("2023-06-30").run()
    assert not page.exception
    assert page.title[0].value == "Targets and attainment"
    text = page.code[0].value
    assert "as of 30 June 2023" in text
    assert "Compared with" not in text  # the first period has no previous one
    assert page.code[1].value.startswith("[DATA CONTOH")
