"""Gauges and bullet charts of coverage against target (pure Altair builders).

The colours are the ones of :mod:`utils.charts.choropleth`: orange below the target,
light purple at or above it, dark purple above 100 %, grey without data.
Scales reach past 100 % when a value or target does, so coverage above
100 % (projected denominators) is drawn, never clipped.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from utils.charts.choropleth import AT_OR_ABOVE, BELOW, NO_DATA_COLOUR
from utils.formatting import format_number, format_percent, format_percent_against
from utils.i18n import t
from utils.metrics.attainment import Facts
from utils.metrics.indicators import Indicator
from utils.report.press_release import is_met, target_scope

STATUSES = ("below", "met", "above_100", "no_target", "no_data")
"""Status keys, in legend order."""
COLOURS = {"below": BELOW[1], "met": AT_OR_ABOVE[0], "above_100": AT_OR_ABOVE[1],
           "no_target": "#8c8c8c", "no_data": NO_DATA_COLOUR}
TRACK = "#ececec"
MARK = "#111111"
VALUE_COLUMN = 76
"""Pixels right of a bullet chart's plot for its value labels (``99,3995 %``)."""


def scale_max(*values: float | None) -> float:
    """Upper end of a coverage scale: 100, or past the largest value in steps of 10.

    Examples
    --------
    >>> scale_max(67.7, 50), scale_max(100.89, 99.3), scale_max(None, 123.4)
    (100, 110, 130)
    """
    known = [float(v) for v in values if v is not None and not pd.isna(v)]
    top = max(known, default=0.0)
    return 100 if top <= 100 else max(110, math.ceil(top / 10) * 10)


def status(percent: float | None, target: float | None, meets: bool | None) -> str:
    """One of :data:`STATUSES` for a value, its target and whether it is met."""
    if percent is None or pd.isna(percent):
        return "no_data"
    if target is None or pd.isna(target) or meets is None or pd.isna(meets):
        return "no_target"
    if not meets:
        return "below"
    return "above_100" if percent > 100 else "met"


def angle(value: float, top: float) -> float:
    """Angle in radians on a semicircle from ``-π/2`` (0) to ``π/2`` (``top``)."""
    share = min(max(float(value), 0.0), top) / top
    return -math.pi / 2 + math.pi * share


def gauge_arcs(value: float | None, target: float | None, state: str,
               radius: float = 110, width: float = 34) -> pd.DataFrame:
    """Arc pieces of a gauge: track, value, 100 % mark and target tick.

    Returns
    -------
    pandas.DataFrame
        ``part, t0, t1, r0, r1, colour``; angles in radians.
    """
    return pd.DataFrame(arc_rows(value, target, state, radius, width),
                        columns=["part", "t0", "t1", "r0", "r1", "colour"])


