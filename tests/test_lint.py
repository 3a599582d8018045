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


def importers(folder: str, *modules: str) -> list[str]:
    """Python files under ``folder`` that import any of ``modules`` (at any depth)."""
    names = "|".join(re.escape(m) for m in modules)
    pattern = re.compile(rf"^\s*(import ({names})\b|from ({names})(\.| import))", re.MULTILINE)
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.py")
                  if pattern.search(p.read_text(encoding="utf-8")))


def test_the_import_guard_sees_imports():
    """The guards below would pass vacuously if the pattern never matched."""
    assert "pages/map.py" in importers("pages", "streamlit")
    assert "utils/charts/choropleth.py" in importers("utils/charts", "altair")
    assert "utils/report/deck.py" in importers("utils/report", "utils.i18n")


def test_utils_never_import_streamlit():
    assert importers("utils", "streamlit") == []


def test_the_boundary_build_never_needs_the_chart_stack():
    assert importers("utils/geo", "altair", "vl_convert", "utils.charts") == []


def test_metrics_are_numbers_only():
    assert importers("utils/metrics", "altair", "utils.charts", "utils.i18n", "utils.report") == []


def test_pages_stay_thin():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "pages").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}, "move domain code into utils/: a page reads widgets, calls utils, draws"


def test_mypy_is_clean_on_utils():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr


def test_no_upstream_data_or_caches_are_tracked():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    pattern = re.compile(r"\.(sql|parquet|topojson|geojson)$|topo\.json$")
    built = [f for f in files.split() if pattern.search(f) and not f.startswith("tests/fixtures/")]
    assert built == []
