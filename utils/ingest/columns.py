"""Header recognition: which spreadsheet column holds which field.

Fields are ``region.code``, ``region.name``, ``row.number`` and, for every
indicator, ``<id>.numerator``, ``<id>.denominator`` and ``<id>.percent``.
Keywords are data (``data/indicator_headers.csv``); each indicator's own
labels in ``data/indicators.csv`` are keywords too, so a new indicator is
recognised with no code change. A keyword matches a header when all its words
occur in it; words written ``!word`` must not occur. Headers holding a percent
marker (``%``, ``persen`` …) can only be percent fields, and other headers
never are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from utils.metrics.indicators import Indicator
from utils.paths import DATA_DIR

HEADERS_CSV = DATA_DIR / "indicator_headers.csv"
ROLES = ("denominator", "numerator", "percent")
REGION_FIELDS = ("row.number", "region.code", "region.name")
PERCENT_MARKERS = frozenset({"%", "persen", "persentase", "prosentase", "cakupan", "rasio"})
HEADER_SCAN = 30
"""Rows scanned from the top for the header (title rows come first)."""


@dataclass(frozen=True)
class Keyword:
    """Words that must (``words``) and must not (``absent``) be in a header."""

    words: tuple[str, ...]
    absent: tuple[str, ...] = ()

    def score(self, top: set[str], bottom: set[str]) -> int:
        """Letters matched, words of the lowest header row counting double; 0 if no match."""
        tokens = top | bottom
        if not self.words or any(w not in tokens for w in self.words):
            return 0
        if any(w in tokens for w in self.absent):
            return 0
        return sum(len(w) * (2 if w in bottom else 1) for w in self.words)


@dataclass(frozen=True)
class Vocabulary:
    """Every field's keywords; build it with :func:`load_vocabulary`."""

    keywords: dict[str, tuple[Keyword, ...]]
    indicators: tuple[str, ...] = field(default=())

    @property
    def fields(self) -> list[str]:
        """Field keys: region fields, then each indicator's three roles."""
        return list(REGION_FIELDS) + [f"{i}.{r}" for i in self.indicators for r in ROLES]


def ascii_words(text: str) -> str:
    """``text`` in ASCII: accents dropped, other non-ASCII signs (``–``) become spaces."""
    text = unicodedata.normalize("NFKD", text)
    kept = (ch if ch.isascii() else " " for ch in text if unicodedata.category(ch) != "Mn")
    return "".join(kept)


def tokens(text: object) -> list[str]:
    """Lower-case words of a header; ``%`` is a word of its own.

    Examples
    --------
    >>> tokens("JUMLAH ANAK 0-17 TH"), tokens("% REKAM")
    (['jumlah', 'anak', '0', '17', 'th'], ['%', 'rekam'])
    """
    if text is None:
        return []
    text = ascii_words(str(text)).lower().replace("%", " % ")
    return re.findall(r"%|[a-z0-9]+", text)


def parse_keyword(text: str) -> Keyword:
    """``"memiliki kia !belum"`` → words and excluded words."""
    parts = text.split()
    words = tuple(w for p in parts if not p.startswith("!") for w in tokens(p))
    absent = tuple(w for p in parts if p.startswith("!") for w in tokens(p[1:]))
    return Keyword(words, absent)


def _label_keywords(indicator: Indicator) -> dict[str, list[str]]:
    return {
        f"{indicator.id}.numerator": [indicator.numerator_id, indicator.numerator_en],
        f"{indicator.id}.denominator": [indicator.denominator_id, indicator.denominator_en],
        f"{indicator.id}.percent": [indicator.label_id, indicator.label_en],
    }


