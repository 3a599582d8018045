"""Boundary sets from an office's own file, end to end: file → join → fill → clean →
simplify → stored set; the command line; refusals that change nothing.

Files are written by the tests (``tests/boundary_files.py``) from the built regencies
into tmp folders; nothing derived from upstream data is committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boundary_files as files
import geopandas as gpd
import pytest
import shapely

from utils.geo import boundary_file, boundary_sets, geometry, own_boundaries
from utils.geo.cache_record import MAP_OBJECT, cache_dir
from utils.i18n import t
from utils.ingest.pg_store import PostgresStore
from utils.report import boundary_report

pytest_plugins = ["tests.pg_support"]

ROOT = Path(__file__).resolve().parent.parent
CREDIT = own_boundaries.Credit("Badan Informasi Geospasial (uji)", "CC BY 4.0", "tester")
NATIONAL_BUDGET, PROVINCE_BUDGET = 500 * 1024, 150 * 1024


@pytest.fixture(scope="module")
def frame(built) -> gpd.GeoDataFrame:
    return files.regencies()


@pytest.fixture(scope="module")
def kaltim_villages(frame, tmp_path_factory) -> tuple[Path, dict]:
    """A BIG village-level file of Kalimantan Timur in UTM 50S, built once."""
    folder = tmp_path_factory.mktemp("kaltim")
    path = files.zipped_shapefile(files.big_villages(frame, "64"), folder, name="desa_kaltim",
                                  crs=32750)
    root = folder / "store" / "boundaries"
    return root, own_boundaries.build_set(path, root, CREDIT)


def test_village_file_of_one_province_is_dissolved_and_the_rest_kept(kaltim_villages, frame):
    root, record = kaltim_villages
    join = record["join"]
    assert (join["matched_by_code"], join["matched_by_name"]) == (10, 0)
    assert join["key"]["code_column"] == "KDPKAB" and join["key"]["level"] == "village"
    assert join["provinces"] == ["64"]
    assert record["filled_provinces"] == sorted(set(frame["code"].str[:2]) - {"64"})
    assert record["without_shape"] == []
    assert record["regencies"] == 514 and record["clean_coverage"] is True
    assert record["source_crs"].startswith("EPSG:32750")
    assert {m["code"]: m["parts"] for m in join["merged"]}["64.02"] == 4
    # not shown until activated: the running map is untouched
    assert boundary_sets.active_id(root) == boundary_sets.DEFAULT


def test_village_shapes_equal_the_regencies_they_were_cut_from(kaltim_villages, frame):
    """Dissolved villages give back their regency, within the pre-simplification
    (a band of PRESIMPLIFY degrees along the border at most)."""
    root, record = kaltim_villages
    stored = gpd.read_parquet(root / record["id"] / "regencies.parquet").set_index("code")
    source = frame.set_index("code")
    for code in [c for c in source.index if c.startswith("64.")]:
        a, b = stored.geometry[code], source.geometry[code]
        band = b.boundary.length * own_boundaries.PRESIMPLIFY
        assert shapely.symmetric_difference(a, b).area <= band, code
        assert shapely.symmetric_difference(a, b).area <= 0.01 * b.area, code


def test_budgets_and_clean_coverage_hold(kaltim_villages):
    root, record = kaltim_villages
    assert record["national_bytes"] <= NATIONAL_BUDGET
    assert record["province_bytes_max"] <= PROVINCE_BUDGET
    stored = gpd.read_parquet(root / record["id"] / "regencies.parquet")
    assert geometry.is_clean_coverage(stored.geometry.to_numpy())
    maps = boundary_sets.maps_of(root, record["id"])
    served = sorted(p.relative_to(maps).as_posix() for p in maps.rglob("*") if p.is_file())
    assert "regions.csv" in served and "tilegrid.csv" in served
    assert all(p.endswith((".topo.json", ".csv")) for p in served)  # map files only


def test_a_national_bps_coded_file_matches_every_regency(frame, crosswalk, tmp_path):
    path = files.zipped_shapefile(files.bps_coded(frame, crosswalk), tmp_path, name="bps")
    record = own_boundaries.build_set(path, tmp_path / "sets", CREDIT)
    join = record["join"]
    assert join["key"]["scheme"] == "bps"
    assert join["matched_by_code"] == len(files.bps_coded(frame, crosswalk))
    assert record["filled_provinces"] == [] or set(record["filled_provinces"]).isdisjoint(
        join["provinces"])


def test_a_regency_the_file_lacks_is_named_without_shape(frame, tmp_path):
    kaltim = frame[frame["code"].str.startswith("64.") & (frame["code"] != "64.11")]
    path = files.geojson(kaltim, tmp_path, name="kaltim_tanpa_mahulu")
    root = tmp_path / "sets"
    record = own_boundaries.build_set(path, root, CREDIT)
    assert record["without_shape"] == ["64.11"]
    drawn = json.loads((boundary_sets.maps_of(root, record["id"]) / "province" /
                        "64.topo.json").read_text())
    codes = {g["properties"]["code"] for g in drawn["objects"][MAP_OBJECT]["geometries"]}
    assert "64.11" not in codes and len(codes) == 9
    names = dict(zip(frame["code"], frame["name"], strict=True))
    assert boundary_report.credit(record, "id").startswith(
        "Batas wilayah: berkas kaltim_tanpa_mahulu.geojson")
    lines = boundary_report.map_lines(record, names, "64", "id")
    assert len(lines) == 1 and "Tanpa batas wilayah (1): Kabupaten Mahakam Ulu" in lines[0]
    assert boundary_report.map_lines(record, names, "", "id") == lines  # Indonesia
    assert boundary_report.map_lines(record, names, "63", "id") == []  # not in scope
    assert boundary_report.map_lines(None, names, "64", "id") == []  # the default set


def test_a_geopackage_layer_is_chosen(frame, tmp_path):
    kaltim = frame[frame["code"].str.startswith("64.")]
    path = files.geopackage(None, tmp_path, layers={
        "titik": gpd.GeoDataFrame({"n": ["a"]}, geometry=[shapely.Point(117, 0)], crs=4326),
        "kabkota": kaltim, "kalsel": frame[frame["code"].str.startswith("63.")]})
    with pytest.raises(boundary_file.BoundaryFileError):
        own_boundaries.build_set(path, tmp_path / "sets", CREDIT)
    record = own_boundaries.build_set(path, tmp_path / "sets", CREDIT, layer="kabkota")
    assert record["layer"] == "kabkota" and record["join"]["provinces"] == ["64"]


def test_a_chosen_key_overrides_the_guess(frame, tmp_path):
    kaltim = files.gadm(frame[frame["code"].str.startswith("64.")])
    path = files.geojson(kaltim, tmp_path, name="gadm_kaltim")
    record = own_boundaries.build_set(path, tmp_path / "sets", CREDIT,
                                      key={"name_column": "NAME_2", "kind_column": "TYPE_2"})
    assert record["join"]["key"]["name_column"] == "NAME_2"
    assert record["join"]["matched_by_name"] == 10
    assert "NAME_2" in record["columns"]


@pytest.mark.parametrize(("credit", "key"), [
    (own_boundaries.Credit("", "CC BY 4.0"), "own_boundaries.credit_missing"),
    (own_boundaries.Credit("BIG", " "), "own_boundaries.credit_missing"),
])
def test_credit_is_required(frame, tmp_path, credit, key):
    path = files.geojson(frame[frame["code"].str.startswith("64.")], tmp_path)
    with pytest.raises(own_boundaries.BuildRefused) as refused:
        own_boundaries.build_set(path, tmp_path / "sets", credit)
    assert refused.value.key == key
    assert not (tmp_path / "sets").exists()


def test_a_file_of_another_country_matches_nothing(tmp_path):
    other = gpd.GeoDataFrame({"NAME_2": ["Kreis A", "Kreis B"]},
                             geometry=[shapely.box(110, -1, 111, 0), shapely.box(111, -1, 112, 0)],
                             crs=4326)
    path = files.geojson(other, tmp_path, name="lain")
    with pytest.raises(own_boundaries.BuildRefused) as refused:
        own_boundaries.build_set(path, tmp_path / "sets", CREDIT)
    assert refused.value.key == "own_boundaries.nothing_matched"
    assert boundary_sets.list_sets(tmp_path / "sets") == []


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "utils.geo", "build", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_command_line_builds_reports_and_activates(frame, tmp_path):
    path = files.zipped_shapefile(files.gadm(frame[frame["code"].str.startswith("64.")]),
                                  tmp_path, name="gadm")
    done = _cli("--source", str(path), "--json", "--store", str(tmp_path / "store"),
                "--credit", "GADM 4.1", "--licence", "GADM licence", "--activate")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    root = boundary_sets.sets_root(tmp_path / "store")
    assert boundary_sets.active_id(root) == record["id"]
    assert record["join"]["matched_by_name"] == 10


def test_command_line_refusal_says_why_and_stores_nothing(tmp_path):
    points = gpd.GeoDataFrame({"nama": ["Kota Bontang"]}, geometry=[shapely.Point(117.5, 0.1)],
                              crs=4326)
    path = files.geojson(points, tmp_path, name="titik")
    done = _cli("--source", str(path), "--json", "--store", str(tmp_path / "store"),
                "--credit", "x", "--licence", "y", "--lang", "en")
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["error"] == "boundary_file.not_polygons"
    assert t(answer["error"], "en", **answer["values"]) in done.stderr
    assert boundary_sets.list_sets(boundary_sets.sets_root(tmp_path / "store")) == []


def test_isolated_build_out_of_memory_is_a_message(frame, tmp_path, monkeypatch):
    path = files.geojson(frame[frame["code"].str.startswith("64.")], tmp_path)
    monkeypatch.setattr(own_boundaries, "MEMORY_LIMIT", 200 * 2**20)  # below what Python needs
    answer = own_boundaries.build_isolated(path, tmp_path / "store", CREDIT)
    assert answer["error"] == "own_boundaries.crashed"
    assert boundary_sets.list_sets(boundary_sets.sets_root(tmp_path / "store")) == []


def test_a_missing_file_is_refused_not_mistaken_for_the_upstream_build(tmp_path):
    gone = tmp_path / "hilang.zip"
    answer = own_boundaries.build_isolated(gone, tmp_path / "store", CREDIT)
    assert answer["error"] == "boundary_file.missing"
    done = _cli("--source", str(gone), "--credit", "x", "--licence", "y")
    assert done.returncode == 2 and "hilang.zip" in done.stderr


def test_upstream_build_serves_map_files_only(built):
    served = cache_dir() / "maps"
    names = {p.name for p in served.rglob("*") if p.is_file()}
    assert "build.json" not in names and "crosswalk.csv" not in names
    assert all(n.endswith((".topo.json", ".csv")) for n in names)
    assert {"national.topo.json", "tilegrid.csv", "regions.csv"} <= names


def test_a_set_built_for_a_database_store_is_stored_there_whole(frame, tmp_path, pg_url,
                                                                monkeypatch):
    path = files.zipped_shapefile(files.gadm(frame[frame["code"].str.startswith("64.")]),
                                  tmp_path, name="gadm")
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "replica"))
    record = own_boundaries.build_isolated(path, pg_url, CREDIT)  # the URL via the environment
    assert record.get("error") is None and record["join"]["matched_by_name"] == 10
    where = boundary_sets.sets_of(PostgresStore(pg_url, root=tmp_path / "replica"))
    assert [r["id"] for r in boundary_sets.list_sets(where)] == [record["id"]]
    assert boundary_sets.active_id(where) == boundary_sets.DEFAULT  # built, not shown
    assert not (tmp_path / "replica").exists()  # nothing written beside the database
    maps = boundary_sets.maps_of(where, record["id"])
    assert (maps / "national.topo.json").stat().st_size == record["national_bytes"]
    assert (maps.parent / "source" / "gadm.zip").read_bytes() == path.read_bytes()
    assert boundary_sets.read_set(where, record["id"]) == json.loads(
        (maps.parent / "set.json").read_text())