def arc_rows(value: float | None, target: float | None, state: str,
             radius: float = 110, width: float = 34) -> list[dict]:
    """:func:`gauge_arcs` as plain records (what a spec carries inline)."""
    top = scale_max(value, target)
    inner = radius - width
    rows = [("track", -math.pi / 2, math.pi / 2, inner, radius, TRACK)]
    if value is not None and not pd.isna(value):
        rows.append(("value", -math.pi / 2, angle(value, top), inner, radius, COLOURS[state]))
    if top > 100:
        hundred = angle(100, top)
        rows.append(("hundred", hundred - 0.006, hundred + 0.006, inner, radius, "#666666"))
    if target is not None and not pd.isna(target):
        mark = angle(target, top)
        rows.append(("target", mark - 0.012, mark + 0.012, inner - 8, radius + 8, MARK))
    keys = ("part", "t0", "t1", "r0", "r1", "colour")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def gauge(value: float | None, target: float | None, state: str, texts: dict[str, str],
          width: int = 340, height: int = 236) -> alt.LayerChart:
    """A semicircle gauge with the value in large type and the target marked.

    Parameters
    ----------
    value, target : float or None
        Coverage and target in percent (either may be missing).
    state : str
        One of :data:`STATUSES` (see :func:`status`); sets the arc colour.
    texts : dict
        ``title``, ``value`` (large, e.g. ``100,89 %``), ``status`` (e.g.
        ``kurang 12.847 jiwa``), ``target`` (e.g. ``Target nasional: 99,30 %``),
        ``low`` and ``high`` (scale ends), ``tooltip``.
    width, height : int
        Size in pixels; every text is drawn inside (no Vega title, whose
        height some hosts cut from the plot).

    Returns
    -------
    altair.LayerChart
    """
    cx, cy = width / 2, height - 66
    arcs = gauge_arcs(value, target, state, radius=min(cx - 24, cy - 44))
    arcs["tooltip"] = texts.get("tooltip", "")
    base = alt.Chart(arcs).mark_arc().encode(
        theta=alt.Theta("t0:Q", scale=None), theta2="t1",
        radius=alt.Radius("r1:Q", scale=None), radius2="r0",
        color=alt.Color("colour:N", scale=None),
        x=alt.value(cx), y=alt.value(cy), tooltip=alt.Tooltip("tooltip:N", title=None),
    )
    outer, inner = float(arcs["r1"].iloc[0]), float(arcs["r0"].iloc[0])
    side = (outer + inner) / 2
    words = pd.DataFrame([
        {"x": cx, "y": 14, "text": texts.get("title", ""), "size": 16, "w": "bold"},
        {"x": cx, "y": cy - 16, "text": texts.get("value", ""), "size": 34, "w": "bold"},
        {"x": cx, "y": cy + 20, "text": texts.get("status", ""), "size": 15, "w": "normal"},
        {"x": cx, "y": cy + 44, "text": texts.get("target", ""), "size": 13, "w": "normal"},
        {"x": cx - side, "y": cy + 12, "text": texts.get("low", "0"), "size": 11,
         "w": "normal"},
        {"x": cx + side, "y": cy + 12, "text": texts.get("high", ""), "size": 11,
         "w": "normal"},
    ])
    layers = [base]
    for weight in ("bold", "normal"):
        part = words[words["w"] == weight]
        layers.append(alt.Chart(part).mark_text(baseline="middle", fontWeight=weight,
                                                color="#222222").encode(
            x=alt.X("x:Q", scale=None), y=alt.Y("y:Q", scale=None), text="text:N",
            size=alt.Size("size:Q", scale=None, legend=None)))
    return (alt.layer(*layers).properties(width=width, height=height)
            .configure_view(stroke=None))


def bullet(table: pd.DataFrame, labels: dict[str, str], width: int | str = "container",
           row_height: int = 24) -> alt.LayerChart:
    """Bullet chart: one bar per region in ``table`` order, target ticks, 100 % line.

    Parameters
    ----------
    table : pandas.DataFrame
        ``name``, ``percent``, ``target``, ``status`` (a :data:`STATUSES`
        key) and preformatted ``percent_text``, ``target_text``, ``gap_text``,
        ``status_text``; rows without data keep a missing ``percent``.
    labels : dict
        ``region``, ``percent``, ``target``, ``gap``, ``status``, ``axis``
        and one text per status key (legend).
    width : int or "container"
        Chart width.
    row_height : int
        Pixels per region.

    Returns
    -------
    altair.LayerChart
    """
    data = table.copy()
    data["status_label"] = [labels[s] for s in data["status"]]
    top = fit_top(data["percent"].max(), data["target"].max())
    data["x_text"] = top  # values in a column right of the plot: never on a bar, tick or rule
    data["shown"] = [p if pd.notna(v) else labels["no_data"]
                     for p, v in zip(data["percent_text"], data["percent"], strict=True)]
    low = axis_start(data["percent"].min(), data["target"].min())
    order = list(data["name"])
    used = [s for s in STATUSES if s in set(data["status"])]
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=0, labelFontSize=13))
    x_scale = alt.Scale(domain=[low, top], nice=False, clamp=True)
    tips = [alt.Tooltip("name:N", title=labels["region"]),
            alt.Tooltip("percent_text:N", title=labels["percent"]),
            alt.Tooltip("target_text:N", title=labels["target"]),
            alt.Tooltip("gap_text:N", title=labels["gap"]),
            alt.Tooltip("status_label:N", title=labels["status"])]
    bars = alt.Chart(data).mark_bar(height=row_height * 0.6).encode(
        y=y, x=alt.X("percent:Q", scale=x_scale, title=labels["axis"],
                     axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=12)),
        x2=alt.datum(low),
        color=alt.Color("status_label:N", title=None,
                        scale=alt.Scale(domain=[labels[s] for s in used],
                                        range=[COLOURS[s] for s in used]),
                        legend=alt.Legend(orient="top", labelFontSize=13, labelLimit=0,
                                          columns=2)),
        tooltip=tips)
    ticks = alt.Chart(data[data["target"].notna()]).mark_tick(
        color=MARK, thickness=3, size=row_height * 0.9).encode(
        y=y, x=alt.X("target:Q", scale=x_scale), tooltip=tips)
    values = alt.Chart(data).mark_text(align="left", dx=8, fontSize=12, color="#222222").encode(
        y=y, x=alt.X("x_text:Q", scale=x_scale), text="shown:N")
    layers = [bars, ticks, values]
    if top > 100:
        layers.insert(1, alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(
            strokeDash=[4, 3], color="#666666").encode(x=alt.X("x:Q", scale=x_scale)))
    return (alt.layer(*layers)
            .properties(width=width, height=row_height * max(len(data), 1),
                        padding={"left": 5, "top": 5, "bottom": 5, "right": VALUE_COLUMN})
            .configure_view(stroke=None))


