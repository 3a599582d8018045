"""Header recognition: which spreadsheet column holds which field.

Fields are ``region.code``, ``region.name``, ``row.number``, the kecamatan's
``region.kecamatan_code`` and ``region.kecamatan`` and, for every
indicator, ``<id>.numerator``, ``<id>.denominator``, ``<id>.percent`` and
``<id>.remaining`` (the *belum* column: denominator minus numerator).
Keywords are data (``data/indicator_headers.csv``); each indicator's own
labels in ``data/indicators.csv`` are keywords too, so a new indicator is
recognised with no code change. A keyword matches a header when all its words
occur in it; words written ``!word`` must not occur. A keyword whose
``confirm`` cell is filled names a sub-population (``DP4 Pemula``): the
column is recognised, but listed in :attr:`Header.unconfirmed`.

Role markers (``data/header_markers.csv``) veto roles whatever the keywords
say, so a header that matches only partly never lands on the wrong field:

* ``denominator`` (``wajib``, ``jumlah anak`` …): never a numerator;
* ``numerator`` (``sudah``, ``memiliki``, ``ber-`` …): never a denominator;
* ``remaining`` (``belum``): only ``<id>.remaining``;
* ``other`` (``target``, ``kematian`` …): no indicator field at all;
* ``population`` (``penduduk``): no veto, but an unrecognised column holding
  it is listed in :attr:`Header.population_columns` (a bare population is
  never a denominator: no keyword maps it).

Headers holding a percent marker (``%``, ``persen`` …) and no count unit
(``jiwa``) can only be percent fields, and other headers never are.
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
MARKERS_CSV = DATA_DIR / "header_markers.csv"
ROLES = ("denominator", "numerator", "percent", "remaining")
REGION_FIELDS = ("row.number", "region.code", "region.name", "region.kecamatan_code",
                 "region.kecamatan")
"""Which region a row is: its code and name and, in a file per kecamatan, the kecamatan's
code and name (``region.code``/``region.name`` then hold the regency, if given)."""
KECAMATAN_FIELDS = ("region.kecamatan_code", "region.kecamatan")
PERIOD_FIELDS = ("period.year",)
"""A year column (``tahun``): the long layout of open-data files, one row per region and year."""
KEY_FIELDS = REGION_FIELDS + PERIOD_FIELDS
"""Fields that say which row a value belongs to (never a number to import)."""
PERCENT_MARKERS = frozenset({"%", "persen", "persentase", "prosentase", "cakupan", "rasio",
                             "capaian"})
COUNT_UNITS = frozenset({"jiwa", "orang"})
"""Units of a count: a header holding one is never a percent (``Capaian (jiwa)``)."""
VETOES: dict[str, frozenset[str]] = {
    "denominator": frozenset({"numerator"}),
    "numerator": frozenset({"denominator"}),
    "remaining": frozenset({"denominator", "numerator", "percent"}),
    "other": frozenset(ROLES),
    "population": frozenset(),
    "base": frozenset({"numerator"}),
}
"""Marker kind (``marks`` in ``header_markers.csv``) → roles a header holding it never takes."""
YES = frozenset({"yes", "ya", "true", "1", "x"})
HEADER_SCAN = 30
"""Rows scanned from the top for the header (title rows come first)."""


@dataclass(frozen=True)
class Keyword:
    """Words that must (``words``) and must not (``absent``) be in a header."""

    words: tuple[str, ...]
    absent: tuple[str, ...] = ()
    confirm: bool = False

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
    markers: tuple[tuple[Keyword, str], ...] = field(default=())
    """(marker, kind) pairs; kinds are the keys of :data:`VETOES`."""

    @property
    def fields(self) -> list[str]:
        """Field keys: region fields, then each indicator's roles (:data:`ROLES`)."""
        return list(KEY_FIELDS) + [f"{i}.{r}" for i in self.indicators for r in ROLES]

    def marks(self, words: set[str]) -> set[str]:
        """Kinds of the markers that ``words`` (a header's tokens) hold."""
        return {kind for marker, kind in self.markers if marker.score(words, set())}

    def vetoed(self, words: set[str]) -> frozenset[str]:
        """Roles a header with these ``words`` never takes.

        A ``base`` marker (``jumlah anak``) names the population a count is
        of: alone it is a denominator, but beside a numerator marker
        (``Jumlah anak yang sudah memiliki KIA``) the header is that count.
        """
        kinds = self.marks(words)
        if "numerator" in kinds:
            kinds.discard("base")
        return frozenset().union(*(VETOES[kind] for kind in kinds))


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


