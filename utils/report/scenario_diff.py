"""Scenarios side by side in words: legend, map captions, the tables and the CSV (pure).

Numbers come from :mod:`utils.metrics.scenario_diff` (the model's figures);
this module only writes them in a language. A scenario's figures are
projections of the model, and its headers say so.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from utils.formatting import format_number, format_percent, format_percent_against
from utils.i18n import t
from utils.metrics.scenario_diff import FIELDS, SideTotals, column, meeting_only


def legend_names(steps: tuple[float, float, float], lang: str) -> list[str]:
    """Names of the map's six classes and of "no data", lowest first.

    Examples
    --------
    >>> legend_names((10.0, 5.0, 2.0), "id")[:2]
    ['Kurang > 10 poin dari target', 'Kurang 5–10 poin']
    """
    a, b, c = (format_number(s, lang, 0 if float(s).is_integer() else 2) for s in steps)
    return [
        t("sdiff.class.far", lang, points=a),
        t("sdiff.class.between", lang, low=b, high=a),
        t("sdiff.class.between", lang, low=c, high=b),
        t("sdiff.class.near", lang, points=c),
        t("sdiff.class.meets", lang),
        t("sdiff.class.above", lang),
        t("sdiff.class.no_data", lang),
    ]


def status_words(lang: str) -> dict[str, str]:
    """A region's status on a map: ``meets``, ``below``, ``no_data``."""
    return {k: t(f"sdiff.status.{k}", lang) for k in ("meets", "below", "no_data")}


def map_texts(lang: str) -> dict[str, str]:
    """Tooltip titles of a map (see :func:`utils.charts.scenario_maps.scenario_map`)."""
    texts = {k: t(f"sdiff.tip.{k}", lang) for k in ("region", "percent", "target", "gap",
                                                  "status")}
    texts["no_data"] = t("sdiff.status.no_data", lang)
    return texts


def map_caption(tot: SideTotals, lang: str) -> str:
    """``Memenuhi: 402 dari 514 · kekurangan 12.345 jiwa · cakupan 98,71 %`` under a map."""
    return t("sdiff.map_caption", lang, meeting=tot.meeting, total=tot.with_data,
             gap=format_number(tot.gap, lang), percent=format_percent(tot.percent, lang))


def _cell(row: pd.Series, key: str, lang: str) -> str:
    """``98,91 % — belum (target 99,40 %)``: one side of one region."""
    meets = bool(row[column("meets", key)])
    percent = format_percent_against(row[column("percent", key)], row[column("target", key)],
                                     lang, meets)
    return t("sdiff.cell", lang, percent=percent,
             target=format_percent(row[column("target", key)], lang),
             status=t(f"sdiff.status.{'meets' if meets else 'below'}", lang))


def difference_table(diff: pd.DataFrame, titles: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The regions that differ, ready to show: name, province, then per side its
    coverage against its target and status, and its gap in people.

    Parameters
    ----------
    diff : pandas.DataFrame
        :func:`utils.metrics.scenario_diff.differences`.
    titles : mapping
        Side key → column title (in the order shown).
    lang : str
        Language.
    """
    out = {t("sdiff.col.region", lang): diff["name"].tolist(),
           t("sdiff.col.province", lang): diff["province_name"].tolist()}
    for key, title in titles.items():
        out[title] = [_cell(row, key, lang) for _, row in diff.iterrows()]
        out[t("sdiff.col.gap_of", lang, side=title)] = [
            format_number(g, lang) for g in diff[column("gap", key)]]
    return pd.DataFrame(out)


def totals_table(totals: Mapping[str, SideTotals], diff: pd.DataFrame,
                 titles: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One column per side: regions meeting, regions meeting only there, the gap in
    people (Σ of the regions' own gaps) and the coverage (Σ numerator ÷ Σ denominator)."""
    only = meeting_only(diff, list(titles))
    rows = {
        t("sdiff.tot.meeting", lang): [
            t("sdiff.tot.of", lang, count=totals[k].meeting, total=totals[k].with_data)
            for k in titles],
        t("sdiff.tot.only", lang): [str(only[k]) for k in titles],
        t("sdiff.tot.gap", lang): [format_number(totals[k].gap, lang) for k in titles],
        t("sdiff.tot.percent", lang): [format_percent(totals[k].percent, lang) for k in titles],
    }
    frame = pd.DataFrame(rows, index=list(titles.values())).T
    frame.index.name = t("sdiff.tot.figure", lang)
    return frame.reset_index()


CSV_FIELDS = FIELDS
"""Every figure of a side goes to the file, in this order."""


def export_frame(diff: pd.DataFrame, titles: Mapping[str, str], projected: Mapping[str, bool],
                 lang: str) -> pd.DataFrame:
    """The difference table with plain numbers, one column per side and figure (for the
    CSV; :func:`utils.ingest.export.labelled` adds the data's source to every row).

    Parameters
    ----------
    diff : pandas.DataFrame
        :func:`utils.metrics.scenario_diff.differences`.
    titles : mapping
        Side key → title.
    projected : mapping
        Side key → whether its figures are projections of the model (a
        scenario), which its headers then say.
    lang : str
        Language of the headers.
    """
    out = pd.DataFrame({t("sdiff.csv.code", lang): diff["code"],
                        t("sdiff.col.region", lang): diff["name"],
                        t("sdiff.col.province", lang): diff["province_name"]})
    for key, title in titles.items():
        kind = t("sdiff.csv.projected" if projected[key] else "sdiff.csv.data", lang)
        for name in CSV_FIELDS:
            values = diff[column(name, key)]
            if name == "percent":
                values = values.astype(float).round(4)
            elif name == "meets":
                values = values.astype(bool)
            elif name in ("numerator", "denominator"):
                values = values.astype(float).round(2)
            header = t("sdiff.csv.header", lang, side=title, field=t(f"sdiff.csv.{name}", lang),
                       kind=kind)
            out[header] = values.to_numpy()
    return out

