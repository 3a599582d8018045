"""The press-release summary: a few sentences written from the numbers (pure).

Templates live in ``data/i18n/{id,en}/targets.json`` (keys
``targets.summary.*``); this module only decides which sentences apply and
fills them. It never says "melampaui"/"exceeding" for a value below the
target, says so when no target is in force, and explains coverage above
100 % once whenever such a value appears. A figure from part of the scope's
regencies says so, and a sum or gap the rows' missing counts make impossible
says it cannot be computed (:mod:`utils.report.completeness`). A regency
compared over its kecamatan (:func:`utils.metrics.attainment.kecamatan_facts`)
names its highest and lowest kecamatan, those below target and those without
data; when only some kecamatan have data it says how many of how many, and
never calls their figures the regency's (texts ``kec_brief_*``).
"""

from __future__ import annotations

from utils.formatting import format_date, format_number, join_names, percent_decimals
from utils.i18n import t
from utils.metrics.attainment import (
    SCOPE_KECAMATAN,
    SCOPE_NATIONAL,
    SCOPE_PROVINCE,
    Extreme,
    Facts,
    people_below,
    percent_meets,
    scope_coverage,
)
from utils.metrics.indicators import Indicator
from utils.metrics.targets import scope_level
from utils.report import completeness, scope_words

MAX_LISTED = 10
"""Regions named one by one before the rest are counted ("and 12 more")."""


def when(period: str, lang: str) -> str:
    """``per 15 Mei 2022`` / ``as of 15 May 2022``; ``tahun 2020`` / ``in 2020``."""
    key = "targets.summary.in_year" if len(period) == 4 else "targets.summary.as_of"
    return t(key, lang, date=format_date(period, lang))


def prose_percent(value: float, lang: str, decimals: int = 2) -> str:
    """``100,89 persen`` / ``100.89 percent`` (the press-release register)."""
    return t("targets.summary.percent", lang, value=format_number(value, lang, decimals))


def target_percent(value: float, lang: str) -> str:
    """A target in prose: ``98 persen`` for whole numbers, else two decimals."""
    return prose_percent(value, lang, 0 if float(value).is_integer() else 2)


def below_percent(value: float, target: float, lang: str) -> str:
    """A value below target, with enough decimals not to read as the target
    (:func:`utils.formatting.percent_decimals`, the rule of every view)."""
    return prose_percent(value, lang, percent_decimals(value, target, False))


def region_name(name: str, level: str, lang: str) -> str:
    """Provinces get their title (``Provinsi Aceh`` / ``Aceh Province``);
    regencies already carry theirs (``Kota Bontang``)."""
    if level == SCOPE_PROVINCE:
        return t("targets.summary.province_name", lang, name=name)
    return name


def scope_phrase(facts: Facts, lang: str) -> str:
    """``Provinsi Kalimantan Timur`` / ``secara nasional`` / ``di Kota Bontang``;
    "national" only when every regency has data, else what the figure covers
    (:func:`utils.report.scope_words.scope_label`)."""
    cov = scope_coverage(facts)
    if facts.scope_level == SCOPE_NATIONAL and cov.complete:
        return t("targets.summary.scope_national", lang)
    if facts.scope_level == SCOPE_NATIONAL:
        name = (region_name(cov.only, SCOPE_PROVINCE, lang) if cov.only
                else scope_words.scope_label(cov, lang))
        return t("targets.summary.scope_region", lang, name=name)
    return t("targets.summary.scope_region", lang,
             name=region_name(facts.scope_name, facts.scope_level, lang))


def target_scope(scope: str, lang: str) -> str:
    """``nasional`` / ``provinsi`` / ``kabupaten/kota`` for a target's scope."""
    return t(f"targets.summary.target_{scope_level(scope)}", lang)


def units(facts: Facts, lang: str) -> str:
    """What the compared regions are: provinces (Indonesia), regencies, or a
    regency's kecamatan (``distrik`` in the Papua provinces)."""
    if facts.member_level == SCOPE_KECAMATAN:
        kind = "distrik" if (facts.member_kind or "").lower() == "distrik" else "kecamatan"
        return t(f"kec_brief_units_{kind}", lang)
    key = "provinces" if facts.scope_level == SCOPE_NATIONAL else "regencies"
    return t(f"targets.summary.{key}", lang)


def member_level(facts: Facts) -> str:
    """Level of the regions compared inside the scope."""
    if facts.member_level:
        return facts.member_level
    return SCOPE_PROVINCE if facts.scope_level == SCOPE_NATIONAL else "regency"


def by_kecamatan(facts: Facts) -> bool:
    """Whether the facts compare a regency's kecamatan."""
    return facts.member_level == SCOPE_KECAMATAN


def kecamatan_counts(facts: Facts) -> tuple[int, int]:
    """Kecamatan with data and all kecamatan of the regency (``3, 20``)."""
    cov = scope_coverage(facts)
    return cov.members, cov.members_total


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the word is an acronym (``KTP-el``)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label(indicator: Indicator, lang: str, lower: bool = False) -> str:
    """Indicator label, optionally with a lower-case first letter (mid-sentence)."""
    text = indicator.label(lang)
    return lower_first(text) if lower else text


