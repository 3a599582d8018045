"""Where the built caches live and whether they are fresh (light: no geometry imports).

The app checks this on every start; only when the caches are missing or stale
does it import the heavy boundary pipeline (:mod:`utils.geo.build`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from utils.geo import sources
from utils.paths import DATA_DIR, ROOT

PIPELINE_VERSION = 10
# The one TopoJSON object of every built map: regencies (codes "64.01") and, in
# the national map, their provinces (codes "64") as well, sharing their arcs.
# One object means one download draws the regions and the province borders.
MAP_OBJECT = "regions"
MAPS = "maps"
"""Sub-folder of a build holding only what the browser may fetch (the TopoJSON maps,
``tilegrid.csv``, ``regions.csv``); the geometry route serves this folder and nothing
else (no build record, no source paths)."""
RENAMES_CSV = DATA_DIR / "region_renames.csv"
"""Former names of regencies (hand-kept, with their legal basis): input of the crosswalk."""


def cache_dir() -> Path:
    """Folder of the built caches (``CAPAIAN_CACHE_DIR`` or ``geo/cache``)."""
    return Path(os.environ.get("CAPAIAN_CACHE_DIR") or ROOT / "geo" / "cache")


def maps_dir(folder: Path | None = None) -> Path:
    """The served map files of the build in ``folder`` (default :func:`cache_dir`)."""
    return (folder or cache_dir()) / MAPS


def source_digest(manifest: dict) -> str:
    """One hash over every source file's sha256, the hand-kept renames and the
    pipeline version: editing any of them rebuilds the caches."""
    renames = sources.sha256_bytes(RENAMES_CSV.read_bytes()) if RENAMES_CSV.is_file() else ""
    joined = "|".join(f["sha256"] for f in manifest["files"]) + f"|{renames}|v{PIPELINE_VERSION}"
    return sources.sha256_bytes(joined.encode())


def read_info(folder: Path | None = None) -> dict | None:
    """Return the build record of the caches in ``folder``, or ``None``."""
    path = (folder or cache_dir()) / "build.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fresh(folder: Path | None = None, manifest: dict | None = None) -> bool:
    """True when the caches exist and were built from the manifest's files."""
    folder = folder or cache_dir()
    info = read_info(folder)
    if not info or info.get("digest") != source_digest(manifest or sources.load_manifest()):
        return False
    return all((folder / name).is_file() for name in info.get("outputs", []))
