"""How complete a figure is, in words (pure).

Imported tables may hold a denominator derived from a published percent, a
percent without any counts, or only some of a province's regencies (see
:mod:`utils.metrics.coverage`). Every page says so where it shows such a
figure: ``dihitung dari persentase (± 31 jiwa)``, ``tidak dapat dihitung: 1
kabupaten/kota hanya berisi persen``, ``sebagian: 2 dari 10 kabupaten/kota``.
Numbers come from :class:`~utils.metrics.attainment.Facts` and the map's rows;
nothing is computed here beyond choosing the words. Templates are the
``region.figure.*`` texts (and ``data.derived.*`` for how a figure was obtained).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from utils.formatting import format_number
from utils.i18n import t
from utils.metrics import coverage
from utils.metrics.attainment import SCOPE_REGENCY, Facts, Shortfall
from utils.metrics.map_view import derived_marks

PERCENT_ONLY = "percent_only"
"""The mark of a row holding only a percent (:func:`utils.metrics.map_view.derived_marks`)."""


def _count(value: Any) -> int | None:
    """A whole number, or ``None`` for a missing one (``None``, NaN, ``<NA>``)."""
    return None if value is None or pd.isna(value) else int(value)


def partial(present: Any, total: Any, lang: str) -> str:
    """``sebagian: 2 dari 10 kabupaten/kota`` when some but not all regencies
    have a row; ``""`` for a complete or unknown coverage and for no data at all
    (which pages call "no data", never "partial").

    Examples
    --------
    >>> partial(2, 10, "id"), partial(10, 10, "id"), partial(None, 10, "en"), partial(0, 10, "id")
    ('sebagian: 2 dari 10 kabupaten/kota', '', '', '')
    """
    have, whole = _count(present), _count(total)
    if not have or not whole or have >= whole:
        return ""
    return t("region.figure.partial", lang, present=have, total=whole)


def uncounted(count: Any, lang: str) -> str:
    """``tidak dapat dihitung: 3 kabupaten/kota hanya berisi persen`` (``""`` for none).

    Examples
    --------
    >>> uncounted(3, "en"), uncounted(0, "id")
    ('cannot be computed: 3 regencies/cities hold only a percent', '')
    """
    number = _count(count)
    return t("region.figure.uncounted", lang, count=number) if number else ""


def derived(mark: Any, margin: Any, lang: str) -> str:
    """How a row's figure was obtained, in words; ``""`` when read as written.

    Examples
    --------
    >>> derived("percent", 31.0, "id")
    'dihitung dari persentase (± 31 jiwa)'
    >>> derived("percent_only", None, "en"), derived("", 0.0, "id")
    ('percent only (no counts)', '')
    """
    if mark is None or pd.isna(mark) or not str(mark):
        return ""
    text = t(f"data.derived.{mark}", lang)
    people = None if margin is None or pd.isna(margin) else float(margin)
    if mark == coverage.DERIVED_PERCENT and people is not None:
        return t("region.figure.margin", lang, text=text, margin=format_number(people, lang))
    return text


def facts_notes(facts: Facts, lang: str) -> list[str]:
    """Short notes on a scope's figure: rows without counts, then partial coverage."""
    if facts.scope_level == SCOPE_REGENCY:
        return [t("region.figure.percent_only", lang)] if facts.without_counts else []
    notes = [uncounted(facts.without_counts, lang),
             partial(facts.regions_present, facts.regions_total, lang)]
    return [n for n in notes if n]


def facts_note(facts: Facts, lang: str) -> str:
    """:func:`facts_notes` in one line (``""`` for a complete figure from counts)."""
    return "; ".join(facts_notes(facts, lang))


