"""What the map page shows: its state (kept in the URL) and its per-region table (pure).

The state is five short query parameters, so a link reproduces the view::

    ?ind=kia&per=2025-06-30&wil=64&lvl=kab&tampil=petak

``wil`` is Indonesia (absent), a province (``64``) or a regency (``64.02``), whose
kecamatan the map then shows (where kecamatan data exists).

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
from utils.metrics.regions import REGENCY, REGENCY_CODE, province_rows, regency_rows
from utils.metrics.targets import targets_in_force

LEVELS = ("prov", "kab")  # all Indonesia: provinces, or all 514 regencies
VIEWS = ("peta", "petak", "perubahan")  # choropleth, tile grid, change since the previous period
PARAMS = {"indicator": "ind", "period": "per", "scope": "wil", "level": "lvl", "view": "tampil"}
KECAMATAN = "kecamatan"
""":attr:`MapState.regions_level` of a regency's map: its kecamatan."""


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
        ``""`` for all Indonesia, a two-digit province code, or a regency
        code (``64.02``: its kecamatan are drawn).
    level : str
        ``prov`` or ``kab``; only matters for all Indonesia (a province
        always shows its regencies, a regency its kecamatan).
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
        """``province`` when provinces are drawn, :data:`KECAMATAN` for a regency's
        kecamatan, else ``regency`` (the tile grid always shows regencies: that
        is what it is for)."""
        if self.regency:
            return KECAMATAN
        province = not self.scope and self.level == "prov" and self.view != "petak"
        return "province" if province else "regency"

    @property
    def regency(self) -> str:
        """The regency whose kecamatan are shown (``64.02``), else ``""``."""
        return self.scope if REGENCY_CODE.match(self.scope) else ""

    @property
    def province(self) -> str:
        """The province shown or holding the regency shown (``64``); ``""`` for Indonesia."""
        return self.scope[:2]


