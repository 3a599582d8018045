"""Briefing slides for a projector: which slides, in what order, and what is on each (pure).

A briefing covers one scope (Indonesia or one province) and one period. It
shows one slide per indicator (map, gauge, the headline figure and a short
written summary), then one slide per indicator listing the regions below
target (largest gap in people first), then a scenario slide when one is
chosen. Figures come from :func:`utils.metrics.attainment.scope_facts`, sentences
from :mod:`utils.report.press_release`, so the slides say exactly what the targets page
says. This module also sizes the slide for a viewport and turns a chart into
a PNG or SVG file for the office's slide deck.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import altair as alt
import pandas as pd

from utils.charts.choropleth import BELOW
from utils.charts.gauges import gauge_texts
from utils.formatting import format_number, format_percent
from utils.i18n import t
from utils.metrics import attainment, coverage
from utils.metrics import whatif as scenario
from utils.metrics.attainment import SCOPE_NATIONAL, Facts
from utils.metrics.indicators import Indicator
from utils.metrics.targets import target_for
from utils.report import press_release as prose

MAX_ROWS = 12
"""Regions listed on a below-target slide before the rest are counted."""
NATIONAL = "ID"
"""Query-parameter value of the national scope."""
MOVES = {"next": 1, "prev": -1}
GAP = 64
"""Pixels between the slide's two columns (Streamlit's "large" gap, 4 rem)."""
INK = "#111111"
"""Text colour on the white slide (contrast 18.9 : 1)."""
FONT = '"Source Sans", "Source Sans Pro", sans-serif'
"""Chart font: the app's own, any sans-serif where it is missing (files)."""
BAR = BELOW[0]
"""Bar colour of the gap chart (#b35806, contrast 4.9 : 1 on white)."""


@dataclass(frozen=True)
class Row:
    """A region below its target on a below-target slide."""

    name: str
    percent: float
    target: float
    gap: int | None


@dataclass(frozen=True)
class Slide:
    """What one slide shows; the page draws it, charts are built from ``facts``.

    ``kind`` is ``"indicator"``, ``"below"`` or ``"scenario"``. ``headline``
    is the figure in the largest type; ``lines`` are the short lines under it;
    ``table`` is a header row and rows of text (the scenario's figures).
    """

    kind: str
    indicator: str | None
    title: str
    subtitle: str
    headline: str = ""
    lines: tuple[str, ...] = ()
    text: str = ""
    note: str = ""
    rows: tuple[Row, ...] = ()
    more: str = ""
    table: tuple[tuple[str, ...], ...] = ()
    state: str = ""
    is_demo: bool = False
    facts: Facts | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Layout:
    """Pixel sizes of a slide's charts for one viewport.

    ``wide`` puts the summary under the map (a wide map such as Indonesia),
    otherwise beside it; ``split`` is the map column's share of the width.
    ``map_width`` × ``map_height`` is the map itself, its legend comes on
    top. ``font`` is the chart text size (legend, axis).
    """

    wide: bool
    split: float
    map_width: int
    map_height: int
    gauge_width: int
    gauge_height: int
    bars_height: int
    font: int


# --- navigation and query parameters -----------------------------------------------------


def move(index: int, total: int, action: str) -> int:
    """The slide shown after ``action`` (``next``, ``prev``, ``first``, ``last``).

    Stays on the first and last slide instead of wrapping round (a clicker
    pressed once too often must not jump back to the start).

    Examples
    --------
    >>> move(0, 6, "next"), move(5, 6, "next"), move(0, 6, "prev"), move(2, 6, "last")
    (1, 5, 0, 5)
    """
    if total <= 0:
        return 0
    if action == "first":
        return 0
    if action == "last":
        return total - 1
    return min(max(index + MOVES.get(action, 0), 0), total - 1)


def slide_index(text: str | None, total: int) -> int:
    """0-based index from the 1-based ``slide`` query parameter, kept in range.

    Examples
    --------
    >>> slide_index("3", 6), slide_index("99", 6), slide_index("x", 6), slide_index(None, 6)
    (2, 5, 0, 0)
    """
    try:
        number = int(str(text))
    except ValueError:
        return 0
    return min(max(number, 1), max(total, 1)) - 1


def scope_code(text: str | None, province_codes: list[str]) -> str | None:
    """Province code from the ``scope`` query parameter; ``None`` (Indonesia) otherwise.

    Examples
    --------
    >>> scope_code("64", ["64", "65"]), scope_code("ID", ["64"]), scope_code("99", ["64"])
    ('64', None, None)
    """
    return text if text in province_codes else None


