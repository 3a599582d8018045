"""The planner's choices on the what-if page, defined once.

:data:`PARAMS` is the one table of the choices: the :class:`Scenario` field
each fills, its short name in a link (``t_ktp_el=99.4&o=100&m=6`` …), the key
of its widget on the page, and the range its values are clipped to. The link
codec (:func:`to_query`, :func:`from_query`), the saved-file form
(:func:`to_dict`, :func:`from_dict`), the page's widget keys and the cache key
(:meth:`Scenario.key`) are all read from it, so adding a control is one row
here, one widget on the page and one text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

TARGET_MIN, TARGET_MAX = 0.0, 100.0
OUTREACH_MAX, OUTREACH_STEP = 5000, 50
MONTHS_MAX = 36
GROWTH_MIN, GROWTH_MAX = -2.0, 5.0
MAX_REGIONS = 600
"""Most outreach region codes a scenario may name (there are 552 regions)."""
CAPACITY_MAX = 100_000
"""Highest outreach per month one regency may be given for one indicator."""
MAX_CAPACITY = 2600
"""Most capacity entries a scenario keeps (514 regencies × 4 indicators fit; a regency's
kecamatan, at most a few dozen, fit beside them)."""
CAPACITY_LINK_MAX = 24
"""Most capacity entries a link carries; more live only in the saved scenario."""
REGENCY = re.compile(r"\d{2}\.\d{2}")
"""A regency code (``64.02``): what ``kecamatan_of`` may hold."""


@dataclass(frozen=True)
class Param:
    """One choice: where it lives in a scenario, in a link and on the page.

    Attributes
    ----------
    field : str
        Attribute of :class:`Scenario`.
    query : str
        Name in a link; for a value per indicator, the prefix (``t_`` →
        ``t_ktp_el``).
    widget : str
        Session-state key of its widget; for a value per indicator, the prefix.
    kind : str
        ``per_indicator`` (percent per indicator id), ``code`` (one region
        code or none), ``codes`` (region codes), ``number``, ``whole``
        (a whole number), ``indicator`` (an indicator id), ``capacity``
        (outreach per month per indicator and region) or ``regency`` (one
        regency code, ``64.02``, or none).
    low, high : float
        Range values are clipped to (numbers only).
    needs : str
        Field that must be set for this one to count (overrides need a scope).
    """

    field: str
    query: str
    widget: str
    kind: str
    low: float = 0.0
    high: float = 0.0
    needs: str = ""

    @property
    def per_indicator(self) -> bool:
        """Whether the choice holds one value per indicator."""
        return self.kind == "per_indicator"


PARAMS: tuple[Param, ...] = (  # in the order a link lists them
    Param("targets", "t_", "whatif_target_", "per_indicator", TARGET_MIN, TARGET_MAX),
    Param("indicator", "i", "whatif_indicator", "indicator"),
    Param("outreach", "o", "whatif_outreach", "number", 0, OUTREACH_MAX),
    Param("months", "m", "whatif_months", "whole", 0, MONTHS_MAX),
    Param("growth", "g", "whatif_growth", "number", GROWTH_MIN, GROWTH_MAX),
    Param("scope", "s", "whatif_province", "code"),
    Param("overrides", "x_", "whatif_override_", "per_indicator", TARGET_MIN, TARGET_MAX,
          needs="scope"),
    Param("outreach_regions", "r", "whatif_outreach_regions", "codes"),
    Param("capacity", "c", "whatif_capacity", "capacity", 0, CAPACITY_MAX),
    Param("kecamatan_of", "k", "whatif_kecamatan_of", "regency"),
)
BY_FIELD = {p.field: p for p in PARAMS}


@dataclass(frozen=True)
class Scenario:
    """The planner's choices (every slider of the what-if page); see :data:`PARAMS`.

    Attributes
    ----------
    targets : dict
        National target in percent per indicator id.
    scope : str or None
        Province or regency code whose override applies (``None``: none).
    overrides : dict
        Target in percent per indicator for every regency inside ``scope``.
    outreach : float
        Extra recordings per month in each regency that receives outreach.
    outreach_regions : tuple of str
        Province or regency codes receiving outreach; empty means all.
    months : int
        Months from the baseline period to the deadline.
    growth : float
        Yearly growth of the denominator in percent (``1.2`` = 1.2 % a year).
    indicator : str
        Indicator whose map and table are shown.
    capacity : tuple of (str, str, float)
        ``(indicator, region code, per month)``, sorted: outreach per month
        that replaces ``outreach`` for that region (a regency, or a kecamatan
        ``64.02.01``) and indicator.
    kecamatan_of : str or None
        Regency (``64.02``) whose kecamatan the model runs over, one result per
        kecamatan; ``None`` (and a scenario saved before this choice existed):
        every regency of Indonesia, as before.
    """

    targets: dict[str, float] = field(default_factory=dict)
    scope: str | None = None
    overrides: dict[str, float] = field(default_factory=dict)
    outreach: float = 0.0
    outreach_regions: tuple[str, ...] = ()
    months: int = 0
    growth: float = 0.0
    indicator: str = "ktp_el"
    capacity: tuple[tuple[str, str, float], ...] = ()
    kecamatan_of: str | None = None

    def capacity_for(self, indicator: str) -> dict[str, float]:
        """Region code → outreach per month set for ``indicator`` (see ``capacity``)."""
        return {code: float(value) for ind, code, value in self.capacity if ind == indicator}

    def key(self) -> tuple:
        """Every choice as a tuple of plain values (equal scenarios, equal keys)."""
        return tuple(
            tuple(sorted(value.items())) if isinstance(value, dict) else value
            for value in (getattr(self, p.field) for p in PARAMS)
        )

    def __hash__(self) -> int:
        return hash(self.key())

    def reads(self, indicator: str) -> Scenario:
        """Only what the result of ``indicator`` depends on (its own target and
        override; the shown indicator set to it): the cache key of one result."""
        return replace(
            self,
            targets={k: v for k, v in self.targets.items() if k == indicator},
            overrides={k: v for k, v in self.overrides.items() if k == indicator},
            indicator=indicator,
            capacity=tuple(entry for entry in self.capacity if entry[0] == indicator),
        )


def defaults(national: Mapping[str, float | None], months: int, indicator: str) -> Scenario:
    """The scenario that changes nothing: targets in force, no outreach, no growth."""
    targets = {k: float(v) for k, v in national.items() if v is not None}
    return Scenario(targets=targets, months=int(months), indicator=indicator)


# --- reading values safely -------------------------------------------------------------------


def _number(value: object, low: float, high: float, fallback: float) -> float:
    """A finite number within ``[low, high]`` (clipped), else ``fallback``."""
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return fallback
    if not math.isfinite(number):
        return fallback
    return min(max(number, low), high)


def _codes(value: object, known_codes: set[str] | None) -> tuple[str, ...]:
    parts = value if isinstance(value, list | tuple) else str(value or "").split(",")
    out: list[str] = []
    for part in parts:
        code = str(part).strip()
        if code and (known_codes is None or code in known_codes) and code not in out:
            out.append(code)
    return tuple(out[:MAX_REGIONS])


def _per_indicator(p: Param, given: object, fallback: Mapping[str, float],
                   indicators: list[str]) -> dict[str, float]:
    raw = given if isinstance(given, Mapping) else {}
    values = {i: _number(raw.get(i), p.low, p.high, fallback.get(i, math.nan))
              for i in indicators if i in fallback or i in raw}
    return {i: v for i, v in values.items() if not math.isnan(v)}


def _capacity_entries(given: object) -> list[tuple]:
    """Raw ``(indicator, code, value)`` entries of a saved list or a link's text."""
    if isinstance(given, str):
        return [tuple(part.split("~", 2)) for part in given.split(",") if part.count("~") == 2]
    if isinstance(given, list | tuple):
        return [tuple(e) for e in given if isinstance(e, list | tuple) and len(e) == 3]
    return []


