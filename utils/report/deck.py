"""Briefing slides for a projector: which slides, in what order, and what is on each (pure).

A briefing covers one scope (Indonesia, one province, or one regency compared
over its kecamatan) and one period. It shows one slide per indicator (map,
gauge, the headline figure and a short written summary), then one slide per
indicator listing the regions below target (largest gap in people first), then
a scenario slide when one is chosen. A regency's deck keeps the regency's own
figure as its headline (the one every view shows) and lists its kecamatan
below target (:func:`utils.metrics.attainment.kecamatan_facts`). Figures come
from :func:`utils.metrics.attainment.scope_facts`, sentences
from :mod:`utils.report.press_release`, so the slides say exactly what the targets page
says. Sizing a slide for a viewport and turning a chart into a PNG or SVG
file are :mod:`utils.charts.projector`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from utils.charts.gauges import gauge_texts, upper_first
from utils.formatting import format_number, format_percent, format_percent_against
from utils.i18n import t
from utils.metrics import attainment, change, coverage
from utils.metrics import whatif as scenario
from utils.metrics import whatif_state as choices
from utils.metrics.attainment import SCOPE_NATIONAL, SCOPE_REGENCY, Facts, KecamatanLevel
from utils.metrics.indicators import Indicator
from utils.metrics.regions import REGENCY, regency_rows
from utils.metrics.regions import names as region_names
from utils.metrics.targets import scope_level, target_for
from utils.report import completeness
from utils.report import press_release as prose
from utils.report.whatif import month_label

MAX_ROWS = 12
"""Regions listed on a below-target slide before the rest are counted."""
NATIONAL = "ID"
"""Query-parameter value of the national scope."""
MOVES = {"next": 1, "prev": -1}


@dataclass(frozen=True)
class Row:
    """A region below its target on a below-target slide; ``history`` is its
    comparable coverage up to the slide's period, ``(period, percent)`` oldest
    first (:func:`utils.metrics.change.history`), for a sparkline."""

    name: str
    percent: float
    target: float
    gap: int | None
    history: tuple[tuple[str, float], ...] = ()


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


def scope_code(text: str | None, codes: list[str]) -> str | None:
    """Province or regency code from the ``scope`` query parameter when it is one of
    ``codes``; ``None`` (Indonesia) otherwise.

    Examples
    --------
    >>> scope_code("64", ["64", "65"]), scope_code("ID", ["64"]), scope_code("99", ["64"])
    ('64', None, None)
    >>> scope_code("64.02", ["64", "64.02"])
    '64.02'
    """
    return text if text in codes else None


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
    """Footnote: a partial figure or one without sums (first: it qualifies the
    headline), how many kecamatan have data, why coverage can pass 100 %, and
    which regions have no data."""
    parts = [completeness.sentences(facts, lang), prose.kecamatan_sentence(facts, lang),
             prose.above_100_sentence(facts, indicator, lang), prose.missing_sentence(facts, lang)]
    return " ".join(p for p in parts if p)


def indicator_slide(facts: Facts, indicator: Indicator, lang: str) -> Slide:
    """Map, gauge, headline figure and summary of one indicator."""
    texts = completeness.gauge_marks(facts, gauge_texts(facts, indicator, lang), lang)
    if facts.percent is None and prose.by_kecamatan(facts):  # a regency partial by kecamatan
        present, total = prose.kecamatan_counts(facts)
        texts["status"] = t("kec_brief_status_partial", lang, units=prose.units(facts, lang),
                            present=present, total=total)
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
    if facts.scope_level == SCOPE_REGENCY and not prose.by_kecamatan(facts):
        return replace(base, lines=(t("kec_brief_no_kecamatan", lang),))
    if not facts.with_data:
        return replace(base, lines=(t("briefing.below_no_data", lang),))
    if not rows:  # said in words, never a giant "38 / 38"
        cov = attainment.scope_coverage(facts)
        key = "scope.below_all" if cov.members >= cov.members_total else "scope.below_all_with_data"
        lines = [t(key, lang, count=facts.with_data, units=units)]
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
                    percent=format_percent_against(facts.lowest.percent, facts.target.percent,
                                                   lang),
                )
            )
        return replace(base, lines=tuple(lines), state="met")
    gaps = [r.gap for r in rows if r.gap is not None]
    total = attainment.people_below(facts)
    # a sum of the gaps that can be computed says it is not everyone's (percent-only rows)
    unknown = completeness.gap_unknown_sentence(facts.below, lang)
    rest = len(rows) - limit
    lines = [t("briefing.below_count", lang, count=len(rows), total=facts.with_data, units=units)]
    if gaps and (unknown or facts.without_counts):
        lines.insert(0, t("briefing.below_people_partial", lang, known=len(gaps), units=units))
    elif gaps:
        lines.insert(0, t("briefing.below_people", lang, units=units))
    lines += [upper_first(note) for note in (unknown, completeness.facts_note(facts, lang)) if note]
    if shared_target(rows) is not None:
        lines.append(t("briefing.target", lang, percent=format_percent(rows[0].target, lang)))
    return replace(
        base,
        headline=format_number(total, lang) if gaps and total is not None else str(len(rows)),
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
    kecamatan: KecamatanLevel | None = None,
    unmapped: Collection[str] = (),
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
        ``None`` for Indonesia, a province code, or a regency code (its
        kecamatan are compared when ``kecamatan`` is given).
    lang : str
        ``"id"`` or ``"en"``.
    kecamatan : KecamatanLevel, optional
        The kecamatan reference and rows (only a regency's deck reads them).
    unmapped : collection of str
        Codes of the regency's kecamatan its map file has no shape for: named
        under the map as without a boundary (their figures stay in the text).

    Returns
    -------
    list of Slide
        One indicator slide per indicator, then one below-target slide per
        indicator (a scenario slide is appended by the page when chosen).
    """
    facts = {ind: attainment.level_facts(table, regions, targets, ind, period, code, kecamatan)[0]
             for ind in indicators}
    missing = unmapped_note(code, kecamatan, unmapped, lang)
    return [with_note(indicator_slide(facts[i], indicators[i], lang), missing)
            for i in indicators] + [
        with_history(below_slide(facts[i], indicators[i], lang), table, regions, code, period,
                     kecamatan)
        for i in indicators
    ]


