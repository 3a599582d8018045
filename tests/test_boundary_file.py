"""Reading an office's own boundary file (issue #16): formats, safety, coordinates, text."""

from __future__ import annotations

import re
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import boundary_files as bf
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.geo.boundary_file import (
    LIMITS,
    SUFFIXES,
    BoundaryFileError,
    Limits,
    list_layers,
    read_boundaries,
)
from utils.i18n import texts

KALTIM = "64"
TRICKY = "Tanjung Balai Karimun – é ’"


@pytest.fixture(scope="module")
def regencies(built) -> gpd.GeoDataFrame:
    return bf.regencies()


@pytest.fixture(scope="module")
def kaltim(regencies) -> gpd.GeoDataFrame:
    return regencies[regencies["code"].str.startswith(KALTIM + ".")].reset_index(drop=True)


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path, monkeypatch) -> Path:
    """The reader's temporary folders go under the test's tmp_path, to be checked."""
    folder = tmp_path / "reader-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def refused(key: str, path: Path, **kwargs) -> dict:
    with pytest.raises(BoundaryFileError) as caught:
        read_boundaries(path, **kwargs)
    assert caught.value.key == f"boundary_file.{key}"
    return caught.value.values


def one_feature(folder: Path, **options) -> Path:
    frame = gpd.GeoDataFrame({"NAMA": ["Paser"], "KODE": ["64.01"]},
                             geometry=[shapely.box(116, -2, 117, -1)], crs=4326)
    return bf.shapefile(frame, folder, **options)


# ---------------------------------------------------------------- formats


def _zip_root(frame, folder):
    return bf.zipped_shapefile(frame, folder)


def _zip_subfolder(frame, folder):
    return bf.zipped_shapefile(frame, folder, prefix="SHP/Batas Admin/")


def _loose(frame, folder):
    return bf.shapefile(frame, folder)


def _gpkg(frame, folder):
    return bf.geopackage(frame, folder)


def _geojson(frame, folder):
    return bf.geojson(frame, folder)


def _geojson_as_json(frame, folder):
    return bf.geojson(frame, folder, suffix=".json")


def _topojson(frame, folder):
    return bf.topojson(frame, folder)


def _topojson_as_json(frame, folder):
    return bf.topojson(frame, folder, suffix=".json")


FORMATS = {
    "zip": (_zip_root, "batas.shp", "boundary_file.crs_geographic"),
    "zip in a sub-folder": (_zip_subfolder, "SHP/Batas Admin/batas.shp",
                            "boundary_file.crs_geographic"),
    "loose shp": (_loose, "batas", "boundary_file.crs_geographic"),
    "gpkg": (_gpkg, "batas", "boundary_file.crs_geographic"),
    "geojson": (_geojson, "batas", "boundary_file.crs_geographic"),
    "geojson as .json": (_geojson_as_json, "batas", "boundary_file.crs_geographic"),
    "topojson": (_topojson, "batas", "boundary_file.crs_assumed_geographic"),
    "topojson as .json": (_topojson_as_json, "batas", "boundary_file.crs_assumed_geographic"),
}


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_reads_to_text_polygons_in_wgs84(kind, kaltim, tmp_path, own_tempdir):
    write, layer, note = FORMATS[kind]
    path = write(kaltim, tmp_path / "out")
    assert list_layers(path) == [layer]
    read = read_boundaries(path)
    frame = read.frame
    assert (read.layer, read.crs_note, read.features, read.dropped) == (layer, note, len(kaltim), 0)
    assert frame.crs.to_epsg() == 4326 and read.encoding == "UTF-8"
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"} and not frame.has_z.any()
    assert all(frame[c].dtype == object for c in frame.columns if c != "geometry")
    assert frame["code"].tolist() == kaltim["code"].tolist()
    assert frame["name"].tolist() == kaltim["name"].tolist()
    np.testing.assert_allclose(frame.total_bounds, kaltim.total_bounds, atol=1e-4)
    assert list(own_tempdir.iterdir()) == []


