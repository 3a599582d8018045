"""Geometry steps of the boundary pipeline: parse, repair, clean, simplify, dissolve.

All functions take and return numpy arrays of shapely geometries (lng/lat,
EPSG:4326), one per region, in the same order.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

POLYGONAL = ("Polygon", "MultiPolygon")


def _depth(value: object) -> int:
    depth = 0
    while isinstance(value, list) and value:
        value = value[0]
        depth += 1
    return depth


def _polygon(rings: list) -> Polygon:
    arrays = [np.asarray(ring, dtype=float)[:, ::-1] for ring in rings]
    return Polygon(arrays[0], arrays[1:])


def path_to_geometry(path: list) -> MultiPolygon:
    """Turn an upstream ``path`` ([lat, lng] nesting) into a MultiPolygon.

    Parameters
    ----------
    path : list
        3 levels deep (one polygon: rings of points) or 4 deep (polygons).

    Returns
    -------
    shapely.MultiPolygon
        Coordinates swapped to (lng, lat). Not yet repaired.

    Raises
    ------
    ValueError
        If the nesting is neither 3 nor 4 deep.
    """
    depth = _depth(path)
    if depth == 3:
        return MultiPolygon([_polygon(path)])
    if depth == 4:
        return MultiPolygon([_polygon(rings) for rings in path])
    raise ValueError(f"coordinate nesting {depth} deep; expected 3 (Polygon) or 4 (MultiPolygon)")


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of ``geom`` (drops lines and points of a collection)."""
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else Polygon()


def repair(geoms: np.ndarray) -> np.ndarray:
    """Make every geometry valid, keeping its polygonal parts only.

    Uses GEOS ``make_valid`` (structure method), which keeps all the area of a
    self-intersecting ring; where it yields a GeometryCollection the lines and
    points are dropped.
    """
    fixed = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    return np.array([polygonal_part(g) for g in fixed], dtype=object)


def clean_coverage(geoms: np.ndarray, gap_width: float) -> np.ndarray:
    """Turn overlapping, gappy neighbours into a clean polygonal coverage.

    Parameters
    ----------
    geoms : numpy.ndarray
        Valid polygonal geometries.
    gap_width : float
        Gaps narrower than this (degrees) are merged into the neighbour with
        the longest shared border; wider ones (lakes, straits) stay.

    Returns
    -------
    numpy.ndarray
        Geometries that do not overlap and whose shared edges match vertex for
        vertex. An overlap goes to the *smaller* region: regency polygons
        upstream often lack the hole for the city inside them, so a city keeps
        its whole area.
    """
    cleaned = shapely.coverage_clean(  # type: ignore[attr-defined]  # stubs lag: new in shapely 2.2
        geoms, gap_width=gap_width, merge_strategy="min_area"
    )
    return np.array([polygonal_part(g) for g in cleaned], dtype=object)


def drop_small_parts(geoms: np.ndarray, min_area: float) -> np.ndarray:
    """Drop parts smaller than ``min_area`` (deg²), always keeping each largest part."""
    out = []
    for geom in geoms:
        parts = shapely.get_parts(geom)
        areas = shapely.area(parts)
        keep = areas >= min_area
        keep[int(np.argmax(areas))] = True
        out.append(MultiPolygon(list(parts[keep])))
    return np.array(out, dtype=object)


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a clean coverage so that neighbours keep sharing their edges."""
    return np.asarray(shapely.coverage_simplify(geoms, tolerance), dtype=object)


def dissolve(geoms: np.ndarray, keys: np.ndarray) -> dict[str, shapely.Geometry]:
    """Union a coverage by key (for example regency → province code).

    Returns
    -------
    dict
        Key → unioned geometry, keys in sorted order.
    """
    return {
        key: shapely.coverage_union_all(geoms[keys == key])
        for key in sorted(set(keys.tolist()))
    }


def is_clean_coverage(geoms: np.ndarray) -> bool:
    """True when ``geoms`` are valid, polygonal, non-overlapping and edge-matched."""
    return bool(shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms))