def parse_keyword(text: str, confirm: bool = False) -> Keyword:
    """``"memiliki kia !belum"`` → words and excluded words."""
    parts = text.split()
    words = tuple(w for p in parts if not p.startswith("!") for w in tokens(p))
    absent = tuple(w for p in parts if p.startswith("!") for w in tokens(p[1:]))
    return Keyword(words, absent, confirm)


def _label_keywords(indicator: Indicator) -> dict[str, list[str]]:
    return {
        f"{indicator.id}.numerator": [indicator.numerator_id, indicator.numerator_en],
        f"{indicator.id}.denominator": [indicator.denominator_id, indicator.denominator_en],
        f"{indicator.id}.percent": [indicator.label_id, indicator.label_en],
    }


def load_vocabulary(indicators: dict[str, Indicator], path: Path = HEADERS_CSV,
                    markers: Path = MARKERS_CSV) -> Vocabulary:
    """Read the header keywords and role markers and add each indicator's labels.

    Raises
    ------
    ValueError
        If the keyword file names a field of an unknown indicator or role, asks
        confirmation for a field that is not a denominator, or the marker file
        names an unknown kind.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "confirm" not in frame.columns:
        frame["confirm"] = ""
    found: dict[str, list[Keyword]] = {}
    for indicator in indicators.values():
        for key, labels in _label_keywords(indicator).items():
            found.setdefault(key, []).extend(parse_keyword(label) for label in labels)
    known = set(KEY_FIELDS) | {f"{i}.{r}" for i in indicators for r in ROLES}
    for row in frame.itertuples(index=False):
        field, keyword = str(row.field), str(row.keyword)  # read with dtype=str
        confirm = str(row.confirm).strip().lower() in YES
        if field not in known:
            raise ValueError(f"{path.name}: unknown field {field!r}")
        if confirm and not field.endswith(".denominator"):
            raise ValueError(f"{path.name}: only a denominator may need confirmation ({field!r})")
        found.setdefault(field, []).append(parse_keyword(keyword, confirm))
    keywords = {k: tuple(words) for k, words in found.items()}
    return Vocabulary(keywords, tuple(indicators), load_markers(markers))


def load_markers(path: Path = MARKERS_CSV) -> tuple[tuple[Keyword, str], ...]:
    """Role markers: (marker, kind) per row of ``path`` (columns ``marker``, ``marks``).

    Raises
    ------
    ValueError
        If a row names a kind that is not in :data:`VETOES`.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = []
    for row in frame.itertuples(index=False):
        kind = str(row.marks).strip()
        if kind not in VETOES:
            raise ValueError(f"{path.name}: unknown marker kind {kind!r}")
        out.append((parse_keyword(str(row.marker)), kind))
    return tuple(out)


def is_percent_header(words: set[str]) -> bool:
    """True when a header's words hold a percent marker and no count unit."""
    return bool(words & PERCENT_MARKERS) and not words & COUNT_UNITS


def _allowed(vocab: Vocabulary, words: set[str]) -> list[str]:
    """Fields a header with ``words`` may take: the percent rule and the role markers."""
    vetoed = vocab.vetoed(words)
    is_percent = is_percent_header(words)
    out = []
    for key in vocab.keywords:
        role = key.rpartition(".")[2]
        if key.endswith(".percent") == is_percent and role not in vetoed:
            out.append(key)
    return out


def field_scores(vocab: Vocabulary, top: str, bottom: str) -> dict[str, int]:
    """Score of every field that a header (upper rows ``top``, lowest row ``bottom``) matches."""
    upper, lower = set(tokens(top)), set(tokens(bottom))
    scores = {}
    for key in _allowed(vocab, upper | lower):
        best = max((k.score(upper, lower) for k in vocab.keywords[key]), default=0)
        if best:
            scores[key] = best
    return scores


def _is_bare_percent(vocab: Vocabulary, top: str, bottom: str) -> bool:
    words = set(tokens(f"{top} {bottom}"))
    return bool(words) and words <= PERCENT_MARKERS and "percent" not in vocab.vetoed(words)