def test_the_whole_country_reads_from_a_zip(regencies, tmp_path):
    read = read_boundaries(bf.zipped_shapefile(regencies, tmp_path))
    assert read.features == 514 and read.frame["code"].is_unique
    assert shapely.equals(read.frame.geometry.values, regencies.geometry.values).all()


@pytest.mark.parametrize("schema", ["big_villages", "geoboundaries", "gadm", "names_only"])
def test_schemas_keep_every_attribute_as_written(schema, regencies, tmp_path):
    frame = getattr(bf, schema)(regencies)
    read = read_boundaries(bf.zipped_shapefile(frame, tmp_path)).frame
    for column in frame.columns.drop("geometry"):
        expected = frame[column].fillna("").tolist()
        assert read[column].fillna("").tolist() == expected, column


def test_bps_codes_stay_text(regencies, crosswalk, tmp_path):
    frame = bf.bps_coded(regencies, crosswalk)
    read = read_boundaries(bf.geojson(frame, tmp_path)).frame
    assert read["KODE_BPS"].tolist() == frame["KODE_BPS"].tolist()
    assert "6403" in set(read["KODE_BPS"])


# ---------------------------------------------------------------- layers


def test_several_shapefiles_in_a_zip_are_layers_to_choose(kaltim, tmp_path):
    points = kaltim.set_geometry(kaltim.representative_point())
    poly = bf.shapefile(kaltim, tmp_path / "a", name="kab")
    pts = bf.shapefile(points, tmp_path / "b", name="ibukota")
    path = bf.zip_files({**bf.shapefile_parts(pts, "titik/"), **bf.shapefile_parts(poly, "batas/")},
                        tmp_path / "two.zip")
    assert list_layers(path) == ["batas/kab.shp", "titik/ibukota.shp"]
    assert refused("layer_choice", path) == {"layers": "batas/kab.shp, titik/ibukota.shp"}
    assert read_boundaries(path, layer="batas/kab.shp").features == len(kaltim)
    assert refused("layer_unknown", path, layer="kab.shp")["layer"] == "kab.shp"
    assert refused("not_polygons", path, layer="titik/ibukota.shp")["found"] == "Point"


@pytest.mark.parametrize(("layers", "chosen", "outcome"), [
    (["pts", "a"], None, "a"),                # one polygon layer: taken
    (["pts", "a", "b"], None, "layer_choice"),
    (["pts", "a", "b"], "b", "b"),
    (["a", "b"], "c", "layer_unknown"),
    (["pts"], None, "not_polygons"),
])
def test_geopackage_layer_choice(layers, chosen, outcome, kaltim, tmp_path):
    points = kaltim.set_geometry(kaltim.representative_point())
    frames = {n: points if n == "pts" else kaltim for n in layers}
    path = bf.geopackage(None, tmp_path, layers=frames)
    assert list_layers(path)[-1:] == (["pts"] if "pts" in layers else layers[-1:])
    if outcome in layers:
        assert read_boundaries(path, layer=chosen).layer == outcome
    else:
        refused(outcome, path, layer=chosen)


def test_topojson_objects_are_layers(kaltim, tmp_path):
    halves = {"utara": kaltim.iloc[:5], "selatan": kaltim.iloc[5:]}
    path = bf.topojson(None, tmp_path, layers=halves)
    assert sorted(list_layers(path)) == ["selatan", "utara"]
    refused("layer_choice", path)
    assert read_boundaries(path, layer="selatan").frame["code"].tolist() == \
        kaltim["code"].iloc[5:].tolist()


# ---------------------------------------------------------------- zip safety


def zip_members(path: Path, members: dict[str, bytes], infos: list[zipfile.ZipInfo] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for info in infos:
            archive.writestr(info, b"batas.shp")
    return path


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, bytes]:
    shp = one_feature(tmp_path_factory.mktemp("one"))
    return {p.suffix: p.read_bytes() for p in shp.parent.iterdir()}


