"""Kecamatan (district) maps: one TopoJSON per regency, nested in the regency shown above.

Each regency's kecamatan are repaired, clipped to the regency's clean polygon
(the one the province map draws), cleaned into a coverage *within* that regency
(overlaps resolved, narrow gaps closed, slivers along the regency's edge given to
the kecamatan beside them), simplified with a tolerance relative to the
regency's extent, and written as ``maps/kecamatan/<regency code>.topo.json``
(object ``regions``, properties ``code`` and ``name``).

Two upstream faults are handled openly rather than hidden:

* a reference kecamatan with no shape upstream is left out of the map and listed
  (``without_shape``), so the page can show it as "tanpa batas wilayah";
* a kecamatan shape lying mostly outside its regency's polygon (the two upstream
  files disagree) would vanish if clipped; it keeps its own shape instead, minus
  every *other* regency, and is listed (``beyond_regency``).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from utils.geo import geometry, topology
from utils.geo.cache_record import MAP_OBJECT
from utils.geo.upstream_sql import iter_boundary_rows
from utils.metrics.regions import KECAMATAN_CODE

FOLDER = "kecamatan"
"""Sub-folder of ``maps/`` holding one ``<regency code>.topo.json`` per regency."""
GAP_WIDTH = 0.005  # degrees (~550 m), as for regencies: no kecamatan is that narrow
KEEP_SHARE = 0.5  # a shape keeping less than this share when clipped keeps its own outline
UNCOVERED_SHOWN = 0.01  # regencies with at least this share not covered by kecamatan are listed
TOLERANCE_PER_EXTENT = 1 / 1200  # as the province maps
QUANTIZATION = (1e4, 1e5)  # the finer grid only if a small kecamatan vanishes on the first
BYTES_TARGET = 90_000  # budget 100 KB per regency; a larger file is simplified further
COARSER = 1.5  # tolerance factor per further step (at most 4 steps)


@dataclass
class KecamatanMaps:
    """The kecamatan map files of a build and what they hold.

    Attributes
    ----------
    outputs : dict
        ``kecamatan/<regency code>.topo.json`` → bytes (relative to ``maps/``).
    shapes : list of str
        Codes of the kecamatan drawn (non-empty shape), sorted.
    without_shape : list of str
        Reference kecamatan of the covered regencies with no shape, sorted.
    unknown : list of str
        Shape codes that are not reference kecamatan (not drawn), sorted.
    beyond_regency : list of str
        Kecamatan kept with their own outline because clipping would remove most of it.
    uncovered : dict
        Regency code → share of its area no kecamatan covers (only shares ≥ 1 %).
    """

    outputs: dict[str, bytes] = field(default_factory=dict)
    shapes: list[str] = field(default_factory=list)
    without_shape: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    beyond_regency: list[str] = field(default_factory=list)
    uncovered: dict[str, float] = field(default_factory=dict)

    def record(self, seconds: float) -> dict:
        """The build-record keys (``kecamatan_*``) of these maps."""
        return {
            "kecamatan_shapes": len(self.shapes),
            "kecamatan_without_shape": self.without_shape,
            "kecamatan_unknown": self.unknown,
            "kecamatan_beyond_regency": self.beyond_regency,
            "kecamatan_uncovered": self.uncovered,
            "kecamatan_files": len(self.outputs),
            "kecamatan_bytes_max": max((len(v) for v in self.outputs.values()), default=0),
            "kecamatan_seconds": round(seconds, 2),
        }


def map_name(regency_code: str) -> str:
    """Name of a regency's kecamatan map under ``maps/`` (``kecamatan/64.02.topo.json``)."""
    return f"{FOLDER}/{regency_code}.topo.json"


