"""Boundary pipeline: upstream dumps → clean coverage → per-scale TopoJSON caches.

Regencies give the national and province maps; kecamatan give one map per regency
(``maps/kecamatan/<regency>.topo.json``, :mod:`utils.geo.kecamatan_maps`).

Command line::

    python -m utils.geo build [--source URL_OR_DIR] [--force]
    python -m utils.geo info --json

``--source`` (or ``CAPAIAN_GEO_SOURCE``) names a local folder laid out like
``../shared/upstream`` or a base URL; without it the pinned upstream raw
addresses in ``geo/manifest.json`` are used.
"""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from utils.atomic import write_bytes, write_text
from utils.geo import crosswalk, geometry, kecamatan_maps, sources, tile_layout, topology
from utils.geo.cache_record import MAP_OBJECT, MAPS, cache_dir, is_fresh, read_info, source_digest
from utils.geo.reference import build_kecamatan, build_regions
from utils.geo.upstream_sql import iter_boundary_rows
from utils.metrics.regions import names, province_rows, regencies

GAP_WIDTH = 0.005  # degrees (~550 m): narrower slivers between neighbours are closed
NATIONAL = {"tolerance": 0.012, "min_part_area": 0.0005, "quantization": 1e5}
PROVINCE = {"tolerance_per_extent": 1 / 1200, "quantization": 1e4}
KECAMATAN_WORKERS = min(2, os.cpu_count() or 1)  # processes over provinces (budget: 2 cores)

StepProgress = Callable[[float, str], None]


def parse_boundaries(files: dict[str, bytes]) -> gpd.GeoDataFrame:
    """Parse every regency row of the ``db/kab`` dumps (unrepaired)."""
    codes, names, geoms = [], [], []
    for path in sorted(p for p in files if "/db/kab/" in p):
        for row in iter_boundary_rows(files[path].decode("utf-8")):
            codes.append(row.code)
            names.append(row.name)
            geoms.append(geometry.path_to_geometry(row.path))
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=4326)