def unsafe_oracle(name: str) -> bool:
    slashed = name.replace("\\", "/")
    return slashed.startswith("/") or re.match("[A-Za-z]:", slashed) is not None \
        or ".." in slashed.split("/")


PART = st.one_of(st.sampled_from(["..", ".", "...", "x..y", "C:", "data", "BATAS ADMIN", "ü"]),
                 st.text(alphabet="ab09 -.~", min_size=1, max_size=4)).filter(
                     lambda p: not p.startswith("._"))


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lead=st.sampled_from(["", "/", "\\", "C:/", "d:\\", "//"]),
       folders=st.lists(PART, max_size=3), sep=st.sampled_from(["/", "\\"]))
def test_member_names_with_traversal_are_refused_safe_ones_read(lead, folders, sep, parts,
                                                                tmp_path):
    prefix = lead + "".join(f"{p}{sep}" for p in folders)
    path = zip_members(tmp_path / "z.zip", {f"{prefix}batas{s}": d for s, d in parts.items()})
    if unsafe_oracle(prefix + "batas.shp"):
        assert refused("zip_unsafe_path", path)["name"].endswith("batas" + next(iter(parts)))
    else:
        read = read_boundaries(path)
        assert read.layer == (prefix + "batas.shp").replace("\\", "/")
        assert read.frame["NAMA"].tolist() == ["Paser"]


@pytest.mark.parametrize("name", ["../batas.shp", "a/../../batas.shp", "/etc/batas.shp",
                                  "C:\\batas.shp", "c:batas.shp", "a\\..\\..\\batas.shp"])
def test_a_bad_name_anywhere_in_the_zip_refuses_it(name, parts, tmp_path):
    members = {f"ok/batas{s}": d for s, d in parts.items()} | {name: b"x"}
    assert refused("zip_unsafe_path", zip_members(tmp_path / "z.zip", members)) == {"name": name}


