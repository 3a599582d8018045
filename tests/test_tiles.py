"""Tile grid: layout of the real 514 regencies, abbreviations, and the chart spec."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from shapely import box

from utils.charts import choropleth as charts
from utils.charts import tiles
from utils.geo import tile_layout
from utils.geo.cache_record import cache_dir, maps_dir

LABELS = {"legend": "Cakupan", "no_data": "Tanpa data", "region": "Wilayah",
          "province": "Provinsi", "percent": "Persen", "numerator": "Pembilang",
          "denominator": "Penyebut"}


@pytest.fixture(scope="module")
def regencies(built) -> gpd.GeoDataFrame:
    return gpd.read_parquet(cache_dir() / "regencies.parquet")


@pytest.fixture(scope="module")
def table(built) -> pd.DataFrame:
    """The table the build wrote (``tilegrid.csv``)."""
    return pd.read_csv(maps_dir() / "tilegrid.csv", dtype={"code": str, "province_code": str})


@pytest.fixture(scope="module")
def national(regencies) -> pd.DataFrame:
    return tile_layout.layout(regencies)


def _cells(frame: pd.DataFrame, col: str = "col", row: str = "row") -> list[tuple[int, int]]:
    return list(zip(frame[col], frame[row], strict=True))


# --- layout of the real regencies -----------------------------------------------------


def test_every_regency_once_in_its_own_cell(national, regencies):
    assert sorted(national["code"]) == sorted(regencies["code"])
    assert len(set(_cells(national))) == len(national) == 514
    assert national[["col", "row"]].min().tolist() == [0, 0]
    assert national["col"].dtype.kind == "i" and national["row"].dtype.kind == "i"


def test_layout_is_deterministic_and_ignores_row_order(national, regencies):
    shuffled = regencies.sample(frac=1.0, random_state=7)
    again = tile_layout.layout(shuffled)
    pd.testing.assert_frame_equal(again, national)


def test_build_wrote_the_same_layout(table, national):
    merged = national.merge(table, on="code", suffixes=("", "_csv"))
    assert len(merged) == 514
    assert (merged["col"] == merged["col_csv"]).all()
    assert (merged["row"] == merged["row_csv"]).all()


def test_geographic_neighbours_stay_near(national, regencies):
    ordered = regencies.sort_values("code")
    lonlat = tile_layout.anchors(ordered.geometry.to_numpy())
    _, nearest = cKDTree(lonlat).query(lonlat, k=7)
    cells = national[["col", "row"]].to_numpy()
    dist = np.hypot(*(cells[nearest[:, 1:]] - cells[:, None, :]).transpose(2, 0, 1))
    assert np.median(dist) <= 2.0, "a regency's six nearest neighbours are mostly adjacent"
    assert np.percentile(dist, 90) <= 4.0


def test_island_groups_keep_their_order(national):
    """Sumatra west of Java; Kalimantan north of Java; Papua the far east; Sulawesi
    between Kalimantan and Papua."""
    mean = national.groupby(national["code"].str[0])[["col", "row"]].mean()
    assert mean.loc["1", "col"] < mean.loc["3", "col"] < mean.loc["7", "col"]
    assert mean.loc["6", "row"] < mean.loc["3", "row"]
    assert mean.loc["9", "col"] == mean["col"].max()
    assert mean.loc["6", "col"] < mean.loc["7", "col"] < mean.loc["9", "col"]


def test_sea_separates_java_from_sumatra_and_kalimantan(national):
    """Java spreads out without touching (even diagonally) Sumatra, the Riau
    Islands or Kalimantan; only its eastern end may meet Bali and Sulawesi's arm."""
    owner = {cell: code[0] for cell, code in zip(_cells(national), national["code"], strict=True)}
    touching = {
        (group, owner[(c + dc, r + dr)])
        for (c, r), group in owner.items()
        for dc in (-1, 0, 1) for dr in (-1, 0, 1)
        if owner.get((c + dc, r + dr), group) != group
    }
    java = {other for group, other in touching if group == "3"}
    assert java <= {"5", "7"}
    assert touching, "the test sees neighbours at all"