def pick_period(text: str | None, periods: list[str]) -> str | None:
    """The requested period if there is data for it, else the latest; ``None`` if none."""
    if text in periods:
        return text
    return max(periods) if periods else None


# --- slide content ---------------------------------------------------------------------------


def scope_title(facts: Facts, lang: str) -> str:
    """``Indonesia`` or ``Provinsi Kalimantan Timur`` / ``Kalimantan Timur Province``."""
    if facts.scope_level == SCOPE_NATIONAL:
        return t("briefing.indonesia", lang)
    return prose.region_name(facts.scope_name, facts.scope_level, lang)


def subtitle(facts: Facts, lang: str) -> str:
    """``Indonesia · per 30 Juni 2025``."""
    return t(
        "briefing.subtitle",
        lang,
        scope=scope_title(facts, lang),
        when=prose.when(facts.period, lang),
    )


def slide_summary(facts: Facts, indicator: Indicator, lang: str) -> str:
    """The summary's sentences that fit a slide (the list of regions below
    target has a slide of its own; the demo mark is on every slide)."""
    parts = [
        prose.headline(facts, indicator, lang),
        prose.extremes_sentence(facts, lang),
        prose.count_sentence(facts, lang),
        prose.rank_sentence(facts, lang),
        prose.change_sentence(facts, lang),
    ]
    return " ".join(p for p in parts if p)


def slide_note(facts: Facts, indicator: Indicator, lang: str) -> str:
    """Footnote: why coverage can pass 100 %, and which regions have no data."""
    parts = [prose.above_100_sentence(facts, indicator, lang), prose.missing_sentence(facts, lang)]
    return " ".join(p for p in parts if p)


def indicator_slide(facts: Facts, indicator: Indicator, lang: str) -> Slide:
    """Map, gauge, headline figure and summary of one indicator."""
    texts = gauge_texts(facts, indicator, lang)
    lines = tuple(line for line in (texts["status"], texts["target"]) if line)
    return Slide(
        kind="indicator",
        indicator=indicator.id,
        title=indicator.label(lang),
        subtitle=subtitle(facts, lang),
        headline=texts["value"],
        lines=lines,
        text=slide_summary(facts, indicator, lang),
        note=slide_note(facts, indicator, lang),
        state=texts["state"],
        is_demo=facts.is_demo,
        facts=facts,
    )


def below_rows(facts: Facts) -> tuple[Row, ...]:
    """Regions below target, the most people missing first (unknown gaps last,
    then lowest coverage first)."""
    rows = [Row(s.name, s.percent, s.target, s.gap) for s in facts.below]
    return tuple(sorted(rows, key=lambda r: (r.gap is None, -(r.gap or 0), r.percent, r.name)))


def below_slide(facts: Facts, indicator: Indicator, lang: str, limit: int = MAX_ROWS) -> Slide:
    """The regions of the scope below target, with the people still missing.

    At most ``limit`` regions are listed, the rest are counted (``dan 3
    provinsi lainnya``); the headline is the people missing in all of them.
    """
    rows = below_rows(facts)
    units = prose.units(facts, lang)
    title = t("briefing.below_title", lang, indicator=indicator.label(lang))
    base = Slide(
        kind="below",
        indicator=indicator.id,
        title=title,
        subtitle=subtitle(facts, lang),
        is_demo=facts.is_demo,
        facts=facts,
    )
    if facts.target is None:
        return replace(base, lines=(t("briefing.below_no_target", lang, year=facts.period[:4]),))
    if not facts.with_data:
        return replace(base, lines=(t("briefing.below_no_data", lang),))
    if not rows:
        lines = [t("briefing.below_none", lang, units=units)]
        if facts.lowest is not None:
            lines.append(
                t(
                    "briefing.lowest",
                    lang,
                    names=prose.join_names(
                        [
                            prose.region_name(n, prose.member_level(facts), lang)
                            for n in facts.lowest.names
                        ],
                        lang,
                    ),
                    percent=format_percent(facts.lowest.percent, lang),
                )
            )
        return replace(base, headline=f"{facts.meeting} / {facts.with_data}", lines=tuple(lines))
    gaps = [r.gap for r in rows if r.gap is not None]
    rest = len(rows) - limit
    lines = [t("briefing.below_count", lang, count=len(rows), total=facts.with_data, units=units)]
    if gaps:
        lines.insert(0, t("briefing.below_people", lang, units=units))
    if shared_target(rows) is not None:
        lines.append(t("briefing.target", lang, percent=format_percent(rows[0].target, lang)))
    return replace(
        base,
        headline=format_number(sum(gaps), lang) if gaps else str(len(rows)),
        lines=tuple(lines),
        rows=rows[:limit],
        more=t("briefing.more", lang, count=rest, units=units) if rest > 0 else "",
    )


