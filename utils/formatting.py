"""Numbers as each language writes them: ``2.948.162`` / ``100,89 %`` in Indonesian."""

from __future__ import annotations

import math

SEPARATORS = {"id": (".", ","), "en": (",", ".")}
"""Language → (thousands separator, decimal separator)."""


def _swap(text: str, lang: str) -> str:
    thousands, decimal = SEPARATORS.get(lang, SEPARATORS["id"])
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_number(value: float | None, lang: str = "id", decimals: int = 0) -> str:
    """Format a count or amount with grouped thousands.

    Examples
    --------
    >>> format_number(2948162)
    '2.948.162'
    >>> format_number(2948162, "en")
    '2,948,162'
    >>> format_number(None)
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap(f"{value:,.{decimals}f}", lang)


def format_percent(value: float | None, lang: str = "id", decimals: int = 2) -> str:
    """Format a percentage with a space before the sign; above 100 stays as is.

    Examples
    --------
    >>> format_percent(100.894)
    '100,89 %'
    >>> format_percent(100.894, "en")
    '100.89 %'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value, lang, decimals)} %"


def d3_locale(lang: str) -> dict:
    """A d3-format locale for Vega-Lite charts in ``lang``."""
    thousands, decimal = SEPARATORS.get(lang, SEPARATORS["id"])
    return {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["Rp", ""]}
