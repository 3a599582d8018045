"""Read an office's own boundary file safely into a clean GeoDataFrame.

Accepted: a zipped shapefile (members may sit in a sub-folder; several
``.shp`` in one zip are offered as layers), a loose ``.shp`` with its
siblings beside it, a GeoPackage, GeoJSON and TopoJSON (GDAL reads the
TopoJSON objects as layers). Everything is read with pyogrio.

What comes out (:class:`Boundaries`): polygons only (Z/M dropped), in
EPSG:4326, every attribute column as text (``object``; a code such as
``6402`` or ``64.10`` is never a number). Invalid rings are kept as they are:
the build repairs them.

Decisions, each refused with its own i18n key (``boundary_file.*``) and
:class:`BoundaryFileError`, nothing stored:

* Zips are checked with :mod:`zipfile` before anything is extracted: unsafe
  member names (``..``, absolute, drive letters, symlinks), too many members,
  too many expanded bytes, a total compression ratio above ``Limits.ratio``
  (checked once the zip expands to more than 1 MiB), encrypted members. Only
  the chosen shapefile's parts are extracted, under fixed names
  (``layer.shp`` ...) into a temporary folder, with a bounded copy.
* No CRS (no ``.prj``, TopoJSON): taken as longitude/latitude only when all
  coordinates lie within Indonesia with a margin (lon 90..145, lat -12..7);
  otherwise refused, asking for the ``.prj``. A geographic CRS whose
  coordinates leave the valid lon/lat range (UTM numbers under a wrong
  ``.prj``) is refused; so is any file that, in EPSG:4326, does not lie
  within that Indonesian box.
* Shapefile text: a ``.cpg`` is honoured when it decodes the ``.dbf``;
  otherwise the raw record bytes decide: strict UTF-8, else Windows-1252,
  else ISO-8859-1. (GDAL alone assumes ISO-8859-1 when there is no ``.cpg``
  and the LDID byte is 0, which garbles both UTF-8 and ``–`` / ``’``.) The
  LDID byte is not consulted.
* Numbers: a ``.dbf`` numeric field (``N``/``F``) comes out as its own text
  when it has at most 4 decimals (``64.10`` stays ``64.10``, ``0601`` stays
  ``0601``); a field with 5+ decimals (GDAL/QGIS default doubles, where the
  stored text is float noise like ``64.099999999999994``) comes out as the
  shortest float text (``64.1``). Other formats: integers as digits, floats
  as the shortest text with no ``.0`` for whole numbers (a GeoJSON ``64.10``
  is the JSON number 64.1 and comes out ``64.1``).

Memory: geometry is held once while it is reprojected, a slice at a time;
reading ~11.5 million vertices (8,461 features) peaks at about +540 MiB.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio  # type: ignore[import-untyped]  # pyogrio ships no type hints
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry.base import BaseGeometry

SUFFIXES = (".zip", ".shp", ".gpkg", ".geojson", ".json", ".topojson")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
REQUIRED_PARTS = (".shx", ".dbf")
INDONESIA = (90.0, -12.0, 145.0, 7.0)
WORLD = (-180.0, -90.0, 180.0, 90.0)
RATIO_FLOOR = 2**20
MIB = 2**20
CHUNK = 1000
WGS84 = CRS.from_epsg(4326)
_POLYGON_SHAPE_TYPES = {5, 15, 25}
_DRIVE = re.compile(r"^[A-Za-z]:")
_CPG_CODECS = {
    "utf8": "UTF-8", "utf-8": "UTF-8", "65001": "UTF-8",
    "1252": "CP1252", "cp1252": "CP1252", "ansi 1252": "CP1252", "windows-1252": "CP1252",
    "88591": "ISO-8859-1", "8859-1": "ISO-8859-1", "iso-8859-1": "ISO-8859-1",
    "latin1": "ISO-8859-1",
}
_FALLBACK_CODECS = ("UTF-8", "CP1252", "ISO-8859-1")
_READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, UnicodeDecodeError,
                OSError)


class BoundaryFileError(ValueError):
    """A boundary file was refused; ``key`` is the i18n key, ``values`` its placeholders."""

    key: str
    values: dict[str, object]

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key} {values}" if values else key)
        self.key = f"boundary_file.{key}"
        self.values = values


@dataclass(frozen=True)
class Limits:
    """Bounds on what is read: upload and expanded bytes, zip ratio and members, features."""

    upload_bytes: int = 200 * MIB
    expanded_bytes: int = 2**30
    ratio: float = 100
    members: int = 500
    features: int = 500_000


LIMITS = Limits()


@dataclass(frozen=True)
class Boundaries:
    """A boundary file read and cleaned (see the module docstring for the rules)."""

    frame: gpd.GeoDataFrame
    source_crs: str
    crs_note: str
    encoding: str
    layer: str
    dropped: int
    features: int


@dataclass(frozen=True)
class _Dbf:
    """What the raw ``.dbf`` tells: text encoding and numeric fields as text."""

    encoding: str
    numbers: dict[str, list[str | None]] = field(default_factory=dict)


# ---------------------------------------------------------------- public API


def list_layers(path: Path) -> list[str]:
    """List the layers of a boundary file, polygon layers first.

    Parameters
    ----------
    path : Path
        A file with one of :data:`SUFFIXES`. A zip's layers are its ``.shp``
        members (their path inside the zip); a loose ``.shp`` or GeoJSON has
        one layer.

    Returns
    -------
    list of str
        Layer names, polygon layers first (otherwise in file order).

    Raises
    ------
    BoundaryFileError
        If the file is refused (suffix, size, unsafe zip, unreadable).
    """
    path = Path(path)
    _check_upload(path, LIMITS)
    if path.suffix.lower() == ".zip":
        with _open_zip(path) as archive:
            _check_zip(archive, LIMITS)
            return _zip_layers(archive)
    if path.suffix.lower() == ".shp":
        return [path.stem]
    return [name for name, _ in _ogr_layers(path)]


def read_boundaries(path: Path, layer: str | None = None, limits: Limits = LIMITS) -> Boundaries:
    """Read a boundary file into polygons in EPSG:4326 with text attributes.

    Parameters
    ----------
    path : Path
        The uploaded file (:data:`SUFFIXES`); a loose ``.shp`` needs its
        ``.shx`` and ``.dbf`` beside it.
    layer : str, optional
        The layer to read (see :func:`list_layers`); needed when a file holds
        several polygon layers.
    limits : Limits
        Size, zip and feature-count bounds.

    Returns
    -------
    Boundaries
        The frame and how it was read (CRS, encoding, dropped features).

    Raises
    ------
    BoundaryFileError
        For every refusal; ``key`` names the reason, ``values`` fills its message.
    """
    path = Path(path)
    _check_upload(path, limits)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with tempfile.TemporaryDirectory(prefix="capaian-boundary-") as folder:
            shp, name = _extract_shapefile(path, layer, Path(folder), limits)
            return _read_shapefile(shp, name, limits)
    if suffix == ".shp":
        if layer not in (None, path.stem):
            raise BoundaryFileError("layer_unknown", layer=layer, layers=path.stem)
        return _read_shapefile(_loose_shapefile(path), path.stem, limits)
    name = _choose_layer(_ogr_layers(path), layer)
    return _read_layer(path, name, limits, encoding=None)


# ---------------------------------------------------------------- checks


def _check_upload(path: Path, limits: Limits) -> None:
    """Refuse an unknown suffix, a missing file or one above the upload limit."""
    if path.suffix.lower() not in SUFFIXES:
        raise BoundaryFileError("unsupported_format", suffix=path.suffix or path.name,
                                formats=", ".join(SUFFIXES))
    if not path.is_file():
        raise BoundaryFileError("missing", name=path.name)
    files = _siblings(path).values() if path.suffix.lower() == ".shp" else [path]
    size = sum(p.stat().st_size for p in files)
    if size > limits.upload_bytes:
        raise BoundaryFileError("too_large", size_mb=-(-size // MIB),
                                limit_mb=limits.upload_bytes // MIB)


def unsafe_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member could write outside the folder it is extracted to.

    Parameters
    ----------
    info : zipfile.ZipInfo
        One member of an archive.

    Returns
    -------
    bool
        True for a ``..`` part, an absolute path, a drive letter, a NUL byte
        or a symlink (backslashes count as separators).
    """
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    return ("\x00" in name or name.startswith("/") or bool(_DRIVE.match(name))
            or ".." in name.split("/") or stat.S_ISLNK(mode))


