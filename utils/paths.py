"""Where the repository's folders are (one definition for every module)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (``app.py``, ``data/``, ``geo/`` …)."""
DATA_DIR = ROOT / "data"
"""Hand-kept data: indicators, targets, published figures, texts."""
GEO_DIR = ROOT / "geo"
"""The upstream manifest; caches are built into ``geo/cache``."""
