"""Joining an office's boundary file to today's regencies: key found, codes read, shapes unioned.

Every frame is built in memory from the real 514 regency shapes (``geo/cache/regencies.parquet``,
after the ``built`` fixture) in the schema of one publisher: BIG (village level), BPS codes,
GADM, geoBoundaries, names only, an old 34-province vintage.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.geo import boundary_join as bj
from utils.geo.boundary_join import BoundaryJoinError, KeyGuess
from utils.geo.build import cache_dir
from utils.i18n import texts
from utils.ingest.matching import name_key

PAPUA_TODAY = ("91", "92", "93", "94", "95", "96")
SLOW = settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def shapes(built: dict) -> gpd.GeoDataFrame:
    """The 514 regencies: code, official name, geometry (EPSG:4326)."""
    return gpd.read_parquet(cache_dir() / "regencies.parquet")


def frame(shapes: gpd.GeoDataFrame, **columns: object) -> gpd.GeoDataFrame:
    """A boundary file: text attributes ``columns`` on the regency shapes."""
    data = {k: pd.Series(v, index=shapes.index).astype(str) if not isinstance(v, str) else v
            for k, v in columns.items()}
    return gpd.GeoDataFrame(data, geometry=shapes.geometry.values, crs="EPSG:4326")


def current_to(crosswalk: pd.DataFrame, scheme: str) -> dict[str, str]:
    """Today's regency code → its code in ``scheme`` (one-to-one rows only)."""
    rows = crosswalk[(crosswalk["scheme"] == scheme) & (crosswalk["level"] == "regency")
                     & ~crosswalk["how"].isin(["ambiguous", "none"])]
    return {cur: code for code, cur in zip(rows["code"], rows["current"], strict=True)
            if " " not in cur}


def core(names: pd.Series) -> pd.Series:
    """``Kabupaten Kutai Kartanegara`` → ``Kutai Kartanegara`` (as BIG, GADM, geoBoundaries)."""
    return names.map(lambda n: name_key(n).core.title())


def province_names(regions: pd.DataFrame, codes: pd.Series) -> pd.Series:
    provinces = regions[regions["level"] == "province"]
    return codes.str[:2].map(dict(zip(provinces["code"], provinces["name"], strict=True)))


def kemendagri(shapes, regions, crosswalk):
    return frame(shapes, KODE=shapes["code"], NAMA=shapes["name"])


def kemendagri_undotted(shapes, regions, crosswalk):
    return frame(shapes, OBJECTID=shapes.index + 1, KODE=shapes["code"].str.replace(".", ""),
                 NAMA=shapes["name"].str.upper())


def bps(shapes, regions, crosswalk):
    return frame(shapes, KODE_BPS=shapes["code"].map(current_to(crosswalk, "bps")),
                 NAMA=shapes["name"].str.upper())


def gadm(shapes, regions, crosswalk):
    kind = shapes["name"].str.split().str[0]
    return frame(shapes, GID_0="IDN", NAME_0="Indonesia",
                 GID_2=[f"IDN.{i // 30 + 1}.{i % 30 + 1}_1" for i in range(len(shapes))],
                 NAME_1=province_names(regions, shapes["code"]), NAME_2=core(shapes["name"]),
                 TYPE_2=kind, ENGTYPE_2=kind.map({"Kabupaten": "Regency", "Kota": "City"}))


def geoboundaries(shapes, regions, crosswalk):
    return frame(shapes, shapeName=core(shapes["name"]), shapeISO="", shapeGroup="IDN",
                 shapeType="ADM2",
                 shapeID=[f"IDN-ADM2-{i}B{i * 7 % 1000}" for i in range(len(shapes))])


def names_only(shapes, regions, crosswalk):
    return frame(shapes, name=shapes["name"])


def old_34_provinces(shapes, regions, crosswalk):
    """Kemendagri 2020 codes: today's Papua provinces 93–96 written as 91.xx / 92.xx."""
    old = current_to(crosswalk, "kemendagri_2020")
    codes = shapes["code"].where(~shapes["code"].str[:2].isin(PAPUA_TODAY),
                                 shapes["code"].map(old))
    return frame(shapes, KDPPUM=codes.str[:2], KDPKAB=codes, WADMKK=core(shapes["name"]))


