"""House rules that code review would otherwise have to catch."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_utils_never_import_streamlit():
    pattern = re.compile(r"^\s*(import streamlit|from streamlit)", re.MULTILINE)
    offenders = [p.name for p in (ROOT / "utils").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_no_upstream_data_or_caches_are_tracked():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    pattern = re.compile(r"\.(sql|parquet|topojson|geojson)$|topo\.json$")
    built = [f for f in files.split() if pattern.search(f) and not f.startswith("tests/fixtures/")]
    assert built == []
