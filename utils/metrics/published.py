"""Published province figures (``data/published.csv``): a small real dataset with sources.

Each row is one published figure: the province value (``figure = province``)
or the highest/lowest regency named in the same release. ``period`` is an
ISO date, or a year when the release gives only the year. These figures are
kept as published (percent, and the count where given); nothing is derived.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from utils.paths import DATA_DIR

PUBLISHED_CSV = DATA_DIR / "published.csv"
FIGURES = ("province", "highest", "lowest")


def load_published(path: Path = PUBLISHED_CSV) -> pd.DataFrame:
    """Read the published figures; ``code`` and ``period`` stay text."""
    frame = pd.read_csv(path, dtype={"period": str, "code": str, "source": str})
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["percent"] = frame["percent"].astype(float)
    return frame


def same_period(published: str, period: str) -> bool:
    """A published period applies to an import period (a year covers its dates)."""
    return published == period or (len(published) == 4 and period.startswith(published + "-"))


def province_figure(published: pd.DataFrame, period: str, province: str,
                    indicator: str) -> pd.Series | None:
    """The published province row for an import's period, or ``None``."""
    rows = published[(published["code"] == province) & (published["indicator"] == indicator)
                     & (published["figure"] == "province")]
    rows = rows[[same_period(p, period) for p in rows["period"]]]
    return None if rows.empty else rows.iloc[0]
