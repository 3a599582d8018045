"""Map of coverage change since each region's previous period (pure Altair builder).

Diverging colours centred on 0 (ColorBrewer BrBG, colour-blind safe): brown
where coverage fell, teal where it rose, near-white for no change at two
decimals. A region with a figure now but none earlier to compare it with,
and a region without a figure, each have a grey of their own: neither is 0.

The regions and the province borders come from the one map file the
coverage map uses (same address), and the spec does not depend on the
indicator, period or dates (those are in the values and the HTML legend), so
a change of indicator or period swaps values and fetches no geometry.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from html import escape
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from utils.charts.choropleth import (
    BORDER,
    LEGEND_CSS,
    NO_DATA_COLOUR,
    border_layer,
    code_key,
    framed,
    level_test,
    map_data,
    numeric_codes,
    spec,
)
from utils.formatting import format_date, format_number, format_percent
from utils.i18n import t
from utils.metrics.change import CHANGE, NO_DATA, NO_EARLIER, OTHER_MEMBERS, previous_dates

BREAKS = (-5.0, -2.0, -0.5, 0.0, 0.5, 2.0, 5.0)
"""Limits of the classes in percentage points (see :func:`classify`)."""
CLASS_COLOURS = ["#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5",
                 "#c7eae5", "#80cdc1", "#35978f", "#01665e"]
"""Falls (brown) … no change (near-white) … rises (teal), lowest first."""
NO_EARLIER_COLOUR = "#6f6f6f"
"""A figure now but none earlier to compare with: dark grey, never a class."""
PALETTE = [*CLASS_COLOURS, NO_EARLIER_COLOUR, NO_DATA_COLOUR]
NO_EARLIER_SLOT, NO_DATA_SLOT = len(CLASS_COLOURS), len(CLASS_COLOURS) + 1
FIELDS = ("province_name", "province_code", "now_text", "before_text", "change_text")
"""Text fields of a region the map's tooltip shows (and its lookup carries)."""
VALUES = "changes"
"""Name of the dataset the named spec carries."""