def test_a_symlink_member_is_refused(parts, tmp_path):
    link = zipfile.ZipInfo("ok/readme.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = zip_members(tmp_path / "z.zip", {f"ok/batas{s}": d for s, d in parts.items()}, [link])
    assert refused("zip_unsafe_path", path) == {"name": "ok/readme.txt"}


@pytest.mark.parametrize("missing", [".shx", ".dbf"])
@pytest.mark.parametrize("how", ["zip", "loose"])
def test_a_missing_required_part_is_named(missing, how, tmp_path):
    shp = one_feature(tmp_path / "src", drop={missing})
    path = bf.zip_files(bf.shapefile_parts(shp), tmp_path / "z.zip") if how == "zip" else shp
    assert refused("shapefile_part_missing", path)["part"] == missing


ZIP_LIMITS = [
    ("zip_too_many_members", Limits(members=5), {"count": 6, "limit": 5}),
    ("zip_too_large", Limits(expanded_bytes=200), {"limit_mb": 0}),
    ("too_large", Limits(upload_bytes=100), {"limit_mb": 0}),
]


@pytest.mark.parametrize(("key", "limits", "values"), ZIP_LIMITS)
def test_zip_limits(key, limits, values, parts, tmp_path):
    members = {f"batas{s}": d for s, d in parts.items()} | {"readme.txt": b"batas"}
    path = zip_members(tmp_path / "z.zip", members)
    assert len(members) == 6
    assert refused(key, path, limits=limits).items() >= values.items()
    assert read_boundaries(path).features == 1


def test_a_zip_bomb_is_refused_before_extraction(parts, tmp_path, own_tempdir):
    members = {f"batas{s}": d for s, d in parts.items()} | {"batas.txt": bytes(20 * 2**20)}
    values = refused("zip_bomb", zip_members(tmp_path / "z.zip", members))
    assert values["ratio"] > LIMITS.ratio
    assert list(own_tempdir.iterdir()) == []


@pytest.mark.parametrize(("key", "content"), [
    ("zip_unreadable", b"PK\x03\x04 not really a zip"),
    ("zip_no_shapefile", None),
])
def test_unusable_zips(key, content, tmp_path):
    path = tmp_path / "z.zip"
    if content is None:
        zip_members(path, {"batas.csv": b"kode,nama\n64.01,Paser\n"})
    else:
        path.write_bytes(content)
    refused(key, path)


@pytest.mark.parametrize("member", ["batas.shp", "batas.dbf"])
def test_a_damaged_member_is_refused(member, parts, tmp_path):
    path = zip_members(tmp_path / "z.zip", {f"batas{s}": d for s, d in parts.items()})
    raw = bytearray(path.read_bytes())
    start = raw.index(member.encode()) + len(member) + 20  # inside the member's packed data
    raw[start:start + 8] = bytes(b ^ 0xFF for b in raw[start:start + 8])
    path.write_bytes(bytes(raw))
    refused("zip_unreadable", path)


def test_an_encrypted_member_is_refused(parts, tmp_path):
    path = zip_members(tmp_path / "z.zip", {f"batas{s}": d for s, d in parts.items()})
    raw = bytearray(path.read_bytes())
    entry = raw.index(b"PK\x01\x02")  # first central-directory entry: set "encrypted"
    raw[entry + 8] |= 0x1
    path.write_bytes(bytes(raw))
    assert zipfile.ZipFile(path).infolist()[0].flag_bits & 0x1
    refused("zip_encrypted", path)


@pytest.mark.parametrize("name", ["batas.kml", "batas.csv", "batas"])
def test_unsupported_suffixes(name, tmp_path):
    (tmp_path / name).write_text("x")
    assert refused("unsupported_format", tmp_path / name)["formats"] == ", ".join(SUFFIXES)


# ---------------------------------------------------------------- coordinates


CRSES = [  # (EPSG, province to use, note, source label starts)
    (4326, KALTIM, "boundary_file.crs_geographic", "EPSG:4326"),
    (9470, KALTIM, "boundary_file.crs_geographic", "EPSG:9470 (SRGI2013)"),
    (32750, KALTIM, "boundary_file.crs_reprojected", "EPSG:32750 (WGS 84 / UTM zone 50S)"),
    (23838, KALTIM, "boundary_file.crs_reprojected", "EPSG:23838"),  # DGN95 TM-3 50.2
    (23834, "31", "boundary_file.crs_reprojected", "EPSG:23834"),    # DGN95 TM-3 48.2
    (3857, "94", "boundary_file.crs_reprojected", "EPSG:3857"),
]


@pytest.mark.parametrize(("epsg", "province", "note", "label"), CRSES)
def test_projected_and_geographic_files_come_back_to_wgs84(epsg, province, note, label, regencies,
                                                          tmp_path):
    source = regencies[regencies["code"].str.startswith(province + ".")]
    read = read_boundaries(bf.zipped_shapefile(source, tmp_path, crs=epsg))
    assert read.crs_note == note and read.source_crs.startswith(label) and read.source_crs
    assert read.frame.crs.to_epsg() == 4326
    np.testing.assert_allclose(read.frame.total_bounds, source.total_bounds, atol=1e-5)


def test_no_prj_in_indonesia_is_taken_as_lon_lat(kaltim, tmp_path):
    read = read_boundaries(bf.zipped_shapefile(kaltim, tmp_path, prj=False))
    assert (read.source_crs, read.crs_note) == ("", "boundary_file.crs_assumed_geographic")


def test_no_prj_with_metres_is_refused(kaltim, tmp_path):
    values = refused("crs_missing_projected", bf.zipped_shapefile(kaltim, tmp_path, crs=32750,
                                                                   prj=False))
    assert max(float(v) for v in values["bounds"].split(", ")) > 1e6  # metres, shown plainly


def test_utm_numbers_under_a_geographic_prj_are_refused(kaltim, tmp_path):
    shp = bf.shapefile(kaltim, tmp_path / "utm", crs=32750)
    geographic = bf.shapefile(kaltim, tmp_path / "geo")
    shp.with_suffix(".prj").write_bytes(geographic.with_suffix(".prj").read_bytes())
    assert refused("crs_geographic_out_of_range", shp)["crs"].startswith("EPSG:4326")


def test_a_file_elsewhere_in_the_world_is_refused(kaltim, tmp_path):
    europe = kaltim.set_geometry(kaltim.translate(-100, 50))
    refused("outside_indonesia", bf.geojson(europe, tmp_path))


def test_z_values_are_dropped(kaltim, tmp_path):
    lifted = kaltim.set_geometry(shapely.force_3d(kaltim.geometry.values, 12.5))
    read = read_boundaries(bf.geopackage(lifted, tmp_path))
    assert not read.frame.has_z.any() and read.features == len(kaltim)


# ---------------------------------------------------------------- geometry kinds


def test_mixed_geometries_keep_polygons_and_count_the_rest(kaltim, tmp_path):
    extra = gpd.GeoDataFrame(
        {"code": ["x1", "x2", "x3", "x4"], "name": ["titik", "garis", "kosong", "koleksi"]},
        geometry=[shapely.Point(116, -1), shapely.LineString([(116, -1), (117, 0)]), None,
                  shapely.GeometryCollection([shapely.box(116, -1, 116.1, -0.9),
                                              shapely.Point(116, -1)])], crs=4326)
    read = read_boundaries(bf.geojson(pd.concat([kaltim, extra], ignore_index=True), tmp_path))
    assert read.dropped == 3 and read.features == len(kaltim) + 1
    assert read.frame["code"].iloc[-1] == "x4"
    assert read.frame.geometry.iloc[-1].geom_type == "MultiPolygon"


@pytest.mark.parametrize(("geoms", "key", "found"), [
    ([shapely.Point(116, -1)], "not_polygons", "Point"),
    ([shapely.LineString([(116, -1), (117, 0)]), shapely.Point(116, -1)], "not_polygons",
     "LineString, Point"),
    ([None, None], "empty", None),
    ([], "empty", None),
])
def test_layers_without_polygons_are_refused(geoms, key, found, tmp_path):
    frame = gpd.GeoDataFrame({"nama": [f"n{i}" for i in range(len(geoms))]}, geometry=geoms,
                             crs=4326)
    values = refused(key, bf.geojson(frame, tmp_path))
    assert values.get("found") == found


def test_a_bowtie_is_read_not_repaired(tmp_path):
    bowtie = shapely.Polygon([(116, -1), (117, 0), (117, -1), (116, 0), (116, -1)])
    frame = gpd.GeoDataFrame({"nama": ["pita"]}, geometry=[bowtie], crs=4326)
    read = read_boundaries(bf.zipped_shapefile(frame, tmp_path))
    assert not read.frame.geometry.iloc[0].is_valid
    assert shapely.equals_exact(read.frame.geometry.iloc[0], bowtie, 1e-9)


def test_too_many_features_are_refused_from_the_count(regencies, tmp_path):
    values = refused("too_many_features", bf.zipped_shapefile(regencies, tmp_path),
                     limits=Limits(features=500))
    assert values == {"count": 514, "limit": 500}


# ---------------------------------------------------------------- text


ENCODINGS = [  # (bytes written as, .cpg written, expected encoding recorded)
    ("CP1252", None, "CP1252"),
    ("UTF-8", None, "UTF-8"),
    ("CP1252", "1252", "CP1252"),
    ("CP1252", "ANSI 1252", "CP1252"),
    ("UTF-8", "UTF-8", "UTF-8"),
    ("CP1252", "UTF-8", "CP1252"),     # a .cpg that does not fit the bytes loses
    ("ISO-8859-1", "88591", "ISO-8859-1"),
]


@pytest.mark.parametrize(("written", "cpg", "recorded"), ENCODINGS)
def test_dbf_text_decodes_right(written, cpg, recorded, tmp_path):
    text = TRICKY if written != "ISO-8859-1" else "Pulau Séribu ±"
    boxes = [shapely.box(116, -2, 117, -1), shapely.box(117, -2, 118, -1)]
    frame = gpd.GeoDataFrame({"NAMA": [text, "Paser"]}, geometry=boxes, crs=4326)
    shp = bf.shapefile(frame, tmp_path, encoding=written, cpg=False)
    if cpg:
        shp.with_suffix(".cpg").write_text(cpg)
    read = read_boundaries(bf.zip_files(bf.shapefile_parts(shp), tmp_path / "z.zip"))
    assert read.frame["NAMA"].tolist() == [text, "Paser"]
    assert read.encoding == recorded


def patch_numeric(dbf: Path, field: str, decimals: int) -> None:
    """Turn the text field ``field`` into a dBASE N field with ``decimals`` decimals."""
    raw = bytearray(dbf.read_bytes())
    position = 32
    while raw[position] != 0x0D:
        if raw[position:position + 11].split(b"\0")[0].decode() == field:
            raw[position + 11] = ord("N")
            raw[position + 17] = decimals
        position += 32
    dbf.write_bytes(bytes(raw))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(0, 99_999), min_size=1, max_size=4), decimals=st.integers(0, 4),
       leading=st.booleans())