def sentences(facts: Facts, lang: str) -> str | None:
    """Sentences for a summary: the sums cannot be computed, the figure is partial."""
    parts = []
    if facts.without_counts and facts.scope_level == SCOPE_REGENCY:
        parts.append(t("region.figure.percent_only_sentence", lang))
    elif facts.without_counts:
        parts.append(t("region.figure.uncounted_sentence", lang, count=facts.without_counts))
    if partial(facts.regions_present, facts.regions_total, lang):
        parts.append(t("region.figure.partial_sentence", lang, present=facts.regions_present,
                       total=facts.regions_total))
    return " ".join(parts) or None


def unknown_gaps(below: Iterable[Shortfall]) -> int:
    """Regions below target whose gap in people is unknown (they hold only a percent)."""
    return sum(1 for row in below if row.gap is None)


def gap_unknown_sentence(below: Iterable[Shortfall], lang: str) -> str | None:
    """``Kekurangan dalam jiwa tidak dapat dihitung untuk 2 kabupaten/kota …`` or ``None``."""
    count = unknown_gaps(below)
    return t("region.figure.gap_unknown", lang, count=count) if count else None


def row_notes(rows: pd.DataFrame, lang: str) -> pd.Series:
    """Per region of the map: how its figure was obtained and how complete it is.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`utils.metrics.map_view.view_table` rows (``percent``, counts, and
        when present ``derived``, ``derived_margin``, ``without_counts``,
        ``regions_present``, ``regions_total``).
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    pandas.Series
        Text per row, ``""`` for a figure read as written from complete data.
    """
    marks = derived_marks(rows)
    margins = rows["derived_margin"] if "derived_margin" in rows.columns else pd.Series(
        float("nan"), index=rows.index)
    notes = [[derived(m, g, lang)] for m, g in zip(marks, margins, strict=True)]
    if "without_counts" in rows.columns:
        for note, count in zip(notes, rows["without_counts"], strict=True):
            note.append(uncounted(count, lang))
    if "regions_total" in rows.columns:
        for note, have, whole in zip(notes, rows["regions_present"], rows["regions_total"],
                                     strict=True):
            note.append(partial(have, whole, lang))
    return pd.Series(["; ".join(n for n in note if n) for note in notes], index=rows.index,
                     dtype=object)


def table_notes(frame: pd.DataFrame, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The map's table (:func:`utils.metrics.map_view.table_frame`) with its
    ``derived`` codes written out in ``lang``, and a province whose rows lack
    counts marked there too (``tidak dapat dihitung: …``); unchanged when
    every figure is complete and read as written."""
    out = frame.copy()
    extra = ([uncounted(c, lang) for c in rows["without_counts"]]
             if "without_counts" in rows.columns else [""] * len(out))
    if "derived" not in out.columns and not any(extra):
        return out
    words = ([derived(m, None, lang) for m in out["derived"]] if "derived" in out.columns
             else [""] * len(out))
    out["derived"] = ["; ".join(w for w in pair if w) for pair in zip(words, extra, strict=True)]
    return out


def listed(names: Iterable[str], notes: Iterable[str], lang: str, limit: int = 8) -> list[str]:
    """``Kota Samarinda — dihitung dari persentase (± 31 jiwa)`` for each region with a
    note, the first ``limit`` of them, then ``… wilayah lainnya`` for the rest."""
    items = [f"{name} — {note}" for name, note in zip(names, notes, strict=True) if note]
    if len(items) <= limit:
        return items
    return [*items[:limit], t("map.notes_more", lang, count=len(items) - limit)]


def gauge_marks(facts: Facts, texts: dict[str, str], lang: str) -> dict[str, str]:
    """A gauge's texts (:func:`utils.charts.gauges.gauge_texts`) that say when its
    figure cannot be computed (rather than "no data") and, in the tooltip, when it
    is partial or lacks counts."""
    out = dict(texts)
    if facts.percent is None and facts.without_counts:
        out["status"] = t("region.figure.cannot", lang)
    note = facts_note(facts, lang)
    if note:
        out["tooltip"] = "; ".join(part for part in (texts.get("tooltip", ""), note) if part)
    return out