def _open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip; a damaged one is refused."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BoundaryFileError("zip_unreadable", detail=str(error)) from error


def _check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an unsafe zip before anything is extracted."""
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise BoundaryFileError("zip_too_many_members", count=len(infos), limit=limits.members)
    for info in infos:
        if unsafe_member(info):
            raise BoundaryFileError("zip_unsafe_path", name=info.filename)
        if info.flag_bits & 0x1:
            raise BoundaryFileError("zip_encrypted", name=info.filename)
    expanded = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if expanded > limits.expanded_bytes:
        raise BoundaryFileError("zip_too_large", size_mb=-(-expanded // MIB),
                                limit_mb=limits.expanded_bytes // MIB)
    if expanded > RATIO_FLOOR and expanded > limits.ratio * max(packed, 1):
        raise BoundaryFileError("zip_bomb", ratio=round(expanded / max(packed, 1)),
                                limit=limits.ratio)


# ---------------------------------------------------------------- layers


def _shapefile_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The ``.shp`` members by layer name (their path, ``/``-separated), macOS debris skipped."""
    found = {}
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if info.is_dir() or not name.lower().endswith(".shp") or "__MACOSX" in parts \
                or parts[-1].startswith("._"):
            continue
        found[name] = info
    return found


def _zip_layers(archive: zipfile.ZipFile) -> list[str]:
    """The zip's shapefiles, polygon shapefiles (shape type 5/15/25) first."""
    members = _shapefile_members(archive)
    kinds = {name: _shape_type(archive, info) for name, info in members.items()}
    return sorted(members, key=lambda name: kinds[name] not in _POLYGON_SHAPE_TYPES)


