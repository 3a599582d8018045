"""The store's audit log as a table people read and download (Data page)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from utils.i18n import t

COLUMNS = ("at", "who", "action", "what", "replica")
_KNOWN = ("at", "who", "user", "action", "replica")


def audit_frame(entries: Sequence[dict], lang: str) -> pd.DataFrame:
    """One row per audit entry, newest first, with headers in ``lang``.

    Parameters
    ----------
    entries : sequence of dict
        :meth:`utils.ingest.store.Store.audit` (oldest first); each entry has
        ``at``, ``action``, a ``user`` or ``who`` and what it concerned.
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` in words: when, who, the action in words, what it
        concerned (the remaining fields as ``key: value``), which replica.
    """
    rows = []
    for entry in reversed(list(entries)):
        action = str(entry.get("action", ""))
        what = {k: v for k, v in entry.items() if k not in _KNOWN}
        rows.append((
            str(entry.get("at", ""))[:19].replace("T", " "),
            str(entry.get("who") or entry.get("user") or ""),
            t(f"audit.action.{action}", lang) if action in ACTIONS else action,
            "; ".join(f"{k}: {_text(v)}" for k, v in sorted(what.items())),
            str(entry.get("replica", "")),
        ))
    return pd.DataFrame(rows, columns=[t(f"audit.col.{c}", lang) for c in COLUMNS])


ACTIONS = ("accept", "rollback", "remember", "sign_in", "import", "boundary_activate",
           "boundary_rollback", "scenario_save", "scenario_publish", "scenario_unpublish")
"""Actions with words of their own (any other is shown as written)."""


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
