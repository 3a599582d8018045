"""Kecamatan maps: per-regency clip/clean/fill on a hand-made fixture, then the real build."""

from __future__ import annotations

import io
import json
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from utils.geo import build as boundaries
from utils.geo import geometry, kecamatan_maps, sources
from utils.geo.cache_record import MAP_OBJECT, maps_dir
from utils.metrics.regions import KECAMATAN_COLUMNS, read_kecamatan

REGENCY_BOXES = {"99.01": (110, -2, 111, -1), "99.02": (111, -2, 112, -1)}
REFERENCE = [  # code, name (the reference spelling wins over the upstream one)
    ("99.01.01", "Alpha"), ("99.01.02", "Beta"), ("99.01.03", "Gamma D'Ujung"),
    ("99.01.04", "Delta"), ("99.02.01", "Alpha"), ("99.02.02", "Epsilon"),
]


def reference_table(rows=REFERENCE) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["code", "name"])
    frame["kind"] = "Kecamatan"
    frame["regency_code"] = frame["code"].str[:5]
    frame["regency_name"] = "Kabupaten " + frame["regency_code"]
    frame["province_code"] = "99"
    frame["province_name"] = "Provinsi Contoh"
    return frame[KECAMATAN_COLUMNS]


def regency_frame(boxes=REGENCY_BOXES) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": list(boxes)},
                            geometry=[shapely.box(*b) for b in boxes.values()], crs=4326)


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    data = (FIXTURES / "kecamatan_mini.sql").read_bytes()
    return kecamatan_maps.parse_kecamatan({"wilayah_boundaries/db/kec/x_99.sql": data,
                                           "wilayah_boundaries/db/kab/x_99.sql": b"ignored"})


@pytest.fixture(scope="module")
def mini(raw) -> kecamatan_maps.KecamatanMaps:
    return kecamatan_maps.build_maps(raw, regency_frame(), reference_table())


def decoded(data: bytes) -> gpd.GeoDataFrame:
    return gpd.read_file(io.BytesIO(data)).set_index("code")


def test_parse_reads_only_kecamatan_dumps_swapping_to_lng_lat(raw):
    assert raw["code"].tolist() == ["99.01.01", "99.01.02", "99.01.03", "99.02.01", "99.02.02",
                                    "99.03.01"]
    assert raw.loc[2, "name"] == "Gamma D'Ujung"
    assert raw.geometry[0].bounds == (109.8, -2.0, 110.5, -1.0)


def test_bookkeeping_lists_shapes_missing_unknown_and_beyond(mini):
    assert mini.shapes == ["99.01.01", "99.01.02", "99.01.03", "99.02.01", "99.02.02"]
    assert mini.without_shape == ["99.01.04"]
    assert mini.unknown == ["99.03.01"]
    assert mini.beyond_regency == ["99.02.02"]
    assert mini.uncovered == {"99.02": 0.5}  # a wide gap stays open: no shape is guessed
    assert sorted(mini.outputs) == ["kecamatan/99.01.topo.json", "kecamatan/99.02.topo.json"]


def test_record_keys(mini):
    record = mini.record(1.234)
    assert record["kecamatan_shapes"] == 5 and record["kecamatan_without_shape"] == ["99.01.04"]
    assert record["kecamatan_unknown"] == ["99.03.01"] and record["kecamatan_seconds"] == 1.23
    assert record["kecamatan_bytes_max"] == max(len(v) for v in mini.outputs.values())


def test_kecamatan_are_clipped_cleaned_and_fill_their_regency(mini):
    shapes = decoded(mini.outputs["kecamatan/99.01.topo.json"])
    regency = shapely.box(*REGENCY_BOXES["99.01"])
    geoms = shapes.geometry.to_numpy()
    assert geometry.is_clean_coverage(geoms)  # the overlapping pair no longer overlaps
    assert shapes.geometry["99.01.01"].bounds[0] == pytest.approx(110, abs=1e-3)  # clipped
    assert shapes.geometry["99.01.03"].bounds[3] == pytest.approx(-1, abs=1e-4)  # sliver given
    union = shapely.union_all(geoms)
    assert union.symmetric_difference(regency).area == pytest.approx(0, abs=1e-4)


@pytest.mark.parametrize(
    ("file", "expected"),
    [("99.01", {"99.01.01": "Alpha", "99.01.02": "Beta", "99.01.03": "Gamma D'Ujung"}),
     ("99.02", {"99.02.01": "Alpha", "99.02.02": "Epsilon"})],
)
def test_topojson_holds_one_object_with_code_and_name(mini, file, expected):
    document = json.loads(mini.outputs[kecamatan_maps.map_name(file)])
    assert list(document["objects"]) == [MAP_OBJECT]
    features = document["objects"][MAP_OBJECT]["geometries"]
    assert {f["properties"]["code"]: f["properties"]["name"] for f in features} == expected
    assert all(set(f["properties"]) == {"code", "name"} for f in features)


def test_a_shape_outside_its_regency_keeps_its_outline_but_not_a_neighbours_land(raw):
    shifted = {"99.01": REGENCY_BOXES["99.01"], "99.02": (111, -2, 112, -1.5),
               "99.04": (112.25, -2, 113, -1)}  # a neighbour now holds half of Epsilon
    maps = kecamatan_maps.build_maps(raw, regency_frame(shifted), reference_table())
    epsilon = decoded(maps.outputs["kecamatan/99.02.topo.json"]).geometry["99.02.02"]
    assert epsilon.bounds == pytest.approx((112, -2, 112.25, -1.5), abs=1e-3)


