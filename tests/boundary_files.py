"""Write offices' kinds of boundary files into a test's tmp folder (never into the repository).

Geometry comes from the built ``geo/cache/regencies.parquet`` (columns ``code``
"64.02", ``name`` "Kabupaten Kutai Kartanegara", geometry in EPSG:4326), read
after the ``built`` fixture ran. Schema builders return GeoDataFrames shaped
like BIG, geoBoundaries, GADM, BPS and name-only files; writers put a frame
on disk in one format and return the written path.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from utils.geo.build import cache_dir
from utils.geo.topology import dumps, encode


def regencies() -> gpd.GeoDataFrame:
    """The 514 built regency polygons (run the ``built`` fixture first)."""
    return gpd.read_parquet(cache_dir() / "regencies.parquet")


def province_names() -> dict[str, str]:
    """Province code → name, from the built ``regions.csv``."""
    regions = pd.read_csv(cache_dir() / "regions.csv", dtype=str)
    provinces = regions[regions["level"] == "province"]
    return dict(zip(provinces["code"], provinces["name"], strict=True))


def core(name: str) -> str:
    """"Kabupaten Kutai Kartanegara" → "Kutai Kartanegara"; "Kota Samarinda" → "Samarinda"."""
    for prefix in ("Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


# ---------------------------------------------------------------- writers


def shapefile(frame: gpd.GeoDataFrame, folder: Path, *, name: str = "batas",
              columns: Iterable[str] | None = None, crs: object = 4326, encoding: str = "UTF-8",
              cpg: bool = True, prj: bool = True, drop: Iterable[str] = ()) -> Path:
    """A loose shapefile ``folder/name.shp`` (+ siblings), reprojected to ``crs``.

    ``cpg``/``prj`` False delete those parts; ``drop`` deletes any others (``{".dbf"}``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    out = frame if columns is None else frame[[*columns, frame.geometry.name]]
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(out.to_crs(crs), path, encoding=encoding)
    gone = {*drop} | ({".cpg"} if not cpg else set()) | ({".prj"} if not prj else set())
    for suffix in gone:
        path.with_suffix(suffix).unlink(missing_ok=True)
    return path


def zip_files(files: dict[str, Path | bytes], path: Path) -> Path:
    """A zip at ``path`` holding each file (or bytes) under its member name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in files.items():
            data = content if isinstance(content, bytes) else content.read_bytes()
            archive.writestr(member, data)
    return path


def shapefile_parts(shp: Path, prefix: str = "") -> dict[str, Path]:
    """Member name → file for a shapefile's parts, under ``prefix`` (``"data/"``)."""
    return {f"{prefix}{p.name}": p for p in sorted(shp.parent.glob(f"{shp.stem}.*"))}


def zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, name: str = "batas",
                     prefix: str = "", **options: object) -> Path:
    """``folder/name.zip`` holding one shapefile under ``prefix``; options as :func:`shapefile`."""
    shp = shapefile(frame, folder / f"_{name}_parts", name=name, **options)  # type: ignore[arg-type]
    return zip_files(shapefile_parts(shp, prefix), folder / f"{name}.zip")


def geopackage(frame: gpd.GeoDataFrame | None, folder: Path, *,
               layers: dict[str, gpd.GeoDataFrame] | None = None, name: str = "batas") -> Path:
    """``folder/name.gpkg`` with ``layers`` (any geometry type), else ``frame`` as ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.gpkg"
    for layer, part in (layers or {name: frame}).items():
        pyogrio.write_dataframe(part, path, layer=layer, driver="GPKG", append=path.exists())
    return path


def geojson(frame: gpd.GeoDataFrame, folder: Path, name: str = "batas",
            suffix: str = ".geojson") -> Path:
    """``folder/name.geojson`` (RFC 7946, EPSG:4326)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{suffix}"
    pyogrio.write_dataframe(frame.to_crs(4326), path, driver="GeoJSON")
    return path