def test_jakarta_is_one_cluster_inside_java(national):
    jakarta = national[national["code"].str[:2] == "31"]
    assert len(jakarta) == 6
    assert jakarta["col"].max() - jakarta["col"].min() <= 3
    assert jakarta["row"].max() - jakarta["row"].min() <= 3
    java = national[national["code"].str[0] == "3"]
    centre = java[["col", "row"]].to_numpy()
    others = national[national["code"].str[0] != "3"][["col", "row"]].to_numpy()
    for col, row in _cells(jakarta):
        to_java = np.hypot(*(centre - [col, row]).T)
        to_others = np.hypot(*(others - [col, row]).T)
        assert np.sort(to_java)[1] <= 1.5  # a Java neighbour next to it
        assert to_others.min() >= 2.0  # sea (an empty cell) to any other island


def _components(cells: set[tuple[int, int]]) -> int:
    seen, count = set(), 0
    for start in cells:
        if start in seen:
            continue
        count += 1
        stack = [start]
        seen.add(start)
        while stack:
            c, r = stack.pop()
            for nb in [(c + dc, r + dr) for dc in (-1, 0, 1) for dr in (-1, 0, 1)]:
                if nb in cells and nb not in seen:
                    seen.add(nb)
                    stack.append(nb)
    return count


# Provinces made of islands far apart may split; every other one is one piece.
ARCHIPELAGOS = {"21", "53", "71", "81", "82"}


def test_provinces_stay_contiguous(national):
    split = {
        code: _components(set(_cells(part)))
        for code, part in national.groupby(national["code"].str[:2])
    }
    assert {c for c, n in split.items() if n > 1} <= ARCHIPELAGOS
    assert all(n <= 3 for n in split.values())


@pytest.mark.parametrize("province, count", [("31", 6), ("34", 5), ("35", 38), ("94", 8)])
def test_province_layout_is_a_small_grid_of_its_regencies(regencies, province, count):
    grid = tile_layout.province_layout(regencies, province)
    assert len(grid) == count and set(grid["code"].str[:2]) == {province}
    assert len(set(_cells(grid))) == count
    assert (grid["col"].max() + 1) * (grid["row"].max() + 1) <= 2.5 * count + 4


def test_table_has_both_variants_and_kota_kabupaten_pairs(table):
    assert list(table.columns) == tile_layout.TABLE_COLUMNS
    for province, part in table.groupby("province_code"):
        assert len(set(_cells(part, "pcol", "prow"))) == len(part), province
    bandung = table[table["name"].isin(["Kota Bandung", "Kabupaten Bandung"])]
    assert sorted(bandung["kota"]) == [0, 1]
    assert bandung["abbr"].nunique() == 1  # same letters; the shape tells them apart
    assert len(set(_cells(bandung))) == 2


def test_province_borders_mark_edges_between_provinces(table):
    owner = dict(zip(_cells(table), table["province_code"], strict=True))
    for col, row, prov, right, below in table[
        ["col", "row", "province_code", "border_right", "border_below"]
    ].itertuples(index=False):
        assert right == int(owner.get((col + 1, row), prov) != prov)
        assert below == int(owner.get((col, row + 1), prov) != prov)
    assert table["border_right"].sum() > 20


# --- pure steps -----------------------------------------------------------------------

points = st.lists(
    st.tuples(st.floats(-20, 20), st.floats(-20, 20)), min_size=1, max_size=40
).map(np.array)


@settings(max_examples=60, deadline=None)
@given(points)
def test_snap_gives_each_point_its_own_cell(pts):
    cells = tile_layout.snap(pts)
    assert cells.shape == pts.shape
    assert len({tuple(c) for c in cells}) == len(pts)
    assert cells.min(axis=0).tolist() == [0, 0]
    np.testing.assert_array_equal(cells, tile_layout.snap(pts))


@settings(max_examples=30, deadline=None)
@given(points, st.integers(1, 3))
def test_spread_separates_points_of_one_group(pts, groups):
    provinces = np.array([str(i % groups) for i in range(len(pts))])
    out = tile_layout.spread(pts, provinces, np.array(["1"] * len(pts)), steps=400)
    assert np.isfinite(out).all()
    if len(pts) > 1:
        dist, _ = cKDTree(out).query(out, k=2)
        assert dist[:, 1].min() > 0.5  # stacked places end up apart


