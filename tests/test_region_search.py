"""Region search finds what the importer accepts, and guesses nothing it would not match."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.ingest.matching import Match, RegionIndex
from utils.ingest.region_rows import former_names
from utils.ingest.region_search import Found, find


@pytest.fixture(scope="module")
def index(regions: pd.DataFrame, crosswalk: pd.DataFrame) -> RegionIndex:
    return RegionIndex(regions, {"Kabupaten|mahulu": "64.11"}, former_names(crosswalk))


@pytest.mark.parametrize(
    ("typed", "codes", "by"),
    [
        ("Kutai Kertanegara", ["64.02"], "name"),  # issue #15: found nothing before
        ("KAB. KUTAI KERTANEGARA", ["64.02"], "name"),
        ("kabupaten kutai kartanegara", ["64.02"], "name"),
        ("Toba Samosir", ["12.12"], "former"),  # renamed 2020: today's Kabupaten Toba
        ("KAB. TOBA SAMOSIR", ["12.12"], "former"),
        ("Kab. Mahulu", ["64.11"], "alias"),  # a name remembered at an import
        ("Kota Bogor", ["32.71"], "name"),
        ("KOTA BONTANG", ["64.74"], "name"),
        ("64.74", ["64.74"], "code"),
        ("6474", ["64.74"], "code"),
        ("64", ["64"], "code"),
        ("Kalimantan Timur", ["64"], "province"),
        ("Provinsi Kalimantan Timur", ["64"], "province"),
    ],
)
def test_what_the_importer_matches_opens_the_region(index, typed, codes, by):
    assert find(typed, index) == Found(codes, True, by)


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Bogor", ["32.01", "32.71"]),  # Kabupaten and Kota Bogor are two regions
        ("Kutai", ["64.07", "64.02", "64.08"]),  # by name: Barat, Kartanegara, Timur
        ("Kota Bog", ["32.71"]),  # part of a name, the kind written is kept
        ("Yogyakarta", ["34", "34.71"]),  # the province or the city: the user chooses
    ],
)
def test_part_of_a_name_lists_and_opens_nothing(index, typed, codes):
    found = find(typed, index)
    assert found.codes == codes and not found.sure


@pytest.mark.parametrize("typed", ["Kab Kukar", "xyzzy", "", "   ", None, "99.99", "<b>x</b>"])
def test_what_the_importer_would_not_match_opens_nothing(index, typed):
    found = find(typed, index)
    assert not found.sure
    assert all(c != "64.02" for c in found.codes)  # "Kukar" is not guessed as Kutai Kartanegara


def test_a_suggestion_is_offered_not_taken(index):
    found = find("Kab. Tj. Jabung Barat", index)
    assert not found.sure and "15.06" in found.codes  # Tanjung Jabung Barat, among others


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_sure_only_when_the_importer_would_match(index, typed):
    """The search never opens a regency the importer would not match by itself."""
    found = find(typed, index)
    if found.sure and found.by not in {"code", "province"}:
        assert isinstance(index.match(typed), Match)
        assert index.match(typed).code == found.codes[0]
    assert len(found.codes) == len(set(found.codes))