def unmapped_note(code: str | None, kecamatan: KecamatanLevel | None, unmapped: Collection[str],
                  lang: str) -> str:
    """``Tanpa batas wilayah (…): Kecamatan X.`` for a regency's kecamatan without a
    shape on its map (``""`` when every one has a shape)."""
    if not code or kecamatan is None or not unmapped:
        return ""
    members = attainment.kecamatan_in_scope(kecamatan.reference, code)
    names = list(members.loc[members["code"].isin(list(unmapped)), "name"])
    return t("kec_brief_unmapped", lang, names=prose.join_names(names, lang)) if names else ""


def with_note(slide: Slide, note: str) -> Slide:
    """``slide`` with ``note`` added to its footnote."""
    return replace(slide, note=" ".join(p for p in (slide.note, note) if p)) if note else slide


def with_history(slide: Slide, table: pd.DataFrame, regions: pd.DataFrame, code: str | None,
                 period: str, kecamatan: KecamatanLevel | None = None) -> Slide:
    """``slide`` with each listed region's :attr:`Row.history` filled in.

    The rows name regions of the scope (provinces of Indonesia, regencies of
    a province, kecamatan of a regency), whose names are unique within it; a
    name the scope does not hold exactly once gets no history rather than
    another region's.
    """
    if not slide.rows or slide.indicator is None:
        return slide
    if code and kecamatan is not None and scope_level(code) == SCOPE_REGENCY:
        members = attainment.kecamatan_in_scope(kecamatan.reference, code)
        # a kecamatan's figure is its own row, as a regency's is (no sum to compare)
        table, regions = kecamatan.rows, members.assign(level=REGENCY)
        scope, level = members, "regency"
    else:
        scope = attainment.regions_in_scope(regions, code)
        level = "regency" if code else "province"
    once = scope[~scope["name"].duplicated(keep=False)]
    by_name = dict(zip(once["name"], once["code"], strict=True))
    lines = change.history(table, regions, slide.indicator, level,
                           [by_name[r.name] for r in slide.rows if r.name in by_name], period)
    rows = tuple(replace(r, history=tuple(lines.get(by_name.get(r.name, ""), [])))
                 for r in slide.rows)
    return replace(slide, rows=rows)


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
        Count only the regencies of this province, or this regency (``None``:
        all Indonesia).
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
    base = choices.defaults(nationals, scenario.months_to_year_end(period), next(iter(indicators)))
    names = region_names(regions)
    chosen = choices.from_dict(record.get("scenario", {}), base, list(indicators), set(names))
    results = {i: scenario.evaluate(bases[i], chosen, i) for i in indicators if i in bases}
    if code:
        column = "code" if scope_level(code) == SCOPE_REGENCY else "province_code"
        results = {i: r[r[column] == code] for i, r in results.items()}
    totals = {i: scenario.totals(r) for i, r in results.items()}
    deadline = month_label(period, chosen.months, lang)
    focus = chosen.indicator if chosen.indicator in totals else next(iter(totals))
    scope = (
        prose.region_name(names.get(code, code), scope_level(code), lang)
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
    table: pd.DataFrame,
    regions: pd.DataFrame,
    indicator: str,
    period: str,
    code: str | None,
    kecamatan: KecamatanLevel | None = None,
) -> pd.DataFrame:
    """Rows of the scope for :func:`utils.charts.choropleth.choropleth` (missing stays
    missing): the regencies of Indonesia or of a province; for a regency, its
    kecamatan when ``kecamatan`` is given (the kecamatan map), else the regencies
    of its province (the regency among its neighbours). A kecamatan's
    ``province_name`` is its regency's name (the tooltip's second line)."""
    if code and scope_level(code) == SCOPE_REGENCY and kecamatan is not None:
        members = attainment.kecamatan_in_scope(kecamatan.reference, code)
        name = region_names(regions).get(code, code)
        rows = coverage.select(kecamatan.rows, indicator, period)
        return members[["code", "name"]].assign(province_name=name).merge(rows, on="code",
                                                                         how="left")
    regs = regency_rows(regions, code[:2] if code else None)
    rows = coverage.select(table, indicator, period)
    return regs[["code", "name", "province_name"]].merge(rows, on="code", how="left")


