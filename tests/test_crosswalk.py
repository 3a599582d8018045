"""The region-code crosswalk: BPS codes, Kemendagri 2020/2022 lists and former names → today's."""

import functools
import http.server
import threading

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.geo import build as boundaries
from utils.geo import crosswalk as cw
from utils.geo import sources
from utils.metrics.regions import CROSSWALK_COLUMNS, read_crosswalk

BPS_DIFFERENT_CODE = 199
"""BPS regency codes whose digits are not the Kemendagri code of the same regency (measured)."""
BPS_CODE_OF_ANOTHER_REGENCY = 164
"""Of those, codes that are another regency's Kemendagri code today (measured; issue: 160)."""


def row(crosswalk, scheme, code):
    found = crosswalk[(crosswalk["scheme"] == scheme) & (crosswalk["code"] == code)]
    assert len(found) == 1, (scheme, code)
    return found.iloc[0]


@pytest.mark.parametrize(
    ("scheme", "code", "name", "current", "how"),
    [
        ("bps", "6402", "KABUPATEN KUTAI BARAT", "64.07", "name"),
        ("bps", "6403", "KABUPATEN KUTAI KARTANEGARA", "64.02", "name"),
        ("bps", "9471", "KOTA JAYAPURA", "91.71", "name"),
        ("bps", "1206", "KABUPATEN TOBA SAMOSIR", "12.12", "renamed"),
        ("bps", "7605", "KABUPATEN MAMUJU UTARA", "76.01", "renamed"),
        ("bps", "8101", "KABUPATEN MALUKU TENGGARA BARAT", "81.03", "renamed"),
        ("bps", "3201", "KABUPATEN BOGOR", "32.01", "same"),
        ("bps", "3271", "KOTA BOGOR", "32.71", "same"),
        ("bps", "6411", "KABUPATEN MAHAKAM HULU", "64.11", "name"),  # not the same name
        ("bps", "7108", "KABUPATEN SIAU TAGULANDANG BIARO", "71.09", "name"),
        ("bps", "91", "PAPUA BARAT", "92 96", "split"),
        ("bps", "94", "PAPUA", "91 93 94 95", "split"),
        ("bps", "34", "DI YOGYAKARTA", "34", "same"),
        ("kemendagri_2020", "91.01", "KAB. MERAUKE", "93.01", "name"),
        ("kemendagri_2020", "92.71", "KOTA SORONG", "96.71", "name"),
        ("kemendagri_2020", "91.71", "KOTA JAYAPURA", "91.71", "same"),
        ("kemendagri_2020", "12.12", "KAB. TOBA SAMOSIR", "12.12", "renamed"),
        ("kemendagri_2022", "12.12", "KAB. TOBA", "12.12", "same"),
        ("kemendagri_2020", "73.10", "KAB. PANGKAJENE KEPULAUAN", "73.10", "name"),
        ("kemendagri_2020", "75.04", "KAB. PAHUWATO", "75.04", "renamed"),
        ("kemendagri_2020", "91", "P A P U A", "91 93 94 95", "split"),
        ("kemendagri_2022", "92", "PAPUA BARAT", "92 96", "split"),
        ("kemendagri_2020", "31", "DKI JAKARTA", "31", "same"),
    ],
)
def test_a_listed_code_leads_to_todays_region(crosswalk, scheme, code, name, current, how):
    found = row(crosswalk, scheme, code)
    assert (found["name"], found["current"], found["how"]) == (name, current, how)


def test_the_table_has_the_columns_and_only_text(crosswalk):
    assert list(crosswalk.columns) == CROSSWALK_COLUMNS
    assert crosswalk.map(lambda v: isinstance(v, str)).all().all()
    assert set(crosswalk["scheme"]) == {"bps", "kemendagri_2020", "kemendagri_2022", "former_name"}
    assert set(crosswalk["how"]) <= {"same", "name", "renamed", "split", "none", "ambiguous"}


@pytest.mark.parametrize("scheme", ["bps", "kemendagri_2020", "kemendagri_2022"])
def test_each_list_is_a_bijection_onto_todays_regencies(crosswalk, regions, scheme):
    regs = crosswalk[(crosswalk["scheme"] == scheme) & (crosswalk["level"] == "regency")]
    assert len(regs) == 514 and regs["code"].is_unique
    assert cw.unresolved(regs).empty  # measured: every listed regency resolves
    assert not regs["current"].str.contains(" ").any()
    assert regs["current"].is_unique  # no two codes lead to one regency
    assert set(regs["current"]) == set(regions.loc[regions["level"] == "regency", "code"])


def test_every_bps_code_maps_to_one_regency_or_is_listed_unresolved(crosswalk):
    bps = crosswalk[(crosswalk["scheme"] == "bps") & (crosswalk["level"] == "regency")]
    one = bps[(bps["current"] != "") & ~bps["current"].str.contains(" ")
              & ~bps["how"].isin(["none", "ambiguous"])]
    left = cw.unresolved(crosswalk)
    assert set(one["code"]) | set(left.loc[left["scheme"] == "bps", "code"]) == set(bps["code"])
    assert cw.summary(crosswalk)["bps_codes"] == 514
    assert cw.summary(crosswalk)["bps_mapped"] == len(one) == 514


