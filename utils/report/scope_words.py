"""What a figure covers, in words: the one rule of what a figure may be called (pure).

A figure is called national (or provincial) only when it covers the nation (or
the province): every regency has data (:func:`utils.metrics.attainment.scope_coverage`).
Otherwise every view names what it covers: the one province that has data
(``Kalimantan Timur``), or the scope with how many regencies have data
(``Indonesia (10 dari 514 kabupaten/kota berdata)``); counts and ranks say
among how many regions with data (``3 dari 5 berdata``).
"""

from __future__ import annotations

from utils.i18n import t
from utils.metrics.attainment import SCOPE_NATIONAL, Facts, ScopeCoverage, scope_coverage


def scope_name(cov: ScopeCoverage, lang: str) -> str:
    """The scope's own name: ``Indonesia`` or the region's official name."""
    return t("briefing.indonesia", lang) if cov.scope_level == SCOPE_NATIONAL else cov.scope_name


def scope_label(cov: ScopeCoverage, lang: str) -> str:
    """What a scope's figure covers, as a headline names it.

    Examples
    --------
    >>> from utils.metrics.attainment import ScopeCoverage
    >>> whole = ScopeCoverage("national", "Indonesia", True, 514, 514, 38, 38, None)
    >>> one = ScopeCoverage("national", "Indonesia", False, 10, 514, 1, 38, "Kalimantan Timur")
    >>> some = ScopeCoverage("national", "Indonesia", False, 30, 514, 2, 38, None)
    >>> scope_label(whole, "id"), scope_label(one, "id"), scope_label(some, "id")
    ('Indonesia', 'Kalimantan Timur', 'Indonesia (30 dari 514 kabupaten/kota berdata)')
    """
    name = scope_name(cov, lang)
    if cov.complete:
        return name
    if cov.only is not None and cov.regions_present is not None and cov.regions_total:
        return cov.only
    if cov.regions_present is not None and cov.regions_total:
        return t("scope.partial", lang, name=name, present=cov.regions_present,
                 total=cov.regions_total)
    return name


def scope_short(cov: ScopeCoverage, lang: str) -> str:
    """The scope's name alone, for a line that states the coverage itself
    (``Angka Kalimantan Timur: sebagian: 2 dari 10 …``): the one province the
    data lies in, else the scope's own name.

    Examples
    --------
    >>> from utils.metrics.attainment import ScopeCoverage
    >>> one = ScopeCoverage("national", "Indonesia", False, 10, 514, 1, 38, "Kalimantan Timur")
    >>> some = ScopeCoverage("national", "Indonesia", False, 30, 514, 2, 38, None)
    >>> scope_short(one, "id"), scope_short(some, "id")
    ('Kalimantan Timur', 'Indonesia')
    """
    return cov.only if cov.only is not None and not cov.complete else scope_name(cov, lang)


def facts_label(facts: Facts, lang: str) -> str:
    """:func:`scope_label` of a scope's :class:`~utils.metrics.attainment.Facts`."""
    return scope_label(scope_coverage(facts), lang)


def among(count: int, with_data: int, total: int, lang: str) -> str:
    """``3 dari 5`` when all ``total`` regions have data, else ``3 dari 5 berdata``.

    Examples
    --------
    >>> among(1, 1, 38, "id"), among(15, 38, 38, "id"), among(1, 1, 38, "en")
    ('1 dari 1 berdata', '15 dari 38', '1 of 1 with data')
    """
    key = "scope.among" if with_data >= total else "scope.among_with_data"
    return t(key, lang, count=count, total=with_data)


def units_among(units: str, with_data: int, total: int, lang: str) -> str:
    """``provinsi`` or ``provinsi berdata`` (when not every region has data)."""
    return units if with_data >= total else t("scope.units_with_data", lang, units=units)


def rank_line(rank: int, ranked: int, total: int, units: str, lang: str) -> str:
    """``Peringkat nasional: 3 dari 38 provinsi``, or among how many have data
    (``Peringkat di antara 1 provinsi berdata: 1``) when not all are ranked.

    Examples
    --------
    >>> rank_line(1, 1, 38, "provinsi", "id")
    'Peringkat di antara 1 provinsi berdata: 1'
    >>> rank_line(3, 38, 38, "provinsi", "id")
    'Peringkat nasional: 3 dari 38 provinsi'
    """
    key = "scope.rank_national" if ranked >= total else "scope.rank_among"
    return t(key, lang, rank=rank, total=ranked, units=units)


def rank_value(rank: object, ranked: int, total: int | None, lang: str) -> str:
    """A rank as a metric's value: ``3 dari 38`` or ``1 dari 1 berdata``."""
    key = "targets.rank_value" if total is None or ranked >= total else "scope.rank_value_among"
    return t(key, lang, rank=rank, total=ranked)