def _shape_type(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The shape type in a zipped ``.shp`` header (5 polygon, 15 PolygonZ, 25 PolygonM)."""
    try:
        with archive.open(info) as member:
            head = member.read(36)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError) as error:
        raise BoundaryFileError("zip_unreadable", detail=str(error)) from error
    return int(struct.unpack("<i", head[32:36].ljust(4, b"\0"))[0])


def _ogr_layers(path: Path) -> list[tuple[str, str]]:
    """(name, geometry type) of the spatial layers GDAL sees, polygon layers first."""
    try:
        rows = pyogrio.list_layers(path)
    except _READ_ERRORS as error:
        raise BoundaryFileError("unreadable", detail=str(error)) from error
    layers = [(str(name), str(kind)) for name, kind in rows if kind is not None]
    return sorted(layers, key=lambda layer: "Polygon" not in layer[1])


def _choose_layer(layers: list[tuple[str, str]], layer: str | None) -> str:
    """The named layer, else the only layer or the only polygon layer."""
    names = [name for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryFileError("layer_unknown", layer=layer, layers=", ".join(names))
        return layer
    polygons = [name for name, kind in layers if "Polygon" in kind]
    if len(names) == 1 or len(polygons) == 1:
        return names[0]
    if not names:
        raise BoundaryFileError("empty", layer="")
    raise BoundaryFileError("layer_choice", layers=", ".join(polygons or names))


# ---------------------------------------------------------------- shapefiles


def _siblings(shp: Path) -> dict[str, Path]:
    """The parts of a loose shapefile beside ``shp``, by lower-case suffix."""
    stem = shp.stem.lower()
    found = {p.suffix.lower(): p for p in shp.parent.iterdir()
             if p.stem.lower() == stem and p.suffix.lower() in SHAPEFILE_PARTS}
    found[".shp"] = shp
    return found


def _loose_shapefile(shp: Path) -> dict[str, Path]:
    """A loose shapefile's parts; a missing ``.shx``/``.dbf`` is refused, named."""
    parts = _siblings(shp)
    for part in REQUIRED_PARTS:
        if part not in parts:
            raise BoundaryFileError("shapefile_part_missing", part=part, name=shp.name)
    return parts


def _extract_shapefile(path: Path, layer: str | None, folder: Path,
                       limits: Limits) -> tuple[dict[str, Path], str]:
    """Check the zip, choose its shapefile and extract only that one's parts."""
    with _open_zip(path) as archive:
        _check_zip(archive, limits)
        members = _shapefile_members(archive)
        names = _zip_layers(archive)
        if not names:
            raise BoundaryFileError("zip_no_shapefile", formats=", ".join(SHAPEFILE_PARTS))
        if layer is None and len(names) > 1:
            raise BoundaryFileError("layer_choice", layers=", ".join(names))
        name = names[0] if layer is None else layer
        if name not in members:
            raise BoundaryFileError("layer_unknown", layer=name, layers=", ".join(names))
        parts = _zip_parts(archive, name)
        return {suffix: _extract(archive, info, folder / f"layer{suffix}")
                for suffix, info in parts.items()}, name


def _zip_parts(archive: zipfile.ZipFile, shp_name: str) -> dict[str, zipfile.ZipInfo]:
    """The members beside ``shp_name`` (same path, any case), by lower-case suffix."""
    base = shp_name[:-4].lower()
    parts = {}
    for info in archive.infolist():
        name = info.filename.replace("\\", "/").lower()
        suffix = name[len(base):]
        if name.startswith(base) and suffix in SHAPEFILE_PARTS and not info.is_dir():
            parts[suffix] = info
    for part in REQUIRED_PARTS:
        if part not in parts:
            raise BoundaryFileError("shapefile_part_missing", part=part, name=shp_name)
    return parts


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> Path:
    """Copy one member to ``target``.

    :mod:`zipfile` never yields more than the member's declared size (already
    bounded by :func:`_check_zip`) and checks the CRC at the end.
    """
    try:
        with archive.open(info) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError) as error:
        raise BoundaryFileError("zip_unreadable", detail=str(error)) from error
    return target