def province_of(code: str | None) -> str | None:
    """The province a scope's tile grid shows: the scope's own, a regency's province.

    Examples
    --------
    >>> province_of(None), province_of("64"), province_of("64.02")
    (None, '64', '64')
    """
    return code[:2] if code else None


def map_name(code: str | None, kecamatan: bool = False) -> str:
    """The map file of a scope: ``national.topo.json``, ``province/64.topo.json``;
    a regency's kecamatan (``kecamatan/64.02.topo.json``) or, without them, its
    province's map.

    Examples
    --------
    >>> map_name(None), map_name("64"), map_name("64.02", True), map_name("64.02")
    ('national.topo.json', 'province/64.topo.json', 'kecamatan/64.02.topo.json', \
'province/64.topo.json')
    """
    if not code:
        return "national.topo.json"
    if kecamatan and scope_level(code) == SCOPE_REGENCY:
        return f"kecamatan/{code}.topo.json"
    return f"province/{code[:2]}.topo.json"


def map_labels(indicator: Indicator, lang: str, kecamatan: bool = False) -> dict[str, str]:
    """The texts :func:`utils.charts.choropleth.choropleth` needs; on a regency's
    kecamatan map a region is a kecamatan and its ``province_name`` the regency
    (:func:`map_values`)."""
    english = lang == "en"
    return {
        "legend": t("briefing.legend", lang),
        "no_data": t("briefing.no_data_region", lang),
        "region": t("kec_brief_col_kecamatan" if kecamatan else "briefing.col_region", lang),
        "province": t("kec_brief_col_regency" if kecamatan else "briefing.col_province", lang),
        "percent": t("briefing.col_percent", lang),
        "numerator": indicator.numerator_en if english else indicator.numerator_id,
        "denominator": indicator.denominator_en if english else indicator.denominator_id,
    }


def slide_gauge_texts(facts: Facts, indicator: Indicator, lang: str) -> dict[str, str]:
    """Gauge texts for the slide: only the scale ends, since the value, status
    and target are written beside it in large type."""
    texts = gauge_texts(facts, indicator, lang)
    return {**texts, "title": "", "value": "", "status": "", "target": ""}


def export_title(slide: Slide, lang: str) -> str:
    """Title of a slide's chart in a file: ``Perekaman KTP-el — Indonesia · per …``,
    marked as demo data when it is."""
    title = t("briefing.export_title", lang, title=slide.title, subtitle=slide.subtitle)
    return t("briefing.export_demo", lang, title=title) if slide.is_demo else title


def file_name(slide: Slide, chart: str, period: str, code: str | None, fmt: str) -> str:
    """``capaian_ktp_el_peta_ID_2025-06-30.png``: what, where, when."""
    return f"capaian_{slide.indicator or slide.kind}_{chart}_{code or NATIONAL}_{period}.{fmt}"
