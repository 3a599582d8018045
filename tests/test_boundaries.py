"""The real build from ../shared/upstream: 514 regencies, 38 provinces, a clean coverage."""

import json

import geopandas as gpd
import numpy as np
import pytest

from utils.geo import build as boundaries
from utils.geo import geometry, sources, topology
from utils.geo.cache_record import MAP_OBJECT, maps_dir


@pytest.fixture(scope="module")
def national(built):
    return json.loads((maps_dir() / "national.topo.json").read_bytes())


def test_build_record(built):
    info = boundaries.national_sizes(built)
    assert info["regencies"] == 514 and info["provinces"] == 38
    assert info["invalid"] == 0 and info["invalid_upstream"] == 124
    assert info["clean_coverage"] is True


def test_full_resolution_regencies_form_a_clean_coverage(built):
    full = gpd.read_parquet(boundaries.cache_dir() / "regencies.parquet")
    assert len(full) == 514 and full["code"].is_unique
    assert not full.geometry.is_empty.any()
    assert set(full.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert geometry.is_clean_coverage(full.geometry.to_numpy())


def test_national_map_has_every_regency_and_province(national):
    assert list(national["objects"]) == [MAP_OBJECT]  # one object: one download draws both
    both = national["objects"][MAP_OBJECT]["geometries"]
    regs = [g for g in both if len(g["properties"]["code"]) == 5]
    provs = [g for g in both if len(g["properties"]["code"]) == 2]
    assert len(regs) + len(provs) == len(both)
    assert len({g["properties"]["code"] for g in regs}) == 514
    assert len({g["properties"]["code"] for g in provs}) == 38
    assert "63" in {g["properties"]["code"] for g in provs}  # missing upstream, dissolved here
    assert all(g["type"] in ("Polygon", "MultiPolygon") for g in regs)


def test_every_ring_is_wound_for_the_browser(national):
    assert topology.fix_winding(national) == 0


def test_each_province_map_has_its_regencies(built):
    folder = maps_dir() / "province"
    kaltim = json.loads((folder / "64.topo.json").read_bytes())
    codes = {g["properties"]["code"] for g in kaltim["objects"][MAP_OBJECT]["geometries"]}
    assert codes == {"64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11",
                     "64.71", "64.72", "64.74"}
    assert len(list(folder.glob("*.topo.json"))) == 38


def test_a_fresh_build_is_reused_and_a_changed_source_is_not(built, tmp_path):
    assert boundaries.is_fresh()
    assert boundaries.build()["digest"] == built["digest"]
    manifest = sources.load_manifest()
    manifest["files"][3]["sha256"] = "0" * 64
    assert not boundaries.is_fresh(manifest=manifest)


def test_info_cli_prints_the_numbers(built, capsys):
    assert boundaries.main(["info", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["regencies"] == 514 and out["provinces"] == 38 and out["invalid"] == 0
    assert out["national_bytes"] > 0 and out["province_bytes_max"] > 0


def test_unreachable_source_fails_with_a_hint_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAPAIAN_CACHE_DIR", str(tmp_path / "cache"))
    assert boundaries.main(["build", "--source", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err and "CAPAIAN_GEO_SOURCE" in err
    assert "Traceback" not in err


def test_a_tampered_file_is_refused(upstream, tmp_path):
    item = sources.manifest_files(sources.load_manifest())[0]
    fake = tmp_path / item.path
    fake.parent.mkdir(parents=True)
    fake.write_bytes((upstream / item.path).read_bytes() + b" ")
    with pytest.raises(sources.SourceError, match="sha256"):
        sources.fetch_one(item, str(tmp_path), tmp_path / "dl")


def test_a_download_that_fails_says_which_address(tmp_path):
    item = sources.manifest_files(sources.load_manifest())[0]
    with pytest.raises(sources.SourceError, match=r"127\.0\.0\.1"):
        sources.fetch_one(item, "http://127.0.0.1:9", tmp_path, timeout=1, retries=1)


def test_snap_drops_a_ring_that_collapses_on_the_grid():
    import shapely

    tiny = shapely.MultiPolygon([shapely.box(0, 0, 10, 10), shapely.box(5, 20, 5.0001, 20.0001)])
    grid = {"scale": [0.01, 0.01], "translate": [0.0, 0.0]}
    snapped = topology.snap(np.array([tiny], dtype=object), grid)[0]
    assert snapped.is_valid and len(shapely.get_parts(snapped)) == 1
