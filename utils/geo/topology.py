"""Encode simplified coverages as TopoJSON, the form the browser receives.

TopoJSON stores each shared edge once and quantises coordinates to integers,
so a clean coverage costs a fraction of the equivalent GeoJSON.

Quantising a tiny ring can flip its orientation or collapse it, and a
browser (d3-geo, spherical) then fills the whole globe *outside* it. So we
snap every geometry to the very grid the TopoJSON uses first, with GEOS
``set_precision`` (which removes collapsed parts and keeps rings valid), and
hand that fixed grid to the encoder.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely
import topojson

if TYPE_CHECKING:
    from topojson._types import Transform  # the type of the public ``prequantize`` argument


def grid_for(layers: dict[str, gpd.GeoDataFrame], quantization: float) -> Transform:
    """A uniform TopoJSON transform covering every layer with ``quantization`` steps."""
    bounds = np.array([frame.total_bounds for frame in layers.values()])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    extent = max(bounds[:, 2].max() - x0, bounds[:, 3].max() - y0)
    step = extent / (quantization - 1)
    return {"scale": [step, step], "translate": [float(x0), float(y0)]}


def snap(geoms: np.ndarray, grid: Transform) -> np.ndarray:
    """Snap geometries to ``grid``; collapsed parts vanish, the rest stays valid."""
    step = grid["scale"][0]
    x0, y0 = grid["translate"]
    to_grid = shapely.transform(geoms, lambda xy: (xy - (x0, y0)) / step)
    snapped = shapely.set_precision(to_grid, 1.0)
    back = shapely.transform(snapped, lambda xy: xy * step + (x0, y0))
    return np.asarray(shapely.orient_polygons(back, exterior_cw=True), dtype=object)


def encode(layers: dict[str, gpd.GeoDataFrame], quantization: float) -> dict:
    """Build one topology holding every layer as a named object.

    Parameters
    ----------
    layers : dict
        Object name (``"regencies"``, ``"provinces"``) → GeoDataFrame in
        EPSG:4326; its non-geometry columns become feature properties.
    quantization : float
        Grid steps across the larger side (``1e5`` for the national map,
        ``1e4`` is plenty for one province on a screen).

    Returns
    -------
    dict
        The TopoJSON document.

    Raises
    ------
    ValueError
        If a feature vanishes entirely on the grid.
    """
    grid = grid_for(layers, quantization)
    frames = []
    for name, frame in layers.items():
        snapped = snap(frame.geometry.to_numpy(), grid)
        if shapely.is_empty(snapped).any():
            lost = frame.loc[shapely.is_empty(snapped)].iloc[:, 0].tolist()
            raise ValueError(f"{name}: features vanish at this grid: {lost}")
        frames.append(frame.set_geometry(snapped).reset_index(drop=True))
    topo = topojson.Topology(
        frames if len(frames) > 1 else frames[0],
        prequantize=grid,
        object_name=list(layers) if len(frames) > 1 else next(iter(layers)),
    )
    document = topo.to_dict()
    fix_winding(document)
    for obj in document["objects"].values():
        for geometry in obj["geometries"]:
            geometry.pop("id", None)
    return document


def _arc_points(document: dict) -> list[np.ndarray]:
    """Decode delta-encoded arcs to grid coordinates."""
    return [np.cumsum(np.asarray(arc, dtype=float), axis=0) for arc in document["arcs"]]


def _ring_area(arcs: list[np.ndarray], ring: list[int]) -> float:
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring]
    points = np.concatenate(parts)
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def fix_winding(document: dict) -> int:
    """Make exterior rings clockwise and holes counter-clockwise, in place.

    d3-geo reads a counter-clockwise exterior as "everything but this ring"
    and fills the globe; the encoder leaves a few such rings. Returns how
    many rings were reversed.
    """
    arcs = _arc_points(document)
    flipped = 0
    for obj in document["objects"].values():
        for geometry in obj["geometries"]:
            polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else (
                [geometry["arcs"]] if geometry["type"] == "Polygon" else [])
            for polygon in polygons:
                for position, ring in enumerate(polygon):
                    area = _ring_area(arcs, ring)
                    if (position == 0 and area > 0) or (position > 0 and area < 0):
                        polygon[position] = [~i for i in reversed(ring)]
                        flipped += 1
    return flipped


def dumps(document: dict) -> bytes:
    """Serialise compactly, as it is sent to the browser."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
