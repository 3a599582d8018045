"""User-facing texts, one JSON file per language in ``data/i18n``.

Indonesian (``id``) is the reference; English (``en``) must have the same keys.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"
LANGUAGES = ("id", "en")


@lru_cache(maxsize=None)
def texts(lang: str) -> dict[str, str]:
    """All texts of ``lang`` (falls back to Indonesian for an unknown language)."""
    name = lang if lang in LANGUAGES else "id"
    return json.loads((I18N_DIR / f"{name}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str = "id", **values: object) -> str:
    """Look up ``key`` in ``lang`` and fill ``{placeholders}`` from ``values``.

    A key missing in English falls back to Indonesian; a key missing in both
    is returned as is, so a gap shows on screen instead of crashing a page.
    """
    text = texts(lang).get(key) or texts("id").get(key) or key
    return text.format(**values) if values else text