def _capacity(p: Param, given: object, indicators: list[str],
              known_codes: set[str] | None) -> tuple[tuple[str, str, float], ...]:
    """Capacity entries, checked: known indicator and regency code, a finite number
    (clipped to the range); the first entry of an (indicator, code) pair wins."""
    out: dict[tuple[str, str], float] = {}
    for indicator, code, value in _capacity_entries(given)[:MAX_CAPACITY * 2]:
        where = (str(indicator).strip(), str(code).strip())
        number = _number(value, p.low, p.high, math.nan)
        if (where[0] in indicators and "." in where[1] and not math.isnan(number)
                and (known_codes is None or where[1] in known_codes) and where not in out):
            out[where] = number
    return tuple(sorted((i, c, v) for (i, c), v in out.items()))[:MAX_CAPACITY]


def _read(p: Param, data: Mapping, base: Scenario, indicators: list[str],
          known_codes: set[str] | None) -> object:
    """One field of a scenario from plain data, checked; ``base`` fills the gaps."""
    given, fallback = data.get(p.field), getattr(base, p.field)
    if p.kind == "per_indicator":
        # a target falls back to the base's; an override only exists where given
        return _per_indicator(p, given, fallback if p.field == "targets" else {}, indicators)
    if p.kind in ("code", "regency"):
        codes = _codes(given or "", known_codes)
        if p.kind == "regency":
            codes = tuple(c for c in codes if REGENCY.fullmatch(c))
        return codes[0] if codes else None
    if p.kind == "codes":
        return _codes(given or (), known_codes)
    if p.kind == "indicator":
        return given if given in indicators else fallback
    if p.kind == "capacity":
        return fallback if given is None else _capacity(p, given, indicators, known_codes)
    number = _number(fallback if given is None else given, p.low, p.high, fallback)
    return int(number) if p.kind == "whole" else number


