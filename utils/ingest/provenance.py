"""Which data a view shows: the accepted versions behind its figures, or demo data.

:func:`describe` turns the store's record (each version's metadata, the active
set, each active version's rows) into a :class:`DataInUse`; :func:`shown` picks
the versions behind one view (a period, an indicator, a region), and
:func:`caption` and :func:`version_text` say it in a language
("Data: versi v0003, rekap_kaltim.xlsx, per 15 Mei 2022" / "Data contoh").
Pure: the pages read the store through ``pages/support/cached.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from utils.formatting import format_date, join_names
from utils.i18n import t

KEYS = ["period", "code", "indicator"]


@dataclass(frozen=True)
class Version:
    """One accepted import in the active set.

    Attributes
    ----------
    id : str
        ``v0003``.
    file, companion : str
        The uploaded file's name, and the paired file's (``""`` when none).
    periods : tuple of str
        The dates its figures stand for (``YYYY-MM-DD``), oldest first.
    indicators : tuple of str
        Indicator ids it holds.
    accepted, user : str
        When (ISO date and time, UTC) and by whom it was accepted.
    """

    id: str
    file: str
    companion: str
    periods: tuple[str, ...]
    indicators: tuple[str, ...]
    accepted: str
    user: str


@dataclass(frozen=True)
class DataInUse:
    """What the pages show: demo data, or the active versions and, per figure
    (``period, code, indicator``), the version it comes from (``origins``)."""

    demo: bool
    versions: tuple[Version, ...] = ()
    origins: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*KEYS, "version"]))


def version_of(meta: Mapping) -> Version:
    """A :class:`Version` from a version's ``meta.json`` (see :mod:`utils.ingest.store`)."""
    periods = meta.get("periods") or [meta.get("period", "")]
    return Version(
        id=str(meta.get("id", "")),
        file=str((meta.get("source") or {}).get("name", "")),
        companion=str((meta.get("companion") or {}).get("name", "")),
        periods=tuple(sorted(str(p) for p in periods if p)),
        indicators=tuple(meta.get("indicators") or ()),
        accepted=str(meta.get("created", "")),
        user=str(meta.get("user", "")),
    )


def describe(metas: Sequence[Mapping], active: Sequence[str],
             rows: Mapping[str, pd.DataFrame]) -> DataInUse:
    """The data in use.

    Parameters
    ----------
    metas : sequence of mapping
        Every committed version's metadata (``Store.versions()``).
    active : sequence of str
        The active set, in order (a later version wins, as in ``Store.current``).
    rows : mapping
        Active version id → its rows (``Store.data``); only the key columns are read.

    Returns
    -------
    DataInUse
        ``demo`` when no version is active (the pages then show demo data).

    Examples
    --------
    >>> describe([], [], {}).demo
    True
    """
    if not active:
        return DataInUse(demo=True)
    by_id = {str(m.get("id")): m for m in metas}
    frames = [rows[v][KEYS].assign(version=v) for v in active if v in rows]
    origins = (pd.concat(frames, ignore_index=True).drop_duplicates(KEYS, keep="last")
               if frames else DataInUse(demo=False).origins)
    return DataInUse(demo=False, versions=tuple(version_of(by_id.get(v, {"id": v}))
                                                for v in active),
                     origins=origins.reset_index(drop=True))


def in_region(codes: pd.Series, region: str | None) -> pd.Series:
    """True for ``region`` itself and, for a province, its regencies (all when ``None``)."""
    if not region:
        return pd.Series(True, index=codes.index)
    return (codes == region) | codes.str.startswith(region + ".")


def shown(data: DataInUse, period: str | None = None, indicator: str | None = None,
          region: str | None = None) -> list[Version]:
    """The versions whose figures a view shows, in the active set's order."""
    rows = data.origins
    keep = in_region(rows["code"].astype(str), region)
    if period:
        keep &= rows["period"] == period
    if indicator:
        keep &= rows["indicator"] == indicator
    used = set(rows.loc[keep, "version"])
    return [v for v in data.versions if v.id in used]


def period_text(version: Version, lang: str, period: str | None = None) -> str:
    """``per 15 Mei 2022`` (the shown period, else all of the version's)."""
    dates = [period] if period and period in version.periods else list(version.periods)
    return t("provenance.per", lang, dates=join_names([format_date(p, lang) for p in dates],
                                                      lang))


def version_text(version: Version, lang: str, period: str | None = None) -> str:
    """``versi v0003, rekap_kaltim.xlsx, per 15 Mei 2022`` (and ``+ paired.xlsx``)."""
    files = version.file + (f" + {version.companion}" if version.companion else "")
    return t("provenance.version", lang, id=version.id, file=files,
             per=period_text(version, lang, period))


def source_text(data: DataInUse, lang: str, period: str | None = None,
                indicator: str | None = None, region: str | None = None) -> str:
    """What a view or a download shows, without the ``Data:`` lead: ``Data contoh
    (bukan angka resmi)``, the versions' :func:`version_text` joined by ``;``, or
    ``tanpa data`` when no version holds a figure of the view."""
    if data.demo:
        return t("provenance.demo", lang)
    versions = shown(data, period, indicator, region)
    if not versions:
        return t("provenance.none", lang)
    return "; ".join(version_text(v, lang, period) for v in versions)


def caption(data: DataInUse, lang: str, period: str | None = None,
            indicator: str | None = None, region: str | None = None) -> str:
    """``Data: versi v0003, rekap_kaltim.xlsx, per 15 Mei 2022`` or ``Data contoh (bukan
    angka resmi)``."""
    if data.demo:
        return t("provenance.demo", lang)
    return t("provenance.caption", lang,
             source=source_text(data, lang, period, indicator, region))


def accepted_text(version: Version, lang: str) -> str:
    """``15 Mei 2022 10.30 UTC oleh budi`` (when and by whom it was accepted)."""
    when = version.accepted
    clock = when[11:16].replace(":", ".") if lang == "id" else when[11:16]
    return t("provenance.accepted", lang,
             date=format_date(when[:10], lang) if len(when) >= 10 else when,
             time=clock, user=version.user or "–")


def row_sources(data: DataInUse, rows: pd.DataFrame, lang: str) -> pd.Series:
    """Per row of ``rows`` (``period, code, indicator``): the version its figure
    comes from (:func:`version_text`), or the demo label."""
    if data.demo:
        return pd.Series(t("provenance.demo", lang), index=rows.index)
    texts = {v.id: v for v in data.versions}
    found = rows[KEYS].merge(data.origins, on=KEYS, how="left")["version"]
    return pd.Series([version_text(texts[v], lang, p) if v in texts else ""
                      for v, p in zip(found, rows["period"], strict=True)], index=rows.index)