def is_met(facts: Facts) -> bool | None:
    """Met the target: from counts (gap) when known, else from the percentage."""
    if facts.target is None or facts.percent is None:
        return None
    if facts.gap is not None:
        return facts.gap == 0
    return percent_meets(facts.percent, facts.target.percent)


def headline(facts: Facts, indicator: Indicator, lang: str) -> str:
    """First sentence: value, and where it stands against the target."""
    if facts.percent is None and by_kecamatan(facts):
        return unsummed_headline(facts, indicator, lang)
    if facts.percent is None:
        key = ("region.figure.headline_uncounted" if facts.without_counts
               else "targets.summary.no_data")
        return t(key, lang, indicator=label(indicator, lang),
                 scope=scope_phrase(facts, lang), when=when(facts.period, lang))
    target, met = facts.target, is_met(facts)
    value = prose_percent(facts.percent, lang, percent_decimals(
        facts.percent, target.percent if target else None, met))
    if facts.numerator is not None:
        value = t("targets.summary.value_count", lang, value=value,
                  count=format_number(facts.numerator, lang))
    opening = t("targets.summary.reached", lang, indicator=label(indicator, lang),
                scope=scope_phrase(facts, lang), when=when(facts.period, lang), value=value)
    if target is None:
        return opening + t("targets.summary.no_target", lang, year=facts.period[:4],
                           indicator=label(indicator, lang, lower=True))
    values = {"scope": target_scope(target.scope, lang),
              "target": target_percent(target.percent, lang)}
    if met and facts.percent > target.percent:
        return opening + t("targets.summary.above", lang, **values)
    if met:
        return opening + t("targets.summary.equal", lang, **values)
    if facts.gap:
        return opening + t("targets.summary.below_gap", lang,
                           gap=format_number(facts.gap, lang), **values)
    return opening + t("targets.summary.below", lang, **values)


def unsummed_headline(facts: Facts, indicator: Indicator, lang: str) -> str:
    """A regency without a figure of its own whose kecamatan have some data: it
    cannot be computed (``… baru tersedia untuk 3 dari 20 kecamatan``); the
    kecamatan figures are never given as the regency's."""
    present, total = kecamatan_counts(facts)
    key = "kec_brief_headline_partial" if present < total else "kec_brief_headline_unsummed"
    return t(key, lang, indicator=label(indicator, lang), scope=scope_phrase(facts, lang),
             when=when(facts.period, lang), units=units(facts, lang), present=present,
             total=total)


def kecamatan_sentence(facts: Facts, lang: str) -> str | None:
    """``Data per kecamatan baru tersedia untuk 3 dari 20 kecamatan.`` beside a
    regency figure of its own (``None`` when every kecamatan has data)."""
    if not by_kecamatan(facts) or facts.percent is None:
        return None
    present, total = kecamatan_counts(facts)
    if present >= total:
        return None
    return t("kec_brief_partial_sentence", lang, units=units(facts, lang), present=present,
             total=total)


def extreme_text(extreme: Extreme, facts: Facts, lang: str) -> str:
    """``Kota Bontang (102,44 persen)``; ties: ``A dan B (masing-masing 99,00 persen)``."""
    names = join_names([region_name(n, member_level(facts), lang) for n in extreme.names], lang)
    key = "targets.summary.tied_value" if len(extreme.names) > 1 else "targets.summary.one_value"
    return t(key, lang, names=names, value=prose_percent(extreme.percent, lang))


def extremes_sentence(facts: Facts, lang: str) -> str | None:
    """Highest and lowest region (skipped when only one region has data)."""
    high, low = facts.highest, facts.lowest
    if high is None or low is None or (high.names == low.names):
        return None
    if by_kecamatan(facts):
        return kecamatan_extremes(high, low, facts, lang)
    return t("targets.summary.extremes", lang, highest=extreme_text(high, facts, lang),
             lowest=extreme_text(low, facts, lang))


def kecamatan_extremes(high: Extreme, low: Extreme, facts: Facts, lang: str) -> str:
    """``Kecamatan Tenggarong mencapai 98,12 persen, tertinggi di Kabupaten Kutai
    Kartanegara; terendah Kecamatan Muara Kaman (90,01 persen).`` Among some
    kecamatan only: ``tertinggi di antara 3 dari 20 kecamatan berdata di …``."""
    present, total = kecamatan_counts(facts)
    name = region_name(facts.scope_name, facts.scope_level, lang)
    where = (t("kec_brief_where", lang, name=name) if present >= total
             else t("kec_brief_where_partial", lang, name=name, present=present, total=total,
                    units=units(facts, lang)))
    key = "kec_brief_extremes_tied" if len(high.names) > 1 else "kec_brief_extremes"
    return t(key, lang, highest=join_names(list(high.names), lang),
             value=prose_percent(high.percent, lang), where=where,
             lowest=extreme_text(low, facts, lang))


