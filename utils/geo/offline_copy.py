"""A verified copy of the pinned upstream files, to carry to a machine without access.

Offices often install Capaian on a network that cannot reach the upstream
addresses. On any machine that can, run::

    python -m utils.geo download --into /media/usb/capaian-upstream

which fetches every file of ``geo/manifest.json`` (from the pinned addresses,
or ``--source`` a mirror or folder), checks each against its sha256 and lays
them out like ``../shared/upstream``. On the offline machine::

    CAPAIAN_GEO_SOURCE=/media/usb/capaian-upstream python -m utils.geo build

The copy is written into a temporary folder beside ``--into`` and renamed into
place only when every file verified, so an interrupted download never leaves a
folder that looks complete.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from utils.atomic import write_bytes
from utils.geo import sources

CHECKSUMS = "SHA256SUMS"
"""File written beside the copy: ``<sha256>  <path>`` per file (``sha256sum -c`` reads it)."""


def download(into: Path, source: str | None = None, manifest: dict | None = None,
             progress: sources.Progress | None = None) -> dict:
    """Fetch and verify every manifest file into ``into``, laid out like ``../shared/upstream``.

    Parameters
    ----------
    into : Path
        Target folder; must not exist yet or be empty.
    source : str or None
        A base address, a local folder, or ``None`` for the pinned addresses.
    manifest : dict, optional
        Default ``geo/manifest.json``.
    progress : callable, optional
        ``progress(done, total, label)`` per file.

    Returns
    -------
    dict
        ``files`` (count), ``bytes`` (total) and ``folder``.

    Raises
    ------
    utils.geo.sources.SourceError
        When a file cannot be fetched or fails its checksum; ``into`` is then untouched.
    FileExistsError
        When ``into`` exists and is not empty.
    """
    manifest = manifest or sources.load_manifest()
    if into.exists() and any(into.iterdir()):
        raise FileExistsError(f"{into} is not empty")
    into.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{into.name}.", dir=into.parent))
    try:
        files = sources.fetch_all(source, work / ".downloads", progress, manifest)
        for path, data in files.items():
            write_bytes(work / path, data)
        shutil.rmtree(work / ".downloads", ignore_errors=True)
        sums = "".join(f"{sources.sha256_bytes(files[p])}  {p}\n" for p in sorted(files))
        write_bytes(work / CHECKSUMS, sums.encode())
        if into.exists():
            into.rmdir()
        work.rename(into)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {"files": len(files), "bytes": sum(len(d) for d in files.values()),
            "folder": str(into)}


def main(argv: list[str] | None = None) -> int:
    """``python -m utils.geo download --into DIR [--source SRC] [--json]``."""
    parser = argparse.ArgumentParser(prog="python -m utils.geo download",
                                     description="Download and verify the pinned upstream files "
                                     "into a folder, to carry to a machine without access.")
    parser.add_argument("--into", required=True, help="new or empty folder for the copy")
    parser.add_argument("--source", help="mirror address or folder (default: pinned addresses)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)

    def show(done: int, total: int, label: str) -> None:
        print(f"\r[{done}/{total}] {label[:60]:<60}", end="", file=sys.stderr, flush=True)

    try:
        summary = download(Path(args.into), args.source, progress=show)
    except (sources.SourceError, FileExistsError) as exc:
        print(f"\ndownload failed: {exc}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(json.dumps(summary) if args.json else
          f"{summary['files']} files ({summary['bytes']:,} bytes) verified in {summary['folder']}\n"
          f"On the offline machine: {sources.ENV_SOURCE}={summary['folder']} "
          "python -m utils.geo build")
    return 0