def from_dict(
    data: Mapping, base: Scenario, indicators: list[str], known_codes: set[str] | None = None
) -> Scenario:
    """Read a scenario from :func:`to_dict`'s form; every value is checked.

    Values out of range are clipped, unknown indicators and region codes are
    dropped, missing values come from ``base``; an override needs a scope.
    A scenario over a regency's kecamatan (``kecamatan_of``) has that regency
    as its scope: an override written for another scope is dropped.
    """
    values = {p.field: _read(p, data, base, indicators, known_codes) for p in PARAMS}
    if values["kecamatan_of"] and values["scope"] != values["kecamatan_of"]:
        values["scope"], values["overrides"] = values["kecamatan_of"], {}
    for p in PARAMS:
        if p.needs and not values[p.needs]:
            values[p.field] = {}
    return Scenario(**values)  # type: ignore[arg-type]  # each value is read for its field


def to_dict(scenario: Scenario) -> dict:
    """Plain JSON-ready form of a scenario."""
    out: dict[str, object] = {}
    for p in PARAMS:
        value = getattr(scenario, p.field)
        out[p.field] = dict(value) if p.kind == "per_indicator" else (
            [list(v) for v in value] if p.kind == "capacity" else
            list(value) if p.kind == "codes" else value)
    return out


# --- links -------------------------------------------------------------------------------


