"""Count shapes: how each indicator's counts come out of a file's columns.

A file may write both counts, a count and the rest (``belum``), a count and
its percent, a count beside another indicator's denominator, or the percent
alone. :func:`indicator_shapes` reads which from the column mapping; the value
checks (:mod:`utils.ingest.value_checks`) then know what is written and what
must be derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from utils.ingest import columns as cols
from utils.metrics.indicators import Indicator


@dataclass(frozen=True)
class Shape:
    """How one indicator's counts come out of the file's columns.

    ``kind`` is ``counts`` (numerator and denominator), ``shared`` (the
    denominator column of another indicator, field ``denominator``),
    ``remaining`` (denominator = sudah + belum), ``percent`` (denominator =
    count ÷ percent, derived) or ``percent_only`` (no counts are stored).
    """

    kind: str
    denominator: str | None = None


def indicator_shapes(mapping: dict[int, str],
                     shared: dict[str, str] | None = None) -> dict[str, Shape]:
    """Each importable indicator's :class:`Shape`, from the column mapping.

    ``shared`` maps an indicator to the field holding its shared denominator
    (``{"ikd": "ktp_el.denominator"}``).
    """
    out: dict[str, Shape] = {}
    for indicator, roles in cols.indicators_mapped(mapping).items():
        if "numerator" in roles and "denominator" in roles:
            out[indicator] = Shape("counts", f"{indicator}.denominator")
        elif "numerator" in roles and (shared or {}).get(indicator):
            out[indicator] = Shape("shared", (shared or {})[indicator])
        elif "numerator" in roles and "remaining" in roles:
            out[indicator] = Shape("remaining")
        elif "numerator" in roles and "percent" in roles:
            out[indicator] = Shape("percent")
        elif "percent" in roles and "numerator" not in roles:
            out[indicator] = Shape("percent_only")
    return out


def complete_indicators(mapping: dict[int, str],
                        shared: dict[str, str] | None = None) -> list[str]:
    """Indicators the file can import: both counts, a count and what gives its
    denominator (belum, a shared column, the percent), or the percent alone."""
    return list(indicator_shapes(mapping, shared))


def shared_fields(mapping: dict[int, str], indicators: dict[str, Indicator]) -> dict[str, str]:
    """Indicator → field of the denominator it shares (``columns.shared_denominators``)."""
    found = cols.shared_denominators(mapping, indicators)
    return {i: mapping[c] for i, c in found.items() if mapping.get(c, "").endswith(".denominator")}