def shown(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to two decimals exactly as :func:`points_text` prints them
    (Python's ``round``: 0.005 is 0.01 there, while numpy's half-to-even gives 0.0)."""
    return np.array([round(float(v), 2) for v in values], dtype=float)


def classify(change: pd.Series) -> pd.Series:
    """Class index 0–8 of each change, rounded first to the two decimals shown.

    ``≤ −5``, ``−5 – −2``, ``−2 – −0,5``, ``−0,5 – 0`` (a fall), ``0`` (no
    change at two decimals), ``0 – 0,5`` (a rise), ``0,5 – 2``, ``2 – 5``,
    ``≥ 5``; a missing change stays missing.

    Examples
    --------
    >>> classify(pd.Series([-7.0, -0.001, 0.004, 0.005, 0.5, 5.0, None])).tolist()
    [0, 4, 4, 5, 6, 8, <NA>]
    """
    values = shown(pd.to_numeric(change).astype(float).to_numpy())
    falls = np.searchsorted(BREAKS[:4], values, side="left")  # upper limits included
    rises = 4 + np.searchsorted(BREAKS[3:], values, side="right")  # lower limits included
    index = np.where(values < 0, falls, np.where(values > 0, rises, 4))
    return pd.Series(pd.array(index, dtype="Int64"), index=change.index).where(
        ~np.isnan(values))


def slots(change: pd.Series, state: pd.Series) -> pd.Series:
    """Colour slot per region (see :data:`PALETTE`) from its change and state
    (:data:`utils.metrics.change.STATES`)."""
    index = classify(change).astype("float").to_numpy()
    grey = np.where(state.to_numpy() == NO_DATA, NO_DATA_SLOT, NO_EARLIER_SLOT)
    out = np.where(np.isnan(index), grey, np.nan_to_num(index))
    return pd.Series(out.astype("int8"), index=change.index)


def class_labels(lang: str) -> list[str]:
    """Legend text of each class of :func:`classify`, lowest first.

    Examples
    --------
    >>> class_labels("id")[:3] + class_labels("id")[-1:]
    ['≤ −5', '−5 – −2', '−2 – −0,5', '≥ 5']
    """
    def points(value: float) -> str:
        shown = format_number(value, lang, 0 if float(value).is_integer() else 1)
        return shown.replace("-", "−")

    b = [points(v) for v in BREAKS]
    return [f"≤ {b[0]}", f"{b[0]} – {b[1]}", f"{b[1]} – {b[2]}", f"{b[2]} – {b[3]}", b[3],
            f"{b[3]} – {b[4]}", f"{b[4]} – {b[5]}", f"{b[5]} – {b[6]}", f"≥ {b[6]}"]


def legend_html(labels: dict[str, str], lang: str = "id", size: int = 15) -> str:
    """The change map's legend as HTML: its title (``labels["legend"]``, naming
    both dates), a swatch per class, then ``labels["no_earlier"]`` and
    ``labels["no_data"]`` in their greys (as the coverage map's legend)."""
    names = [*class_labels(lang), labels["no_earlier"], labels["no_data"]]
    keys = "".join(f'<span class="cp-key" role="listitem"><i style="background:{c}"></i>'
                   f"{escape(n)}</span>" for n, c in zip(names, PALETTE, strict=True))
    title = escape(labels["legend"])
    style = "" if size == 15 else f' style="font-size:{size}px" data-size="large"'
    return (f'{LEGEND_CSS}<div class="cp-legend" role="list" aria-label="{title}"{style}>'
            f'<span class="cp-legend-title">{title}</span>{keys}</div>')


def points_text(change: float | None, lang: str) -> str:
    """A change in points, signed and with the two decimals the colour was chosen by.

    Examples
    --------
    >>> points_text(0.4246, "id"), points_text(-1.2, "en"), points_text(-0.001, "id")
    ('+0,42 poin persen', '−1.20 percentage points', '0,00 poin persen')
    """
    points = round(float(change), 2) + 0.0 if change is not None else None
    shown = format_number(points, lang, 2).replace("-", "−")
    return t("change.points", lang, points=("+" if points and points > 0 else "") + shown)


def figure_text(period: Any, percent: Any, numerator: Any, denominator: Any, lang: str) -> str:
    """One period's figure for a tooltip: ``30 Juni 2025: 97,31 % (2.948.162 dari …)``;
    without counts only the percent; ``""`` without a figure."""
    if pd.isna(period) or pd.isna(percent):
        return ""
    date, pct = format_date(str(period), lang), format_percent(float(percent), lang)
    if pd.isna(numerator) or pd.isna(denominator):
        return t("change.figure_percent", lang, date=date, percent=pct)
    return t("change.figure", lang, date=date, percent=pct,
             numerator=format_number(float(numerator), lang),
             denominator=format_number(float(denominator), lang))


def with_texts(rows: pd.DataFrame, no_data: str, lang: str) -> pd.DataFrame:
    """:func:`utils.metrics.change.change_table` rows with the tooltip texts of
    :data:`FIELDS`: both periods' figures and the change (or what stands in its
    place: ``Tanpa data pembanding sebelumnya``, ``no_data``)."""
    def said(state: str, change: float, note: str) -> str:
        text = (points_text(change, lang) if state == CHANGE
                else t("change.no_earlier", lang) if state == NO_EARLIER else no_data)
        return t("change.other_members", lang, text=text) if note == OTHER_MEMBERS else text

    return rows.assign(
        now_text=[figure_text(*r, lang) for r in zip(
            rows["period"], rows["percent"], rows["numerator"], rows["denominator"], strict=True)],
        before_text=[figure_text(*r, lang) for r in zip(
            rows["previous"], rows["percent_before"], rows["numerator_before"],
            rows["denominator_before"], strict=True)],
        change_text=[said(*r) for r in zip(rows["state"], rows["change"], rows["note"],
                                           strict=True)],
    )


def legend_title(rows: pd.DataFrame, period: str, lang: str) -> str:
    """The legend's title naming both dates: ``… dari 31 Desember 2024 ke 30 Juni 2025``;
    when regions were compared with different dates, the most used one."""
    dates = previous_dates(rows)
    now = format_date(period, lang)
    if not dates:
        return t("change.legend_none", lang, now=now)
    key = "change.legend" if len(dates) == 1 else "change.legend_mixed"
    return t(key, lang, before=format_date(dates[0], lang), now=now)


def counts(rows: pd.DataFrame) -> dict[str, int]:
    """How many regions rose, fell, stayed (at two decimals), had no earlier
    figure and had no data: the values of ``change.summary``."""
    shown = pd.to_numeric(rows["change"]).astype(float).round(2)
    return {"total": len(rows), "up": int((shown > 0).sum()), "down": int((shown < 0).sum()),
            "same": int((shown == 0).sum()), "none": int((rows["state"] == NO_EARLIER).sum()),
            "missing": int((rows["state"] == NO_DATA).sum())}


def lookup_frame(values: pd.DataFrame, fields: tuple[str, ...] = FIELDS) -> pd.DataFrame:
    """The compact per-region table the map colours itself from: numeric code,
    colour slot and the text ``fields`` (categorical: each text travels once).

    ``values`` has ``code``, ``change``, ``state`` and the ``fields``.
    """
    out: dict[str, object] = {
        "code": numeric_codes(values["code"]).to_numpy(),
        "slot": slots(values["change"], values["state"]).to_numpy(),
    }
    for field in fields:
        out[field] = values[field].fillna("").astype(str).astype("category").to_numpy()
    return pd.DataFrame(out)


def change_map(geometry_url: str, values: pd.DataFrame, labels: dict[str, str],
               lang: str = "id", height: int = 520, province_borders: bool = True,
               level: str = "regency", select: str | None = None,
               named: bool = False) -> alt.LayerChart | dict:
    """Choropleth of each region's change, regions and borders from ``geometry_url``.

    Parameters
    ----------
    geometry_url : str
        The built map file the coverage map uses (one object, fetched once).
    values : pandas.DataFrame
        :func:`utils.metrics.change.change_table` rows with the texts of
        :data:`FIELDS` added (``now_text``: ``30 Juni 2025: 97,31 % (…)``).
    labels : dict
        Tooltip titles: ``region``, ``province``, ``now``, ``before``,
        ``change``; no dates in them, so the spec stays the same across
        periods.
    lang : str
        Language of the locale.
    height : int
        Chart height in pixels; the width follows the container.
    province_borders : bool
        Draw province borders over regencies.
    level : str
        ``province`` or ``regency``.
    select : str or None
        Name of a click selection on ``province_code`` (drilling in).
    named : bool
        Return a Vega-Lite dict carrying the frame under ``datasets`` (for
        ``st.vega_lite_chart``; the skeleton is built once per look).

    Returns
    -------
    altair.LayerChart or dict
    """
    fields = tuple(f for f in FIELDS if f != "province_code" or select)
    table = lookup_frame(values, fields)
    look: _Look = (geometry_url, tuple(sorted(labels.items())), lang, height, province_borders,
                   level, select, fields)
    if named:
        out = copy.deepcopy(_skeleton(*look))
        out["datasets"] = {VALUES: table}
        return out
    return _chart(*look, source=table)


_Look = tuple[str, tuple[tuple[str, str], ...], str, int, bool, str, str | None, tuple[str, ...]]


@lru_cache(maxsize=32)
def _skeleton(*look: *_Look) -> dict:
    return spec(_chart(*look, source=alt.NamedData(VALUES)))


def _chart(geometry_url: str, label_items: tuple[tuple[str, str], ...], lang: str, height: int,
           province_borders: bool, level: str, select: str | None, fields: tuple[str, ...],
           source: pd.DataFrame | alt.NamedData) -> alt.LayerChart:
    labels = dict(label_items)
    base = alt.Chart(map_data(geometry_url))
    tips = [alt.Tooltip("properties.name:N", title=labels["region"])]
    if level == "regency":
        tips.append(alt.Tooltip("province_name:N", title=labels["province"]))
    tips += [alt.Tooltip(f"{f}_text:N", title=labels[f]) for f in ("change", "now", "before")]
    regions = (
        base.transform_filter(level_test(level))
        .transform_calculate(key=code_key())
        .transform_lookup(lookup="key", from_=alt.LookupData(source, "code", ["slot", *fields]))
        .transform_calculate(
            slot=f"isValid(datum.slot) ? datum.slot : {NO_DATA_SLOT}",
            change_text=f"isValid(datum.change_text) ? datum.change_text : "
                        f"{_quoted(labels['no_data'])}",
            aria="datum.properties.name + ': ' + datum.change_text")
        .mark_geoshape(stroke=BORDER if level == "regency" else "#222222",
                       strokeWidth=0.3 if level == "regency" else 0.8,
                       cursor="pointer" if select else "default")
        .encode(color=alt.Color("slot:N", scale=alt.Scale(domain=list(range(len(PALETTE))),
                                                          range=PALETTE), legend=None),
                tooltip=tips, description="aria:N")
    )
    if select:
        regions = regions.add_params(alt.selection_point(name=select, fields=["province_code"],
                                                         on="click", clear=False))
    layers = [regions]
    if province_borders and level != "province":
        layers.append(border_layer(base))
    return framed(layers, height, lang)


def _quoted(text: str) -> str:
    """``text`` as a Vega string literal."""
    import json

    return json.dumps(text, ensure_ascii=False)
