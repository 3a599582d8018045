"""Code schemes read from how a file's codes agree with its names (hand-made code book)."""

from __future__ import annotations

import pandas as pd
import pytest

from utils.ingest import code_schemes as cs
from utils.ingest.code_schemes import CodeBook, Written, written

REGIONS = pd.DataFrame({"code": ["64", "64.01", "64.02", "64.07", "91", "91.01", "93", "93.01"]})
# BPS 6402 is Kutai Barat (Kemendagri 64.07); BPS 6403 is Kutai Kartanegara (64.02).
CROSSWALK = pd.DataFrame([
    ("bps", "province", "64", "KALIMANTAN TIMUR", "64", "same"),
    ("bps", "province", "94", "PAPUA", "91 93", "split"),
    ("bps", "regency", "6401", "KABUPATEN PASER", "64.01", "same"),
    ("bps", "regency", "6402", "KABUPATEN KUTAI BARAT", "64.07", "name"),
    ("bps", "regency", "6403", "KABUPATEN KUTAI KARTANEGARA", "64.02", "name"),
    ("bps", "regency", "9401", "KABUPATEN MERAUKE", "93.01", "name"),
    ("bps", "regency", "9999", "KABUPATEN X", "64.01 64.02", "ambiguous"),
    ("kemendagri_2020", "regency", "91.01", "KAB. MERAUKE", "93.01", "name"),
], columns=["scheme", "level", "code", "name", "current", "how"])
BOOK = CodeBook.build(REGIONS, CROSSWALK)


@pytest.mark.parametrize(("cell", "expected"), [
    ("64.02", Written("6402", True)),
    ("6402", Written("6402", False)),
    (6402, Written("6402", False)),
    (6402.0, Written("6402", False)),
    ("64.2", Written("6420", True)),  # a number cell drops the trailing zero of 64.20
    (11.1, Written("1110", True)),
    ("64", Written("64", False)),
    ("64.02.01", Written("640201", True)),
    ("6402012001", Written("6402012001", False)),
    ("x", None), (None, None), (True, None), ("640", None),
])
def test_written(cell: object, expected: Written | None) -> None:
    assert written(cell) == expected


@pytest.mark.parametrize(("cell", "scheme", "expected"), [
    ("64.02", "kemendagri", ("64.02",)),
    ("6402", "kemendagri", ("64.02",)),
    ("6402", "bps", ("64.07",)),
    ("64.02", "bps", ()),  # BPS codes are never dotted
    ("6403", "bps", ("64.02",)),
    ("9999", "bps", ()),  # ambiguous: never read as either
    ("94", "bps", ("91", "93")),  # a province since split
    ("91.01", "kemendagri_2020", ("93.01",)),
    ("91.01", "kemendagri", ("91.01",)),
    ("64.02.01", "kemendagri", ()),  # below the regency
    ("65.01", "kemendagri", ()),
])
def test_read(cell: str, scheme: str, expected: tuple[str, ...]) -> None:
    code = written(cell)
    assert code is not None and BOOK.read(code, scheme) == expected


def pairs(*rows: tuple[str, str | None]) -> list[tuple[Written, str | None]]:
    return [(w, named) for cell, named in rows if (w := written(cell)) is not None]


@pytest.mark.parametrize(("rows", "scheme", "reason"), [
    # BPS codes with their true names: BPS wins although 6401 agrees under both
    ([("6401", "64.01"), ("6402", "64.07"), ("6403", "64.02")], "bps", "names"),
    # the same regencies with Kemendagri codes written without dots
    ([("6401", "64.01"), ("6407", "64.07"), ("6402", "64.02")], "kemendagri", "names"),
    # only codes that mean the same in both lists: today's Kemendagri (no harm either way)
    ([("6401", "64.01")], "kemendagri", "names"),
    # the 2020 list: Merauke was 91.01
    ([("91.01", "93.01"), ("64.01", "64.01")], "kemendagri_2020", "names"),
    # dotted codes without names are Kemendagri
    ([("64.02", None), ("64.07", None)], "kemendagri", "codes"),
    # undotted codes valid in both lists and no name to tell: ask
    ([("6401", None), ("6402", None)], None, "ask"),
    # undotted codes that mean the same regions in both lists
    ([("6401", None)], "kemendagri", "codes"),
])
def test_detect(rows: list[tuple[str, str | None]], scheme: str | None, reason: str) -> None:
    choice = cs.detect(BOOK, pairs(*rows))
    assert (choice.scheme, choice.reason) == (scheme, reason)


def test_without_a_crosswalk_only_todays_codes_are_known() -> None:
    book = CodeBook.build(REGIONS, None)
    assert not book.has("bps") and book.has("kemendagri")
    assert cs.detect(book, pairs(("6402", "64.07"))).scheme != "bps"