def count_sentence(facts: Facts, lang: str) -> str | None:
    """How many regions met the target (or that all did)."""
    if facts.target is None and not facts.below and not facts.meeting:
        return None
    if not facts.with_data or facts.meeting is None or (
            facts.scope_level == "regency" and not by_kecamatan(facts)):
        return None
    key = ("targets.summary.all_met" if facts.meeting == facts.with_data
           else "targets.summary.none_met" if facts.meeting == 0
           else "targets.summary.count_met")
    cov = scope_coverage(facts)
    return t(key, lang, count=facts.meeting, total=facts.with_data,
             units=scope_words.units_among(units(facts, lang), cov.members, cov.members_total,
                                           lang))


def below_sentence(facts: Facts, lang: str) -> str | None:
    """Regions below target, lowest first, each with the people still missing."""
    if not facts.below:
        return None
    items = []
    for row in facts.below[:MAX_LISTED]:
        value = below_percent(row.percent, row.target, lang)
        name = region_name(row.name, member_level(facts), lang)
        key = "targets.summary.short_item" if row.gap is None else "targets.summary.gap_item"
        items.append(t(key, lang, name=name, value=value,
                       gap=format_number(row.gap, lang)))
    listed = "; ".join(items) if len(items) > 1 else items[0]
    rest = len(facts.below) - MAX_LISTED
    if rest > 0:
        listed += "; " + t("targets.summary.and", lang) + " " + t(
            "targets.summary.more", lang, count=rest, units=units(facts, lang))
    text = t("targets.summary.below_list", lang, units=units(facts, lang), items=listed)
    total = people_below(facts)
    unknown = completeness.gap_unknown_sentence(facts.below, lang)
    if unknown:  # a total of the known gaps would read as everyone's
        text += " " + unknown
    elif total is not None and not facts.without_counts:
        text += " " + t("targets.summary.below_total", lang, gap=format_number(total, lang))
    return text


def above_100_sentence(facts: Facts, indicator: Indicator, lang: str) -> str | None:
    """One sentence on why coverage can pass 100 %, when a value does."""
    values = [facts.percent] + [e.percent for e in (facts.highest, facts.lowest) if e]
    if not any(v is not None and v > 100 for v in values):
        return None
    denominator = indicator.denominator_en if lang == "en" else indicator.denominator_id
    return t("targets.summary.above_100", lang, denominator=lower_first(denominator))


def change_sentence(facts: Facts, lang: str) -> str | None:
    """Change in percentage points since the previous period."""
    if facts.change is None or facts.previous_period is None:
        return None
    points = round(facts.change, 2)
    key = "up" if points > 0 else ("down" if points < 0 else "same")
    return t(f"targets.summary.change_{key}", lang,
             date=format_date(facts.previous_period, lang),
             points=format_number(abs(points), lang, 2))


def rank_sentence(facts: Facts, lang: str) -> str | None:
    """The province's rank among the provinces with data."""
    if facts.rank is None or not facts.rank_of:
        return None
    if facts.rank_total and facts.rank_of < facts.rank_total:
        return t("scope.rank_sentence_among", lang, rank=facts.rank, total=facts.rank_of,
                 all=facts.rank_total,
                 name=region_name(facts.scope_name, facts.scope_level, lang))
    return t("targets.summary.rank", lang, rank=facts.rank, total=facts.rank_of,
             name=region_name(facts.scope_name, facts.scope_level, lang))


def missing_sentence(facts: Facts, lang: str) -> str | None:
    """Regions without data, named (up to :data:`MAX_LISTED`)."""
    if not facts.missing:
        return None
    names = [region_name(n, member_level(facts), lang) for n in facts.missing[:MAX_LISTED]]
    rest = len(facts.missing) - MAX_LISTED
    if rest > 0:
        names.append(t("targets.summary.more", lang, count=rest, units=units(facts, lang)))
    return t("targets.summary.missing", lang, count=len(facts.missing),
             units=units(facts, lang), names=join_names(names, lang))


def summary(facts: Facts, indicator: Indicator, lang: str = "id") -> str:
    """The press-release paragraph for one indicator, scope and period.

    Parameters
    ----------
    facts : Facts
        Summary numbers (from :func:`utils.metrics.attainment.scope_facts` or by hand
        from published figures).
    indicator : Indicator
        The indicator's definition (labels, denominator wording).
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        One paragraph; demo data is marked as such at the start.
    """
    parts = [
        headline(facts, indicator, lang),
        completeness.sentences(facts, lang),
        kecamatan_sentence(facts, lang),
        extremes_sentence(facts, lang),
        count_sentence(facts, lang),
        below_sentence(facts, lang),
        above_100_sentence(facts, indicator, lang),
        rank_sentence(facts, lang),
        change_sentence(facts, lang),
        missing_sentence(facts, lang),
    ]
    text = " ".join(p for p in parts if p)
    return (t("targets.summary.demo", lang) + " " + text) if facts.is_demo else text