def _national_layers(clean: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Regencies and their provinces in one object (one download draws both)."""
    kept = geometry.drop_small_parts(clean.geometry.to_numpy(), NATIONAL["min_part_area"])
    simple = geometry.simplify_coverage(kept, NATIONAL["tolerance"])
    regs = gpd.GeoDataFrame(clean[["code", "name"]], geometry=simple, crs=4326)
    prov = geometry.dissolve(simple, clean["province_code"].to_numpy())
    provs = gpd.GeoDataFrame(
        {"code": list(prov), "name": [clean.attrs["province_names"][c] for c in prov]},
        geometry=list(prov.values()),
        crs=4326,
    )
    both = gpd.GeoDataFrame(pd.concat([regs, provs], ignore_index=True), crs=4326)
    return {MAP_OBJECT: both}


def _province_layer(part: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    minx, miny, maxx, maxy = part.total_bounds
    tolerance = max(maxx - minx, maxy - miny) * PROVINCE["tolerance_per_extent"]
    simple = geometry.simplify_coverage(part.geometry.to_numpy(), tolerance)
    return {MAP_OBJECT: gpd.GeoDataFrame(part[["code", "name"]], geometry=simple, crs=4326)}


def map_outputs(clean: gpd.GeoDataFrame, province_names: dict[str, str]) -> dict[str, bytes]:
    """The served map files of a clean regency coverage, named as under ``maps/``.

    Parameters
    ----------
    clean : geopandas.GeoDataFrame
        ``code``, ``name``, ``province_code`` and a clean polygonal coverage (EPSG:4326).
    province_names : dict
        Province code → official name (the national map's province shapes).

    Returns
    -------
    dict
        ``national.topo.json`` and ``province/NN.topo.json`` (one per province present).
    """
    clean = clean.copy()
    clean.attrs["province_names"] = province_names
    outputs = {"national.topo.json": topology.dumps(
        topology.encode(_national_layers(clean), NATIONAL["quantization"]))}
    for code, part in clean.groupby("province_code"):
        layer = _province_layer(part)  # type: ignore[arg-type]  # stubs miss GeoDataFrame.groupby
        doc = topology.encode(layer, PROVINCE["quantization"])
        outputs[f"province/{code}.topo.json"] = topology.dumps(doc)
    return outputs


def parquet_bytes(clean: gpd.GeoDataFrame) -> bytes:
    """``code``, ``name`` and the clean geometry as GeoParquet (not served)."""
    full = gpd.GeoDataFrame(clean[["code", "name"]], geometry=clean.geometry.to_numpy(), crs=4326)
    buffer = io.BytesIO()
    full.to_parquet(buffer)
    return buffer.getvalue()


def sizes(outputs: dict[str, bytes], clean: gpd.GeoDataFrame) -> dict:
    """Counts and byte sizes every build records (checked against the budgets)."""
    geoms = clean.geometry.to_numpy()
    return {
        "regencies": len(clean),
        "provinces": int(clean["province_code"].nunique()),
        "invalid": int((~shapely.is_valid(geoms)).sum()),
        "clean_coverage": geometry.is_clean_coverage(geoms),
        "national_bytes": len(outputs[f"{MAPS}/national.topo.json"]),
        "province_bytes_max": max(
            len(v) for k, v in outputs.items() if k.startswith(f"{MAPS}/province/")
        ),
    }


def build_from_files(files: dict[str, bytes], folder: Path, progress: StepProgress) -> dict:
    """Build every cache in ``folder`` from verified source bytes; return the record."""
    started = time.perf_counter()
    text = {p: files[p].decode("utf-8") for p in files if p.startswith("wilayah/db/")}
    regions = build_regions(
        text["wilayah/db/wilayah.sql"],
        text["wilayah/db/wilayah_penduduk.sql"],
        text["wilayah/db/wilayah_luas.sql"],
    )
    kecamatan = build_kecamatan(text["wilayah/db/wilayah.sql"], regions)
    codes = crosswalk.build_from_texts(
        regions, {p: files[p].decode("utf-8") for p in crosswalk.SOURCES}, crosswalk.read_renames()
    )
    progress(0.35, "parse")
    raw = parse_boundaries(files)
    invalid_before = int((~shapely.is_valid(raw.geometry.to_numpy())).sum())
    progress(0.45, "repair")
    repaired = geometry.repair(raw.geometry.to_numpy())
    progress(0.55, "clean")
    clean = gpd.GeoDataFrame(
        raw[["code", "name"]], geometry=geometry.clean_coverage(repaired, GAP_WIDTH), crs=4326
    )
    clean["province_code"] = clean["code"].str[:2]
    province_names = names(province_rows(regions))
    check_coverage(clean, regencies(regions))
    progress(0.6, "simplify")
    regions_csv = regions.to_csv(index=False).encode("utf-8")
    tiles = tile_layout.tile_table(clean, province_names).to_csv(index=False).encode("utf-8")
    outputs = {"regions.csv": regions_csv,
               "crosswalk.csv": codes.to_csv(index=False).encode("utf-8"),
               "kecamatan.csv": kecamatan.to_csv(index=False).encode("utf-8"),
               "regencies.parquet": parquet_bytes(clean),
               f"{MAPS}/regions.csv": regions_csv, f"{MAPS}/tilegrid.csv": tiles}
    outputs.update({f"{MAPS}/{k}": v for k, v in map_outputs(clean, province_names).items()})
    progress(0.65, "kecamatan")
    kec_started = time.perf_counter()
    kec_maps = kecamatan_maps.build_maps(kecamatan_maps.parse_kecamatan(files), clean, kecamatan,
                                         workers=KECAMATAN_WORKERS)
    outputs.update({f"{MAPS}/{k}": v for k, v in kec_maps.outputs.items()})
    progress(0.95, "write")
    for name, data in outputs.items():
        write_bytes(folder / name, data)
    return {
        **sizes(outputs, clean),
        "kecamatan": len(kecamatan),
        **kec_maps.record(time.perf_counter() - kec_started),
        "invalid_upstream": invalid_before,
        **crosswalk.summary(codes),
        "build_seconds": round(time.perf_counter() - started, 2),
        "outputs": sorted(outputs),
    }


def check_coverage(clean: gpd.GeoDataFrame, reference: pd.DataFrame) -> None:
    """Raise ``ValueError`` unless every reference regency has one non-empty polygon."""
    codes = clean["code"]
    missing = sorted(set(reference.index) - set(codes))
    extra = sorted(set(codes) - set(reference.index))
    duplicated = sorted(codes[codes.duplicated()].unique())
    empty = sorted(clean.loc[clean.geometry.is_empty, "code"])
    if missing or extra or duplicated or empty:
        raise ValueError(
            f"boundaries do not match the region list: missing {missing}, unknown {extra}, "
            f"duplicated {duplicated}, empty {empty}"
        )
    if not geometry.is_clean_coverage(clean.geometry.to_numpy()):
        raise ValueError("cleaned regencies still overlap or are not edge-matched")


def build(
    source: str | None = None,
    folder: Path | None = None,
    force: bool = False,
    progress: StepProgress | None = None,
) -> dict:
    """Fetch, verify and build all caches unless they are already fresh.

    Parameters
    ----------
    source : str or None
        Local folder or base URL (see :mod:`utils.geo.sources`); ``None`` reads
        ``CAPAIAN_GEO_SOURCE`` and else the pinned upstream addresses.
    folder : Path, optional
        Cache folder; default :func:`cache_dir`.
    force : bool
        Rebuild even when fresh.
    progress : callable, optional
        ``progress(fraction, step)`` with ``fraction`` in [0, 1].

    Returns
    -------
    dict
        The build record, also written to ``build.json``.

    Raises
    ------
    utils.geo.sources.SourceError
        When a source file cannot be fetched or fails verification.
    """
    folder = folder or cache_dir()
    manifest = sources.load_manifest()
    report = progress or (lambda fraction, step: None)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; others then find it fresh
        if not force and is_fresh(folder, manifest):
            report(1.0, "fresh")
            return read_info(folder) or {}
        return _build_locked(source, folder, manifest, report)


def _build_locked(source: str | None, folder: Path, manifest: dict, report: StepProgress) -> dict:
    source = source if source is not None else sources.default_source()

    def on_file(done: int, total: int, label: str) -> None:
        report(0.3 * done / max(total, 1), f"fetch {label}".strip())

    files = sources.fetch_all(source, folder / "upstream", on_file, manifest)
    record = build_from_files(files, folder, report)
    _drop_legacy(folder)
    record["digest"] = source_digest(manifest)
    record["source"] = source or "upstream"
    write_text(folder / "build.json", json.dumps(record, indent=1))
    report(1.0, "done")
    return record


def _drop_legacy(folder: Path) -> None:
    """Remove map files that builds before pipeline 9 wrote beside the record
    (they now live in ``maps/``, the only folder the browser can reach)."""
    for name in ("national.topo.json", "tilegrid.csv"):
        (folder / name).unlink(missing_ok=True)
    for path in (folder / "province").glob("*.topo.json"):
        path.unlink()
    if (folder / "province").is_dir():
        (folder / "province").rmdir()


def national_sizes(record: dict) -> dict:
    """The numbers ``info --json`` prints."""
    keys = ["regencies", "provinces", "kecamatan", "kecamatan_shapes", "kecamatan_without_shape",
            "invalid", "invalid_upstream", "clean_coverage", "national_bytes",
            "province_bytes_max", "kecamatan_bytes_max", "build_seconds", "source",
            "bps_codes", "bps_mapped", "crosswalk_how", "crosswalk_unresolved"]
    return {k: record.get(k) for k in keys}


def _own_file(args: argparse.Namespace) -> int:
    """``build --source FILE``: a boundary set from an office's own file."""
    from utils.geo import boundary_file, boundary_join, boundary_sets, own_boundaries
    from utils.i18n import t
    from utils.ingest.store_backend import open_store

    root = boundary_sets.sets_of(open_store(args.store or None))
    credit = own_boundaries.Credit(args.credit or "", args.licence or "", args.user or "")
    try:
        key = {k: getattr(args, k) for k in own_boundaries.KEY_CHOICES
               if getattr(args, k) is not None}
        record = own_boundaries.build_set(Path(args.source), root, credit, layer=args.layer,
                                          key=key)
    except (boundary_file.BoundaryFileError, boundary_join.BoundaryJoinError,
            own_boundaries.BuildRefused) as refused:
        values = {k: v for k, v in refused.values.items()}
        if args.json:
            print(json.dumps({"error": refused.key, "values": values}, default=str))
        print(t(refused.key, args.lang, **values), file=sys.stderr)
        return 2
    if args.activate:
        boundary_sets.activate(root, record["id"])
    print(json.dumps(record, ensure_ascii=False) if args.json
          else "\n".join(f"{k}: {v}" for k, v in record.items() if k != "join"))
    return 0


def _is_boundary_file(source: str | None) -> bool:
    """True when ``--source`` names a boundary file (existing or not: a missing one
    is refused by the reader), never a folder or an address of the upstream layout."""
    if not source or "://" in source or Path(source).is_dir():
        return False
    from utils.geo.boundary_file import SUFFIXES

    return Path(source).suffix.lower() in SUFFIXES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m utils.geo")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fetch, verify and build the caches, or build a boundary "
                       "set from an office's own file")
    b.add_argument("--source", help="local folder or base URL (default: pinned upstream), or a "
                   "boundary file: .zip (shapefile), .shp, .gpkg, .geojson, .json, .topojson")
    b.add_argument("--force", action="store_true", help="rebuild even if fresh")
    own = b.add_argument_group("own boundary file (--source FILE)")
    own.add_argument("--layer", help="layer of a GeoPackage, TopoJSON or multi-shapefile zip")
    own.add_argument("--code-column", help="attribute holding the region code ('' for none)")
    own.add_argument("--name-column", help="attribute holding the region name ('' for none)")
    own.add_argument("--province-column", help="attribute holding the province name or code")
    own.add_argument("--kind-column", help="attribute saying Kabupaten or Kota")
    own.add_argument("--scheme", help="code scheme: kemendagri, bps, kemendagri_2020, ...")
    own.add_argument("--credit", help="who published the file (required)")
    own.add_argument("--licence", help="the file's licence (required)")
    own.add_argument("--user", default="", help="who builds it (recorded)")
    own.add_argument("--store", help="data store folder or database URL (default: "
                     "CAPAIAN_STORE_URL, else CAPAIAN_STORE_DIR or data/store)")
    own.add_argument("--activate", action="store_true", help="show the new set on the map at once")
    own.add_argument("--json", action="store_true", help="print the set record as JSON")
    own.add_argument("--lang", default="id", choices=("id", "en"), help="language of messages")
    i = sub.add_parser("info", help="describe the built caches")
    i.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "build" and _is_boundary_file(args.source):
        return _own_file(args)
    if args.command == "build":
        def show(fraction: float, step: str) -> None:
            print(f"\r[{fraction:4.0%}] {step[:60]:<60}", end="", file=sys.stderr, flush=True)

        try:
            record = build(args.source, force=args.force, progress=show)
        except (sources.SourceError, ValueError) as exc:
            print(f"\nbuild failed: {exc}\n{sources.HINT}", file=sys.stderr)
            return 2
        print(file=sys.stderr)
        print(json.dumps(national_sizes(record)))
        return 0
    info = read_info()
    if info is None:
        print("no caches yet: run `python -m utils.geo build`", file=sys.stderr)
        return 1
    shown = national_sizes(info)
    print(json.dumps(shown) if args.json else "\n".join(f"{k}: {v}" for k, v in shown.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