def test_spread_of_equal_places_is_deterministic():
    pts = np.zeros((5, 2))
    groups = np.array(["11"] * 5)
    a = tile_layout.spread(pts, groups, groups)
    np.testing.assert_array_equal(a, tile_layout.spread(pts, groups, groups))
    assert len({tuple(c) for c in tile_layout.snap(a)}) == 5


def test_layout_of_a_small_synthetic_country():
    """Two islands of squares: a dense one (4 tiny regencies) and a sparse one."""
    rows = [("11.01", box(0, 0, 0.1, 0.1)), ("11.02", box(0.1, 0, 0.2, 0.1)),
            ("11.03", box(0, 0.1, 0.1, 0.2)), ("11.04", box(0.1, 0.1, 0.2, 0.2)),
            ("31.01", box(10, 0, 12, 2)), ("31.02", box(12, 0, 14, 2))]
    frame = gpd.GeoDataFrame({"code": [r[0] for r in rows]}, geometry=[r[1] for r in rows],
                             crs=4326)
    grid = tile_layout.layout(frame).set_index("code")
    assert len(set(zip(grid["col"], grid["row"], strict=True))) == 6
    assert grid.loc["31.01", "col"] < grid.loc["31.02", "col"]  # east stays east
    assert grid.loc["11.03", "row"] < grid.loc["11.01", "row"]  # north stays up
    assert (grid.loc[["31.01", "31.02"], "col"] > grid.loc[["11.01", "11.02"], "col"].max()).all()


@pytest.mark.parametrize("name, expected", [
    ("Kota Administrasi Jakarta Selatan", "JKS"),
    ("Kabupaten Administrasi Kepulauan Seribu", "KPS"),
    ("Kabupaten Ogan Komering Ulu Timur", "OKUT"),
    ("Kabupaten Penukal Abab Lematang Ilir", "PALI"),
    ("Kota Bandung", "BND"),
    ("Kabupaten Bandung", "BND"),
    ("Kabupaten Toli-Toli", "TLT"),
    ("Kabupaten Aceh Barat Daya", "ABD"),
    ("Kabupaten Pangkajene dan Kepulauan", "PNK"),
])
def test_abbreviation(name, expected):
    assert tile_layout.abbreviations(pd.Series([name]), pd.Series(["00"])) == [expected]


def test_abbreviations_differ_within_a_province_unless_same_place():
    names = pd.Series(["Kabupaten Semarang", "Kota Semarang", "Kabupaten Sumenep",
                       "Kota Samarinda", "Kabupaten Sambas"])
    out = tile_layout.abbreviations(names, pd.Series(["33", "33", "33", "33", "33"]))
    assert out[0] == out[1]
    assert len(set(out[1:])) == 4


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnoprstu -", min_size=1, max_size=24)
                .filter(lambda s: any(c.isalpha() for c in s)), min_size=1, max_size=12))
def test_abbreviations_are_unique_per_distinct_name(words):
    names = pd.Series([f"Kabupaten {w}" for w in words])
    out = tile_layout.abbreviations(names, pd.Series(["11"] * len(names)))
    by_abbr: dict[str, set[str]] = {}
    for name, abbr in zip(names, out, strict=True):
        by_abbr.setdefault(abbr, set()).add(tile_layout.base_name(name))
        assert abbr and abbr == abbr.upper()
    assert all(len(bases) == 1 for bases in by_abbr.values())


def test_abbreviations_of_real_names_are_short_and_unique(table):
    assert table["abbr"].str.len().between(3, 4).all()
    for _, part in table.groupby("province_code"):
        pairs = part.groupby("abbr")["name"].apply(lambda s: {tile_layout.base_name(n) for n in s})
        assert pairs.map(len).max() == 1


# --- chart ----------------------------------------------------------------------------


