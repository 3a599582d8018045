"""Indicator definitions, read from ``data/indicators.csv`` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from utils.paths import DATA_DIR

INDICATORS_CSV = DATA_DIR / "indicators.csv"


@dataclass(frozen=True)
class Indicator:
    """One coverage indicator: numerator over denominator, in percent."""

    id: str
    label_id: str
    label_en: str
    numerator_id: str
    numerator_en: str
    denominator_id: str
    denominator_en: str
    unit: str
    higher_is_better: bool

    def label(self, lang: str) -> str:
        """Label in ``lang`` (``"id"`` or ``"en"``)."""
        return self.label_en if lang == "en" else self.label_id


def load_indicators(path: Path = INDICATORS_CSV) -> dict[str, Indicator]:
    """Read the indicators file; returns id → :class:`Indicator` in file order.

    Raises
    ------
    ValueError
        If ids repeat or a column is missing.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if frame["id"].duplicated().any():
        raise ValueError(f"{path.name}: indicator ids repeat")
    out = {}
    for record in frame.to_dict("records"):
        row = {str(key): value for key, value in record.items()}  # CSV headers: str already
        row["higher_is_better"] = row["higher_is_better"].strip().lower() in {"true", "1", "ya"}
        out[row["id"]] = Indicator(**row)
    return out
