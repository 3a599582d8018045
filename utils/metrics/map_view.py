"""What the map page shows: its state (kept in the URL) and its per-region table (pure).

The state is five short query parameters, so a link reproduces the view::

    ?ind=kia&per=2025-06-30&wil=64&lvl=kab&tampil=petak

Anything missing or unknown in a link falls back to the default, never to an
error: links get pasted into chats and shortened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from utils.formatting import format_number, format_percent_against, percent_decimals
from utils.metrics import attainment, coverage
from utils.metrics.regions import province_rows, regency_rows

LEVELS = ("prov", "kab")  # all Indonesia: provinces, or all 514 regencies
VIEWS = ("peta", "petak", "perubahan")  # choropleth, tile grid, change since the previous period
PARAMS = {"indicator": "ind", "period": "per", "scope": "wil", "level": "lvl", "view": "tampil"}


@dataclass(frozen=True)
class MapState:
    """One view of the map page.

    Attributes
    ----------
    indicator : str
        Indicator id (``ktp_el``).
    period : str
        ISO date of the period (``2025-06-30``).
    scope : str
        ``""`` for all Indonesia, else a two-digit province code.
    level : str
        ``prov`` or ``kab``; only matters for all Indonesia (a province
        always shows its regencies).
    view : str
        ``peta`` (choropleth), ``petak`` (tile grid) or ``perubahan`` (a
        choropleth of the change since each region's previous period).
    """

    indicator: str
    period: str
    scope: str = ""
    level: str = "prov"
    view: str = "peta"

    @property
    def regions_level(self) -> str:
        """``province`` when provinces are drawn, else ``regency`` (the tile
        grid always shows regencies: that is what it is for)."""
        province = not self.scope and self.level == "prov" and self.view != "petak"
        return "province" if province else "regency"


def parse_state(params: Mapping[str, str], indicators: Sequence[str],
                periods: Sequence[str], provinces: Sequence[str]) -> MapState:
    """Read a :class:`MapState` from query parameters, defaulting anything invalid.

    Parameters
    ----------
    params : Mapping
        Query parameters (``st.query_params`` or a dict).
    indicators, periods, provinces : Sequence of str
        Valid values; the first indicator and the latest period are defaults.

    Examples
    --------
    >>> parse_state({"ind": "kia", "wil": "99"}, ["ktp_el", "kia"], ["2025-06-30"], ["64"])
    MapState(indicator='kia', period='2025-06-30', scope='', level='prov', view='peta')
    """
    def pick(name: str, valid: Sequence[str], default: str) -> str:
        value = str(params.get(PARAMS[name], "") or "")
        return value if value in valid else default

    return MapState(
        indicator=pick("indicator", indicators, indicators[0]),
        period=pick("period", periods, max(periods)),
        scope=pick("scope", provinces, ""),
        level=pick("level", LEVELS, LEVELS[0]),
        view=pick("view", VIEWS, VIEWS[0]),
    )


def state_params(state: MapState) -> dict[str, str]:
    """Query parameters for ``state``; defaults are left out to keep links short."""
    defaults = {"scope": "", "level": LEVELS[0], "view": VIEWS[0]}
    return {PARAMS[k]: v for k, v in asdict(state).items() if v != defaults.get(k)}


LAYOUT_PARAM, SCREEN = "layar", "penuh"
"""``?layar=penuh``: the presentation layout (the map across the screen, large type).
It is how the page is laid out, not what it shows, so it is not part of :class:`MapState`."""


def screen_layout(params: Mapping[str, str]) -> bool:
    """Whether a link asks for the presentation layout; anything else is the desk layout.

    Examples
    --------
    >>> screen_layout({"layar": "penuh"}), screen_layout({"layar": "x"}), screen_layout({})
    (True, False, False)
    """
    return str(params.get(LAYOUT_PARAM, "") or "") == SCREEN


def layout_params(screen: bool) -> dict[str, str]:
    """Query parameter of the layout; the desk layout (the default) adds none."""
    return {LAYOUT_PARAM: SCREEN} if screen else {}


def usable(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` without those no figure can come from: a count or percent that is
    infinite or negative, or counts over a denominator of zero (the store refuses
    them; a store written before it did may still hold them). Such a region shows
    no data rather than taking the page down.

    Examples
    --------
    >>> rows = pd.DataFrame({"numerator": [1.0, float("inf"), 1.0, None],
    ...                      "denominator": [2.0, 2.0, 0.0, None], "percent": [50, 1, 1, 9]})
    >>> usable(rows).index.tolist()
    [0, 3]
    """
    numbers = rows[[c for c in ("numerator", "denominator", "percent", "percent_given")
                    if c in rows.columns]].apply(pd.to_numeric).astype(float)
    bad = (numbers.abs() == float("inf")).any(axis=1) | (numbers < 0).any(axis=1)
    bad |= coverage.has_counts(rows) & (pd.to_numeric(rows["denominator"]) == 0)
    return rows[~bad]


def regency_table(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                  indicator: str, period: str) -> pd.DataFrame:
    """Every regency's coverage, its target, gap and ranks in province and nation.

    Returns
    -------
    pandas.DataFrame
        ``code, name, province_code, province_name, numerator, denominator,
        percent, target, gap, meets, rank_province, of_province, rank_national,
        of_national``. Regions without data keep missing values and no rank.
    """
    regs = regency_rows(regions)
    rows = usable(coverage.select(table, indicator, period))
    year = int(period[:4])
    out = attainment.region_attainment(
        rows, regs[["code", "name"]],
        attainment.scope_targets(targets, indicator, year, regs[["code"]], regions))
    out = out.merge(regs[["code", "province_code", "province_name"]], on="code")
    out["rank_national"] = attainment.rank_min(out["percent"])
    out["of_national"] = int(out["percent"].notna().sum())
    grouped = pd.to_numeric(out["percent"]).groupby(out["province_code"])
    # as attainment.rank_min within each province, in one vectorised pass
    out["rank_province"] = grouped.rank(method="min", ascending=False).astype("Int64")
    out["of_province"] = grouped.transform("count").astype(int)
    return out.drop(columns=["rank", "has_data"])


def province_table(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                   indicator: str, period: str) -> pd.DataFrame:
    """Every province's coverage (sums of its regencies), target, gap and rank.

    Same columns as :func:`regency_table`; a province's "province" is itself
    and its province rank is empty.
    """
    provs = province_rows(regions)[["code", "name"]]
    rows = usable(coverage.select(table, indicator, period))
    year = int(period[:4])
    out = attainment.region_attainment(
        attainment.province_values(rows, regions), provs,
        attainment.scope_targets(targets, indicator, year, provs, regions))
    out["province_code"], out["province_name"] = out["code"], out["name"]
    out["rank_national"] = out["rank"]
    out["of_national"] = int(out["percent"].notna().sum())
    out["rank_province"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["of_province"] = 0
    return out.drop(columns=["rank", "has_data"])


def view_table(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
               state: MapState) -> pd.DataFrame:
    """The rows drawn for ``state``: provinces, all regencies, or one province's,
    sorted by coverage (highest first, missing last)."""
    if state.regions_level == "province":
        out = province_table(table, regions, targets, state.indicator, state.period)
    else:
        out = regency_table(table, regions, targets, state.indicator, state.period)
        if state.scope:
            out = out[out["province_code"] == state.scope]
    return out.sort_values(["percent", "name"], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


TABLE_ROWS_SHOWN = 100  # tables longer than this are shown on request
TEXT_COLUMNS = ("region", "province", "derived")
"""Columns of :func:`table_frame` holding text (the rest are numbers)."""


def derived_marks(rows: pd.DataFrame) -> pd.Series:
    """Per row how its figures were obtained: ``percent`` (denominator derived from
    the percentage), ``remaining`` (sudah + belum), ``percent_only`` (no counts), or
    ``""``; the page writes them out (``dihitung dari persentase`` …)."""
    marks = rows["derived"].fillna("").astype(str) if "derived" in rows.columns else pd.Series(
        "", index=rows.index)
    only = rows["percent"].notna() & ~coverage.has_counts(rows)
    return marks.mask(only, "percent_only")


def table_frame(rows: pd.DataFrame, state: MapState) -> pd.DataFrame:
    """The rows as the table and the downloads show them (numbers stay numbers,
    so sorting a column sorts by value). Province columns are dropped when the
    rows are provinces.

    When a row's figures were not all in the source, ``derived`` marks it
    (:func:`derived_marks`) and ``derived_margin`` gives the ± people of a
    derived denominator; a province figure from part of its regencies has
    ``regions_present`` of ``regions_total``. These columns appear only when
    some row needs them, so complete data shows the same table as before.
    """
    out = pd.DataFrame({
        "region": rows["name"], "province": rows["province_name"],
        "percent": rows["percent"].round(6), "numerator": rows["numerator"],
        "denominator": rows["denominator"], "target": rows["target"], "gap": rows["gap"],
        "rank_province": rows["rank_province"], "rank_national": rows["rank_national"],
    })
    marks = derived_marks(rows)
    if (marks != "").any():
        out["derived"] = marks
        margin = rows["derived_margin"] if "derived_margin" in rows.columns else float("nan")
        out["derived_margin"] = pd.Series(margin, index=rows.index).where(
            marks == coverage.DERIVED_PERCENT)
    if "regions_total" in rows.columns and (
            rows["regions_present"].fillna(0) < rows["regions_total"].fillna(0)).any():
        out["regions_present"] = rows["regions_present"]
        out["regions_total"] = rows["regions_total"]
    if state.regions_level == "province":
        out = out.drop(columns=["province", "rank_province"])
    return out.reset_index(drop=True)


def styled(frame: pd.DataFrame, lang: str) -> Styler:
    """``frame`` with numbers shown in ``lang``'s format (``2.948.162``,
    ``100,89``); the values underneath stay numeric for sorting."""
    formats: dict[str, str | Callable[[Any], str] | None] = {
        c: (lambda v: format_number(v, lang, 2)) if c in ("percent", "target")
        else (lambda v: format_number(v, lang))
        for c in frame.columns if c not in TEXT_COLUMNS
    }
    style = frame.style.format(formats, na_rep="–")
    if {"percent", "target"} <= set(frame.columns):  # never "99,40" below a 99,40 % target
        for index, value, target in zip(frame.index, frame["percent"], frame["target"],
                                        strict=True):
            if percent_decimals(value, target) != 2:
                style = style.format(_against(target, lang),
                                     subset=pd.IndexSlice[[index], ["percent"]])
    return style


def _against(target: float, lang: str) -> Callable[[Any], str]:
    """A cell formatter showing a percent with the decimals its target needs."""
    def shown(value: Any) -> str:
        return format_percent_against(value, target, lang).removesuffix(" %")
    return shown
