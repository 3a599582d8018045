"""Demo coverage data, generated from the population table at set-up.

The numbers are invented for demonstration and every row carries
``is_demo = True``; pages that show them say so. They are deterministic: the
same region list always gives the same table.

Command line: ``python -m utils.demo`` writes ``data/demo/coverage.csv``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from utils.atomic import write_text
from utils.metrics.coverage import COLUMNS
from utils.paths import ROOT

DEMO_CSV = ROOT / "data" / "demo" / "coverage.csv"
PERIODS = ["2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31", "2025-06-30"]

# indicator → (share of population in the denominator, coverage low/high at
# the last period in percent, gain per semester in points). Demo only: IKD
# activation was low nationally (roughly 10–30 % of wajib KTP-el in 2024).
PROFILES = {
    "ktp_el": (0.735, 93.0, 103.0, 0.35),
    "kia": (0.305, 30.0, 100.0, 3.0),
    "akta_lahir": (0.335, 75.0, 100.0, 0.9),
    "ikd": (0.735, 5.0, 35.0, 3.0),
}
DEFAULT_PROFILE = (0.5, 50.0, 95.0, 1.0)
KECAMATAN_REGENCIES = ("64.02", "64.74", "33.14", "51.03")
"""Regencies whose demo figures are also given per kecamatan (Kutai Kartanegara,
Kota Bontang, Sragen, Badung): each regency's demo counts split over its kecamatan,
so the kecamatan add up exactly to the regency."""


def _rng(code: str, indicator: str) -> np.random.Generator:
    seed = int.from_bytes(hashlib.sha256(f"{code}|{indicator}".encode()).digest()[:8], "big")
    return np.random.default_rng(seed)


def _series(code: str, population: int, indicator: str) -> list[tuple[str, int, int]]:
    share, low, high, gain = PROFILES.get(indicator, DEFAULT_PROFILE)
    rng = _rng(code, indicator)
    denominator0 = population * share * rng.uniform(0.93, 1.07)
    final = rng.beta(4.0, 2.0) * (high - low) + low
    rows = []
    for step, period in enumerate(PERIODS):
        back = len(PERIODS) - 1 - step
        denominator = round(denominator0 * (1.0 - 0.004 * back))
        pct = max(final - gain * back * rng.uniform(0.6, 1.4), 1.0)
        rows.append((period, round(denominator * pct / 100.0), denominator))
    return rows


def build_demo(regencies: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Generate demo coverage for every regency, indicator and period.

    Parameters
    ----------
    regencies : pandas.DataFrame
        Regency rows of the region reference (``code`` and ``population``).
    indicators : list of str
        Indicator ids; unknown ids get a generic profile.

    Returns
    -------
    pandas.DataFrame
        Coverage rows (:data:`utils.metrics.coverage.COLUMNS`), ``is_demo`` all True.
        Regions without a population get no rows: nothing is invented for them.
    """
    records = []
    for code, population in zip(regencies["code"], regencies["population"], strict=True):
        if pd.isna(population):
            continue
        for indicator in indicators:
            for period, numerator, denominator in _series(code, int(population), indicator):
                records.append((period, code, indicator, numerator, denominator, True))
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole parts of ``total`` in proportion to ``weights`` that add up to it exactly."""
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - int(parts.sum())
    parts[np.argsort(parts - exact, kind="stable")[:short]] += 1
    return parts


def build_demo_kecamatan(table: pd.DataFrame, kecamatan: pd.DataFrame,
                         regencies: tuple[str, ...] = KECAMATAN_REGENCIES) -> pd.DataFrame:
    """Split the demo figures of ``regencies`` over their kecamatan.

    Parameters
    ----------
    table : pandas.DataFrame
        Demo regency rows (:func:`build_demo`).
    kecamatan : pandas.DataFrame
        The kecamatan reference (``code``, ``regency_code``).
    regencies : tuple of str
        Regency codes to split.

    Returns
    -------
    pandas.DataFrame
        Kecamatan rows, ``is_demo`` all True; per (period, regency, indicator)
        numerators and denominators add up exactly to the regency's.
    """
    records = []
    for regency in regencies:
        codes = sorted(kecamatan.loc[kecamatan["regency_code"] == regency, "code"])
        if not codes:
            continue
        size = _rng(regency, "kecamatan").uniform(0.4, 1.6, len(codes))
        own = table[table["code"] == regency]
        for period, indicator, numerator, denominator in zip(
                own["period"], own["indicator"], own["numerator"], own["denominator"],
                strict=True):
            _, low, high, _ = PROFILES.get(str(indicator), DEFAULT_PROFILE)
            spread = min(0.15, (high - low) / (2 * high))  # kecamatan differ as regencies do
            reach = _rng(regency, str(indicator)).uniform(1 - spread, 1 + spread, len(codes))
            dens = _apportion(int(denominator), size)
            nums = _apportion(int(numerator), size * reach)
            records += [(period, c, indicator, int(n), int(d), True)
                        for c, n, d in zip(codes, nums, dens, strict=True)]
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def read_demo(path: Path = DEMO_CSV) -> pd.DataFrame | None:
    """Read the demo table, or ``None`` when it has not been built."""
    if not path.is_file():
        return None
    frame = pd.read_csv(path, dtype={"code": str, "period": str, "indicator": str})
    frame["is_demo"] = frame["is_demo"].astype(bool)
    return frame


def write_demo(regions_csv: Path, path: Path = DEMO_CSV) -> pd.DataFrame:
    """Build the demo table from a region reference file and write it atomically."""
    from utils.metrics.indicators import load_indicators
    from utils.metrics.regions import read_regions, regency_rows

    regions = read_regions(regions_csv)
    table = build_demo(regency_rows(regions), list(load_indicators()))
    kecamatan_csv = regions_csv.with_name("kecamatan.csv")
    if kecamatan_csv.is_file():
        from utils.metrics.regions import read_kecamatan

        split = build_demo_kecamatan(table, read_kecamatan(kecamatan_csv))
        table = pd.concat([table, split], ignore_index=True)
    write_text(path, table.to_csv(index=False))
    return table


def main() -> int:
    """Write the demo table from the built region reference."""
    from utils.geo.cache_record import cache_dir

    regions_csv = cache_dir() / "regions.csv"
    if not regions_csv.is_file():
        print("no region reference yet: run `python -m utils.geo build`", file=sys.stderr)
        return 1
    table = write_demo(regions_csv)
    print(f"demo data: {len(table)} rows, {table['code'].nunique()} regions -> {DEMO_CSV}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