def recognise(vocab: Vocabulary, headers: Sequence[tuple[str, str]]) -> dict[int, str]:
    """Assign fields to columns; each field and each column at most once.

    A column only gets its best-scoring field; when another column holds that
    field with a higher score, the column stays unrecognised (it is shown, not
    dropped). Equal scores go to the earlier column, then to the field first
    in :attr:`Vocabulary.fields` (``Wajib KTP-el`` is ``ktp_el`` 's before
    ``ikd`` 's: see :func:`shared_denominators`). A bare ``%`` column is the
    percentage of the indicator whose columns stand nearest on its left.

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
    order = {key: n for n, key in enumerate(vocab.fields)}
    mapping: dict[int, str] = {}
    for _, index, key in sorted(best, key=lambda b: (-b[0], b[1], order.get(b[2], len(order)))):
        if index not in mapping and key not in mapping.values():
            mapping[index] = key
    for index, (top, bottom) in enumerate(headers):
        if index not in mapping and _is_bare_percent(vocab, top, bottom):
            _assign_bare_percent(mapping, index)
    return dict(sorted(mapping.items()))


def _assign_bare_percent(mapping: dict[int, str], index: int) -> None:
    for left in range(index - 1, -1, -1):
        key = mapping.get(left, "")
        if key.endswith((".numerator", ".denominator", ".remaining")):
            target = key.rsplit(".", 1)[0] + ".percent"
            if target not in mapping.values():
                mapping[index] = target
            return


def unconfirmed_columns(vocab: Vocabulary, headers: Sequence[tuple[str, str]],
                        mapping: dict[int, str]) -> frozenset[int]:
    """Mapped columns whose field a keyword needing confirmation matches (a sub-population).

    Any such match counts, even beside a plain one: ``Wajib KTP-el pemula`` is
    still only the first-time voters.
    """
    out = set()
    for index, key in mapping.items():
        upper, lower = set(tokens(headers[index][0])), set(tokens(headers[index][1]))
        if any(k.confirm and k.score(upper, lower) for k in vocab.keywords.get(key, ())):
            out.add(index)
    return frozenset(out)


def population_columns(vocab: Vocabulary, headers: Sequence[tuple[str, str]],
                       mapping: dict[int, str]) -> frozenset[int]:
    """Unrecognised columns holding a population marker (``Jumlah Penduduk``)."""
    return frozenset(i for i, (top, bottom) in enumerate(headers) if i not in mapping
                     and "population" in vocab.marks(set(tokens(f"{top} {bottom}"))))


@dataclass(frozen=True)
class Header:
    """Where the header is: rows ``start`` to ``stop`` (exclusive), 0-based.

    ``unconfirmed`` holds the columns recognised as a sub-population
    (:func:`unconfirmed_columns`), which the user must confirm;
    ``population_columns`` the unrecognised population columns
    (:func:`population_columns`), never taken as a denominator.
    """

    start: int
    stop: int
    columns: tuple[tuple[str, str], ...]
    mapping: dict[int, str]
    unconfirmed: frozenset[int] = frozenset()
    population_columns: frozenset[int] = frozenset()

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
    mapping = recognise(vocab, columns)
    return Header(start, stop, columns, mapping, unconfirmed_columns(vocab, columns, mapping),
                  population_columns(vocab, columns, mapping))


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
    return bool(set(mapping.values()) & {"region.code", "region.name", *KECAMATAN_FIELDS})


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


def _same_definition(a: Indicator, b: Indicator) -> bool:
    return tokens(a.denominator_id) == tokens(b.denominator_id)


def shared_denominators(mapping: dict[int, str],
                        indicators: dict[str, Indicator]) -> dict[str, int]:
    """Denominator columns an indicator borrows from another with the same denominator.

    A column maps to one field, so ``Wajib KTP-el`` is ``ktp_el.denominator``
    even in a file that also holds ``ikd`` (whose denominator is also
    *Wajib KTP-el*). For each indicator with a numerator column and no
    denominator column, this gives the column of another indicator's
    denominator defined the same way (``denominator_id`` in
    ``data/indicators.csv``, compared word by word). When two different
    columns qualify, none is given (a wrong match is worse than none).

    Examples
    --------
    >>> from utils.metrics.indicators import load_indicators
    >>> shared_denominators({2: "ktp_el.denominator", 3: "ikd.numerator"}, load_indicators())
    {'ikd': 2}
    """
    found = indicators_mapped(mapping)
    out = {}
    for name, roles in found.items():
        if name not in indicators or "numerator" not in roles or "denominator" in roles:
            continue
        columns = {other["denominator"] for key, other in found.items()
                   if key != name and key in indicators and "denominator" in other
                   and _same_definition(indicators[key], indicators[name])}
        if len(columns) == 1:
            out[name] = columns.pop()
    return out


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