def shared_target(rows: tuple[Row, ...]) -> float | None:
    """The target when every listed region has the same one, else ``None``."""
    targets = {r.target for r in rows}
    return targets.pop() if len(targets) == 1 else None


def deck(
    table: pd.DataFrame,
    regions: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: Mapping[str, Indicator],
    period: str,
    code: str | None,
    lang: str,
) -> list[Slide]:
    """Every slide of a briefing for one scope and period.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table (regency rows, all periods and indicators).
    regions, targets : pandas.DataFrame
        The region reference and the targets registry.
    indicators : mapping
        Indicator id → definition, in the order the slides follow.
    period : str
        ISO period.
    code : str or None
        ``None`` for Indonesia or a province code.
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of Slide
        One indicator slide per indicator, then one below-target slide per
        indicator (a scenario slide is appended by the page when chosen).
    """
    facts = {
        ind: attainment.scope_facts(table, regions, targets, ind, period, code)[0]
        for ind in indicators
    }
    return [indicator_slide(facts[i], indicators[i], lang) for i in indicators] + [
        below_slide(facts[i], indicators[i], lang) for i in indicators
    ]


def scenario_slide(
    record: Mapping[str, Any],
    bases: Mapping[str, pd.DataFrame],
    period: str,
    targets: pd.DataFrame,
    regions: pd.DataFrame,
    indicators: Mapping[str, Indicator],
    code: str | None,
    lang: str,
    is_demo: bool = False,
) -> Slide:
    """A saved what-if scenario (:mod:`utils.ingest.saved_scenarios`) in one slide.

    Parameters
    ----------
    record : mapping
        A saved record (``name`` and ``scenario``, see :func:`utils.metrics.whatif.to_dict`).
    bases : mapping
        Indicator id → :func:`utils.metrics.whatif.baseline` of ``period``.
    period : str
        The baseline period (the scenario runs from there to its deadline).
    targets, regions : pandas.DataFrame
        The targets registry and region reference.
    indicators : mapping
        Indicator id → definition.
    code : str or None
        Count only the regencies of this province (``None``: all Indonesia).
    lang : str
        ``"id"`` or ``"en"``.
    is_demo : bool
        Whether the baseline is demo data.

    Returns
    -------
    Slide
        Headline: regencies meeting the scenario's target at the deadline for
        the scenario's own indicator; a table of every indicator (target,
        meeting now with the targets in force, meeting at the deadline, people
        still missing then) and a line on outreach and growth.
    """
    year = int(period[:4])
    nationals = {
        i: found.percent if (found := target_for(targets, i, year, None)) else None
        for i in indicators
    }
    base = scenario.defaults(nationals, scenario.months_to_year_end(period), next(iter(indicators)))
    names = dict(zip(regions["code"], regions["name"], strict=True))
    chosen = scenario.from_dict(record.get("scenario", {}), base, list(indicators), set(names))
    results = {i: scenario.evaluate(bases[i], chosen, i) for i in indicators if i in bases}
    if code:
        results = {i: r[r["province_code"] == code] for i, r in results.items()}
    totals = {i: scenario.totals(r) for i, r in results.items()}
    deadline = scenario.month_label(period, chosen.months, lang)
    focus = chosen.indicator if chosen.indicator in totals else next(iter(totals))
    scope = (
        prose.region_name(names.get(code, code), attainment.SCOPE_PROVINCE, lang)
        if code
        else t("briefing.indonesia", lang)
    )
    header = (
        t("briefing.col_indicator", lang),
        t("briefing.col_target", lang),
        t("briefing.col_now", lang),
        t("briefing.col_end", lang, date=deadline),
        t("briefing.col_gap", lang),
    )
    rows = tuple(
        (
            indicators[i].label(lang),
            format_percent(chosen.targets.get(i), lang)
            if i in chosen.targets
            else t("briefing.in_force", lang),
            f"{tot.meeting_base} / {tot.with_data}",
            f"{tot.meeting_end} / {tot.with_data}",
            format_number(tot.gap_end, lang),
        )
        for i, tot in totals.items()
    )
    settings = [
        t(
            "briefing.scenario_settings",
            lang,
            outreach=format_number(chosen.outreach, lang),
            growth=format_percent(chosen.growth, lang, 1),
        )
    ]
    if chosen.scope:
        settings.append(
            t("briefing.scenario_override", lang, name=names.get(chosen.scope, chosen.scope))
        )
    return Slide(
        kind="scenario",
        indicator=focus,
        title=t("briefing.scenario_title", lang, name=record.get("name", "")),
        subtitle=t(
            "briefing.scenario_sub",
            lang,
            scope=scope,
            base=prose.format_date(period, lang),
            date=deadline,
        ),
        headline=f"{totals[focus].meeting_end} / {totals[focus].with_data}",
        lines=(
            t(
                "briefing.scenario_meeting",
                lang,
                date=deadline,
                indicator=prose.label(indicators[focus], lang, lower=True),
            ),
            t("briefing.scenario_base", lang, count=totals[focus].meeting_base),
        ),
        table=(header, *rows),
        text=" ".join(settings),
        is_demo=is_demo,
    )