def _read_shapefile(parts: dict[str, Path], name: str, limits: Limits) -> Boundaries:
    """Read a shapefile with the encoding and numbers its raw ``.dbf`` gives."""
    cpg = parts[".cpg"].read_text(encoding="ascii", errors="replace") if ".cpg" in parts else ""
    dbf = _read_dbf(parts[".dbf"].read_bytes(), cpg)
    return _read_layer(parts[".shp"], name, limits, encoding=dbf.encoding, dbf=dbf)


def _dbf_fields(raw: bytes) -> list[tuple[str, str, int, int, int]]:
    """(name, type, offset in record, length, decimals) of each ``.dbf`` field."""
    fields, offset, position = [], 1, 32
    while position + 32 <= len(raw) and raw[position] != 0x0D:
        descriptor = raw[position:position + 32]
        name = descriptor[:11].split(b"\0")[0].decode("latin-1")
        fields.append((name, chr(descriptor[11]), offset, descriptor[16], descriptor[17]))
        offset += descriptor[16]
        position += 32
    return fields


def _number_text(raw: str, decimals: int) -> str | None:
    """A ``.dbf`` numeric value as text (see the module docstring)."""
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return text if decimals <= 4 else _float_text(value)


def _read_dbf(raw: bytes, cpg: str = "") -> _Dbf:
    """Decide a ``.dbf``'s text encoding and take its numeric fields as their own text.

    Parameters
    ----------
    raw : bytes
        The whole ``.dbf``.
    cpg : str
        The ``.cpg`` text, or ``""`` when there is none.

    Returns
    -------
    _Dbf
        ``encoding`` (the ``.cpg``'s when it decodes the records, else strict
        UTF-8, else CP1252, else ISO-8859-1) and ``numbers``: each ``N``/``F``
        field's values, deleted records skipped, in file order.
    """
    header, record = struct.unpack("<HH", raw[8:12]) if len(raw) >= 12 else (len(raw), 1)
    count = struct.unpack("<I", raw[4:8])[0] if len(raw) >= 8 else 0
    body = raw[header:header + count * record]
    declared = _CPG_CODECS.get(cpg.strip().lower())
    encoding = next(codec for codec in ((declared,) if declared else ()) + _FALLBACK_CODECS
                    if _decodes(body, codec))
    records = [body[i:i + record] for i in range(0, len(body) - record + 1, record)]
    live = [r for r in records if r[:1] != b"*"]
    numbers = {
        name: [_number_text(r[start:start + length].decode("latin-1"), decimals) for r in live]
        for name, kind, start, length, decimals in _dbf_fields(raw[:header]) if kind in "NF"
    }
    return _Dbf(encoding, numbers)


def _decodes(data: bytes, codec: str) -> bool:
    """Whether ``data`` decodes strictly with ``codec``."""
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------- reading


def _read_layer(path: Path, layer: str, limits: Limits, encoding: str | None,
                dbf: _Dbf | None = None) -> Boundaries:
    """Read one layer: count first, then geometry, attributes as text, EPSG:4326."""
    _check_count(path, layer, limits)
    try:
        frame = pyogrio.read_dataframe(path, layer=None if dbf else layer, encoding=encoding)
    except _READ_ERRORS as error:
        raise BoundaryFileError("unreadable", detail=str(error)) from error
    crs, geoms = frame.crs, frame.geometry.to_numpy()
    attributes = _text_attributes(frame.drop(columns=frame.geometry.name),
                                  dbf.numbers if dbf else {})
    del frame  # from here on each geometry is held once, so reprojecting frees as it goes
    geoms, keep = _polygons(geoms, layer)
    geoms, source_crs, note = _to_wgs84(geoms, crs)
    out = gpd.GeoDataFrame(attributes.loc[keep].reset_index(drop=True), geometry=geoms, crs=4326)
    return Boundaries(frame=out, source_crs=source_crs, crs_note=note,
                      encoding=encoding or "UTF-8", layer=layer, dropped=int((~keep).sum()),
                      features=len(out))


