"""Encode simplified coverages as TopoJSON, the form the browser receives.

TopoJSON stores each shared edge once and quantises coordinates to integers,
so a clean coverage costs a fraction of the equivalent GeoJSON.
"""

from __future__ import annotations

import json

import geopandas as gpd
import topojson


def encode(layers: dict[str, gpd.GeoDataFrame], quantization: float) -> dict:
    """Build one topology holding every layer as a named object.

    Parameters
    ----------
    layers : dict
        Object name (``"regencies"``, ``"provinces"``) → GeoDataFrame in
        EPSG:4326; its non-geometry columns become feature properties.
    quantization : float
        Grid size per axis (``1e5`` for the national map, ``1e4`` is plenty
        for one province on a screen).

    Returns
    -------
    dict
        The TopoJSON document.
    """
    frames = [frame.reset_index(drop=True) for frame in layers.values()]
    topo = topojson.Topology(
        frames if len(frames) > 1 else frames[0],
        prequantize=quantization,
        object_name=list(layers) if len(frames) > 1 else next(iter(layers)),
    )
    document = topo.to_dict()
    for obj in document["objects"].values():
        for geometry in obj["geometries"]:
            geometry.pop("id", None)
    return document


def dumps(document: dict) -> bytes:
    """Serialise compactly, as it is sent to the browser."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