def parse_kecamatan(files: dict[str, bytes]) -> gpd.GeoDataFrame:
    """Parse every row of the ``db/kec`` dumps (unrepaired).

    Parameters
    ----------
    files : dict
        Layout path → verified bytes; only paths containing ``/db/kec/`` are read.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code`` (``64.02.01``), ``name`` (as upstream spells it) and the raw shape.
    """
    codes, names, geoms = [], [], []
    for path in sorted(p for p in files if "/db/kec/" in p):
        for row in iter_boundary_rows(files[path].decode("utf-8")):
            codes.append(row.code)
            names.append(row.name)
            geoms.append(geometry.path_to_geometry(row.path))
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=4326)


def _extent(geom: BaseGeometry) -> float:
    minx, miny, maxx, maxy = geom.bounds
    return float(max(maxx - minx, maxy - miny))


def clip_to_regency(
    shapes: np.ndarray, regency: BaseGeometry, neighbours: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Clip repaired kecamatan shapes to their regency.

    Parameters
    ----------
    shapes : numpy.ndarray
        Valid polygonal kecamatan shapes of one regency.
    regency : shapely geometry
        The regency's clean polygon.
    neighbours : numpy.ndarray
        The other regencies' polygons near these shapes.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The clipped shapes, and a boolean mask of those that kept less than
        :data:`KEEP_SHARE` of their area: these keep their own outline minus the
        ``neighbours`` instead (never overlapping another regency).
    """
    inside = np.array([geometry.polygonal_part(g) for g in shapely.intersection(shapes, regency)],
                      dtype=object)
    areas = shapely.area(shapes)
    beyond = (shapely.area(inside) < KEEP_SHARE * areas) & (areas > 0)
    if beyond.any():
        own = shapes[beyond]
        for neighbour in neighbours:
            own = shapely.difference(own, neighbour)
        inside[beyond] = [geometry.polygonal_part(g) for g in own]
    return inside, beyond


def fill_slivers(
    geoms: np.ndarray, regency: BaseGeometry, gap_width: float
) -> tuple[np.ndarray, float]:
    """Give each narrow piece of the regency no kecamatan covers to its neighbour.

    Parameters
    ----------
    geoms : numpy.ndarray
        A clean coverage of non-empty kecamatan shapes inside ``regency``.
    regency : shapely geometry
        The regency's polygon.
    gap_width : float
        Pieces narrower than this (degrees) go to the kecamatan sharing the longest
        border with them; wider ones (an island no kecamatan claims, the place of a
        kecamatan without a shape) stay uncovered: a shape is never guessed.

    Returns
    -------
    (numpy.ndarray, float)
        A clean coverage again, in the same order, and the area (deg²) of the
        regency it leaves uncovered.
    """
    rest = shapely.difference(regency, shapely.coverage_union_all(geoms))
    parts = shapely.get_parts(rest)
    parts = parts[shapely.area(parts) > 0]
    narrow = parts[shapely.is_empty(shapely.buffer(parts, -gap_width / 2))]
    piece_at, shape_at = shapely.STRtree(geoms).query(narrow, predicate="intersects")
    uncovered = float(shapely.area(parts).sum() - shapely.area(narrow[np.unique(piece_at)]).sum())
    if not len(piece_at):
        return geoms, uncovered
    shared = shapely.length(shapely.intersection(shapely.boundary(narrow[piece_at]),
                                                 shapely.boundary(geoms[shape_at])))
    best = (pd.DataFrame({"piece": piece_at, "shape": shape_at, "shared": shared})
            .sort_values(["shared", "shape"], ascending=[False, True])
            .drop_duplicates("piece"))
    merged = geoms.copy()
    owner, piece = best["shape"].to_numpy(), best["piece"].to_numpy()
    for at in np.unique(owner):
        merged[at] = shapely.union_all(np.append(narrow[piece[owner == at]], geoms[at]))
    if not geometry.is_clean_coverage(merged):
        merged = geometry.clean_coverage(merged, 0.0)
    return merged, uncovered


def nest(
    shapes: np.ndarray, regency: BaseGeometry, neighbours: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Clip, clean and fill one regency's repaired kecamatan shapes into a coverage.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, float)
        The clean shapes (empty where nothing is left), the ``beyond`` mask of
        :func:`clip_to_regency`, and the share of the regency no kecamatan covers.
    """
    clipped, beyond = clip_to_regency(shapes, regency, neighbours)
    filled = ~shapely.is_empty(clipped)
    out = np.array([shapely.Polygon()] * len(clipped), dtype=object)
    if not filled.any():
        return out, beyond, 1.0
    clean = geometry.clean_coverage(clipped[filled], GAP_WIDTH)
    out[filled], uncovered = fill_slivers(clean, regency, GAP_WIDTH)
    return out, beyond, uncovered / regency.area if regency.area else 0.0


def encode_regency(frame: gpd.GeoDataFrame) -> bytes:
    """Simplify one regency's clean kecamatan coverage and encode it as TopoJSON.

    The tolerance is :data:`TOLERANCE_PER_EXTENT` of the regency's extent, made
    coarser (at most 4 times) while the file is over :data:`BYTES_TARGET`.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        ``code``, ``name`` and non-empty clean shapes of one regency.

    Returns
    -------
    bytes
        The compact TopoJSON (object :data:`MAP_OBJECT`).

    Raises
    ------
    ValueError
        If a kecamatan vanishes even on the finest grid.
    """
    geoms = frame.geometry.to_numpy()
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    tolerance = max(maxx - minx, maxy - miny) * TOLERANCE_PER_EXTENT
    data = _encode(frame, geometry.simplify_coverage(geoms, tolerance))
    for _ in range(4):
        if len(data) <= BYTES_TARGET:
            break
        tolerance *= COARSER
        data = _encode(frame, geometry.simplify_coverage(geoms, tolerance))
    return data


def _encode(frame: gpd.GeoDataFrame, simple: np.ndarray) -> bytes:
    layer = {MAP_OBJECT: gpd.GeoDataFrame(frame[["code", "name"]].reset_index(drop=True),
                                          geometry=simple, crs=4326)}
    for quantization in QUANTIZATION[:-1]:
        try:
            return topology.dumps(topology.encode(layer, quantization))
        except ValueError:
            continue
    return topology.dumps(topology.encode(layer, QUANTIZATION[-1]))


@dataclass(frozen=True)
class RegencyMap:
    """One regency's kecamatan map (:func:`regency_map`)."""

    code: str
    data: bytes | None
    drawn: list[str]
    beyond: list[str]
    uncovered: float


def regency_map(code: str, regency: BaseGeometry, neighbours: np.ndarray,
                shapes: gpd.GeoDataFrame) -> RegencyMap:
    """Nest and encode one regency's kecamatan (a unit of work for a worker process).

    Parameters
    ----------
    code : str
        Regency code (``64.02``).
    regency : shapely geometry
        Its clean polygon.
    neighbours : numpy.ndarray
        Polygons of the other regencies near its kecamatan.
    shapes : geopandas.GeoDataFrame
        ``code``, ``name`` and repaired shapes of its kecamatan.

    Returns
    -------
    RegencyMap
        The TopoJSON bytes (``None`` when no kecamatan is left), the codes drawn,
        those kept beyond the regency and the uncovered share.
    """
    clean, beyond, uncovered = nest(shapes.geometry.to_numpy(), regency, neighbours)
    frame = gpd.GeoDataFrame(shapes[["code", "name"]].reset_index(drop=True), geometry=clean,
                             crs=4326)
    drawn = frame.loc[~frame.geometry.is_empty]
    return RegencyMap(code, encode_regency(drawn) if len(drawn) else None,
                      drawn["code"].tolist(), frame.loc[beyond, "code"].tolist(), uncovered)


def _province_maps(tasks: list[tuple]) -> list[RegencyMap]:
    return [regency_map(*task) for task in tasks]


def _tasks(shapes: gpd.GeoDataFrame, regencies: gpd.GeoDataFrame,
           wanted: list[str]) -> dict[str, list[tuple]]:
    """Arguments of :func:`regency_map` per regency, grouped by province."""
    geoms = regencies.geometry.to_numpy()
    codes = regencies["code"].to_numpy()
    tree = shapely.STRtree(geoms)
    by_province: dict[str, list[tuple]] = {}
    for code in wanted:
        part = shapes.loc[shapes["code"].str[:5] == code]
        if part.empty:
            continue
        near = tree.query(shapely.box(*shapely.total_bounds(part.geometry.to_numpy())))
        neighbours = geoms[[i for i in near if codes[i] != code]]
        regency = geoms[int(np.flatnonzero(codes == code)[0])]
        by_province.setdefault(code[:2], []).append((code, regency, neighbours, part))
    return by_province


def _run(tasks: dict[str, list[tuple]], workers: int) -> list[RegencyMap]:
    """Work through the provinces, in ``workers`` forked processes when that is safe.

    Fork only from a single-threaded process (the command line): forking Streamlit's
    threaded server is unsafe, and spawn would re-run the caller's main script, so
    there the work stays in this process.
    """
    if workers <= 1 or len(tasks) <= 1 or threading.active_count() > 1:
        return [m for chunk in tasks.values() for m in _province_maps(chunk)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        largest_first = sorted(tasks.values(), key=len, reverse=True)
        return [m for chunk in pool.map(_province_maps, largest_first) for m in chunk]


def build_maps(
    raw: gpd.GeoDataFrame,
    regencies: gpd.GeoDataFrame,
    kecamatan: pd.DataFrame,
    only: Iterable[str] | None = None,
    workers: int = 1,
) -> KecamatanMaps:
    """Build the kecamatan map of every regency from upstream (or an office's) shapes.

    Parameters
    ----------
    raw : geopandas.GeoDataFrame
        ``code`` and unrepaired shapes (:func:`parse_kecamatan`); several rows of a
        code are united.
    regencies : geopandas.GeoDataFrame
        ``code`` and the clean regency coverage (EPSG:4326).
    kecamatan : pandas.DataFrame
        The kecamatan reference (``code``, ``name``, ``regency_code``); names on the
        map are the reference's (Kepmendagri 2025) spelling.
    only : iterable of str, optional
        Regency codes to build (default: every reference regency); the others'
        kecamatan are neither drawn nor listed.
    workers : int
        Processes working through the provinces (1: in this process).

    Returns
    -------
    KecamatanMaps
        The files and the shape bookkeeping (see :class:`KecamatanMaps`).
    """
    reference = kecamatan.set_index("code")
    known = raw["code"].isin(reference.index) & raw["code"].str.match(KECAMATAN_CODE.pattern)
    known &= raw["code"].str[:5].isin(set(regencies["code"]))
    result = KecamatanMaps(unknown=sorted(set(raw.loc[~known, "code"])))
    shapes = _united(raw.loc[known])
    shapes["name"] = shapes["code"].map(reference["name"])
    wanted = sorted(set(reference["regency_code"]) if only is None else set(only))
    for done in sorted(_run(_tasks(shapes, regencies, wanted), workers), key=lambda m: m.code):
        result.shapes += done.drawn
        result.beyond_regency += done.beyond
        if done.data is not None:
            result.outputs[map_name(done.code)] = done.data
        if done.uncovered >= UNCOVERED_SHOWN:
            result.uncovered[done.code] = round(done.uncovered, 3)
    in_scope = reference["regency_code"].isin(wanted)
    result.without_shape = sorted(set(reference.index[in_scope]) - set(result.shapes))
    result.shapes.sort()
    result.beyond_regency.sort()
    return result


def _united(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repaired shapes, one row per code (several rows of a code are united)."""
    repaired = gpd.GeoDataFrame({"code": raw["code"].to_numpy()},
                                geometry=geometry.repair(raw.geometry.to_numpy()), crs=4326)
    if not repaired["code"].duplicated().any():
        return repaired
    return repaired.dissolve(by="code", as_index=False)[["code", "geometry"]]