# builder → (code, name, province, kind columns), level, scheme, by code, by name, unmatched
CASES = {
    kemendagri: (("KODE", "NAMA", None, None), "regency", "kemendagri", 514, 0, 0),
    kemendagri_undotted: (("KODE", "NAMA", None, None), "regency", "kemendagri", 514, 0, 0),
    bps: (("KODE_BPS", "NAMA", None, None), "regency", "bps", 514, 0, 0),
    gadm: ((None, "NAME_2", "NAME_1", "TYPE_2"), "regency", "", 0, 514, 0),
    geoboundaries: ((None, "shapeName", None, None), "regency", "", 0, 462, 52),
    names_only: ((None, "name", None, None), "regency", "", 0, 514, 0),
    old_34_provinces: (("KDPKAB", "WADMKK", "KDPPUM", None), "regency", "kemendagri_2022",
                       514, 0, 0),
}


@pytest.mark.parametrize("build", list(CASES), ids=[b.__name__ for b in CASES])
def test_each_publisher_schema_joins_to_the_right_regencies(build, shapes, regions, crosswalk):
    columns, level, scheme, by_code, by_name, unmatched = CASES[build]
    joined = bj.join(build(shapes, regions, crosswalk), regions, crosswalk)
    report = joined.report
    key = report.key
    assert (key.code_column, key.name_column, key.province_column, key.kind_column) == columns
    assert (key.level, key.scheme) == (level, scheme)
    assert (report.matched_by_code, report.matched_by_name) == (by_code, by_name)
    assert report.total_regencies == 514 and report.features == 514
    assert sum(u["features"] for u in report.unmatched) == unmatched
    assert len(report.missing) == unmatched and not report.conflicts and not report.merged
    # every shape is the very feature of its regency: nothing matched to a neighbour
    source = shapes.set_index("code").geometry
    out = joined.regencies.set_index("code")
    assert list(out.index) == sorted(out.index) and (out["parts"] == 1).all()
    assert shapely.equals_exact(out.geometry.values, source[out.index].values).all()
    assert (out["name"] == shapes.set_index("code").loc[out.index, "name"]).all()
    json.dumps(report.to_dict())


def test_old_vintage_notes_the_translated_papua_codes(shapes, regions, crosswalk):
    report = bj.join(old_34_provinces(shapes, regions, crosswalk), regions, crosswalk).report
    notes = {n["key"]: n["values"] for n in report.notes}
    moved = int(shapes["code"].str[:2].isin(PAPUA_TODAY[2:]).sum())  # now in 93–96
    assert notes["boundary_join.note.scheme_kemendagri_2022"] == {"column": "KDPKAB"}
    assert notes["boundary_join.note.translated"]["provinces"] == moved
    assert report.provinces_complete == report.provinces and len(report.provinces) == 38


def test_shared_names_without_a_kind_are_asked_with_both_regions(shapes, regions, crosswalk):
    report = bj.join(geoboundaries(shapes, regions, crosswalk), regions, crosswalk).report
    bekasi = [u for u in report.unmatched if u["value"] == "Bekasi"]
    assert bekasi and bekasi[0]["features"] == 2
    assert {s["code"] for s in bekasi[0]["suggestions"]} == {"32.16", "32.75"}
    assert {"32.16", "32.75"} <= set(report.missing)


def test_a_province_column_settles_a_name_shared_across_provinces(shapes, regions, crosswalk):
    """``Banjar`` is a Kota in Jawa Barat and a Kabupaten in Kalimantan Selatan."""
    banjar = shapes[shapes["code"].isin(["32.79", "63.03"])]
    joined = bj.join(frame(banjar, NAMOBJ=["Banjar", "Banjar"],
                           WADMPR=province_names(regions, banjar["code"])), regions, crosswalk)
    assert list(joined.regencies["code"]) == ["32.79", "63.03"]
    alone = bj.join(frame(banjar, NAMOBJ=["Banjar", "Banjar"]), regions, crosswalk).report
    assert alone.matched_by_name == 0 and alone.unmatched[0]["features"] == 2


