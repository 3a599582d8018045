"""A region's answer at a glance: one line per indicator and its change chip's colour.

A phone shows these first (name, figure against the target, status), before the
cards and charts; the change chip of a region below its target never reads as
good news. Pure: texts and Streamlit colour names only.
"""

from __future__ import annotations

from utils.charts.gauges import status
from utils.formatting import format_percent, format_percent_against
from utils.i18n import t
from utils.metrics.attainment import Facts
from utils.report.press_release import is_met


def state(facts: Facts) -> str:
    """The figure's status (one of :data:`utils.charts.gauges.STATUSES`), by the
    same rule as the gauges and the bullet chart."""
    target = facts.target.percent if facts.target else None
    return status(facts.percent, target, is_met(facts))


def glance_line(facts: Facts, label: str, lang: str) -> str:
    """``Perekaman KTP-el: 99,12 % · Di bawah target (target 99,40 %)`` (plain text).

    The figure is written with enough decimals to show which side of the
    target it is on; a region without a target or without data says so.
    """
    target = facts.target.percent if facts.target else None
    figure = format_percent_against(facts.percent, target, lang, meets=is_met(facts))
    words = t(f"targets.status.{state(facts)}", lang)
    if target is None or facts.percent is None:
        return t("region.glance_plain", lang, indicator=label, percent=figure, status=words)
    return t("region.glance", lang, indicator=label, percent=figure, status=words,
             target=format_percent(target, lang))


def delta_colour(facts: Facts) -> str:
    """Colour of the change chip (``st.metric``'s ``delta_color``).

    Below target a rise is grey (better, not yet good) and a fall red; at or
    above the target, or without one, rises are green and falls red.
    """
    if is_met(facts) is False:
        return "red" if facts.change is not None and facts.change < 0 else "gray"
    return "normal"
