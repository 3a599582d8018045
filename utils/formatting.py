"""Numbers as each language writes them: ``2.948.162`` / ``100,89 %`` in Indonesian."""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal

from utils.i18n import t

SEPARATORS = {"id": (".", ","), "en": (",", ".")}
"""Language → (thousands separator, decimal separator)."""


def _swap(text: str, lang: str) -> str:
    thousands, decimal = SEPARATORS.get(lang, SEPARATORS["id"])
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def _figure(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` when there is no figure to show
    (``None``, NaN, ``pd.NA``, infinity, a number too large for a float, text)."""
    if not isinstance(value, numbers.Real | Decimal):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def format_number(value: float | None, lang: str = "id", decimals: int = 0) -> str:
    """Format a count or amount with grouped thousands.

    Examples
    --------
    >>> format_number(2948162)
    '2.948.162'
    >>> format_number(2948162, "en")
    '2,948,162'
    >>> format_number(None), format_number(float("inf"))
    ('–', '–')
    """
    number = _figure(value)
    if number is None:
        return "–"
    shown = value if isinstance(value, int) else number  # ints stay exact
    return _swap(f"{shown:,.{decimals}f}", lang)


def format_percent(value: float | None, lang: str = "id", decimals: int = 2) -> str:
    """Format a percentage with a space before the sign; above 100 stays as is.

    Examples
    --------
    >>> format_percent(100.894)
    '100,89 %'
    >>> format_percent(100.894, "en")
    '100.89 %'
    """
    if _figure(value) is None:
        return "–"
    return f"{format_number(value, lang, decimals)} %"


MAX_DECIMALS = 6
"""Decimals :func:`percent_decimals` goes up to before it rounds towards the truth."""


def _below(value: float, target: float, meets: bool | None) -> bool:
    return (not meets) if meets is not None else value < target


def percent_decimals(value: float | None, target: float | None, meets: bool | None = None,
                     decimals: int = 2) -> int:
    """Decimals that show ``value`` on the same side of ``target`` as its status.

    The one rounding rule of every figure shown beside a target: ``decimals``
    as usual, one more (and so on, up to :data:`MAX_DECIMALS`) whenever rounding
    would put the figure on the target or on its other side.

    Parameters
    ----------
    value, target : float or None
        The figure and its target in percent (``None``: the usual decimals).
    meets : bool or None
        The figure's status when known (from the counts, which decide it);
        ``None``: read from ``value >= target``.
    decimals : int
        The usual number of decimals.

    Examples
    --------
    >>> percent_decimals(99.3995, 99.4), percent_decimals(99.41, 99.4), percent_decimals(None, 99)
    (4, 2, 2)
    >>> percent_decimals(99.996, 100.0), percent_decimals(100.0, 100.0, meets=True)
    (3, 2)
    """
    if value is None or target is None or _figure(value) is None or _figure(target) is None:
        return decimals
    below = _below(value, target, meets)
    for places in range(decimals, MAX_DECIMALS + 1):
        if (float(f"{value:.{places}f}") < target) == below:
            return places
    return MAX_DECIMALS


def format_percent_against(value: float | None, target: float | None, lang: str = "id",
                           meets: bool | None = None, decimals: int = 2) -> str:
    """:func:`format_percent` with the decimals of :func:`percent_decimals`, so a
    shown figure never contradicts its status (``99,3995 %`` below a 99,40 %
    target, never ``99,40 %``). Past :data:`MAX_DECIMALS` the figure is cut
    towards its own side of the target.

    Examples
    --------
    >>> format_percent_against(99.3995, 99.4), format_percent_against(100.894, 99.3, "en")
    ('99,3995 %', '100.89 %')
    >>> format_percent_against(99.39999999, 99.4)
    '99,399999 %'
    """
    places = percent_decimals(value, target, meets, decimals)
    if value is None or target is None or _figure(value) is None or _figure(target) is None:
        return format_percent(value, lang, places)
    shown = float(f"{value:.{places}f}")
    if (shown < target) != _below(value, target, meets):
        step = 10 ** places
        cut = math.floor if _below(value, target, meets) else math.ceil
        shown = cut(value * step) / step if math.isfinite(value * step) else value
    return format_percent(shown, lang, places)


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
