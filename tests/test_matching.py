"""Region matching: codes, names as offices write them, aliases, fuzzy, Kabupaten ≠ Kota."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.ingest.matching import Match, RegionIndex, is_total, name_key, read_code

# The region table comes from the ``regions`` fixture (tests/conftest.py: the upstream copy in
# CAPAIAN_GEO_SOURCE), so nothing is read at import time and a missing copy fails, never skips.


@pytest.fixture(scope="module")
def index(regions: pd.DataFrame) -> RegionIndex:
    return RegionIndex(regions)


@pytest.fixture(scope="module")
def codes(regions: pd.DataFrame) -> list[str]:
    """Every regency code."""
    return list(regions.loc[regions["level"] == "regency", "code"])


@pytest.fixture(scope="module")
def paired(index: RegionIndex, codes: list[str]) -> list[str]:
    """Regencies whose name, without Kabupaten/Kota, another regency shares."""
    return [c for c in codes if len(index.by_core[index.keys[c].compact]) > 1]


def test_every_reference_name_matches_itself(index: RegionIndex) -> None:
    for code, name in index.names.items():
        found = index.match(name)
        assert isinstance(found, Match) and found.code == code, name


def test_reduced_names_stay_unique_per_kind(index: RegionIndex, codes: list[str]) -> None:
    keys = [(index.kinds[c], index.keys[c].compact) for c in codes]
    assert len(keys) == len(set(keys)) == 514


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KAB. KUTAI KERTANEGARA", "64.02"),
        ("Kab Kutai Kartanegara", "64.02"),
        ("kabupaten  kutai-kartanegara", "64.02"),
        ("KOTA BONTANG", "64.74"),
        ("Bontang", "64.74"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Jakarta Utara", "31.72"),
        ("Kab. Adm. Kep. Seribu", "31.01"),
        ("KAB BOGOR", "32.01"),
        ("Kota Bogor", "32.71"),
        ("Kab. Bekasi", "32.16"),
        ("KOTA BEKASI", "32.75"),
        ("Kabupaten Malang", "35.07"),
        ("Kota Malang", "35.73"),
        ("Tanjungpinang", "21.72"),
        ("Baubau", "74.72"),
        ("Tolitoli", "72.04"),
        ("Kab. Boven Digul", "93.02"),
    ],
)
def test_names_as_offices_write_them(index: RegionIndex, text: str, code: str) -> None:
    if code not in index.names:
        pytest.skip(f"{code} not in this reference")
    found = index.match(text)
    assert isinstance(found, Match) and found.code == code


@pytest.mark.parametrize("text", ["Bogor", "Malang", "BEKASI", "Banjar"])
def test_same_core_without_kind_is_not_guessed(index: RegionIndex, text: str) -> None:
    found = index.match(text)
    assert isinstance(found, list) and len(found) == 2
    assert {s.score for s in found} == {100.0}


def test_province_context_settles_a_shared_name(index: RegionIndex) -> None:
    found = index.match("Banjar", province="63")
    assert isinstance(found, Match) and found.code == "63.03"


def test_typo_is_fuzzy_and_far_names_get_suggestions(index: RegionIndex) -> None:
    found = index.match("Kab. Kutai Timor")
    assert isinstance(found, Match) and (found.code, found.by) == ("64.08", "fuzzy")
    far = index.match("KAB. MAHULU", province="64")
    assert isinstance(far, list) and far[0].code == "64.11"


def test_html_in_names_is_plain_text_and_unmatched(index: RegionIndex) -> None:
    found = index.match("<script>alert('x')</script>")
    assert isinstance(found, list)


def test_alias_is_used_after_the_name(regions: pd.DataFrame) -> None:
    key = name_key("KAB. MAHULU").alias
    index = RegionIndex(regions, {key: "64.11", "x|y": "99.99"})
    found = index.match("Kab Mahulu")
    assert isinstance(found, Match) and (found.code, found.by) == ("64.11", "alias")
    assert "x|y" not in index.aliases


@pytest.mark.parametrize(("value", "code"), [("6474", "64.74"), ("64.74", "64.74"), (6474, "64.74"),
                                             (6474.0, "64.74"), (64.7, "64.70"), (" 64 ", "64"),
                                             ("abc", None), (None, None), ("64.74.01", None)])
def test_read_code(value: object, code: str | None) -> None:
    assert read_code(value) == code


@pytest.mark.parametrize(("text", "total"), [("JUMLAH", True), ("Total Provinsi", True),
                                             ("TOTAL", True), ("Sub Total", True),
                                             ("Kota Bontang", False), ("", False)])
def test_is_total(text: str, total: bool) -> None:
    assert is_total(text) is total


def test_province_names(index: RegionIndex) -> None:
    assert index.province("PROVINSI KALIMANTAN TIMUR") == "64"
    assert index.province("Jumlah Kalimantan Utara") == "65"
    assert index.province("Kota Bontang") is None


# --- properties -------------------------------------------------------------------------------

PREFIXES = {"Kabupaten": ["Kabupaten ", "KAB. ", "Kab ", "kab.", "KABUPATEN "],
            "Kota": ["Kota ", "KOTA ", "kota-", "Kota Adm. "]}


def _styled(core: str, draw: st.DrawFn) -> str:
    style = draw(st.sampled_from(["upper", "lower", "title", "same"]))
    core = {"upper": core.upper(), "lower": core.lower(), "title": core.title()}.get(style, core)
    sep = draw(st.sampled_from([" ", "  ", " - ", ". "]))
    return sep.join(core.split(" ")) + draw(st.sampled_from(["", " ", ".", " ,"]))


@st.composite
def written_names(draw: st.DrawFn, index: RegionIndex, codes: list[str]) -> tuple[str, str]:
    code = draw(st.sampled_from(codes))
    name = index.names[code]
    kind = index.kinds[code]
    core = name.split(" ", 2)[2] if " Administrasi " in name else name.split(" ", 1)[1]
    return code, draw(st.sampled_from(PREFIXES[kind])) + _styled(core, draw)


# The codes come from fixtures, so the properties draw them with ``st.data()``.


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_prefix_case_punctuation_do_not_matter(index: RegionIndex, codes: list[str],
                                               data: st.DataObject) -> None:
    code, text = data.draw(written_names(index, codes), label="case")
    found = index.match(text)
    assert isinstance(found, Match) and found.code == code, text


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_kabupaten_x_never_matches_kota_x(index: RegionIndex, paired: list[str],
                                          data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(paired), label="code")
    other = "Kota" if index.kinds[code] == "Kabupaten" else "Kabupaten"
    core = index.keys[code].core
    text = data.draw(st.sampled_from(PREFIXES[other])) + core.upper()
    found = index.match(text)
    if isinstance(found, Match):
        assert index.kinds[found.code] == other and found.code != code
    else:
        assert all(index.kinds[s.code] == other for s in found)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(["Kabupaten ", "Kota "]),
       noise=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=0, max_size=2),
       data=st.data())
def test_written_kind_is_always_respected(index: RegionIndex, codes: list[str], prefix: str,
                                          noise: str, data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(codes), label="code")
    text = prefix + index.keys[code].core + noise
    found = index.match(text)
    if isinstance(found, Match):
        assert index.kinds[found.code] == prefix.strip()


@given(text=st.text(max_size=40))
def test_arbitrary_text_never_crashes(index: RegionIndex, text: str) -> None:
    found = index.match(text)
    assert isinstance(found, Match | list)