def parse_state(params: Mapping[str, str], indicators: Sequence[str],
                periods: Sequence[str], provinces: Sequence[str],
                regencies: Sequence[str] = ()) -> MapState:
    """Read a :class:`MapState` from query parameters, defaulting anything invalid.

    Parameters
    ----------
    params : Mapping
        Query parameters (``st.query_params`` or a dict).
    indicators, periods, provinces : Sequence of str
        Valid values; the first indicator and the latest period are defaults.
    regencies : Sequence of str
        Regencies a link may open (those with kecamatan data); any other
        regency code falls back to all Indonesia, like any unknown scope.

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
        scope=pick("scope", [*provinces, *regencies], ""),
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


def kecamatan_regions(kecamatan: pd.DataFrame, regency: str) -> pd.DataFrame:
    """One regency's kecamatan laid out as a region reference: each kecamatan a
    region (``level`` regency) whose "province" is its regency, so the regency
    map's tables (:func:`regency_table`, :func:`utils.metrics.change.change_table`)
    serve its kecamatan unchanged: ranks within the regency, targets inherited.

    Parameters
    ----------
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    regency : str
        Regency code (``64.02``).

    Returns
    -------
    pandas.DataFrame
        ``code, name, level, kind, province_code, province_name`` in code order.
    """
    own = kecamatan[kecamatan["regency_code"] == regency].sort_values("code")
    return pd.DataFrame({
        "code": own["code"], "name": own["name"], "level": REGENCY, "kind": own["kind"],
        "province_code": own["regency_code"], "province_name": own["regency_name"],
    }).reset_index(drop=True)


def kecamatan_table(rows: pd.DataFrame, kecamatan: pd.DataFrame, targets: pd.DataFrame,
                    state: MapState) -> pd.DataFrame:
    """Every kecamatan of ``state.regency``: coverage, the target in force (its
    regency's, else its province's or the national one) and whose it is, gap,
    and rank within the regency, sorted by coverage (missing last).

    Parameters
    ----------
    rows : pandas.DataFrame
        Kecamatan coverage rows (any periods and indicators).
    kecamatan : pandas.DataFrame
        The kecamatan reference.
    targets : pandas.DataFrame
        The targets registry.
    state : MapState
        A regency's view (``state.regency`` set).

    Returns
    -------
    pandas.DataFrame
        ``code, name, province_code, province_name`` (the regency), ``numerator,
        denominator, percent, target, target_scope`` (the scope whose target it
        is: ``national``, ``64``, ``64.02`` or the kecamatan's own code), ``gap,
        meets, rank_province, of_province`` (the rank within the regency). No
        national rank: a kecamatan is ranked among its regency's only.
    """
    refs = kecamatan_regions(kecamatan, state.regency)
    out = regency_table(rows, refs, targets, state.indicator, state.period)
    found = targets_in_force(targets, state.indicator, int(state.period[:4]), list(out["code"]))
    out["target_scope"] = [getattr(found[c], "scope", "") for c in out["code"]]
    out = out.drop(columns=["rank_national", "of_national"])
    return out.sort_values(["percent", "name"], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


def regencies_with_kecamatan(rows: pd.DataFrame | None, indicator: str | None = None,
                             period: str | None = None, province: str = "") -> list[str]:
    """Regencies (sorted codes) with a kecamatan figure, of one indicator and
    period when given, within ``province`` when given.

    Examples
    --------
    >>> rows = pd.DataFrame({"code": ["64.02.01", "64.74.02", "65.01.01"],
    ...     "indicator": ["kia", "kia", "ktp_el"], "period": ["2025-06-30"] * 3,
    ...     "numerator": [1, None, 3], "denominator": [2, None, 4], "is_demo": False})
    >>> regencies_with_kecamatan(rows, "kia", "2025-06-30")
    ['64.02']
    >>> regencies_with_kecamatan(rows, province="65")
    ['65.01']
    """
    if rows is None or rows.empty:
        return []
    keep = pd.Series(True, index=rows.index)
    if indicator is not None:
        keep &= rows["indicator"] == indicator
    if period is not None:
        keep &= rows["period"] == period
    found = usable(coverage.with_percent(rows[keep]))
    codes = found.loc[found["percent"].notna(), "code"].astype(str).str[:5]
    return sorted(c for c in set(codes) if c.startswith(province))


def rollup_marks(rows: pd.DataFrame, summed: set[tuple[str, str, str]], partial: pd.DataFrame,
                 indicator: str, period: str) -> pd.DataFrame:
    """How kecamatan fed each regency row of the map (``rows``, one indicator and period).

    Parameters
    ----------
    rows : pandas.DataFrame
        The map's regency rows (``code``).
    summed : set of tuple
        ``(period, code, indicator)`` of regency figures summed from all their
        kecamatan (:meth:`utils.metrics.kecamatan.Rollup.summed`).
    partial : pandas.DataFrame
        :attr:`utils.metrics.kecamatan.Rollup.partial`: regencies with some of
        their kecamatan only, which therefore have no figure.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``rows``: ``summed`` (bool), ``present`` and ``total``
        (``Int64``, missing unless the regency is partial).
    """
    codes = rows["code"].astype(str)
    now = partial[(partial["indicator"] == indicator) & (partial["period"] == period)]
    now = now.drop_duplicates("regency_code").set_index("regency_code")
    return pd.DataFrame({
        "summed": [(period, c, indicator) in summed for c in codes],
        "present": codes.map(now["present"]).astype("Int64"),
        "total": codes.map(now["total"]).astype("Int64"),
    }, index=rows.index)


MEETS, BELOW, NO_TARGET, NO_DATA = "meets", "below", "no_target", "no_data"
"""Values of a kecamatan's ``status`` (:func:`kecamatan_frame`); the page words them."""


def kecamatan_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The ranked kecamatan table as shown and downloaded (numbers stay numbers).

    ``rows`` are :func:`kecamatan_table` rows. Columns: ``rank`` (within the
    regency), ``code``, ``region``, ``percent``, ``numerator``, ``denominator``,
    ``target``, ``target_of`` (the scope code whose target it is), ``status``
    (:data:`MEETS`, :data:`BELOW`, :data:`NO_TARGET` or :data:`NO_DATA`) and
    ``gap`` (people short of the target).
    """
    status = [NO_DATA if pd.isna(p) else NO_TARGET if pd.isna(t) or pd.isna(m)
              else MEETS if m else BELOW
              for p, t, m in zip(rows["percent"], rows["target"], rows["meets"], strict=True)]
    return pd.DataFrame({
        "rank": rows["rank_province"], "code": rows["code"], "region": rows["name"],
        "percent": rows["percent"].round(6), "numerator": rows["numerator"],
        "denominator": rows["denominator"], "target": rows["target"],
        "target_of": rows["target_scope"], "status": status, "gap": rows["gap"],
    }).reset_index(drop=True)


TABLE_ROWS_SHOWN = 100  # tables longer than this are shown on request
TEXT_COLUMNS = ("region", "province", "derived", "code", "target_of", "status")
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
