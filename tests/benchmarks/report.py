"""Pure parts of the benchmark: statistics, the JSON document, budgets, the text table.

Nothing here starts a process or a browser, so ``tests/test_benchmark_smoke.py`` can
check it quickly and the script cannot rot silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

BASELINES = ("altair_full", "explore")

# The metrics the issue requires (name -> unit); every run reports each of them,
# ``null`` with a reason when it could not be taken.
REQUIRED = {
    "map_first_load_bytes": "bytes",
    "map_change_bytes": "bytes",
    "whatif_change_bytes": "bytes",
    "server_ms_p95_map_change": "ms",
    "server_ms_p95_whatif_change": "ms",
    "slider_to_paint_ms_p50": "ms",
    "slider_to_paint_ms_p95": "ms",
    "server_rss_mb_1_session": "MB",
    "server_rss_mb_20_sessions": "MB",
    "boundary_build_s": "s",
}

# Budgets from the other issues, checked against Capaian's own figure.
# name -> (metric, limit, unit as written in the issue)
BUDGETS = {
    "national_map_first_load_geometry": ("map_first_load_geometry_bytes", 500_000, "≤ 500 KB"),
    "map_change_received": ("map_change_bytes_max", 50_000, "≤ 50 KB each"),
    "map_change_server_p95": ("server_ms_p95_map_change", 150.0, "≤ 150 ms"),
    "whatif_change_server_p95": ("server_ms_p95_whatif_change", 100.0, "≤ 100 ms"),
    "whatif_change_received": ("whatif_change_bytes_max", 50_000, "≤ 50 KB each"),
    "cold_boundary_build": ("boundary_build_s", 60.0, "≤ 60 s"),
    "warm_start_to_map_painted": ("time_to_map_ms", 3000.0, "≤ 3 s"),
}


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method), ``None`` for no values.

    Parameters
    ----------
    values : iterable of float
        Samples; ``None`` and NaN are ignored.
    q : float
        Percentile in [0, 100].

    Returns
    -------
    float or None
    """
    data = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside [0, 100]")
    rank = (len(data) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary(values: Sequence[float | None]) -> dict:
    """Median, p95, mean, min, max and the sample count of ``values`` (``None`` dropped)."""
    kept = [float(v) for v in values if v is not None]
    return {
        "n": len(kept),
        "p50": percentile(kept, 50),
        "p95": percentile(kept, 95),
        "mean": sum(kept) / len(kept) if kept else None,
        "min": min(kept) if kept else None,
        "max": max(kept) if kept else None,
    }


def ratio(baseline: float | None, capaian: float | None) -> float | None:
    """``baseline / capaian`` rounded to 2 decimals; ``None`` when either is missing or 0."""
    if baseline is None or capaian is None or capaian == 0:
        return None
    return round(baseline / capaian, 2)


def measurement(unit: str, capaian: float | None, baselines: dict[str, float | None]) -> dict:
    """One entry of ``measurements``: values, baselines and baseline/capaian ratios."""
    values = {name: baselines.get(name) for name in BASELINES}
    return {
        "unit": unit,
        "capaian": capaian,
        "baselines": values,
        "ratio": {name: ratio(v, capaian) for name, v in values.items()},
    }


def check_budgets(measurements: dict) -> dict:
    """Pass/fail of Capaian's figures against the budgets; ``None`` when not measured."""
    out = {}
    for name, (metric, limit, text) in BUDGETS.items():
        value = measurements.get(metric, {}).get("capaian")
        out[name] = {
            "metric": metric,
            "limit": limit,
            "budget": text,
            "value": value,
            "pass": None if value is None else bool(value <= limit),
        }
    return out


def assemble(
    results: dict[str, dict[str, float | None]],
    units: dict[str, str],
    *,
    cores: int,
    date: str,
    versions: dict | None = None,
    notes: dict | None = None,
    details: dict | None = None,
) -> dict:
    """The document the script prints.

    Parameters
    ----------
    results : dict
        App name (``capaian``, ``altair_full``, ``explore``) -> metric -> value.
    units : dict
        Metric -> unit; :data:`REQUIRED` metrics are always present.
    cores, date, versions : ...
        Recorded as they are.
    notes : dict
        Metric (or topic) -> why a value is missing or how it was taken.
    details : dict
        Anything else worth keeping (raw samples, per-app breakdowns).

    Returns
    -------
    dict
        ``{"cores", "date", "versions", "measurements", "budgets", "notes", "details"}``.
    """
    names = list(REQUIRED) + [m for m in units if m not in REQUIRED]
    measurements = {}
    for metric in names:
        unit = units.get(metric) or REQUIRED[metric]
        measurements[metric] = measurement(
            unit,
            results.get("capaian", {}).get(metric),
            {b: results.get(b, {}).get(metric) for b in BASELINES},
        )
    return {
        "cores": cores,
        "date": date,
        "versions": versions or {},
        "measurements": measurements,
        "budgets": check_budgets(measurements),
        "notes": notes or {},
        "details": details or {},
    }


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "bytes":
        return f"{value / 1000:,.1f} KB" if value < 1e6 else f"{value / 1e6:,.2f} MB"
    if float(value).is_integer() and abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}" if abs(value) >= 10 else f"{value:,.2f} {unit}"


def _ratio_cell(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}×"


def table(document: dict) -> str:
    """A Markdown table of every measurement, then the budgets."""
    lines = [
        "| measurement | Capaian | Altair, full geometry | × | gdf.explore() | × |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, m in document["measurements"].items():
        unit = m["unit"]
        base, ratios = m["baselines"], m["ratio"]
        lines.append(
            f"| {name} | {_cell(m['capaian'], unit)} | {_cell(base['altair_full'], unit)} | "
            f"{_ratio_cell(ratios['altair_full'])} | {_cell(base['explore'], unit)} | "
            f"{_ratio_cell(ratios['explore'])} |"
        )
    lines += ["", "| budget | limit | Capaian | result |", "| --- | --- | ---: | --- |"]
    for name, b in document["budgets"].items():
        unit = document["measurements"].get(b["metric"], {}).get("unit", "")
        verdict = {True: "pass", False: "**FAIL**", None: "not measured"}[b["pass"]]
        lines.append(f"| {name} | {b['budget']} | {_cell(b['value'], unit)} | {verdict} |")
    return "\n".join(lines)
