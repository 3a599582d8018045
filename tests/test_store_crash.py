"""The store after a writer dies at any step: consistent on reopening, nothing left behind.

A subprocess accepts (or rolls back, or remembers) and is killed with SIGKILL
at one step of the write; the test then reopens the store as a later visitor
would. Every committed version must have its data and its aliases, no
temporary file or uncommitted folder may stay, and the store must keep working.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from utils.atomic import folder_lock
from utils.ingest import store as store_module
from utils.ingest.store import Store
from utils.metrics.coverage import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
FIRST = {"kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}}
SECOND = {"kota|btg": {"code": "64.74", "text": "BTG"}}
LATER = {"kota|smd": {"code": "64.72", "text": "SMD"}}

CHILD = r'''
import os, signal, sys
from pathlib import Path
import pandas as pd
import utils.atomic as atomic
from utils.ingest import store as store_module
from utils.ingest.store import Store

root, action, step = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

real_write, real_rename, real_replace = store_module.write_text, os.rename, os.replace

def key(action, path):
    """``write:meta.json`` in a version folder, ``write:root:aliases.json`` in the root."""
    path = Path(path)
    return f"{action}:root:{path.name}" if path.parent == root else f"{action}:{path.name}"

def write_text(path, text):
    if step == key("write", path):
        die()
    real_write(path, text)

def rename(src, dst):
    if step == "rename":
        die()
    real_rename(src, dst)

def replace(src, dst):
    if step == key("replace", dst):
        die()
    real_replace(src, dst)

store_module.write_text = write_text
store_module.os.rename = rename
atomic.os.replace = replace
store = Store(root)
if action == "accept":
    table = pd.DataFrame([{"period": "2022-05-15", "code": "64.74", "indicator": "ktp_el",
                           "numerator": 9, "denominator": 10, "is_demo": False}])
    store.accept(table, source_name="b.csv", source_bytes=b"b", period="2022-05-15",
                 user="child", aliases={"kota|btg": {"code": "64.74", "text": "BTG"}})
elif action == "rollback":
    store.rollback("v0001", user="child")
else:
    store.remember({"kota|smd": {"code": "64.72", "text": "SMD"}}, user="child")
print("finished")
'''


def table(code: str = "64.01") -> pd.DataFrame:
    return pd.DataFrame([{"period": "2022-05-15", "code": code, "indicator": "ktp_el",
                          "numerator": 1, "denominator": 2, "is_demo": False}], columns=COLUMNS)


def first_version(root: Path) -> Store:
    store = Store(root)
    store.accept(table(), source_name="a.csv", source_bytes=b"a", period="2022-05-15",
                 user="tester", aliases=FIRST)
    return store


def run_child(root: Path, action: str, step: str) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), action, step], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode in (0, -signal.SIGKILL), done.stderr
    return done.returncode


def age_everything(root: Path, seconds: float = 600.0) -> None:
    past = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past), follow_symlinks=False)


def leftovers(root: Path) -> list[str]:
    state = json.loads((root / "state.json").read_text())
    names = [p for folder in (root, root / "versions") if folder.is_dir()
             for p in folder.iterdir()]
    return sorted(str(p.relative_to(root)) for p in names
                  if p.name.startswith(".tmp") or p.name.endswith(".tmp")
                  or (p.parent.name == "versions" and p.name not in state["versions"]))


def assert_consistent(root: Path, committed: list[str]) -> Store:
    store = Store(root)
    assert store.state()["versions"] == committed
    for version in committed:
        assert store.meta(version)["id"] == version and len(store.data(version)) == 1
    expected = {k: v["code"] for k, v in FIRST.items()}
    if "v0002" in committed:
        expected |= {k: v["code"] for k, v in SECOND.items()}
    assert store.aliases() == expected  # every committed version has its aliases
    assert leftovers(root) == []
    return store


STEPS = [  # (step the writer dies at, is the new version committed?)
    ("write:meta.json", False),  # inside the temporary version folder
    ("write:aliases.json", False),  # the version's own aliases, before the rename
    ("rename", False),
    ("write:root:state.json", False),  # renamed into place, state not yet replaced
    ("replace:root:state.json", False),  # state written beside, not renamed: a .tmp file
    ("write:root:aliases.json", True),  # committed; aliases.json not yet updated
    ("replace:root:aliases.json", True),  # committed; aliases.json half-way: a .tmp file
]


@pytest.mark.parametrize(("step", "committed"), STEPS)
def test_an_accept_killed_at_any_step_leaves_a_consistent_store(
        tmp_path: Path, step: str, committed: bool) -> None:
    first_version(tmp_path)
    assert run_child(tmp_path, "accept", step) == -signal.SIGKILL
    age_everything(tmp_path)
    store = assert_consistent(tmp_path, ["v0001", "v0002"] if committed else ["v0001"])
    if committed:
        assert store.current()["code"].tolist() == ["64.01", "64.74"]
    # the store keeps working: the next accept repairs aliases.json as well
    meta = store.accept(table("64.72"), source_name="c.csv", source_bytes=b"c",
                        period="2022-05-15", user="tester")
    assert meta["id"] == ("v0003" if committed else "v0002")
    raw = json.loads((tmp_path / "aliases.json").read_text())
    assert {k: v["code"] for k, v in raw.items()} == store.aliases()


def test_the_child_finishes_when_not_killed(tmp_path: Path) -> None:
    first_version(tmp_path)
    assert run_child(tmp_path, "accept", "none") == 0
    assert_consistent(tmp_path, ["v0001", "v0002"])


@pytest.mark.parametrize(("action", "step"), [("rollback", "replace:root:state.json"),
                                              ("remember", "replace:root:aliases.json")])
def test_a_killed_rollback_or_remember_changes_nothing_and_leaves_nothing(
        tmp_path: Path, action: str, step: str) -> None:
    first_version(tmp_path)
    before = Store(tmp_path).state()
    assert run_child(tmp_path, action, step) == -signal.SIGKILL
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # the kill left one
    age_everything(tmp_path)
    store = assert_consistent(tmp_path, ["v0001"])
    assert store.state() == before


def test_young_leftovers_and_a_held_lock_are_left_alone(tmp_path: Path) -> None:
    first_version(tmp_path)
    assert run_child(tmp_path, "accept", "replace:root:state.json") == -signal.SIGKILL
    young = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert young and Store(tmp_path) and sorted(
        p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == young  # maybe live
    age_everything(tmp_path)
    with folder_lock(tmp_path, RuntimeError):  # a writer is at work: touch nothing
        Store(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == young
    Store(tmp_path)
    assert leftovers(tmp_path) == [] and (tmp_path / ".lock").exists()


def test_opening_a_missing_or_read_only_store_never_fails(tmp_path: Path) -> None:
    assert Store(tmp_path / "absent").versions() == [] and not (tmp_path / "absent").exists()
    first_version(tmp_path)
    (tmp_path / ".state.json.x.tmp").write_text("half")
    age_everything(tmp_path)
    os.chmod(tmp_path, 0o555)
    try:
        assert [v["id"] for v in Store(tmp_path).versions()] == ["v0001"]
    finally:
        os.chmod(tmp_path, 0o755)


@pytest.mark.parametrize("failing", ["meta.json", "aliases.json", "state.json", "root"])
def test_a_failed_accept_leaves_the_store_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    first_version(tmp_path)
    before = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file() and p.name != ".lock"}
    real = store_module.write_text

    def write_text(path: Path, text: str) -> None:
        at_root = path.parent == tmp_path
        if (failing == "root" and at_root and path.name == "aliases.json") or (
                failing != "root" and path.name == failing
                and (failing == "state.json" or not at_root)):
            raise OSError("disk full")
        real(path, text)

    monkeypatch.setattr(store_module, "write_text", write_text)
    with pytest.raises(OSError):
        Store(tmp_path).accept(table("64.74"), source_name="b.csv", source_bytes=b"b",
                               period="2022-05-15", aliases=SECOND)
    after = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*")
             if p.is_file() and p.name != ".lock"}
    assert after == before
    assert_consistent(tmp_path, ["v0001"])


def test_aliases_confirmed_later_win(tmp_path: Path) -> None:
    store = first_version(tmp_path)
    store.remember({"kabupaten|mahulu": {"code": "64.99", "text": "KAB. MAHULU"}})
    assert store.aliases()["kabupaten|mahulu"] == "64.99"
    version = json.loads((tmp_path / "versions" / "v0001" / "aliases.json").read_text())
    assert version["kabupaten|mahulu"]["code"] == "64.11"  # the version's record stays
