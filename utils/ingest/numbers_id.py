"""Numbers as Indonesian offices write them, and as spreadsheets store them.

Indonesian writes ``2.948.162`` (dot groups thousands) and ``100,89`` (comma
marks decimals); exports from English software write ``2,948,162`` and
``100.89``. A lone separator followed by exactly three digits (``2.948``) is
ambiguous; :func:`infer_decimal` settles it from the other values of the same
column, and count columns (integers) read it as a thousands separator.

A number is read only when it is finite: a text too long for a float (400
digits) is not a number, never infinity. What a count of people may be is
bounded here too (:func:`count_problem`), once for the importer and the store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

BLANKS = {"", "-", "–", "—", "n/a", "na", "nan", "none", "null", "#n/a"}
GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
SPACES = re.compile(r"[\s\u00a0\u202f']+")


MAX_REGENCY_COUNT = 20_000_000
"""Most people a regency/city count may hold. The largest regency, Kabupaten
Bogor, has about 5,6 million residents (BPS 2024); 20 million leaves room for
growth yet refuses a column read wrong (a total, a code, an amount in rupiah).
It also keeps a province summed from its regencies (at most 38 of them, Jawa
Timur) under 760 million, well inside the 32-bit integers the map sends."""
MAX_PROVINCE_COUNT = 100_000_000
"""Most people a province count may hold: Jawa Barat, the largest, has about
50 million residents (BPS 2024); twice that is not a province."""
MAX_PERCENT = 200.0
"""Highest coverage percentage the store keeps: the importer refuses any above
150 % (:data:`utils.ingest.value_checks.MAX_RATIO`); 200 leaves room for rounding."""


class NumberError(ValueError):
    """A cell that should hold a number holds something else."""


def count_limit(code: str) -> int:
    """Most people a count of region ``code`` may hold (a regency code has a dot).

    Examples
    --------
    >>> count_limit("64.74"), count_limit("64")
    (20000000, 100000000)
    """
    return MAX_REGENCY_COUNT if "." in str(code) else MAX_PROVINCE_COUNT


def count_problem(value: float, code: str = "") -> str | None:
    """Why ``value`` cannot be a count of people of region ``code``, or ``None``.

    Returns
    -------
    str or None
        ``"implausible"`` (not finite, or above :func:`count_limit`),
        ``"negative"`` or ``"not_whole"`` (people come in whole numbers).

    Examples
    --------
    >>> count_problem(2948162.0, "64"), count_problem(float("inf")), count_problem(1.5)
    (None, 'implausible', 'not_whole')
    """
    if not math.isfinite(value) or abs(value) > count_limit(code):
        return "implausible"
    if value < 0:
        return "negative"
    return None if float(value).is_integer() else "not_whole"


def _clean(text: str) -> tuple[str, bool]:
    """Strip spaces, a percent sign and a sign; return (digits, negative)."""
    text = SPACES.sub("", text.strip())
    text = text.removesuffix("%").removeprefix("+")
    negative = False
    if text.startswith(("-", "−")):
        negative, text = True, text[1:]
    elif text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    return text, negative


def _single_separator(text: str, sep: str, decimal: str | None, integer: bool) -> float:
    """Value of ``text`` holding ``sep`` (``.`` or ``,``) exactly once."""
    head, tail = text.split(sep)
    if decimal is None:
        ambiguous = len(tail) == 3 and head not in {"", "0"}
        # Indonesian convention: dot groups thousands, comma marks decimals.
        grouping = integer or sep == "."
        decimal = ("," if sep == "." else ".") if ambiguous and grouping else sep
    if sep == decimal:
        return float(f"{head or '0'}.{tail}")
    if len(tail) != 3 or not 1 <= len(head) <= 3:
        raise NumberError(text)
    return float(head + tail)


def _both_separators(text: str) -> float:
    """Value of ``text`` holding both ``.`` and ``,``: the last one is decimal."""
    decimal = "," if text.rfind(",") > text.rfind(".") else "."
    thousands = "." if decimal == "," else ","
    whole, _, fraction = text.rpartition(decimal)
    if not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", whole) or not fraction.isdigit():
        raise NumberError(text)
    return float(f"{whole.replace(thousands, '')}.{fraction}")


def _parse_text(text: str, decimal: str | None, integer: bool) -> float:
    digits, negative = _clean(text)
    if not digits or not re.fullmatch(r"[\d.,]+", digits):
        raise NumberError(text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        value = _both_separators(digits)
    elif dots + commas == 0:
        value = float(digits)
    elif dots + commas == 1:
        value = _single_separator(digits, "." if dots else ",", decimal, integer)
    elif GROUPED.match(digits):
        value = float(digits.replace("." if dots else ",", ""))
    else:
        raise NumberError(text)
    return -value if negative else value


def parse_number(value: object, decimal: str | None = None, integer: bool = False) -> float | None:
    """Read one cell as a number.

    Parameters
    ----------
    value : object
        Cell content: text as typed, or an ``int``/``float`` from a workbook.
    decimal : {",", ".", None}
        Decimal separator of the column when known (see :func:`infer_decimal`).
    integer : bool
        The column holds counts: a lone separator followed by three digits
        groups thousands (``2.948`` and ``2,948`` are both 2948).

    Returns
    -------
    float or None
        ``None`` for an empty cell or a dash; otherwise finite (``-0`` reads 0).

    Raises
    ------
    NumberError
        The cell holds text that is not a number, or a number no float can
        hold (infinity, or hundreds of digits).

    Examples
    --------
    >>> parse_number("2.948.162"), parse_number("100,89%"), parse_number("100.89")
    (2948162.0, 100.89, 100.89)
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise NumberError(str(value))
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int of hundreds of digits
            raise NumberError(str(value)[:20]) from None
        return None if math.isnan(number) else _finite(number, str(value))
    text = str(value)
    if text.strip().lower() in BLANKS:
        return None
    return _finite(_parse_text(text, decimal, integer), text)


def _finite(number: float, text: str) -> float:
    """``number`` when finite (``-0`` as 0), else :class:`NumberError`."""
    if not math.isfinite(number):
        raise NumberError(text[:20])
    return number + 0.0


def _evidence(text: str) -> str | None:
    """Which decimal separator one written number proves, if any."""
    digits, _ = _clean(text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        return "," if digits.rfind(",") > digits.rfind(".") else "."
    if dots > 1:
        return ","
    if commas > 1:
        return "."
    if dots + commas == 1:
        sep = "." if dots else ","
        if len(digits.split(sep)[1]) != 3 or digits.startswith(("0", sep)):
            return sep
    return None


def infer_decimal(values: Iterable[object]) -> str | None:
    """Decimal separator a column's texts agree on, or ``None`` when unknown.

    Examples
    --------
    >>> infer_decimal(["2.948", "100,5"]), infer_decimal(["1,234.5"]), infer_decimal(["12"])
    (',', '.', None)
    """
    seen = {_evidence(v) for v in values if isinstance(v, str) and v.strip()}
    seen.discard(None)
    return seen.pop() if len(seen) == 1 else None


def decimals_written(value: object) -> int | None:
    """Decimals as written in a text cell (``None`` for numbers from a workbook).

    Examples
    --------
    >>> decimals_written("100,89"), decimals_written("2.948.162"), decimals_written(1.5)
    (2, 0, None)
    """
    if not isinstance(value, str):
        return None
    digits, _ = _clean(value)
    match = re.search(r"([.,])(\d+)$", digits)
    if not match or digits.count(match.group(1)) > 1:
        return 0
    return len(match.group(2))