def test_dbf_numbers_keep_their_own_text(values, decimals, leading, tmp_path):
    width = 8 if leading else 0
    texts_ = [f"{v / 10 ** decimals:0{width}.{decimals}f}" for v in values]
    frame = gpd.GeoDataFrame({"KODE": texts_}, crs=4326,
                             geometry=[shapely.box(116, -2, 117, -1)] * len(values))
    shp = bf.shapefile(frame, tmp_path / "n")
    patch_numeric(shp.with_suffix(".dbf"), "KODE", decimals)
    assert pyogrio.read_info(shp)["dtypes"][0] != "object"  # GDAL itself would give numbers
    assert read_boundaries(shp).frame["KODE"].tolist() == texts_


@pytest.mark.parametrize("write", [bf.shapefile, bf.geopackage, bf.geojson])
def test_numbers_from_other_writers_become_plain_text(write, tmp_path):
    frame = gpd.GeoDataFrame({"KODE": [64.1, 6402.0, np.nan], "BPS": [6402, 1101, 9471]},
                             geometry=[shapely.box(116, -2, 117, -1)] * 3, crs=4326)
    read = read_boundaries(write(frame, tmp_path)).frame
    assert read["KODE"].tolist() == ["64.1", "6402", None]
    assert read["BPS"].tolist() == ["6402", "1101", "9471"]