def _values(table: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    den = rng.integers(1_000, 400_000, len(table))
    num = (den * rng.uniform(0.7, 1.06, len(table))).round()
    values = pd.DataFrame({"code": table["code"], "name": table["name"],
                           "province_name": table["province_name"],
                           "numerator": num, "denominator": den.astype(float)})
    values["percent"] = values["numerator"] / values["denominator"] * 100
    values.loc[values["code"].str.startswith("32"), ["numerator", "denominator", "percent"]] = None
    return values


def _datasets(spec: dict) -> dict[str, list]:
    return spec.get("datasets", {})


def _transforms(node: object) -> list[dict]:
    """Every transform anywhere in a spec."""
    if isinstance(node, dict):
        found = list(node.get("transform", []))
        return found + [t for v in node.values() for t in _transforms(v)]
    if isinstance(node, list):
        return [t for v in node for t in _transforms(v)]
    return []


def _values_dataset(spec: dict) -> list[dict]:
    return next(rows for rows in _datasets(spec).values() if rows and "k" in rows[0])


@pytest.mark.parametrize("target", [99.3, 80.0, 100.0, None])
def test_chart_classes_and_colours_match_the_choropleth(table, target):
    values = _values(table)
    spec = tiles.tile_chart(table, values, target, LABELS, "id").to_dict()
    sent = pd.DataFrame(_values_dataset(spec)).set_index("code")
    expected = charts.classify(values.set_index("code")["percent"], target)
    with_data = expected.dropna()
    assert sorted(sent.index) == sorted(with_data.index)  # regions without data are not sent
    assert (sent.loc[with_data.index, "k"].astype(int) == with_data.astype(int)).all()
    names = charts.class_labels(target, "id")
    colours = charts.BELOW + (charts.AT_OR_ABOVE if len(names) == 6 else charts.AT_OR_ABOVE[-1:])
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [*names, "Tanpa data"]
    assert scale["range"] == [*colours, charts.NO_DATA_COLOUR]
    band = [t["calculate"] for t in _transforms(spec) if t.get("as") == "band"]
    assert set(band) == {f'isValid(datum.k) ? {json.dumps(names)}[datum.k] : "Tanpa data"'}


def test_chart_without_data_is_grey_never_zero(table):
    values = _values(table)
    values[["numerator", "denominator", "percent"]] = None
    spec = tiles.tile_chart(table, values, 95.0, LABELS, "id").to_dict()
    assert all(not rows or "k" not in rows[0] for rows in _datasets(spec).values()) or \
        _values_dataset(spec) == []
    assert "Tanpa data" in spec["layer"][0]["encoding"]["color"]["scale"]["domain"]


def test_chart_tooltip_has_the_choropleth_fields_and_extras(table):
    values = _values(table).assign(rank_text="3 / 27")
    spec = tiles.tile_chart(table, values, 95.0, LABELS, "en",
                               extra_tooltip={"rank_text": "Rank"}).to_dict()
    tips = spec["layer"][0]["encoding"]["tooltip"]
    assert [t["title"] for t in tips] == ["Wilayah", "Provinsi", "Persen", "Pembilang",
                                         "Penyebut", "Rank"]
    row = _values_dataset(spec)[0]
    assert row["rank_text"] == "3 / 27"
    assert "," in row["numerator_text"] or len(row["numerator_text"]) <= 3  # English grouping


def test_chart_with_layout_url_sends_only_the_values(table):
    values = _values(table)
    spec = tiles.tile_chart(table, values, 95.0, LABELS, "id",
                               layout_url="/component/geo/tilegrid.csv?v=1").to_dict()
    assert "/component/geo/tilegrid.csv?v=1" in json.dumps(spec)
    sent = [rows for rows in _datasets(spec).values() if rows]
    assert len(sent) == 1 and set(sent[0][0]) == {"code", "k", *tiles.VALUE_TEXTS}
    skeleton = {k: v for k, v in spec.items() if k != "datasets"}
    assert len(json.dumps(skeleton)) < 10_000  # the layout is fetched, not inlined


def test_province_chart_draws_only_that_province(table):
    values = _values(table)
    spec = tiles.tile_chart(table, values, 95.0, LABELS, "id", province="35").to_dict()
    layout_rows = next(rows for rows in _datasets(spec).values() if rows and "pcol" in rows[0])
    assert {r["code"][:2] for r in layout_rows} == {"35"} and len(layout_rows) == 38
    assert len(spec["layer"]) == 2  # tiles and letters; no province borders inside one


def test_dark_classes_get_white_letters(table):
    spec = tiles.tile_chart(table, _values(table), 99.3, LABELS, "id").to_dict()
    condition = spec["layer"][-1]["encoding"]["color"]["condition"]
    names = charts.class_labels(99.3, "id")
    assert condition["test"]["oneOf"] == [names[0], names[-1]]
