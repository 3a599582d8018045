"""The benchmark's pure parts (tests/benchmarks/report.py), so the script cannot rot silently.

The benchmark itself (tests/benchmarks/run.py) starts servers and a browser and is run by
hand; here only its statistics, JSON document, budgets and table are checked.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parent / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"capaian_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


report = _load("report")


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4, 5], 50, 3),
        ([1, 2, 3, 4], 50, 2.5),
        ([10, 20], 95, 19.5),
        ([7], 95, 7),
        ([5, 1, 3], 0, 1),
        ([5, 1, 3], 100, 5),
        ([1, None, 3, float("nan")], 50, 2),
        (list(range(1, 21)), 95, 19.05),
        ([], 50, None),
    ],
)
def test_percentile_interpolates_like_numpy(values, q, expected):
    got = report.percentile(values, q)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_percentile_refuses_out_of_range():
    with pytest.raises(ValueError):
        report.percentile([1, 2], 101)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60), st.floats(0, 100))
def test_percentile_lies_between_min_and_max(values, q):
    got = report.percentile(values, q)
    assert min(values) - 1e-6 <= got <= max(values) + 1e-6


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60))
def test_p95_is_never_below_the_median(values):
    s = report.summary(values)
    assert s["p95"] >= s["p50"] - 1e-9
    assert s["n"] == len(values)
    assert s["min"] <= s["mean"] + 1e-6 and s["mean"] <= s["max"] + 1e-6


def test_summary_of_nothing_is_empty_not_zero():
    assert report.summary([None, None]) == {
        "n": 0,
        "p50": None,
        "p95": None,
        "mean": None,
        "min": None,
        "max": None,
    }


@pytest.mark.parametrize(
    ("baseline", "capaian", "expected"),
    [(100, 4, 25.0), (1, 3, 0.33), (None, 4, None), (5, None, None), (5, 0, None)],
)
def test_ratio_is_baseline_over_capaian(baseline, capaian, expected):
    assert report.ratio(baseline, capaian) == expected


def _document(capaian: dict, altair: dict | None = None, explore: dict | None = None) -> dict:
    units = {
        **report.REQUIRED,
        "map_first_load_geometry_bytes": "bytes",
        "map_change_bytes_max": "bytes",
        "whatif_change_bytes_max": "bytes",
        "time_to_map_ms": "ms",
    }
    return report.assemble(
        {"capaian": capaian, "altair_full": altair or {}, "explore": explore or {}},
        units,
        cores=2,
        date="2026-11-23T05:00:00Z",
        versions={"streamlit": "1.67.0"},
        notes={"explore.boundary_build_s": "no such step"},
    )


def test_document_has_the_issue_shape_and_is_json():
    doc = _document(
        {"map_first_load_bytes": 400_000, "boundary_build_s": 12.0},
        {"map_first_load_bytes": 8_000_000},
        {"map_first_load_bytes": 10_000_000},
    )
    doc = json.loads(json.dumps(doc))
    assert doc["cores"] == 2 and doc["date"] == "2026-11-23T05:00:00Z"
    for name in report.REQUIRED:
        m = doc["measurements"][name]
        assert set(m) == {"unit", "capaian", "baselines", "ratio"}
        assert set(m["baselines"]) == set(m["ratio"]) == {"altair_full", "explore"}
    first = doc["measurements"]["map_first_load_bytes"]
    assert first == {
        "unit": "bytes",
        "capaian": 400_000,
        "baselines": {"altair_full": 8_000_000, "explore": 10_000_000},
        "ratio": {"altair_full": 20.0, "explore": 25.0},
    }
    build = doc["measurements"]["boundary_build_s"]
    assert build["baselines"] == {"altair_full": None, "explore": None}
    assert build["ratio"] == {"altair_full": None, "explore": None}


def test_missing_measurements_are_null_never_zero():
    doc = _document({})
    for m in doc["measurements"].values():
        assert m["capaian"] is None
        assert all(v is None for v in m["ratio"].values())
    assert all(b["pass"] is None for b in doc["budgets"].values())


@pytest.mark.parametrize(
    ("metric", "value", "passes"),
    [
        ("map_first_load_geometry_bytes", 378_952, True),
        ("map_first_load_geometry_bytes", 1_136_856, False),
        ("map_change_bytes_max", 50_000, True),
        ("map_change_bytes_max", 50_001, False),
        ("server_ms_p95_map_change", 149.9, True),
        ("server_ms_p95_whatif_change", 100.1, False),
        ("boundary_build_s", 59.0, True),
        ("time_to_map_ms", 3500.0, False),
    ],
)
def test_budgets_pass_at_or_under_the_limit(metric, value, passes):
    doc = _document({metric: value})
    verdicts = [b["pass"] for b in doc["budgets"].values() if b["metric"] == metric]
    assert verdicts == [passes]


def test_every_budget_names_a_reported_metric():
    doc = _document({})
    assert {b["metric"] for b in doc["budgets"].values()} <= set(doc["measurements"])


def test_table_shows_values_ratios_and_verdicts():
    doc = _document(
        {"map_first_load_bytes": 400_000, "server_ms_p95_map_change": 200.0},
        {"map_first_load_bytes": 8_000_000},
        {"map_first_load_bytes": 2_500_000},
    )
    text = report.table(doc)
    row = next(line for line in text.splitlines() if line.startswith("| map_first_load_bytes"))
    assert "400.0 KB" in row and "8.00 MB" in row and "20.0×" in row and "6.2×" in row
    verdict = next(line for line in text.splitlines() if line.startswith("| map_change_server"))
    assert "**FAIL**" in verdict
    assert "not measured" in text


def test_benchmark_files_are_not_collected_as_tests():
    names = [p.name for p in BENCH.rglob("*.py")]
    assert names and not [n for n in names if n.startswith("test_") or n.endswith("_test.py")]


def test_percentile_ignores_nan_only_input():
    assert report.percentile([float("nan")], 50) is None
    assert not math.isnan(report.percentile([float("nan"), 2.0], 50))


def test_the_script_imports_and_keeps_the_issue_defaults():
    run = _load("run")
    args = run.parse(["--json"])
    assert args.json and args.moves >= 20 and args.sessions == 20
    assert set(args.apps) == {"capaian", "altair_full", "explore"}
    assert set(report.REQUIRED) <= set(run.UNITS)
    assert {b[0] for b in report.BUDGETS.values()} <= set(run.UNITS)
    assert all(path.is_file() for path in run.APPS.values())


def test_websocket_frames_are_classified_by_message_type():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    run = _load("run")
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert run.message_kind(msg.SerializeToString()) == "script_finished"
    assert run.message_kind(b"\xff\xff not a message") == "?"