def test_deleted_dbf_records_do_not_shift_numbers(tmp_path):
    frame = gpd.GeoDataFrame({"NAMA": ["a", "b", "c"], "KODE": ["64.10", "64.20", "64.30"]},
                             geometry=[shapely.box(116, -2, 117, -1)] * 3, crs=4326)
    shp = bf.shapefile(frame, tmp_path)
    patch_numeric(shp.with_suffix(".dbf"), "KODE", 2)
    raw = bytearray(shp.with_suffix(".dbf").read_bytes())
    header, _ = struct.unpack("<HH", raw[8:12])
    raw[header] = ord("*")
    shp.with_suffix(".dbf").write_bytes(bytes(raw))
    read = read_boundaries(shp).frame
    assert read[["NAMA", "KODE"]].values.tolist() == [["b", "64.20"], ["c", "64.30"]]


# ---------------------------------------------------------------- messages


def test_every_refusal_and_note_has_both_languages():
    source = (Path(__file__).parent.parent / "utils" / "geo" / "boundary_file.py").read_text()
    keys = {f"boundary_file.{k}" for k in re.findall(r'BoundaryFileError\(\s*"(\w+)"', source)}
    keys |= set(re.findall(r'"(boundary_file\.\w+)"', source))
    keys |= {"boundary_file.crs_geographic", "boundary_file.crs_reprojected",
             "boundary_file.limits"}
    assert len(keys) > 20
    for lang in ("id", "en"):
        assert keys <= texts(lang).keys(), lang