def test_how_many_bps_codes_differ_from_kemendagri(crosswalk, regions):
    bps = crosswalk[(crosswalk["scheme"] == "bps") & (crosswalk["level"] == "regency")]
    differ = bps[bps["code"] != bps["current"].str.replace(".", "")]
    assert len(differ) == BPS_DIFFERENT_CODE
    today = set(regions["code"])
    another = differ["code"].map(lambda c: f"{c[:2]}.{c[2:]}" in today)
    assert another.sum() == BPS_CODE_OF_ANOTHER_REGENCY
    assert bps.loc[bps["how"] == "same", "code"].str.len().eq(4).all()
    assert (bps.loc[bps["how"] == "same", "code"]
            == bps.loc[bps["how"] == "same", "current"].str.replace(".", "")).all()


def test_provinces_split_in_2022_and_the_rest_are_the_same(crosswalk):
    for scheme in ("bps", "kemendagri_2020", "kemendagri_2022"):
        provs = crosswalk[(crosswalk["scheme"] == scheme) & (crosswalk["level"] == "province")]
        assert len(provs) == 34
        assert provs["how"].value_counts().to_dict() == {"same": 32, "split": 2}
        same = provs[provs["how"] == "same"]
        assert (same["code"] == same["current"]).all()


def test_former_names_lead_to_todays_regency(crosswalk, regions):
    former = crosswalk[crosswalk["scheme"] == "former_name"]
    got = dict(zip(former["name"], former["current"], strict=True))
    assert got["Kabupaten Toba Samosir"] == "12.12"
    assert got["Kabupaten Mamuju Utara"] == "76.01"
    assert got["Kabupaten Maluku Tenggara Barat"] == "81.03"
    assert (former["code"] == "").all() and (former["how"] == "renamed").all()
    today = set(regions["name"].str.upper())
    assert not set(former["name"].str.upper()) & today  # a former name is nobody's name today


def test_the_committed_renames_name_todays_regions(regions):
    renames = cw.read_renames()
    names = dict(zip(regions["code"], regions["name"].str.strip(), strict=True))
    assert len(renames) >= 3
    for item in renames.itertuples():
        assert names[item.code] == item.name
        assert item.former_name not in names.values()
        assert item.source.startswith("Peraturan Pemerintah Nomor ")
        assert f"Tahun {item.year}" in item.source


def test_the_runtime_reader_gives_text_and_no_nan(crosswalk, tmp_path):
    path = tmp_path / "crosswalk.csv"
    crosswalk.to_csv(path, index=False)
    back = read_crosswalk(path)
    pd.testing.assert_frame_equal(back, crosswalk.reset_index(drop=True))
    assert not back.isna().any().any() and (back["code"] == "").any()


# --- small made-up references: the rules, one at a time --------------------------------------

def reference(*regencies):
    """A reference table of (code, name) regencies, provinces from the first two digits."""
    provs = sorted({c[:2] for c, _ in regencies})
    rows = [{"code": p, "name": f"Provinsi {p}", "level": "province", "kind": "Provinsi",
             "province_code": p} for p in provs]
    rows += [{"code": c, "name": n, "level": "regency", "kind": n.split()[0],
              "province_code": c[:2]} for c, n in regencies]
    frame = pd.DataFrame(rows)
    frame["province_name"] = frame["province_code"].map(lambda p: f"Provinsi {p}")
    frame["population"], frame["area_km2"] = pd.NA, pd.NA
    return frame


TWO_TES = reference(("11.01", "Kabupaten Tes"), ("11.02", "Kabupaten Alfa"),
                    ("12.01", "Kabupaten Tes"), ("12.02", "Kabupaten Beta"),
                    ("12.71", "Kota Tes"), ("11.90", "Kabupaten Benih"),
                    ("12.90", "Kabupaten Semai"))
NO_RENAMES = pd.DataFrame(columns=cw.RENAME_COLUMNS)


def bps(lines, regions=TWO_TES, archives=None, renames=NO_RENAMES):
    table = cw.build_crosswalk(regions, "\n".join(lines), "11,SATU\n12,DUA", archives or {},
                               renames)
    return {c: (cur, how) for c, cur, how, s in
            zip(table["code"], table["current"], table["how"], table["scheme"], strict=True)
            if s == "bps"}


@pytest.mark.parametrize(
    ("line", "current", "how"),
    [
        ("1105,11,KABUPATEN TES", "11.01", "name"),     # province breaks the tie
        ("1202,12,KABUPATEN TES", "12.01", "name"),
        ("1273,12,KOTA TES", "12.71", "name"),          # a Kota is not a Kabupaten
        ("1301,13,KABUPATEN TES", "11.01 12.01", "ambiguous"),  # no province to break the tie
        ("1207,12,KABUPATEN GAMMA", "", "none"),        # no guess
        ("1107,11,KOTA ALFA", "", "none"),              # Kabupaten Alfa is not Kota Alfa
        ("1102,11,KABUPATEN ALFA", "11.02", "same"),
    ],
)
def test_rules_of_a_match(line, current, how):
    seeds = ["1180,11,KABUPATEN BENIH", "1280,12,KABUPATEN SEMAI"]  # where 11 and 12 went
    assert bps([*seeds, line])[line.split(",")[0]] == (current, how)