def test_a_feature_whose_code_and_name_disagree_is_a_conflict(shapes, regions, crosswalk):
    names = shapes["name"].copy()
    names[shapes["code"] == "64.02"] = "Kabupaten Berau"  # 64.03's name on 64.02's code
    report = bj.join(frame(shapes, KODE=shapes["code"], NAMA=names), regions, crosswalk).report
    assert report.matched_by_code == 513 and report.missing == ["64.02"]
    assert report.conflicts == [{
        "value": "64.02 Kabupaten Berau", "features": 1,
        "code_region": {"code": "64.02", "name": "Kabupaten Kutai Kartanegara"},
        "name_region": {"code": "64.03", "name": "Kabupaten Berau"}}]


def test_codes_that_disagree_with_every_name_are_conflicts_not_ignored(shapes, regions,
                                                                        crosswalk):
    """Every code shifted by one row: a code column still, so no feature matches by name alone."""
    file = frame(shapes, KODE=np.roll(shapes["code"].to_numpy(), 1), NAMA=shapes["name"])
    joined = bj.join(file, regions, crosswalk)
    report = joined.report
    assert report.key.code_column == "KODE" and report.matched_by_name == 0
    assert len(report.conflicts) + report.matched_by_code == 514
    assert len(report.conflicts) > 500
    out = joined.regencies.set_index("code")
    source = shapes.set_index("code").geometry
    assert shapely.equals_exact(out.geometry.values, source[out.index].values).all()


def test_a_number_column_that_is_no_code_is_ignored_and_said(shapes, regions, crosswalk):
    ids = (1000 + np.arange(len(shapes)) * 17 % 9000).astype(str)
    joined = bj.join(frame(shapes, FID=ids, NAMA=shapes["name"]), regions, crosswalk)
    key = joined.report.key
    assert (key.code_column, key.name_column, key.ignored_codes) == (None, "NAMA", ("FID",))
    assert joined.report.matched_by_name == 514
    assert {"key": "boundary_join.note.codes_ignored",
            "values": {"columns": "FID"}} in joined.report.notes


def test_a_former_name_matches_today_s_regency_and_is_said(shapes, regions, crosswalk):
    names = shapes["name"].where(shapes["code"] != "12.12", "Kabupaten Toba Samosir")
    report = bj.join(frame(shapes, name=names), regions, crosswalk).report
    assert report.matched_by_name == 514 and not report.missing
    said = {"value": "Kabupaten Toba Samosir", "code": "12.12", "name": "Kabupaten Toba"}
    assert {"key": "boundary_join.note.former_name", "values": said} in report.notes


def test_sea_and_lake_features_are_unmatched_with_suggestions(shapes, regions, crosswalk):
    boxes = [shapely.box(100, 2, 101, 3), shapely.box(98.5, 2.4, 99, 2.9)]
    extra = gpd.GeoDataFrame({"name": ["Laut", "Danau Toba"]}, geometry=boxes, crs="EPSG:4326")
    file = pd.concat([names_only(shapes, regions, crosswalk), extra], ignore_index=True)
    report = bj.join(file, regions, crosswalk).report
    assert report.features == 516 and report.matched_by_name == 514 and not report.missing
    assert sorted(u["value"] for u in report.unmatched) == ["Danau Toba", "Laut"]
    assert all(len(u["suggestions"]) == 5 for u in report.unmatched)