def fit_top(*values: float | None) -> float:
    """Where a bullet chart's axis ends: 100, or the next whole percent past the
    largest value or target (a scale to 110 for 100,86 % left 45 % of it empty).

    Examples
    --------
    >>> fit_top(100.86, 99.4), fit_top(97.2, 99.4), fit_top(None, 60.0), fit_top(103.0, 99.4)
    (101, 100, 100, 103)
    """
    known = [float(v) for v in values if v is not None and not pd.isna(v)]
    top = max(known, default=0.0)
    return 100 if top <= 100 else math.ceil(top)


def axis_start(*values: float | None) -> float:
    """Where a bullet chart's axis starts: 0, or closer to the values when all
    are high (coverage around a 99 % target would otherwise look identical).

    Examples
    --------
    >>> axis_start(96.5, 99.3), axis_start(41.3, 40.0), axis_start(None, None)
    (90, 0, 0)
    """
    known = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not known or min(known) < 60:
        return 0
    return int(min(known) - 5) // 10 * 10


def bullet_height(rows: int, row_height: int = 24) -> int:
    """Pixels a bullet chart needs: its rows plus legend and axis."""
    return row_height * max(rows, 1) + 140


def gauge_texts(facts: Facts, indicator: Indicator, lang: str) -> dict[str, str]:
    """Texts of one gauge from the summary numbers (see :func:`gauge`)."""
    target = facts.target
    state = status(facts.percent, target.percent if target else None,
                   None if facts.percent is None else is_met(facts))
    words = {"below": (t("targets.gauge_gap", lang, gap=format_number(facts.gap, lang))
                       if facts.gap else t("targets.gauge_below", lang)),
             "met": t("targets.gauge_above" if target and facts.percent
                      and facts.percent > target.percent else "targets.gauge_equal", lang),
             "no_target": t("targets.gauge_no_target", lang),
             "no_data": t("targets.gauge_no_data", lang)}
    words["above_100"] = words["met"]
    top = scale_max(facts.percent, target.percent if target else None)
    shown = format_percent_against(facts.percent, target.percent if target else None, lang,
                                   meets=None if state in ("no_target", "no_data")
                                   else state != "below")
    texts = {"title": indicator.label(lang), "value": shown,
             "status": words[state], "low": "0", "high": format_percent(top, lang, 0),
             "target": upper_first(t("targets.gauge_target", lang,
                                     scope=target_scope(target.scope, lang), year=target.year,
                                     percent=format_percent(target.percent, lang)))
             if target else "", "state": state}
    if facts.numerator is not None and facts.denominator is not None:
        texts["tooltip"] = t("targets.gauge_count", lang,
                             numerator=format_number(facts.numerator, lang),
                             denominator=format_number(facts.denominator, lang))
    return texts


def upper_first(text: str) -> str:
    """``national target …`` → ``National target …`` (a label starts a line)."""
    return text[:1].upper() + text[1:]


def bullet_rows(per_region: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add ``status`` and the preformatted texts :func:`bullet` shows."""
    out = per_region.copy()
    out["status"] = [status(p, tg, None if pd.isna(m) else bool(m))
                     for p, tg, m in zip(out["percent"], out["target"], out["meets"],
                                         strict=True)]
    out["percent_text"] = [format_percent_against(v, tg, lang, None if pd.isna(m) else bool(m))
                           for v, tg, m in zip(out["percent"], out["target"], out["meets"],
                                               strict=True)]
    out["target_text"] = [format_percent(v, lang) for v in out["target"]]
    out["gap_text"] = [format_number(None if pd.isna(g) else int(g), lang) for g in out["gap"]]
    return out


def bullet_labels(lang: str) -> dict[str, str]:
    """Texts :func:`bullet` needs, in ``lang``."""
    labels = {key: t(f"targets.col.{key}", lang)
              for key in ("region", "percent", "target", "gap", "status")}
    labels.update({key: t(f"targets.status.{key}", lang) for key in STATUSES})
    labels["axis"] = t("legend.coverage", lang)
    return labels
