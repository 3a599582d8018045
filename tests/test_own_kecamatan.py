"""Boundary sets from an office's own file at kecamatan level (issue #17, part 2).

Files are written into tmp folders from the built kecamatan maps (``geo/cache/maps/
kecamatan``): a BIG-style GeoPackage keyed by kecamatan codes, a name-only file of two
regencies sharing a kecamatan name, a zipped village shapefile, and a regency-level file.
"""

from __future__ import annotations

import io
import json

import boundary_files as files
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from utils.geo import boundary_join, boundary_sets, geometry, own_boundaries
from utils.geo.cache_record import cache_dir, maps_dir
from utils.i18n import t
from utils.metrics.regions import read_kecamatan
from utils.report import boundary_report

CREDIT = own_boundaries.Credit("Dinas Dukcapil (uji)", "CC BY 4.0", "tester")
DROPPED = "64.02.05"  # left out of the file: listed without shape, never filled


def kecamatan_of(regency: str) -> gpd.GeoDataFrame:
    """The built kecamatan of one regency (code, name, geometry) from its map file."""
    data = (maps_dir() / "kecamatan" / f"{regency}.topo.json").read_bytes()
    return gpd.read_file(io.BytesIO(data))[["code", "name", "geometry"]].set_crs(4326,
                                                                               allow_override=True)


def big(frame: gpd.GeoDataFrame, names: dict[str, str]) -> gpd.GeoDataFrame:
    """BIG kecamatan attributes: KDPKAB, WADMKK (regency without "Kabupaten"), KDCPUM, WADMKC."""
    regency = frame["code"].str[:5]
    return gpd.GeoDataFrame({
        "KDPKAB": regency, "WADMKK": regency.map(names).str.removeprefix("Kabupaten "),
        "KDCPUM": frame["code"], "WADMKC": frame["name"]}, geometry=frame.geometry.values,
        crs=4326)


@pytest.fixture(scope="module")
def names(built) -> dict[str, str]:
    regions = pd.read_csv(cache_dir() / "regions.csv", dtype=str)
    return dict(zip(regions["code"], regions["name"], strict=True))


@pytest.fixture(scope="module")
def reference(built) -> pd.DataFrame:
    return read_kecamatan(cache_dir() / "kecamatan.csv")


@pytest.fixture(scope="module")
def coded(names, tmp_path_factory) -> tuple:
    """Kutai Kartanegara without one kecamatan, Kota Bontang whole, and two bad features."""
    kukar, bontang = kecamatan_of("64.02"), kecamatan_of("64.74")
    shapes = pd.concat([kukar[kukar["code"] != DROPPED], bontang], ignore_index=True)
    frame = big(gpd.GeoDataFrame(shapes, crs=4326), names)
    island = shapely.box(116.0, -1.0, 116.01, -0.99)  # inside no real kecamatan: not drawn
    bad = gpd.GeoDataFrame({
        "KDPKAB": ["64.02", "64.02"], "WADMKK": ["Kutai Kartanegara"] * 2,
        "KDCPUM": ["64.74.01", "64.02.01"],  # another regency's code; a code of another name
        "WADMKC": ["Bontang Utara", "Tenggarong"]}, geometry=[island, island], crs=4326)
    folder = tmp_path_factory.mktemp("kec_coded")
    path = files.geopackage(pd.concat([frame, bad], ignore_index=True), folder, name="kec_kaltim")
    root = folder / "store" / "boundaries"
    return root, own_boundaries.build_set(path, root, CREDIT)


def drawn(root, record, regency: str) -> dict[str, str]:
    document = json.loads((boundary_sets.maps_of(root, record["id"]) / "kecamatan" /
                           f"{regency}.topo.json").read_bytes())
    return {g["properties"]["code"]: g["properties"]["name"]
            for g in document["objects"]["regions"]["geometries"]}


def test_kecamatan_file_matches_by_code_within_the_regency(coded, reference):
    root, record = coded
    own = record["kecamatan_own"]
    assert own["code_column"] == "KDCPUM" and own["codes_used"] is True
    assert own["regencies"] == ["64.02", "64.74"]
    assert (own["matched_by_code"], own["matched_by_name"]) == (19 + 3, 0)
    assert own["without_shape"] == {"64.02": [DROPPED], "64.74": []}
    assert [c["value"] for c in own["conflicts"]] == ["64.02.01 Tenggarong",
                                                      "64.74.01 Bontang Utara"]
    kukar = reference[reference["regency_code"] == "64.02"]
    expected = dict(zip(kukar["code"], kukar["name"], strict=True))
    expected.pop(DROPPED)
    assert drawn(root, record, "64.02") == expected


def test_regencies_the_file_lacks_keep_the_default_kecamatan(coded):
    root, record = coded
    folder = boundary_sets.maps_of(root, record["id"]) / "kecamatan"
    assert len(list(folder.glob("*.topo.json"))) == 514  # whole: no fallback needed
    for regency in ("33.14", "51.03", "64.01"):
        assert (folder / f"{regency}.topo.json").read_bytes() == (
            maps_dir() / "kecamatan" / f"{regency}.topo.json").read_bytes()
    assert record["kecamatan_without_shape"] == sorted([DROPPED, "72.06.20"])
    assert record["kecamatan_shapes"] == 7285 - 2