# --- charts ----------------------------------------------------------------------------------


def map_values(
    table: pd.DataFrame, regions: pd.DataFrame, indicator: str, period: str, code: str | None
) -> pd.DataFrame:
    """Regency rows of the scope for :func:`utils.charts.choropleth.choropleth` (missing stays
    missing)."""
    regs = regions[regions["level"] == "regency"]
    if code:
        regs = regs[regs["province_code"] == code]
    rows = coverage.select(table, indicator, period)
    return regs[["code", "name", "province_name"]].merge(rows, on="code", how="left")


def map_labels(indicator: Indicator, lang: str) -> dict[str, str]:
    """The texts :func:`utils.charts.choropleth.choropleth` needs."""
    english = lang == "en"
    return {
        "legend": t("briefing.legend", lang),
        "no_data": t("briefing.no_data_region", lang),
        "region": t("briefing.col_region", lang),
        "province": t("briefing.col_province", lang),
        "percent": t("briefing.col_percent", lang),
        "numerator": indicator.numerator_en if english else indicator.numerator_id,
        "denominator": indicator.denominator_en if english else indicator.denominator_id,
    }


def slide_gauge_texts(facts: Facts, indicator: Indicator, lang: str) -> dict[str, str]:
    """Gauge texts for the slide: only the scale ends, since the value, status
    and target are written beside it in large type."""
    texts = gauge_texts(facts, indicator, lang)
    return {**texts, "title": "", "value": "", "status": "", "target": ""}


def gap_chart(
    rows: tuple[Row, ...], lang: str, width: int, height: int, font: int
) -> alt.LayerChart:
    """Horizontal bars of the people missing per region (largest first).

    Each bar is labelled with the people missing and the coverage against
    the target, in ``font`` pixels; regions whose gap is unknown get no bar
    but keep their label.
    """
    key = "briefing.bar_label" if shared_target(rows) is not None else "briefing.bar_target"
    data = pd.DataFrame(
        [
            {
                "name": r.name,
                "gap": r.gap,
                "label": t(
                    key,
                    lang,
                    gap=format_number(r.gap, lang),
                    percent=format_percent(r.percent, lang),
                    target=format_percent(r.target, lang),
                ),
            }
            for r in rows
        ]
    )
    order = list(data["name"])
    top = max([r.gap for r in rows if r.gap is not None], default=1) or 1
    y = alt.Y(
        "name:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelFontSize=font,
            labelLimit=width * 0.4,
            labelColor=INK,
            domain=False,
            ticks=False,
            labelPadding=font * 0.5,
        ),
    )
    x = alt.X("gap:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top * 1.9]))
    bars = alt.Chart(data).mark_bar(color=BAR, height=alt.RelativeBandSize(0.7)).encode(y=y, x=x)
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=font * 0.4, fontSize=font * 0.9, color=INK)
        .encode(
            y=y, x=alt.X("gap:Q", scale=alt.Scale(domain=[0, top * 1.9]), axis=None), text="label:N"
        )
    )
    return (
        alt.layer(bars, text)
        .properties(width=width, height=height)
        .configure(font=FONT, view=alt.ViewConfig(stroke=None))
    )


def for_slide(spec: dict, font: int, width: int, columns: int = 4) -> dict:
    """Copy of a map spec for a slide: legends in ``font`` pixels over
    ``columns`` columns (a projector needs larger type than a desk screen),
    and a plot of exactly ``width`` pixels with the legend added around it,
    so the projection is fitted to the space it is drawn in and never cropped.
    """

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            legend = out.get("legend")
            if isinstance(legend, dict):
                out["legend"] = {
                    **legend,
                    "labelFontSize": font,
                    "titleFontSize": font,
                    "symbolSize": font * font * 0.9,
                    "columns": columns,
                    "columnPadding": font,
                    "rowPadding": font * 0.4,
                    "titleOrient": "top",
                    "labelLimit": font * 16,
                    "labelColor": INK,
                    "titleColor": INK,
                }
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(spec)
    out["width"] = width
    out["autosize"] = {"type": "pad", "contains": "padding"}  # a host adds "fit" when unset
    config = dict(out.get("config", {}))
    config.pop("autosize", None)
    out["config"] = config
    return out