def topojson(frame: gpd.GeoDataFrame | None, folder: Path, *,
             layers: dict[str, gpd.GeoDataFrame] | None = None, name: str = "batas",
             suffix: str = ".topojson") -> Path:
    """``folder/name.topojson``: one object per layer (else ``frame`` as ``name``), no CRS."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{suffix}"
    objects = {k: v.to_crs(4326) for k, v in (layers or {name: frame}).items()}
    path.write_bytes(dumps(encode(objects, 1e5)))
    return path


# ---------------------------------------------------------------- schemas


def big_villages(frame: gpd.GeoDataFrame, province: str = "64",
                 pieces: int = 4) -> gpd.GeoDataFrame:
    """One province's regencies cut into ``pieces`` vertical strips, each a "village".

    BIG attributes: KDPPUM "64", WADMPR "Kalimantan Timur", KDPKAB "64.02",
    WADMKK "Kutai Kartanegara" (cities keep "Kota"), KDCPUM/WADMKC (two strips
    per district), KDEPUM/WADMKD.
    """
    rows, geoms = [], []
    province_name = province_names()[province]
    for code, name, geom in frame[frame["code"].str.startswith(province + ".")].itertuples(
            index=False):
        x0, y0, x1, y1 = geom.bounds
        step = (x1 - x0) / pieces
        for piece in range(pieces):
            part = shapely.intersection(geom, shapely.box(x0 + piece * step, y0,
                                                          x0 + (piece + 1) * step, y1))
            if part.is_empty or part.area == 0:
                continue
            district = f"{code}.{piece // 2 + 1:02d}"
            rows.append({"KDPPUM": province, "WADMPR": province_name, "KDPKAB": code,
                         "WADMKK": name.removeprefix("Kabupaten "), "KDCPUM": district,
                         "WADMKC": f"Kecamatan {district}", "KDEPUM": f"{district}.{2001 + piece}",
                         "WADMKD": f"Desa {code} {piece + 1}"})
            geoms.append(part)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=frame.crs)


def geoboundaries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """geoBoundaries ADM2: shapeName (core name), shapeISO "", shapeID, shapeGroup, shapeType."""
    return gpd.GeoDataFrame({
        "shapeName": [core(n) for n in frame["name"]], "shapeISO": "",
        "shapeID": [f"IDN-ADM2-3_0_0-B{i + 1}" for i in range(len(frame))],
        "shapeGroup": "IDN", "shapeType": "ADM2"}, geometry=frame.geometry.values, crs=frame.crs)


def gadm(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GADM level 2: GID_2 "IDN.16.3_1"-like, NAME_1, NAME_2 (core), TYPE_2, ENGTYPE_2."""
    names = province_names()
    order = {code: i + 1 for i, code in enumerate(sorted(names))}
    provinces = frame["code"].str[:2]
    city = frame["name"].str.startswith("Kota ")
    return gpd.GeoDataFrame({
        "GID_0": "IDN",
        "GID_2": [f"IDN.{order[p]}.{int(c[3:])}_1" for p, c in zip(provinces, frame["code"],
                                                                   strict=True)],
        "NAME_1": [names[p] for p in provinces], "NAME_2": [core(n) for n in frame["name"]],
        "TYPE_2": city.map({True: "Kota", False: "Kabupaten"}),
        "ENGTYPE_2": city.map({True: "City", False: "Regency"})},
        geometry=frame.geometry.values, crs=frame.crs)


def bps_coded(frame: gpd.GeoDataFrame, crosswalk: pd.DataFrame) -> gpd.GeoDataFrame:
    """KODE_BPS "6403" and NAMA for the regencies with exactly one BPS code."""
    bps = crosswalk[(crosswalk["scheme"] == "bps") & (crosswalk["level"] == "regency")]
    bps = bps.drop_duplicates("current", keep=False).set_index("current")
    kept = frame[frame["code"].isin(bps.index)]
    return gpd.GeoDataFrame({"KODE_BPS": bps.loc[kept["code"], "code"].to_numpy(),
                             "NAMA": kept["name"].to_numpy()},
                            geometry=kept.geometry.values, crs=frame.crs)


def names_only(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only a ``nama`` column (the full name, "Kabupaten Kutai Kartanegara")."""
    return gpd.GeoDataFrame({"nama": frame["name"].to_numpy()}, geometry=frame.geometry.values,
                            crs=frame.crs)