def test_own_kecamatan_form_a_clean_coverage_of_the_set_regency(coded):
    root, record = coded
    folder = boundary_sets.maps_of(root, record["id"]) / "kecamatan"
    shapes = gpd.read_file(folder / "64.74.topo.json")
    assert geometry.is_clean_coverage(shapes.geometry.to_numpy())
    regency = gpd.read_parquet(root / record["id"] / "regencies.parquet").set_index("code")
    outline = regency.geometry["64.74"]
    union = shapely.union_all(shapes.geometry.to_numpy())
    assert union.symmetric_difference(outline).area < 0.01 * outline.area


@pytest.mark.parametrize("lang", ["id", "en"])
def test_kecamatan_notes_are_told_in_both_languages(coded, reference, lang):
    _, record = coded
    notes = [n for n in record["join"]["notes"] if n["key"].startswith("kecamatan_geo.")]
    assert [n["key"] for n in notes] == ["kecamatan_geo.note.level", "kecamatan_geo.note.conflicts",
                                         "kecamatan_geo.note.without_shape"]
    lines = boundary_report.notes(record, lang)
    for note in notes:
        text = t(note["key"], lang, **note["values"])
        assert text != note["key"] and "{" not in text and text in lines
    dropped = reference.set_index("code")["name"][DROPPED]  # Muara Badak
    assert any(dropped in line and "Kutai Kartanegara" in line for line in lines)


def test_a_name_shared_by_two_regencies_matches_within_each(names, tmp_path):
    """Kartoharjo is a kecamatan of Kabupaten Magetan (35.20) and of Kota Madiun (35.77)."""
    shapes = pd.concat([kecamatan_of("35.20"), kecamatan_of("35.77")], ignore_index=True)
    frame = big(gpd.GeoDataFrame(shapes, crs=4326), names)[["WADMKK", "WADMKC", "geometry"]]
    frame["WADMPR"] = "Jawa Timur"
    path = files.zipped_shapefile(frame, tmp_path, name="kec_namanya")
    root = tmp_path / "sets"
    record = own_boundaries.build_set(path, root, CREDIT)
    own = record["kecamatan_own"]
    assert (own["code_column"], own["name_column"]) == (None, "WADMKC")
    assert own["matched_by_code"] == 0 and own["matched_by_name"] == len(shapes)
    magetan, madiun = drawn(root, record, "35.20"), drawn(root, record, "35.77")
    kartoharjo = [c for c, n in {**magetan, **madiun}.items() if n == "Kartoharjo"]
    assert sorted(c[:5] for c in kartoharjo) == ["35.20", "35.77"]
    assert set(magetan) == set(kecamatan_of("35.20")["code"])


def test_villages_dissolve_to_kecamatan_by_their_code(names, tmp_path):
    """Each kecamatan of Kota Bontang cut in two "villages" keyed only by KDEPUM."""
    rows, geoms = [], []
    for code, _, geom in kecamatan_of("64.74").itertuples(index=False):
        x0, y0, x1, y1 = geom.bounds
        for piece, (a, b) in enumerate([(x0, (x0 + x1) / 2), ((x0 + x1) / 2, x1)]):
            rows.append({"KDEPUM": f"{code}.{2001 + piece}", "WADMKD": f"Desa {code}-{piece}"})
            geoms.append(shapely.intersection(geom, shapely.box(a, y0, b, y1)))
    path = files.zipped_shapefile(gpd.GeoDataFrame(rows, geometry=geoms, crs=4326), tmp_path,
                                  name="desa_bontang", crs=32750)
    record = own_boundaries.build_set(path, tmp_path / "sets", CREDIT)
    own = record["kecamatan_own"]
    assert own["code_column"] == "KDEPUM" and own["regencies"] == ["64.74"]
    assert own["matched_by_code"] == 3 and own["without_shape"] == {"64.74": []}


def test_a_regency_level_file_has_no_own_kecamatan(built, tmp_path):
    kaltim = files.regencies()
    path = files.geojson(kaltim[kaltim["code"] == "64.74"], tmp_path, name="bontang")
    root = tmp_path / "sets"
    record = own_boundaries.build_set(path, root, CREDIT)
    assert record["kecamatan_own"] is None
    assert record["kecamatan_without_shape"] == ["72.06.20"]
    assert not any(n["key"].startswith("kecamatan_geo.") for n in record["join"]["notes"])
    folder = boundary_sets.maps_of(root, record["id"]) / "kecamatan"
    assert len(list(folder.glob("*.topo.json"))) == 514


def test_join_kecamatan_needs_the_regency_of_each_feature(regions, crosswalk, reference, names):
    frame = big(kecamatan_of("64.74"), names)
    joined = boundary_join.join(frame, regions, crosswalk)
    found = boundary_join.join_kecamatan(frame, joined, reference)
    assert found is not None and sorted(found.shapes["code"]) == ["64.74.01", "64.74.02",
                                                                  "64.74.03"]
    stale = boundary_join.Joined(joined.regencies, joined.report)  # no key, no feature regencies
    assert boundary_join.join_kecamatan(frame, stale, reference) is None
    regency_only = frame[["KDPKAB", "WADMKK", "geometry"]]
    assert boundary_join.join_kecamatan(
        regency_only, boundary_join.join(regency_only, regions, crosswalk), reference) is None