# --- layout ---------------------------------------------------------------------------------


def map_aspect(bbox: list[float] | tuple[float, ...]) -> float:
    """Width ÷ height of a ``[west, south, east, north]`` box in Mercator.

    Examples
    --------
    >>> round(map_aspect([95.0, -11.0, 141.0, 5.9]), 2)
    2.71
    """
    west, south, east, north = bbox

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    height = y(north) - y(south)
    return math.radians(east - west) / height if height > 0 else 1.0


def layout(width: int, height: int, aspect: float) -> Layout:
    """Chart sizes for a ``width`` × ``height`` viewport and a map of ``aspect``.

    The page's text is sized in viewport units (``vh``); charts need pixels,
    so they are derived here from the same viewport, for the page's margins
    (2.5 % of the width each side) and column gap (:data:`GAP` pixels). A
    map at least 1.8 times as wide as high leaves room for the summary under it.
    """
    vh = height / 100
    wide = aspect >= 1.8
    split = 0.6 if wide else 0.45
    column = (width * 0.95 - GAP) * split - 8
    other = (width * 0.95 - GAP) * (1 - split) - 8
    room = 74 * vh - 12 * vh - (24 * vh if wide else 0)  # legend above, summary below
    map_height = max(min(room, column / aspect), 20 * vh)
    # Wide: the gauge has the text column to itself; tall: it sits beside the figure.
    # Its height keeps the arc as wide as the chart (utils.charts.gauges keeps 66 px below it).
    gauge_width = int(min(other, 54 * vh) if wide else min(other * 0.38, 44 * vh))
    return Layout(
        wide=wide,
        split=split,
        map_width=int(min(column, map_height * aspect)),
        map_height=int(map_height),
        gauge_width=gauge_width,
        gauge_height=int(gauge_width / 2 + 90),
        bars_height=int(62 * vh),
        font=max(int(2.2 * vh), 13),
    )


# --- downloads ------------------------------------------------------------------------------


def inline_geometry(spec: dict, topology: dict) -> dict:
    """Copy of ``spec`` with every URL data source replaced by ``topology``
    inline, so a renderer without access to the app's address can draw it."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            if "url" in out and "format" in out:
                out.pop("url")
                out["values"] = topology
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def export_spec(
    spec: dict, width: int, height: int | None = None, title: str = "", topology: dict | None = None
) -> dict:
    """A chart spec ready to render to a file: fixed size, titled, data inline.

    ``"container"`` sizes need a web page; a file needs pixels. The
    projection is fitted to ``width`` × ``height`` and the legend and title
    are added around it (a "fit" autosize would crop the map's edge).
    """
    out = inline_geometry(spec, topology) if topology is not None else dict(spec)
    out["width"] = width
    if height is not None:
        out["height"] = height
    config = dict(out.get("config", {}))
    config.pop("autosize", None)
    config["background"] = "#ffffff"
    out["config"] = config
    out.pop("autosize", None)
    if title:
        out["title"] = {
            "text": title,
            "fontSize": 22,
            "anchor": "start",
            "color": INK,
            "offset": 14,
        }
    return out


def render(spec: dict, fmt: str, converter: Callable[..., Any] | None = None) -> bytes:
    """Render a Vega-Lite spec to ``png`` (twice the pixels, for a sharp slide) or ``svg``.

    Uses ``vl-convert`` (no browser); ``converter`` replaces it in tests.
    """
    if converter is None:
        import vl_convert  # imported on first download only (it is large)

        converter = vl_convert
    if fmt == "png":
        return converter.vegalite_to_png(spec, scale=2)
    if fmt == "svg":
        return converter.vegalite_to_svg(spec).encode("utf-8")
    raise ValueError(f"unknown image format: {fmt}")


def file_name(slide: Slide, chart: str, period: str, code: str | None, fmt: str) -> str:
    """``capaian_ktp_el_peta_ID_2025-06-30.png``: what, where, when."""
    return f"capaian_{slide.indicator or slide.kind}_{chart}_{code or NATIONAL}_{period}.{fmt}"