def test_two_codes_for_one_regency_are_both_ambiguous():
    got = bps(["1106,11,KABUPATEN ALFA", "1108,11,KABUPATEN ALFA"])
    assert got["1106"] == got["1108"] == ("11.02", "ambiguous")


def test_a_code_reused_under_a_new_name_is_renamed_only_when_the_old_name_is_gone():
    renamed = "('11', 'SATU'),\n('11.02', 'KAB. LAMA'),\n('12', 'DUA'),\n('12.02', 'KAB. BETA'),"
    table = cw.build_crosswalk(TWO_TES, "", "", {"2020": renamed}, NO_RENAMES)
    lama = table[(table["code"] == "11.02") & (table["scheme"] == "kemendagri_2020")].iloc[0]
    assert (lama["current"], lama["how"]) == ("11.02", "renamed")
    assert "KAB. LAMA" in set(table.loc[table["scheme"] == "former_name", "name"])
    moved = renamed + "\n('11.05', 'KAB. ALFA'),"  # Alfa is still listed, under another code
    table = cw.build_crosswalk(TWO_TES, "", "", {"2020": moved}, NO_RENAMES)
    lama = table[(table["code"] == "11.02") & (table["scheme"] == "kemendagri_2020")].iloc[0]
    assert (lama["current"], lama["how"]) == ("", "none")
    assert "11.02 KAB. LAMA" in " | ".join(cw.summary(table)["crosswalk_unresolved"])


def test_a_committed_former_name_still_in_use_is_ignored():
    renames = pd.DataFrame([["Kabupaten Beta", "11.02", "Kabupaten Alfa", "2020", "x"],
                            ["Kabupaten Lama", "11.02", "Kabupaten Alfa", "2020", "x"]],
                           columns=cw.RENAME_COLUMNS)
    got = bps(["1201,12,KABUPATEN BETA", "1109,11,KABUPATEN LAMA"], renames=renames)
    assert got["1201"] == ("12.02", "name") and got["1109"] == ("11.02", "renamed")


@settings(max_examples=25)
@given(data=st.data())
def test_codes_shuffled_over_todays_names_map_back(regions, data):
    """Any code scheme over today's names is read back one to one, whatever the digits."""
    regs = regions[regions["level"] == "regency"].reset_index(drop=True)
    picked = data.draw(st.lists(st.integers(0, len(regs) - 1), min_size=1, max_size=40,
                                unique=True))
    provinces = regs.loc[picked, "province_code"]
    codes = data.draw(st.permutations([f"{p}{i:02d}" for i, p in enumerate(provinces, 1)]))
    lines = [f"{code},{code[:2]},{name.upper()}"
             for code, name in zip(codes, regs.loc[picked, "name"], strict=True)]
    table = cw.build_crosswalk(regions, "\n".join(lines), "", {}, NO_RENAMES)
    back = dict(zip(table["code"], table["current"], strict=True))
    assert [back[c] for c in codes] == list(regs.loc[picked, "code"])
    assert cw.unresolved(table).empty


# --- the build and the sources ---------------------------------------------------------------

def test_the_build_writes_the_crosswalk_and_info_reports_it(built, crosswalk, capsys):
    written = read_crosswalk(boundaries.cache_dir() / "crosswalk.csv")
    pd.testing.assert_frame_equal(written, crosswalk.reset_index(drop=True))
    assert boundaries.main(["info", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["bps_codes"] == 514 and out["bps_mapped"] == 514
    assert out["crosswalk_unresolved"] == []
    assert sum(out["crosswalk_how"].values()) == len(crosswalk)
    assert "crosswalk.csv" in built["outputs"]


@pytest.fixture(scope="module")
def mirror(upstream):
    """The upstream copy served over HTTP on loopback, as a base address would be."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(upstream))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("path", cw.SOURCES)
def test_the_lists_are_pinned_and_fetched_from_a_folder_or_an_address(upstream, mirror,
                                                                        tmp_path, path):
    manifest = sources.load_manifest()
    item = next(i for i in sources.manifest_files(manifest) if i.path == path)
    repo = "emsifa/api-wilayah-indonesia" if path.startswith("bps_codes/") else "cahyadsn/wilayah"
    pinned = next(r for r in manifest["repositories"] if r["repo"] == repo)
    assert item.url.startswith(f"https://raw.githubusercontent.com/{repo}/{pinned['commit']}/")
    assert item.licence == "MIT" and pinned["licence"] == "MIT"
    local = sources.fetch_one(item, str(upstream), tmp_path / "a")
    assert len(local) == item.size
    assert sources.fetch_one(item, mirror, tmp_path / "b") == local
    assert (tmp_path / "b" / path).is_file()  # kept, so a rebuild does not download again
