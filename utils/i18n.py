"""User-facing texts: one folder per language in ``data/i18n`` (``id/``, ``en/``).

Each folder holds JSON files of flat ``key: text`` pairs (one file per area of
the app); they are merged, and a key may appear in one file only. Indonesian
(``id``) is the reference; English (``en``) must have the same keys.
"""

from __future__ import annotations

import json
from functools import cache

from utils.paths import DATA_DIR

I18N_DIR = DATA_DIR / "i18n"
LANGUAGES = ("id", "en")


@cache
def texts(lang: str) -> dict[str, str]:
    """All texts of ``lang`` (falls back to Indonesian for an unknown language)."""
    name = lang if lang in LANGUAGES else "id"
    merged: dict[str, str] = {}
    for path in sorted((I18N_DIR / name).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        repeated = merged.keys() & part.keys()
        if repeated:
            raise ValueError(f"{path}: keys already defined elsewhere: {sorted(repeated)}")
        merged.update(part)
    return merged


def t(key: str, lang: str = "id", **values: object) -> str:
    """Look up ``key`` in ``lang`` and fill ``{placeholders}`` from ``values``.

    A key missing in English falls back to Indonesian; a key missing in both
    is returned as is, so a gap shows on screen instead of crashing a page.
    """
    text = texts(lang).get(key) or texts("id").get(key) or key
    return text.format(**values) if values else text