def big_villages(shapes: gpd.GeoDataFrame, regions: pd.DataFrame, province: str = "64",
                 cell: float = 0.1) -> gpd.GeoDataFrame:
    """BIG village schema: each regency of ``province`` cut by a grid into 'villages'."""
    regs = shapes[shapes["code"].str[:2] == province].reset_index(drop=True)
    x0, y0, x1, y1 = regs.total_bounds
    boxes = [shapely.box(x, y, x + cell, y + cell) for x in np.arange(x0, x1, cell)
             for y in np.arange(y0, y1, cell)]
    grid = gpd.GeoDataFrame(geometry=boxes, crs="EPSG:4326")
    cut = gpd.overlay(regs, grid, how="intersection", keep_geom_type=True)
    cut = cut.sort_values("code", kind="stable").reset_index(drop=True)
    n = cut.groupby("code").cumcount() + 1
    district = cut["code"] + "." + (n // 20 + 1).map("{:02d}".format)
    return frame(cut, KDPPUM=province, WADMPR=province_names(regions, cut["code"]),
                 KDPKAB=cut["code"], WADMKK=core(cut["name"]), KDCPUM=district,
                 WADMKC="Kecamatan " + district, KDEPUM=district + "." + (2000 + n).astype(str),
                 WADMKD="Desa " + n.astype(str))


def test_a_village_file_dissolves_to_its_regencies(shapes, regions, crosswalk):
    villages = big_villages(shapes, regions)
    joined = bj.join(villages, regions, crosswalk)
    report = joined.report
    key = report.key
    assert (key.code_column, key.name_column, key.level, key.scheme) == (
        "KDPKAB", "WADMKK", "village", "kemendagri")
    kaltim = sorted(shapes.loc[shapes["code"].str.startswith("64."), "code"])
    assert list(joined.regencies["code"]) == kaltim and report.matched_by_code == 10
    assert report.provinces == report.provinces_complete == ["64"]
    assert len(report.missing) == 504 and not report.unmatched and not report.conflicts
    counts = villages["KDPKAB"].value_counts()
    assert report.merged == [{"code": c, "parts": int(counts[c])} for c in kaltim]
    assert {"key": "boundary_join.note.dissolved", "values": {
        "features": len(villages), "regencies": 10, "level": "village"}} in report.notes
    source = shapes.set_index("code").geometry[kaltim].values
    lost = shapely.area(shapely.symmetric_difference(joined.regencies.geometry.values, source))
    assert (lost < 1e-9 * shapely.area(source)).all()


def test_a_village_code_alone_still_names_its_regency(shapes, regions, crosswalk):
    villages = big_villages(shapes, regions)[["KDEPUM", "WADMKD", "geometry"]]
    joined = bj.join(villages, regions, crosswalk)
    key = joined.report.key
    assert (key.code_column, key.name_column, key.level) == ("KDEPUM", None, "village")
    assert joined.report.matched_by_code == 10 and len(joined.regencies) == 10


def test_a_province_file_gives_no_regency(shapes, regions, crosswalk):
    provinces = regions[regions["level"] == "province"]
    file = gpd.GeoDataFrame({"KDPPUM": provinces["code"].tolist(),
                             "WADMPR": provinces["name"].tolist()},
                            geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(provinces))],
                            crs="EPSG:4326")
    joined = bj.join(file, regions, crosswalk)
    key = joined.report.key
    assert (key.code_column, key.name_column, key.level) == (None, None, "province")
    assert joined.regencies.empty and len(joined.report.missing) == 514
    assert joined.report.notes[0]["key"] == "boundary_join.note.province_level"


def test_a_chosen_key_overrides_the_guess(shapes, regions, crosswalk):
    file = bps(shapes, regions, crosswalk)
    by_name = KeyGuess(None, "NAMA", None, None, "regency", "")
    report = bj.join(file, regions, crosswalk, by_name).report
    assert (report.matched_by_code, report.matched_by_name) == (0, 514)
    wrong = KeyGuess("KODE_BPS", "NAMA", None, None, "regency", "kemendagri")
    forced = bj.join(file, regions, crosswalk, wrong).report  # BPS codes read as Kemendagri
    assert forced.conflicts and all(c["code_region"]["code"] != c["name_region"]["code"]
                                    for c in forced.conflicts if c["name_region"])


@pytest.mark.parametrize(("key", "message"), [
    (KeyGuess("KODE", None, None, None, "regency", ""), "boundary_join.no_column"),
    (KeyGuess(None, "NAMA", "PROV", None, "regency", ""), "boundary_join.no_column"),
    (KeyGuess("KODE_BPS", None, None, None, "regency", "bps_1999"),
     "boundary_join.unknown_scheme"),
    (KeyGuess("KODE_BPS", None, None, None, "kabupaten", "bps"), "boundary_join.unknown_level"),
])
def test_a_bad_key_is_refused_with_its_message(key, message, shapes, regions, crosswalk):
    with pytest.raises(BoundaryJoinError) as refused:
        bj.join(bps(shapes, regions, crosswalk), regions, crosswalk, key)
    assert refused.value.key == message
    assert message in texts("id") and message in texts("en")