def _plain(value: float) -> str:
    """``99.4`` → ``"99.4"``, ``100.0`` → ``"100"`` (short, exact enough for sliders)."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _query_value(p: Param, value: object) -> str:
    if p.kind == "codes":
        return ",".join(value)  # type: ignore[arg-type]  # codes are a tuple of str
    if p.kind == "number":
        return _plain(value)  # type: ignore[arg-type]  # numbers are floats
    if p.kind == "capacity":  # ktp_el~64.74~300,kia~64.74~150
        return ",".join(f"{i}~{c}~{_plain(v)}" for i, c, v in value)  # type: ignore[attr-defined]
    return str(value)


def capacity_in_link(scenario: Scenario) -> bool:
    """Whether a link can carry the scenario's capacity (small enough; see
    :data:`CAPACITY_LINK_MAX`); else it lives only in a saved scenario."""
    return len(scenario.capacity) <= CAPACITY_LINK_MAX


def to_query(scenario: Scenario) -> dict[str, str]:
    """Short link parameters restoring every slider (``t_ktp_el=99.4&o=100&m=6`` …).

    Empty choices (no scope, no outreach regions) are left out, and so is a
    capacity too large for a link (:func:`capacity_in_link`).
    """
    params: dict[str, str] = {}
    for p in PARAMS:
        value = getattr(scenario, p.field)
        if (p.needs and not getattr(scenario, p.needs)) or value in (None, (), {}):
            continue
        if p.kind == "capacity" and not capacity_in_link(scenario):
            continue
        if p.per_indicator:
            params.update({f"{p.query}{i}": _plain(v) for i, v in value.items()})
        else:
            params[p.query] = _query_value(p, value)
    return params


def from_query(
    params: Mapping[str, str],
    base: Scenario,
    indicators: list[str],
    known_codes: set[str] | None = None,
) -> Scenario:
    """Read :func:`to_query`'s parameters (missing or broken ones keep ``base``)."""
    data: dict[str, object] = {}
    for p in PARAMS:
        if p.per_indicator:
            data[p.field] = {i: params[p.query + i] for i in indicators if p.query + i in params}
        elif p.query in params:
            data[p.field] = params[p.query]
    return from_dict(data, base, indicators, known_codes)


def is_query_key(key: str) -> bool:
    """Whether a link parameter belongs to the what-if scenario."""
    return any(key == p.query or (p.per_indicator and key.startswith(p.query)) for p in PARAMS)


# --- the page's widgets --------------------------------------------------------------------


def province_and_regency(scope: str | None) -> tuple[str, str]:
    """(province code, regency code) of a scope; empty strings for none.

    Examples
    --------
    >>> province_and_regency("64.74"), province_and_regency("64"), province_and_regency(None)
    (('64', '64.74'), ('64', ''), ('', ''))
    """
    code = scope or ""
    return (code[:2], code) if "." in code else (code, "")


def widget_values(scenario: Scenario, indicators: list[str],
                  override_start: Callable[[str, str, float | None], float]) -> dict[str, object]:
    """Session-state values, by the widget keys of :data:`PARAMS`, that show ``scenario``.

    The scope is two widgets (a province, then one of its regencies under
    ``whatif_regency_<province>``) and a switch ``whatif_override_on``; an
    override's key ends with its scope (``whatif_override_ktp_el_64``), and
    an override not given starts at ``override_start(indicator, scope, national)``.
    The planning level is one widget (``whatif_kecamatan_of``): ``""`` for
    Indonesia, else the regency whose kecamatan are planned.
    """
    key = {p.field: p.widget for p in PARAMS}
    province, regency = province_and_regency(scenario.scope)
    state: dict[str, object] = {f"{key['targets']}{i}": float(v)
                                for i, v in scenario.targets.items()}
    state.update({
        key["outreach"]: int(scenario.outreach),
        key["outreach_regions"]: list(scenario.outreach_regions),
        key["months"]: int(scenario.months),
        key["growth"]: float(scenario.growth),
        key["indicator"]: scenario.indicator,
        key["capacity"]: scenario.capacity,
        key["scope"]: province,
        key["kecamatan_of"]: scenario.kecamatan_of or "",
        "whatif_override_on": bool(scenario.scope and scenario.overrides),
    })
    if province:
        state[f"whatif_regency_{province}"] = regency
    if scenario.scope:
        for i in indicators:
            value = scenario.overrides.get(i)
            state[f"{key['overrides']}{i}_{scenario.scope}"] = float(
                value if value is not None
                else override_start(i, scenario.scope, scenario.targets.get(i)))
    return state


def slider_low(default: float | None, current: float) -> float:
    """Lower end of a target slider: 40 points under the target in force, in tens,
    and never above the value shown.

    Examples
    --------
    >>> slider_low(99.4, 99.4), slider_low(99.4, 35.0), slider_low(None, 100.0)
    (50.0, 30.0, 60.0)
    """
    start = (math.floor(default or 100.0) - 40) // 10 * 10
    return float(max(0.0, min(start, math.floor(current / 10) * 10)))