def test_only_builds_and_lists_the_regencies_asked_for(raw):
    maps = kecamatan_maps.build_maps(raw, regency_frame(), reference_table(), only=["99.01"])
    assert list(maps.outputs) == ["kecamatan/99.01.topo.json"]
    assert maps.without_shape == ["99.01.04"] and "99.02.01" not in maps.shapes


def test_a_regency_with_no_shape_at_all_lists_every_kecamatan(raw):
    rows = [*REFERENCE, ("99.05.01", "Eta"), ("99.05.02", "Theta")]
    maps = kecamatan_maps.build_maps(raw, regency_frame(), reference_table(rows))
    assert maps.without_shape == ["99.01.04", "99.05.01", "99.05.02"]
    assert "kecamatan/99.05.topo.json" not in maps.outputs


def test_two_worker_processes_build_the_same_files(raw):
    """Two provinces (the fixture and a copy 10° east as province 98) in two processes."""
    def moved(frame):
        frame = frame.copy()
        for column in {"code", "regency_code", "province_code"} & set(frame.columns):
            frame[column] = "98" + frame[column].str[2:]
        return frame

    east = moved(raw).set_geometry(raw.geometry.translate(xoff=10))
    both = pd.concat([raw, east], ignore_index=True)
    regencies = regency_frame()
    regencies = pd.concat([regencies, moved(regencies).set_geometry(
        regencies.geometry.translate(xoff=10))], ignore_index=True)
    reference = pd.concat([reference_table(), moved(reference_table())], ignore_index=True)
    assert threading.active_count() == 1  # else the pool is (rightly) not used
    alone = kecamatan_maps.build_maps(both, regencies, reference, workers=1)
    shared = kecamatan_maps.build_maps(both, regencies, reference, workers=2)
    assert len(alone.outputs) == 4 and shared == alone


@settings(max_examples=25)
@given(
    columns=st.integers(1, 4), rows=st.integers(1, 3),
    jitter=st.lists(st.floats(-0.002, 0.002), min_size=48, max_size=48),
)
def test_jittered_tiles_become_a_coverage_of_the_regency(columns, rows, jitter):
    """Tiles with overlaps and gaps narrower than the gap width tile the regency exactly."""
    regency = shapely.box(0, 0, 1, 1)
    shift = iter(jitter)
    tiles = np.array([
        shapely.box(i / columns + next(shift), j / rows + next(shift),
                    (i + 1) / columns + next(shift), (j + 1) / rows + next(shift))
        for i in range(columns) for j in range(rows)
    ], dtype=object)
    clean, beyond, uncovered = kecamatan_maps.nest(tiles, regency, np.array([]))
    assert not beyond.any() and not shapely.is_empty(clean).any() and uncovered < 1e-9
    assert geometry.is_clean_coverage(clean)
    assert shapely.union_all(clean).symmetric_difference(regency).area < 1e-9


# --- the real build (../shared/upstream) ------------------------------------------------


def test_manifest_pins_the_38_kecamatan_dumps(upstream, tmp_path):
    manifest = sources.load_manifest()
    kec = [f for f in manifest["files"] if "/db/kec/" in f["path"]]
    assert len(kec) == 38
    commit = manifest["repositories"][0]["commit"]
    assert all(f["url"].endswith(f"{commit}/db/kec/{f['path'].rsplit('/', 1)[1]}") for f in kec)
    one = {**manifest, "files": kec[:1]}
    fetched = sources.fetch_all(str(upstream), tmp_path, manifest=one)
    assert list(fetched) == [kec[0]["path"]]


def test_real_build_records_the_kecamatan(built):
    assert built["kecamatan"] == 7285 and built["kecamatan_shapes"] == 7284
    assert built["kecamatan_without_shape"] == ["72.06.20"]  # Sombori Kepulauan, Morowali
    assert built["kecamatan_unknown"] == []
    assert 0 < built["kecamatan_bytes_max"] <= 100_000
    shown = boundaries.national_sizes(built)
    assert shown["kecamatan"] == 7285 and shown["kecamatan_shapes"] == 7284
    assert shown["kecamatan_without_shape"] == ["72.06.20"]


def test_real_kecamatan_files_within_budget_one_per_regency(built):
    files = sorted((maps_dir() / kecamatan_maps.FOLDER).glob("*.topo.json"))
    assert len(files) == 514
    assert max(f.stat().st_size for f in files) <= 100_000
    assert built["kecamatan_bytes_max"] == max(f.stat().st_size for f in files)


def test_real_kutai_kartanegara_has_all_its_kecamatan(built):
    reference = read_kecamatan(boundaries.cache_dir() / "kecamatan.csv")
    wanted = reference.loc[reference["regency_code"] == "64.02"]
    shapes = decoded((maps_dir() / "kecamatan" / "64.02.topo.json").read_bytes())
    assert len(wanted) == 20
    assert dict(zip(shapes.index, shapes["name"], strict=True)) == dict(
        zip(wanted["code"], wanted["name"], strict=True))
    assert geometry.is_clean_coverage(shapes.geometry.to_numpy())
    regency = gpd.read_parquet(boundaries.cache_dir() / "regencies.parquet").set_index("code")
    outline = regency.geometry["64.02"]
    assert shapely.union_all(shapes.geometry.to_numpy()).difference(
        outline.buffer(0.01)).area < 1e-4  # nested in the regency above them