def load_vocabulary(indicators: dict[str, Indicator], path: Path = HEADERS_CSV) -> Vocabulary:
    """Read the header keywords and add each indicator's labels.

    Raises
    ------
    ValueError
        If the file names a field of an unknown indicator or role.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    found: dict[str, list[str]] = {}
    for indicator in indicators.values():
        for key, labels in _label_keywords(indicator).items():
            found.setdefault(key, []).extend(labels)
    known = set(REGION_FIELDS) | set(found)
    for row in frame.itertuples(index=False):
        field, keyword = str(row.field), str(row.keyword)  # read with dtype=str
        if field not in known:
            raise ValueError(f"{path.name}: unknown field {field!r}")
        found.setdefault(field, []).append(keyword)
    keywords = {k: tuple(parse_keyword(w) for w in words) for k, words in found.items()}
    return Vocabulary(keywords, tuple(indicators))


def field_scores(vocab: Vocabulary, top: str, bottom: str) -> dict[str, int]:
    """Score of every field that a header (upper rows ``top``, lowest row ``bottom``) matches."""
    upper, lower = set(tokens(top)), set(tokens(bottom))
    is_percent = bool((upper | lower) & PERCENT_MARKERS)
    scores = {}
    for key, keywords in vocab.keywords.items():
        if key.endswith(".percent") != is_percent:
            continue
        best = max((k.score(upper, lower) for k in keywords), default=0)
        if best:
            scores[key] = best
    return scores


def _is_bare_percent(top: str, bottom: str) -> bool:
    words = set(tokens(f"{top} {bottom}"))
    return bool(words) and words <= PERCENT_MARKERS


def recognise(vocab: Vocabulary, headers: Sequence[tuple[str, str]]) -> dict[int, str]:
    """Assign fields to columns; each field and each column at most once.

    A column only gets its best-scoring field; when another column holds that
    field with a higher score, the column stays unrecognised (it is shown, not
    dropped). A bare ``%`` column is the percentage of the indicator whose
    columns stand nearest on its left.

    Parameters
    ----------
    headers : sequence of (top, bottom)
        Per column, the text of the upper header rows and of the lowest one.

    Returns
    -------
    dict
        Column index → field key, for recognised columns only.
    """
    best: list[tuple[int, int, str]] = []
    for index, (top, bottom) in enumerate(headers):
        scores = field_scores(vocab, top, bottom)
        if scores:
            top_score = max(scores.values())
            best += [(s, index, k) for k, s in scores.items() if s == top_score]
    mapping: dict[int, str] = {}
    for _, index, key in sorted(best, key=lambda b: (-b[0], b[1])):
        if index not in mapping and key not in mapping.values():
            mapping[index] = key
    for index, (top, bottom) in enumerate(headers):
        if index not in mapping and _is_bare_percent(top, bottom):
            _assign_bare_percent(mapping, index)
    return dict(sorted(mapping.items()))


def _assign_bare_percent(mapping: dict[int, str], index: int) -> None:
    for left in range(index - 1, -1, -1):
        key = mapping.get(left, "")
        if key.endswith((".numerator", ".denominator")):
            target = key.rsplit(".", 1)[0] + ".percent"
            if target not in mapping.values():
                mapping[index] = target
            return


@dataclass(frozen=True)
class Header:
    """Where the header is: rows ``start`` to ``stop`` (exclusive), 0-based."""

    start: int
    stop: int
    columns: tuple[tuple[str, str], ...]
    mapping: dict[int, str]

    @property
    def labels(self) -> list[str]:
        """One display text per column (upper rows and lowest row joined)."""
        return [" / ".join(p for p in (top, bottom) if p) for top, bottom in self.columns]


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _fill_right(row: Sequence[object], width: int) -> list[str]:
    """Upper header row with merged-looking blanks filled from the left."""
    out, last = [], ""
    for i in range(width):
        value = _text(row[i]) if i < len(row) else ""
        last = value or last
        out.append(last)
    return out


def _span_columns(rows: Sequence[Sequence[object]], start: int, stop: int) -> list[tuple[str, str]]:
    width = max(len(r) for r in rows[start:stop])
    bottom = [_text(v) for v in rows[stop - 1]] + [""] * width
    uppers = [_fill_right(rows[i], width) for i in range(start, stop - 1)]
    columns = []
    for c in range(width):
        parts: list[str] = []
        for upper in uppers:
            if upper[c] and upper[c] not in parts:
                parts.append(upper[c])
        top = " ".join(parts)
        low = bottom[c] if bottom[c] != top else ""
        columns.append((top, low) if low else ("", top))
    return columns


def _non_empty(row: Sequence[object]) -> int:
    return sum(1 for v in row if _text(v))


def _candidate(vocab: Vocabulary, rows: Sequence[Sequence[object]], start: int,
               stop: int) -> Header:
    columns = tuple(_span_columns(rows, start, stop))
    return Header(start, stop, columns, recognise(vocab, columns))


def find_header(vocab: Vocabulary, rows: Sequence[Sequence[object]]) -> Header | None:
    """Find the header among the first rows (title and blank rows may come first).

    Every single row and every pair of rows (a merged group header above
    sub-headers) is tried; the one recognising the most fields wins, the
    earliest and the single row on a tie.

    Returns
    -------
    Header or None
        ``None`` when no row names a region column.
    """
    best: Header | None = None
    for start in range(min(len(rows), HEADER_SCAN)):
        if _non_empty(rows[start]) < 2:
            continue
        for stop in (start + 1, start + 2):
            if stop > len(rows) or _non_empty(rows[stop - 1]) < 2:
                continue
            header = _candidate(vocab, rows, start, stop)
            better = best is None or len(header.mapping) > len(best.mapping)
            if _usable(header.mapping) and better:
                best = header
    return best


def _usable(mapping: dict[int, str]) -> bool:
    """A header names at least the region column (the user can map the rest)."""
    return bool(set(mapping.values()) & {"region.code", "region.name"})


def indicators_mapped(mapping: dict[int, str]) -> dict[str, dict[str, int]]:
    """Indicator id → role → column index, from a column → field mapping."""
    out: dict[str, dict[str, int]] = {}
    for index, key in mapping.items():
        name, _, role = key.rpartition(".")
        if role in ROLES:
            out.setdefault(name, {})[role] = index
    return out


def column_of(mapping: dict[int, str], key: str) -> int | None:
    """Column index mapped to ``key``, or ``None``."""
    return next((i for i, k in mapping.items() if k == key), None)


def is_column_numbers(row: Iterable[object]) -> bool:
    """True for a row numbering the columns (``1 2 3 4 5``) under the header."""
    values = [_text(v) for v in row if _text(v)]
    if len(values) < 3:
        return False
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return False
    return numbers == [float(n) for n in range(int(numbers[0]), int(numbers[0]) + len(numbers))]