def test_find_key_reads_attributes_without_geometry(shapes, regions, crosswalk):
    table = pd.DataFrame(bps(shapes, regions, crosswalk).drop(columns="geometry"))
    key = bj.find_key(table, regions, crosswalk)
    assert (key.code_column, key.scheme, key.scores["KODE_BPS"]) == ("KODE_BPS", "bps", 1.0)


def test_every_note_has_texts_in_both_languages(shapes, regions, crosswalk):
    files = [b(shapes, regions, crosswalk) for b in CASES] + [big_villages(shapes, regions)]
    keys = {n["key"] for f in files for n in bj.join(f, regions, crosswalk).report.notes}
    assert len(keys) >= 6
    for key in keys:
        assert key in texts("id") and key in texts("en"), key


@pytest.mark.parametrize(("cells", "level", "share"), [
    (["64.02", "6403", ""], "regency", 1.0),
    (["64", "65", "64.02"], "province", 2 / 3),
    (["64.02.01", "640202"], "district", 1.0),
    (["64.02.01.2001", "Kutai"], "village", 0.5),
    (["IDN.16.3_1", "Kutai"], None, 0.0),
])
def test_code_level(cells, level, share):
    assert bj.code_level(cells) == (level, pytest.approx(share))


# ---------------------------------------------------------------- properties


@pytest.fixture(scope="module")
def sample(shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """60 regencies with Papua, the Bekasi pair and Banjar: quick to join many times."""
    picked = shapes["code"].str[:2].isin(["32", "63", "93"]) | shapes.index.isin(range(0, 514, 40))
    return shapes[picked].reset_index(drop=True)


def outcome(report: bj.JoinReport, joined: gpd.GeoDataFrame) -> tuple:
    return (dict(zip(joined["code"], joined["parts"], strict=True)),
            report.matched_by_code, report.matched_by_name,
            sorted(u["value"] for u in report.unmatched),
            sorted(c["value"] for c in report.conflicts))


@SLOW
@given(data=st.data(), build=st.sampled_from([bps, geoboundaries, old_34_provinces, gadm]))
def test_row_order_and_column_names_do_not_change_the_match(data, build, sample, regions,
                                                            crosswalk):
    file = build(sample, regions, crosswalk)
    before = bj.join(file, regions, crosswalk)
    order = data.draw(st.permutations(range(len(file))), label="order")
    names = data.draw(st.lists(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
                               min_size=file.shape[1] - 1, max_size=file.shape[1] - 1,
                               unique=True), label="names")
    renamed = dict(zip([c for c in file.columns if c != "geometry"], names, strict=True))
    after = bj.join(file.iloc[order].rename(columns=renamed), regions, crosswalk)
    assert outcome(after.report, after.regencies) == outcome(before.report, before.regencies)
    old, new = before.report.key, after.report.key
    assert [renamed.get(c) if c else None for c in (old.code_column, old.name_column)] == [
        new.code_column, new.name_column]


@SLOW
@given(picked=st.lists(st.integers(0, 513), min_size=2, max_size=300, unique=True),
       dotted=st.booleans(), upper=st.booleans())
def test_a_code_and_name_that_disagree_never_match(picked, dotted, upper, shapes, regions,
                                                   crosswalk):
    names = shapes["name"].copy()
    rotated = picked[1:] + picked[:1]  # each picked feature gets another picked region's name
    names.iloc[picked] = shapes["name"].iloc[rotated].to_numpy()
    codes = shapes["code"] if dotted else shapes["code"].str.replace(".", "")
    file = frame(shapes, KODE=codes, NAMA=names.str.upper() if upper else names)
    joined = bj.join(file, regions, crosswalk)
    wrong = set(shapes["code"].iloc[picked])
    assert not wrong & set(joined.regencies["code"])
    assert sorted(c["code_region"]["code"] for c in joined.report.conflicts) == sorted(wrong)
    assert joined.report.matched_by_code == 514 - len(picked)
