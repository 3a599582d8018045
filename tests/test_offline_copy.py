"""A verified copy of the upstream files for an offline machine (#18 item 8): fetched over
HTTP from a mirror on loopback, checked against the manifest, usable as the build's source,
and never left half-written."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from utils.geo import offline_copy, sources
from utils.paths import ROOT


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def mirror():
    """Serve a folder over HTTP on loopback; yields ``serve(folder) -> base address``."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(Quiet, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture
def small_manifest() -> dict:
    manifest = sources.load_manifest()
    wanted = ("wilayah/db/wilayah.sql", "bps_codes/provinces.csv", "wilayah/LICENSE")
    return {**manifest, "files": [f for f in manifest["files"] if f["path"] in wanted]}


def test_a_copy_over_http_is_verified_and_serves_as_the_build_source(upstream, mirror,
                                                                       small_manifest, tmp_path):
    into = tmp_path / "usb" / "upstream"
    summary = offline_copy.download(into, mirror(upstream), small_manifest)
    assert summary["files"] == 3
    for item in small_manifest["files"]:
        assert sources.sha256_bytes((into / item["path"]).read_bytes()) == item["sha256"]
    listed = (into / offline_copy.CHECKSUMS).read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in listed) == sorted(
        f["path"] for f in small_manifest["files"])
    again = sources.fetch_all(str(into), tmp_path / "dl", manifest=small_manifest)
    assert set(again) == {f["path"] for f in small_manifest["files"]}


def test_a_corrupted_mirror_leaves_nothing_that_looks_complete(upstream, mirror, small_manifest,
                                                               tmp_path):
    bad = tmp_path / "bad"
    for item in small_manifest["files"]:
        (bad / item["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(upstream / item["path"], bad / item["path"])
    with open(bad / "wilayah/db/wilayah.sql", "ab") as tampered:
        tampered.write(b"-- changed\n")
    into = tmp_path / "usb" / "upstream"
    with pytest.raises(sources.SourceError, match="sha256"):
        offline_copy.download(into, mirror(bad), small_manifest)
    assert not into.exists()
    assert list((tmp_path / "usb").iterdir()) == []  # no temporary folder left


def test_a_folder_that_is_not_empty_is_refused(tmp_path, small_manifest):
    (tmp_path / "kept.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        offline_copy.download(tmp_path, None, small_manifest)
    assert (tmp_path / "kept.txt").read_text() == "mine"


def test_the_command_copies_every_pinned_file(upstream, tmp_path):
    into = tmp_path / "copy"
    done = subprocess.run([sys.executable, "-m", "utils.geo", "download", "--into", str(into),
                           "--source", str(upstream), "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == len(sources.load_manifest()["files"])
    failed = subprocess.run([sys.executable, "-m", "utils.geo", "download", "--into", str(into)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 2 and "not empty" in failed.stderr
