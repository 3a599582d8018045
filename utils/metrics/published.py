"""Published province figures (``data/published.csv``): a small real dataset with sources.

Each row is one published figure: the province value (``figure = province``)
or the highest/lowest regency named in the same release. ``period`` is an
ISO date, or a year when the release gives only the year. These figures are
kept as published (percent, and the count where given); nothing is derived.

Every row names its primary source in structured columns: ``publisher`` (the
office whose figures they are), ``outlet`` (who printed them), ``published_on``
(ISO date, ``YYYY-MM`` or year) and ``url`` (empty when unknown: no address is
made up). :func:`load_published` adds ``source``, a language-neutral citation
built from them, for readers that show one line (the importer's warning).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from utils.paths import DATA_DIR

PUBLISHED_CSV = DATA_DIR / "published.csv"
FIGURES = ("province", "highest", "lowest")
SOURCE_COLUMNS = ("publisher", "outlet", "published_on", "url")
"""The structured citation of each figure."""


def citation(publisher: str, outlet: str, published_on: str, url: str = "") -> str:
    """One-line citation: publisher, outlet and date (and the address when known).

    Examples
    --------
    >>> citation("DKP3A Provinsi Kalimantan Timur", "Kronikkaltim.com", "2022-05-24")
    'DKP3A Provinsi Kalimantan Timur — Kronikkaltim.com, 2022-05-24'
    >>> citation("A", "B", "2020", "https://x.id/1")
    'A — B, 2020 <https://x.id/1>'
    """
    text = f"{publisher} — {outlet}, {published_on}"
    return f"{text} <{url}>" if url else text


def load_published(path: Path = PUBLISHED_CSV) -> pd.DataFrame:
    """Read the published figures; ``code``, ``period`` and the citation stay text.

    Returns
    -------
    pandas.DataFrame
        The rows as published, plus ``source`` (see :func:`citation`).
    """
    text = {c: str for c in ("period", "code", *SOURCE_COLUMNS)}
    frame = pd.read_csv(path, dtype=text, keep_default_na=False, na_values={"numerator": [""]})
    frame["numerator"] = pd.to_numeric(frame["numerator"]).astype("Int64")
    frame["percent"] = frame["percent"].astype(float)
    frame["source"] = [citation(*row) for row in frame[list(SOURCE_COLUMNS)].itertuples(
        index=False, name=None)]
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


def sources_in_use(published: pd.DataFrame) -> pd.DataFrame:
    """One row per cited release: publisher, outlet, date, address and what it gave.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOURCE_COLUMNS`, ``period``, ``regions`` (names, first
        seen first) and ``indicators`` (ids, first seen first).
    """
    keys = [*SOURCE_COLUMNS, "period"]
    return (published.groupby(keys, sort=False)
            .agg(regions=("region", lambda s: list(dict.fromkeys(s))),
                 indicators=("indicator", lambda s: list(dict.fromkeys(s))))
            .reset_index())