def _check_count(path: Path, layer: str, limits: Limits) -> None:
    """Refuse an empty layer or one with more features than ``limits.features``."""
    try:
        info = pyogrio.read_info(path, layer=None if path.suffix.lower() == ".shp" else layer)
        count = info["features"] if info["features"] >= 0 else pyogrio.read_info(
            path, layer=layer, force_feature_count=True)["features"]
    except _READ_ERRORS as error:
        raise BoundaryFileError("unreadable", detail=str(error)) from error
    if count > limits.features:
        raise BoundaryFileError("too_many_features", count=count, limit=limits.features)
    if count == 0:
        raise BoundaryFileError("empty", layer=layer)


def _float_text(value: float) -> str:
    """Shortest text of a float, without ``.0`` for whole numbers."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def _cell_text(value: object) -> str | None:
    """One attribute value as text; missing stays None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else _float_text(float(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _text_attributes(frame: pd.DataFrame, numbers: dict[str, list[str | None]]) -> pd.DataFrame:
    """Every attribute column as object text; ``.dbf`` numbers from their own text."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = numbers.get(column)
        if values is None or len(values) != len(frame):
            values = [_cell_text(v) for v in frame[column].tolist()]
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    return out


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """A geometry's polygons (collections keep their polygon parts), else None."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polygons = [p for part in shapely.get_parts(geom) for p in shapely.get_parts(part)
                    if p.geom_type == "Polygon" and not p.is_empty]
        return shapely.MultiPolygon(polygons) if polygons else None
    return None


def _polygons(geoms: np.ndarray, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """The polygonal geometries (2D) and which features they are; refuse a layer without any."""
    polygons = np.array([_polygonal(g) for g in geoms], dtype=object)
    keep = np.array([g is not None for g in polygons], dtype=bool)
    if not keep.any():
        found = sorted({g.geom_type for g in geoms if g is not None and not g.is_empty})
        if found:
            raise BoundaryFileError("not_polygons", found=", ".join(found), layer=layer)
        raise BoundaryFileError("empty", layer=layer)
    kept = polygons[keep]
    if (shapely.has_z(kept) | shapely.has_m(kept)).any():
        kept = shapely.force_2d(kept)
    return kept, keep


# ---------------------------------------------------------------- coordinates


def _inside(bounds: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """Whether finite ``bounds`` (xmin, ymin, xmax, ymax) lie within ``box``."""
    return bool(np.isfinite(bounds).all() and bounds[0] >= box[0] and bounds[1] >= box[1]
                and bounds[2] <= box[2] and bounds[3] <= box[3])


def crs_label(crs: CRS) -> str:
    """``"EPSG:32750 (WGS 84 / UTM zone 50S)"``, or the CRS name when no EPSG code fits.

    Parameters
    ----------
    crs : pyproj.CRS
        The file's coordinate reference system.

    Returns
    -------
    str
        A label for the page.
    """
    code = crs.to_epsg(min_confidence=70)
    return f"EPSG:{code} ({crs.name})" if code else crs.name


def _reproject(geoms: np.ndarray, crs: CRS) -> np.ndarray:
    """Transform to EPSG:4326 in place, a slice at a time (the old slice is freed)."""
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    for start in range(0, len(geoms), CHUNK):
        geoms[start:start + CHUNK] = shapely.transform(geoms[start:start + CHUNK], move)
    return geoms


def _to_wgs84(geoms: np.ndarray, crs: CRS | None) -> tuple[np.ndarray, str, str]:
    """Reproject to EPSG:4326 (or assume it); refuse coordinates that cannot be Indonesia."""
    bounds = shapely.total_bounds(geoms)
    shown = ", ".join(f"{v:.0f}" if abs(v) >= 1000 else f"{v:.4f}" for v in bounds)
    if crs is None:
        if not _inside(bounds, INDONESIA):
            raise BoundaryFileError("crs_missing_projected", bounds=shown)
        return geoms, "", "boundary_file.crs_assumed_geographic"
    label = crs_label(crs)
    if crs.is_geographic and not _inside(bounds, WORLD):
        raise BoundaryFileError("crs_geographic_out_of_range", crs=label, bounds=shown)
    note = f"boundary_file.crs_{'geographic' if crs.is_geographic else 'reprojected'}"
    if not crs.equals(WGS84, ignore_axis_order=True):
        try:
            geoms = _reproject(geoms, crs)
        except (CRSError, ProjError) as error:
            raise BoundaryFileError("crs_unusable", crs=label, detail=str(error)) from error
    if not _inside(shapely.total_bounds(geoms), INDONESIA):
        raise BoundaryFileError("outside_indonesia", crs=label, bounds=shown)
    return geoms, label, note
