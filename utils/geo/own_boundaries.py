"""Build a boundary set from an office's own file (shapefile, GeoPackage, GeoJSON, TopoJSON).

Steps: read (:mod:`utils.geo.boundary_file`), find the key and join to today's
regencies (:mod:`utils.geo.boundary_join`), fill the provinces the file does not
touch from the default set, then the same pipeline as the upstream build:
repair, clean coverage, simplify per scale, TopoJSON (:func:`utils.geo.build.map_outputs`).

Which shapes a set holds (stated in its record and on the About page): every
province the file covers comes wholly from the file, and a regency of such a
province that the file lacks has no shape ("tanpa batas wilayah": listed, never
silently dropped); provinces the file does not touch keep the default set's
shapes. Shapes of two sources are never mixed inside one province.

A file at kecamatan (or village) level also gives kecamatan maps: its features are
matched to kecamatan by code or by name *within the regency* each was matched to
(:func:`utils.geo.boundary_join.join_kecamatan`), nested in the set's regencies like
the upstream ones (:mod:`utils.geo.kecamatan_maps`) and written as
``maps/kecamatan/<regency>.topo.json`` for the regencies it covers; every other
regency's file is the default build's, so a set's ``maps/kecamatan/`` is always whole.

:func:`build_isolated` runs the build in a child process with a memory and time
limit, so a hostile or huge file cannot take the app server down.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from utils.atomic import folder_lock, write_bytes
from utils.geo import boundary_file, boundary_join, boundary_sets, geometry, kecamatan_maps
from utils.geo.build import GAP_WIDTH, map_outputs, parquet_bytes, sizes
from utils.geo.cache_record import MAPS, PIPELINE_VERSION, cache_dir, read_info
from utils.ingest.store import StoreError
from utils.ingest.store_backend import URL_VARIABLE, is_url
from utils.metrics.regions import (
    names,
    province_rows,
    read_crosswalk,
    read_kecamatan,
    read_regions,
    regencies,
)

PRESIMPLIFY = 0.0001
"""Degrees (~11 m): an office's file is simplified this much before cleaning; every map
is simplified far more (a province map by its extent / 1200, at least ~0.0004°), and
official files carry vertices every few metres that would cost memory for nothing."""
MEMORY_LIMIT = 3 * 2**30
"""Address-space limit of the child process that builds a set (bytes)."""
TIME_LIMIT = 600.0
"""Seconds a build may take before the child is stopped."""
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Credit:
    """Who supplied the file and under which terms (required for an uploaded file)."""

    source: str
    licence: str
    user: str = ""


class BuildRefused(ValueError):
    """A file that cannot become a boundary set; ``key``/``values`` make the message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def combine(own: gpd.GeoDataFrame, default: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The file's regencies plus the default shapes of the provinces it does not touch.

    Parameters
    ----------
    own : geopandas.GeoDataFrame
        Joined regencies of the file (``code``, ``name``, geometry).
    default : geopandas.GeoDataFrame
        The default set's clean regencies.

    Returns
    -------
    (GeoDataFrame, list of str)
        Both together (``code``, ``name``, ``province_code``) and the province codes
        filled from the default set.
    """
    covered = set(own["code"].str[:2])
    filled = default[~default["code"].str[:2].isin(covered)]
    both = pd.concat([own[["code", "name", "geometry"]], filled[["code", "name", "geometry"]]],
                     ignore_index=True)
    out = gpd.GeoDataFrame(both, geometry="geometry", crs=4326)
    out["province_code"] = out["code"].str[:2]
    return out, sorted(set(filled["code"].str[:2]))


def lighten(own: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The file's joined shapes (valid: the join repairs what it merges) simplified by
    :data:`PRESIMPLIFY` with topology kept, and repaired again where that broke them."""
    light = shapely.simplify(own.geometry.to_numpy(), PRESIMPLIFY, preserve_topology=True)
    return gpd.GeoDataFrame(own.drop(columns="geometry"), geometry=geometry.repair(light),
                            crs=4326)


def clean(combined: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Clean the combined shapes (valid: :func:`lighten` and the default set) into one
    edge-matched coverage."""
    cleaned = geometry.clean_coverage(combined.geometry.to_numpy(), GAP_WIDTH)
    out = gpd.GeoDataFrame(combined[["code", "name", "province_code"]], geometry=cleaned, crs=4326)
    empty = out.geometry.is_empty
    return out[~empty].reset_index(drop=True)


def _outputs(result: gpd.GeoDataFrame, base: Path, regions: pd.DataFrame) -> dict[str, bytes]:
    province_names = names(province_rows(regions))
    outputs = {f"{MAPS}/{k}": v for k, v in map_outputs(result, province_names).items()}
    for shared in ("regions.csv", "tilegrid.csv"):  # schematic layout and names: the default's
        outputs[f"{MAPS}/{shared}"] = (base / MAPS / shared).read_bytes()
    outputs["regencies.parquet"] = parquet_bytes(result)
    return outputs


KEY_CHOICES = ("code_column", "name_column", "province_column", "kind_column", "scheme")
"""What a user may choose of the join key (the rest is found in the file)."""


def chosen_key(frame: pd.DataFrame, regions: pd.DataFrame, crosswalk: pd.DataFrame,
               choices: dict[str, str] | None) -> boundary_join.KeyGuess | None:
    """The key found in the file with the user's ``choices`` put in (``None``: no choice)."""
    given = {k: v for k, v in (choices or {}).items() if k in KEY_CHOICES and v is not None}
    if not given:
        return None
    found = boundary_join.find_key(frame, regions, crosswalk)
    if "code_column" in given and "scheme" not in given:
        given["scheme"] = ""  # read the scheme of the chosen column from the file
    columns = {k: v or None for k, v in given.items() if k != "scheme"}
    return replace(found, **columns, scheme=given.get("scheme", found.scheme))  # type: ignore[arg-type]  # keys checked against KEY_CHOICES


def build_set(path: Path, root: boundary_sets.Sets, credit: Credit, *, layer: str | None = None,
              key: dict[str, str] | None = None, base: Path | None = None,
              progress: Progress | None = None) -> dict:
    """Build and store (not activate) a boundary set from the file at ``path``.

    Parameters
    ----------
    path : Path
        The office's file (see :data:`utils.geo.boundary_file.SUFFIXES`).
    root : Path or DatabaseSets
        Where the boundary sets are (:func:`utils.geo.boundary_sets.sets_of`).
    credit : Credit
        Source and licence (both required) and who built it.
    layer : str, optional
        Layer of a GeoPackage / TopoJSON / zip holding several shapefiles.
    key : dict, optional
        The user's choice of key columns and code scheme (:data:`KEY_CHOICES`;
        ``""`` for a column means none); the rest is found in the file.
    base : Path, optional
        The default (upstream) build folder; :func:`cache_dir` by default.
    progress : callable, optional
        ``progress(fraction, step)``.

    Returns
    -------
    dict
        The set's record (also ``set.json``): id, source, licence, join report,
        regencies without shape, provinces filled from the default, sizes, and
        the kecamatan keys of :func:`kecamatan_outputs`.

    Raises
    ------
    utils.geo.boundary_file.BoundaryFileError
        When the file cannot be read safely.
    utils.geo.boundary_join.BoundaryJoinError
        When a chosen key names a column the file lacks or an unknown scheme.
    BuildRefused
        When credit is missing or no feature matches a regency.
    """
    if not credit.source.strip() or not credit.licence.strip():
        raise BuildRefused("own_boundaries.credit_missing")
    started, report = time.perf_counter(), progress or (lambda fraction, step: None)
    base = base or cache_dir()
    regions = read_regions(base / "regions.csv")
    report(0.1, "read")
    read = boundary_file.read_boundaries(path, layer)
    report(0.3, "join")
    crosswalk = read_crosswalk(base / "crosswalk.csv")
    joined = boundary_join.join(read.frame, regions, crosswalk,
                                chosen_key(read.frame, regions, crosswalk, key))
    if joined.regencies.empty:
        raise BuildRefused("own_boundaries.nothing_matched", features=read.features)
    report(0.5, "clean")
    join_report = joined.report.to_dict()
    about = {"layer": read.layer, "source_crs": read.source_crs, "crs_note": read.crs_note,
             "encoding": read.encoding, "features": read.features, "dropped": read.dropped,
             "columns": boundary_join.attribute_columns(read.frame), "join": join_report}
    own = lighten(joined.regencies)
    kec = _kecamatan_join(read.frame, joined, base)
    del read, joined  # the file's full-resolution shapes are no longer needed
    combined, filled = combine(own, gpd.read_parquet(base / "regencies.parquet"))
    result = clean(combined)
    known = set(regencies(regions).index)
    report(0.7, "simplify")
    outputs = _outputs(result, base, regions)
    kec_outputs, kec_record = kecamatan_outputs(kec, result, base, regions)
    outputs.update(kec_outputs)
    join_report["notes"] += kecamatan_notes(kec_record)
    sha = _sha256(path)
    record = {
        "id": boundary_sets.new_id(sha),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": path.name, "sha256": sha, "bytes": path.stat().st_size,
        "source": credit.source.strip(), "licence": credit.licence.strip(), "user": credit.user,
        **about,
        "without_shape": sorted(known - set(result["code"])),
        "filled_provinces": filled,
        **sizes(outputs, result),
        **kec_record,
        "pipeline": PIPELINE_VERSION,
        "build_seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    report(0.9, "write")
    return _store(root, record, outputs, path)


def _kecamatan_join(frame: gpd.GeoDataFrame, joined: boundary_join.Joined,
                    base: Path) -> boundary_join.KecamatanJoin | None:
    """The file's kecamatan (lightened), or ``None`` for a regency-level file or a
    default build without the kecamatan reference."""
    path = base / "kecamatan.csv"
    found = boundary_join.join_kecamatan(frame, joined, read_kecamatan(path)) if path.is_file() \
        else None
    if found is None or found.shapes.empty:
        return found
    return boundary_join.KecamatanJoin(lighten(found.shapes), found.report)


def kecamatan_outputs(kec: boundary_join.KecamatanJoin | None, result: gpd.GeoDataFrame,
                      base: Path, regions: pd.DataFrame) -> tuple[dict[str, bytes], dict]:
    """A set's kecamatan maps: the file's own for the regencies it has kecamatan of
    (nested in the set's regencies, as the upstream build nests them), the default
    build's files for every other regency, so ``maps/kecamatan/`` is always whole.

    Returns
    -------
    (dict, dict)
        Files (``maps/kecamatan/<regency>.topo.json``) and the record keys:
        ``kecamatan_own`` (:func:`own_kecamatan`; ``None`` for a regency-level file),
        ``kecamatan_shapes`` and ``kecamatan_without_shape`` over all regencies.
    """
    path = base / "kecamatan.csv"
    reference = read_kecamatan(path) if path.is_file() else None
    outputs, own = ({}, None) if reference is None or kec is None or kec.shapes.empty \
        else own_kecamatan(kec, result, reference, regions)
    for upstream_map in sorted((base / MAPS / kecamatan_maps.FOLDER).glob("*.topo.json")):
        outputs.setdefault(f"{MAPS}/{kecamatan_maps.FOLDER}/{upstream_map.name}",
                           upstream_map.read_bytes())
    covered = set(own["regencies"]) if own else set()
    lacking = {c for c in (read_info(base) or {}).get("kecamatan_without_shape") or []
               if c[:5] not in covered}
    lacking |= {c for codes in (own or {}).get("without_shape", {}).values() for c in codes}
    shapes = None if reference is None else len(reference) - len(lacking)
    return outputs, {"kecamatan_own": own, "kecamatan_shapes": shapes,
                     "kecamatan_without_shape": sorted(lacking)}


def own_kecamatan(kec: boundary_join.KecamatanJoin, result: gpd.GeoDataFrame,
                  reference: pd.DataFrame, regions: pd.DataFrame) -> tuple[dict[str, bytes], dict]:
    """The file's kecamatan maps and their record (join report, regencies drawn from
    the file, per regency its kecamatan without shape, sizes)."""
    covered = sorted(set(kec.shapes["code"].str[:5]))
    maps = kecamatan_maps.build_maps(kec.shapes[["code", "geometry"]], result, reference,
                                     only=covered)
    names_of = dict(zip(regions["code"], regions["name"], strict=True))
    own = {**kec.report, "regencies": covered,
           "without_shape": {r: [c for c in maps.without_shape if c[:5] == r] for r in covered},
           "beyond_regency": maps.beyond_regency, "uncovered": maps.uncovered,
           "bytes_max": max((len(v) for v in maps.outputs.values()), default=0),
           "regency_names": {r: names_of.get(r, r) for r in covered},
           "kecamatan_names": _kecamatan_names(reference, maps.without_shape)}
    return {f"{MAPS}/{k}": v for k, v in maps.outputs.items()}, own


def _kecamatan_names(reference: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    named = reference.loc[reference["code"].isin(codes)]
    return dict(zip(named["code"], named["name"], strict=True))


KEC_NOTE = "kecamatan_geo.note."
EXAMPLES = 3


def kecamatan_notes(record: dict) -> list[dict]:
    """Join notes (``{"key", "values"}``) on a set's kecamatan, shown with the file's report."""
    own = record.get("kecamatan_own")
    if not own:
        return []
    notes = [{"key": KEC_NOTE + "level", "values": {
        "regencies": len(own["regencies"]), "by_code": own["matched_by_code"],
        "by_name": own["matched_by_name"],
        "columns": ", ".join(c for c in (own["code_column"], own["name_column"]) if c)}}]
    if own["code_column"] and not own["codes_used"]:
        notes.append({"key": KEC_NOTE + "codes_not_used", "values": {"column": own["code_column"]}})
    for kind in ("unmatched", "conflicts"):
        if own[kind]:
            examples = ", ".join(row["value"] for row in own[kind][:EXAMPLES])
            notes.append({"key": KEC_NOTE + kind, "values": {
                "count": sum(row["features"] for row in own[kind]), "examples": examples}})
    for regency, codes in own["without_shape"].items():
        if codes:
            notes.append({"key": KEC_NOTE + "without_shape", "values": {
                "regency": own["regency_names"][regency], "count": len(codes),
                "names": ", ".join(own["kecamatan_names"].get(c, c) for c in codes)}})
    return notes


def _store(root: boundary_sets.Sets, record: dict, outputs: dict[str, bytes], path: Path) -> dict:
    if isinstance(root, boundary_sets.DatabaseSets):
        source = {f"source/{safe_name(path.name, 'source')}": path.read_bytes()}
        try:
            boundary_sets.store_set(root, record, {**outputs, **source})
        except StoreError as error:
            raise BuildRefused("own_boundaries.busy" if error.key == "data.store.busy"
                               else error.key, **error.params) from None
        return record
    root.mkdir(parents=True, exist_ok=True)
    with folder_lock(root, lambda: BuildRefused("own_boundaries.busy"), timeout=60.0):
        boundary_sets.clean_leftovers(root)
        staging = boundary_sets.staging_folder(root, record["id"])
        for name, data in outputs.items():
            write_bytes(staging / name, data)
        (staging / "source").mkdir()
        shutil.copyfile(path, staging / "source" / safe_name(path.name, "source"))
        boundary_sets.commit(root, staging, record)
    return record


def safe_name(name: str, fallback: str) -> str:
    """A file name of letters, digits, ``._-`` only, never hidden nor a path."""
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)
    return kept.lstrip(".") or fallback


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def build_isolated(path: Path, store_root: Path | str, credit: Credit, layer: str | None = None,
                   key: dict[str, str] | None = None, timeout: float = TIME_LIMIT) -> dict:
    """Run :func:`build_set` in a child process (memory- and time-limited).

    ``store_root`` is the store's location: a folder, or a database URL (handed to
    the child in its environment, never on its command line).

    Returns
    -------
    dict
        The set's record, or ``{"error": key, "values": {...}}`` when the file was
        refused, ran out of memory or time.
    """
    env = dict(os.environ)
    where = ["--store", str(store_root)]
    if is_url(str(store_root)):
        env[URL_VARIABLE], where = str(store_root), []
    command = [sys.executable, "-m", "utils.geo", "build", "--source", str(path), "--json",
               *where, "--licence", credit.licence,
               "--credit", credit.source, "--user", credit.user]
    if layer:
        command += ["--layer", layer]
    for name, value in (key or {}).items():
        command += [f"--{name.replace('_', '-')}", value]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit_memory, cwd=Path(__file__).parents[2], env=env)
    except subprocess.TimeoutExpired:
        return {"error": "own_boundaries.too_slow", "values": {"seconds": int(timeout)}}
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        answer = None
    if not isinstance(answer, dict) or ("error" not in answer and "id" not in answer):
        return {"error": "own_boundaries.crashed", "values": {"code": done.returncode}}
    return answer
