"""Numbers as each language writes them: ``2.948.162`` / ``100,89 %`` in Indonesian."""

from __future__ import annotations

import math
import re

from utils.i18n import t

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


MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def format_date(period: str, lang: str) -> str:
    """``2022-05-15`` → ``15 Mei 2022`` / ``15 May 2022``; a bare year stays a year.

    Examples
    --------
    >>> format_date("2022-05-15", "id"), format_date("2024-12-31", "en")
    ('15 Mei 2022', '31 December 2024')
    """
    if len(period) == 4:
        return period
    year, month, day = period[:10].split("-")
    return f"{int(day)} {MONTHS.get(lang, MONTHS['id'])[int(month) - 1]} {year}"


def join_names(names: list[str], lang: str) -> str:
    """``A``, ``A dan B``, ``A, B dan C`` (``and`` in English)."""
    word = t("targets.summary.and", lang)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")
"""Characters that Markdown would read as formatting."""


def plain(text: object) -> str:
    """Text safe inside Markdown: every formatting character escaped.

    Examples
    --------
    >>> plain("a*b") == "a" + chr(92) + "*b"
    True
    """
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
