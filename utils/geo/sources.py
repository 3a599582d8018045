"""Fetch and verify the upstream files listed in ``geo/manifest.json``.

A *source* is either an HTTP(S) base address laid out like the upstream
repositories, a local folder laid out like ``../shared/upstream``
(``DIR/wilayah_boundaries/db/kab/...``), or ``None`` for the pinned raw
addresses recorded in the manifest. Every file is checked against the sha256
in the manifest before anything is built from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from utils.atomic import write_bytes
from utils.paths import GEO_DIR

MANIFEST = GEO_DIR / "manifest.json"
ENV_SOURCE = "CAPAIAN_GEO_SOURCE"

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)``; ``done``/``total`` count files."""


class SourceError(RuntimeError):
    """A source file could not be fetched or did not match its checksum."""


@dataclass(frozen=True)
class SourceFile:
    """One upstream file: its path in the layout, pinned address and hash."""

    path: str
    url: str
    sha256: str
    size: int
    licence: str


def load_manifest(path: Path = MANIFEST) -> dict:
    """Return the parsed manifest (repositories and files)."""
    return json.loads(path.read_text(encoding="utf-8"))


def manifest_files(manifest: dict) -> list[SourceFile]:
    """List the manifest's files as :class:`SourceFile` records."""
    return [SourceFile(**entry) for entry in manifest["files"]]


def default_source() -> str | None:
    """Return the source named by ``CAPAIAN_GEO_SOURCE``, or ``None`` (pinned URLs)."""
    value = os.environ.get(ENV_SOURCE, "").strip()
    return value or None


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _download(url: str, timeout: float, retries: int) -> bytes:
    import requests  # imported here: local builds never need it

    last: Exception | None = None
    for attempt in range(retries):
        try:
            response = requests.get(url, timeout=timeout)
            response.raise_for_status()
            return response.content
        except requests.RequestException as exc:
            last = exc
            time.sleep(min(2**attempt, 8))
    raise SourceError(f"{url}: {last}")


def fetch_one(
    item: SourceFile,
    source: str | None,
    downloads: Path,
    timeout: float = 60.0,
    retries: int = 3,
) -> bytes:
    """Return the verified bytes of one upstream file.

    Parameters
    ----------
    item : SourceFile
        The manifest entry.
    source : str or None
        Local folder, base URL, or ``None`` for the pinned address.
    downloads : Path
        Folder where downloaded files are kept, so a rebuild does not
        download again. Local folders are read in place.
    timeout, retries : float, int
        Per-request timeout in seconds and number of attempts.

    Raises
    ------
    SourceError
        If the file is missing, unreachable, or its sha256 differs.
    """
    kept = downloads / item.path
    if source and not _is_url(source):
        local = Path(source) / item.path
        if not local.is_file():
            raise SourceError(f"{local}: file not found")
        data = local.read_bytes()
    elif kept.is_file() and sha256_bytes(kept.read_bytes()) == item.sha256:
        return kept.read_bytes()
    else:
        url = f"{source.rstrip('/')}/{item.path}" if source else item.url
        data = _download(url, timeout, retries)
        if sha256_bytes(data) == item.sha256:
            write_bytes(kept, data)
    if sha256_bytes(data) != item.sha256:
        raise SourceError(f"{item.path}: sha256 differs from the manifest")
    return data


def fetch_all(
    source: str | None,
    downloads: Path,
    progress: Progress | None = None,
    manifest: dict | None = None,
) -> dict[str, bytes]:
    """Fetch and verify every manifest file, reporting progress per file.

    Returns
    -------
    dict
        Map of layout path (``wilayah/db/wilayah.sql``) to verified bytes.
    """
    files = manifest_files(manifest or load_manifest())
    out: dict[str, bytes] = {}
    for done, item in enumerate(files):
        if progress:
            progress(done, len(files), item.path)
        out[item.path] = fetch_one(item, source, downloads)
    if progress:
        progress(len(files), len(files), "")
    return out


HINT = (
    "If this machine cannot reach the upstream addresses, make a verified copy on a machine "
    "that can (python -m utils.geo download --into /path/to/upstream), carry it over, and "
    f"point the build at it: {ENV_SOURCE}=/path/to/upstream python -m utils.geo build"
)
