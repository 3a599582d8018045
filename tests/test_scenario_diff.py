"""Scenarios side by side: figures per side, differences, sums, map classes, words, the page.

Pure parts table-driven and with hypothesis (on the what-if model's own results);
the page in AppTest (maps, tables, the CSV as a click makes it, public mode).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from page_support import run_page

from utils.charts import choropleth, scenario_maps
from utils.i18n import I18N_DIR, t
from utils.ingest import saved_scenarios
from utils.ingest.export import labelled, to_csv
from utils.metrics import scenario_diff as diff
from utils.metrics import whatif as model
from utils.metrics.whatif_state import Scenario
from utils.report import scenario_diff as words

NAN = float("nan")


def frame(rows: list[tuple]) -> pd.DataFrame:
    """A what-if baseline from (code, numerator, denominator, target in force) rows."""
    out = pd.DataFrame(rows, columns=["code", "numerator", "denominator", "target"])
    out["name"] = "Kab " + out["code"]
    out["province_code"] = out["code"].str[:2]
    out["province_name"] = "Prov " + out["province_code"]
    out["target_scope"] = "national"
    out["without_counts"] = out["numerator"].isna()
    for column in ("numerator", "denominator", "target"):
        out[column] = out[column].astype(float)
    return out


BASE = frame([
    ("11.01", 990, 1000, 99.0),   # meets now (99,0 %)
    ("11.02", 985, 1000, 99.0),   # 0,5 points short now
    ("11.03", 1020, 1000, 99.0),  # above 100 %
    ("12.01", NAN, 1000, 99.0),   # percent only: no status anywhere
    ("12.02", 800, 1000, 99.0),   # 19 points short
])


def sides_of(*scens: Scenario | None) -> dict[str, pd.DataFrame]:
    """Side figures: ``None`` is the baseline, else a scenario's deadline."""
    out = {}
    for i, scen in enumerate(scens):
        result = model.evaluate(BASE, scen or Scenario(targets={"x": 99.0}), "x")
        out[f"s{i}"] = diff.side_figures(result, baseline=scen is None)
    return out


# --- figures per side -------------------------------------------------------------------------


@pytest.mark.parametrize(("baseline", "percent", "target", "meets", "gap"), [
    (True, [99.0, 98.5, 102.0, None, 80.0], [99.0] * 5, [True, False, True, None, False],
     [0, 5, 0, None, 190]),
    (False, [99.0, 98.5, 102.0, None, 80.0], [99.5] * 5, [False, False, True, None, False],
     [5, 10, 0, None, 195]),
])
def test_a_side_reads_the_model_columns_of_its_kind(baseline, percent, target, meets, gap):
    result = model.evaluate(BASE, Scenario(targets={"x": 99.5}), "x")
    side = diff.side_figures(result, baseline)
    np.testing.assert_allclose(side["percent"], [NAN if p is None else p for p in percent])
    assert side["target"].tolist() == target
    assert [None if pd.isna(m) else bool(m) for m in side["meets"]] == meets
    assert [None if pd.isna(g) else int(g) for g in side["gap"]] == gap
    assert list(side.columns) == ["code", "name", "province_name", *diff.FIELDS]


def test_a_scenario_side_is_at_its_own_deadline():
    outreach = Scenario(targets={"x": 99.0}, outreach=20, months=3)  # +60 people each
    side = sides_of(outreach)["s0"]
    assert side["numerator"].tolist()[:3] == [1050.0, 1045.0, 1080.0]
    assert side["meets"].tolist()[:2] == [True, True]


# --- differences ------------------------------------------------------------------------------


@pytest.mark.parametrize(("scens", "codes", "meeting"), [
    ((None, Scenario(targets={"x": 99.0})), [], []),  # same targets, no change: no difference
    ((None, Scenario(targets={"x": 99.5})), ["11.01"], [1]),  # 99,0 % falls short of 99,5 %
    ((None, Scenario(targets={"x": 98.0})), ["11.02"], [1]),  # 98,5 % now meets 98 %
    ((None, Scenario(targets={"x": 99.5}), Scenario(targets={"x": 98.0})),
     ["11.01", "11.02"], [2, 1]),
    ((None, Scenario(targets={"x": 80.0})), ["11.02", "12.02"], [1, 1]),
])
def test_differences_name_regions_meeting_on_one_side_only(scens, codes, meeting):
    found = diff.differences(sides_of(*scens))
    assert found["code"].tolist() == codes
    assert found["meeting_sides"].tolist() == meeting
    assert "12.01" not in found["code"].tolist()  # unknown status: never a difference


def test_a_difference_row_holds_both_figures():
    found = diff.differences(sides_of(None, Scenario(targets={"x": 99.5})))
    row = found.iloc[0]
    assert (row["percent@s0"], row["target@s0"], bool(row["meets@s0"]), row["gap@s0"]) == (
        99.0, 99.0, True, 0.0)
    assert (row["percent@s1"], row["target@s1"], bool(row["meets@s1"]), row["gap@s1"]) == (
        99.0, 99.5, False, 5.0)


def test_regions_without_status_are_counted_not_compared():
    assert diff.unknown_count(sides_of(None, Scenario(targets={"x": 99.0}))) == 1


@pytest.mark.parametrize("count", [0, 1, 4])
def test_two_or_three_sides_only(count):
    sides = {f"s{i}": sides_of(None)["s0"] for i in range(count)}
    with pytest.raises(ValueError, match="sides"):
        diff.differences(sides)


def test_sides_over_different_regions_are_refused():
    sides = sides_of(None, None)
    sides["s1"] = sides["s1"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="same regencies"):
        diff.differences(sides)


# --- sums -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scen", "baseline", "meeting", "gap", "percent"), [
    (Scenario(targets={"x": 99.5}), True, 2, 195, 100 * 3795 / 4000),
    (Scenario(targets={"x": 99.5}), False, 1, 210, 100 * 3795 / 4000),
    (Scenario(targets={"x": 99.0}, outreach=20, months=3), False, 3, 130, 100 * 4035 / 4000),
])
def test_side_totals_are_sums_never_averages(scen, baseline, meeting, gap, percent):
    result = model.evaluate(BASE, scen, "x")
    tot = diff.side_totals(result, baseline)
    assert (tot.meeting, tot.with_data, tot.gap) == (meeting, 4, gap)
    assert tot.percent == pytest.approx(percent)
    side = diff.side_figures(result, baseline)
    assert tot.gap == int(np.nansum(side["gap"]))  # the regions' own gaps, summed


# --- map classes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("targets", "steps"), [
    ([99.4, 99.8], (10.0, 5.0, 2.0)),
    ([99.4, NAN, 85.0], (30.0, 20.0, 10.0)),
    ([NAN], (10.0, 5.0, 2.0)),
])
def test_one_class_scheme_for_every_map(targets, steps):
    assert scenario_maps.shared_steps(targets) == steps


@pytest.mark.parametrize(("percent", "target", "meets", "slot"), [
    (99.0, 99.0, True, 4),
    (100.0, 100.0, True, 4),
    (100.5, 99.0, True, 5),
    (98.99, 99.0, False, 3),
    (97.0, 99.0, False, 3),   # exactly 2 points short
    (96.99, 99.0, False, 2),
    (94.0, 99.0, False, 2),   # exactly 5 points short (the coverage map's classes too)
    (93.99, 99.0, False, 1),
    (88.9, 99.0, False, 0),
    (99.0, 99.0, None, choropleth.NO_DATA_SLOT),
    (NAN, 99.0, None, choropleth.NO_DATA_SLOT),
])
def test_slots(percent, target, meets, slot):
    figures = pd.DataFrame({"percent": [percent], "target": [target],
                            "meets": pd.array([meets], dtype="boolean")})
    assert scenario_maps.slots(figures, (10.0, 5.0, 2.0)).tolist() == [slot]


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.tuples(hs.integers(0, 3_000_000), hs.integers(1, 3_000_000),
                          hs.integers(0, 10_000).map(lambda v: v / 100)), min_size=1, max_size=30),
       hs.integers(0, 500), hs.integers(0, 36), hs.integers(0, 10_000).map(lambda v: v / 100))
def test_a_colour_never_contradicts_the_status(rows, outreach, months, goal):
    base = frame([(f"11.{i:02d}", n, d, g) for i, (n, d, g) in enumerate(rows)])
    result = model.evaluate(base, Scenario(targets={"x": goal}, outreach=outreach,
                                           months=months), "x")
    for baseline in (True, False):
        side = diff.side_figures(result, baseline)
        slot = scenario_maps.slots(side, scenario_maps.shared_steps(side["target"]))
        met = side["meets"].fillna(False).to_numpy(bool)
        assert ((slot >= 4) & (slot <= 5)).tolist() == met.tolist()
        assert ((slot == 5) == (met & (side["percent"] > 100))).all()



@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.tuples(hs.integers(0, 3_000_000), hs.integers(1, 3_000_000)),
                min_size=1, max_size=30),
       hs.lists(hs.integers(9_000, 10_000).map(lambda v: v / 100), min_size=2, max_size=3),
       hs.integers(0, 500))
def test_differences_are_exactly_the_regions_whose_status_differs(rows, goals, outreach):
    base = frame([(f"11.{i:02d}", n, d, 99.0) for i, (n, d) in enumerate(rows)])
    results = [model.evaluate(base, Scenario(targets={"x": g}, outreach=outreach, months=6), "x")
               for g in goals]
    sides = {f"s{i}": diff.side_figures(r, baseline=False) for i, r in enumerate(results)}
    found = diff.differences(sides)
    status = pd.DataFrame({k: s["meets"].astype(bool) for k, s in sides.items()})
    differ = status.nunique(axis=1) > 1
    assert found["code"].tolist() == base["code"][differ].tolist()
    backwards = diff.differences(dict(reversed(list(sides.items()))))
    assert backwards["code"].tolist() == found["code"].tolist()  # order of sides: same list
    only = diff.meeting_only(found, list(sides))
    for key, result in zip(sides, results, strict=True):  # meeting only here ≤ meeting here
        assert only[key] <= diff.side_totals(result, False).meeting


# --- words ------------------------------------------------------------------------------------


def test_both_languages_have_the_same_keys():
    texts = {lang: json.loads((I18N_DIR / lang / "scenario_diff.json").read_text("utf-8"))
             for lang in ("id", "en")}
    assert texts["id"].keys() == texts["en"].keys()
    assert all(k.startswith("sdiff.") for k in texts["id"])


@pytest.mark.parametrize(("lang", "steps", "first", "fourth"), [
    ("id", (10.0, 5.0, 2.0), "Kurang > 10 poin dari target", "Kurang ≤ 2 poin"),
    ("en", (30.0, 20.0, 10.0), "More than 30 points below target", "Up to 10 points below"),
    ("id", (10.5, 5.0, 2.0), "Kurang > 10,50 poin dari target", "Kurang ≤ 2 poin"),
])
def test_legend_names(lang, steps, first, fourth):
    names = words.legend_names(steps, lang)
    assert len(names) == len(choropleth.PALETTE)
    assert (names[0], names[3]) == (first, fourth)


def two_sides() -> tuple[dict[str, pd.DataFrame], dict[str, diff.SideTotals], pd.DataFrame]:
    scen = Scenario(targets={"x": 99.5})
    result = model.evaluate(BASE, scen, "x")
    sides = {"now": diff.side_figures(result, True), "plan": diff.side_figures(result, False)}
    totals = {"now": diff.side_totals(result, True), "plan": diff.side_totals(result, False)}
    return sides, totals, diff.differences(sides)


@pytest.mark.parametrize(("lang", "cell", "meeting", "gap"), [
    ("id", "99,00 % — belum memenuhi (target 99,50 %)", "1 dari 4", "210"),
    ("en", "99.00 % — below target (target 99.50 %)", "1 of 4", "210"),
])
def test_tables_write_the_figures_in_the_language(lang, cell, meeting, gap):
    _sides, totals, found = two_sides()
    heads = {"now": "Sekarang", "plan": "Rencana"}
    table = words.difference_table(found, heads, lang)
    assert table["Rencana"].tolist() == [cell]
    assert table.columns.tolist()[:3] == [t("sdiff.col.region", lang),
                                          t("sdiff.col.province", lang), "Sekarang"]
    sums = words.totals_table(totals, found, heads, lang).set_index(t("sdiff.tot.figure", lang))
    assert sums.loc[t("sdiff.tot.meeting", lang), "Rencana"] == meeting
    assert sums.loc[t("sdiff.tot.gap", lang), "Rencana"] == gap
    assert sums.loc[t("sdiff.tot.only", lang)].tolist() == ["1", "0"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_csv_keeps_numbers_codes_and_the_demo_label(lang):
    _sides, _totals, found = two_sides()
    frame_ = words.export_frame(found, {"now": "Sekarang", "plan": "Rencana"},
                                {"now": False, "plan": True}, lang)
    demo = t("provenance.demo", lang)
    rows = list(csv.reader(io.StringIO(to_csv(labelled(frame_, demo, lang)).decode("utf-8-sig")),
                           delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == t("sdiff.csv.code", lang) and [r[0] for r in body] == ["11.01"]
    assert header[-1] == t("provenance.column", lang) and body[0][-1] == demo
    kind = t("sdiff.csv.projected", lang)
    gap = header.index(t("sdiff.csv.header", lang, side="Rencana",
                         field=t("sdiff.csv.gap", lang), kind=kind))
    meets = header.index(t("sdiff.csv.header", lang, side="Rencana",
                           field=t("sdiff.csv.meets", lang), kind=kind))
    assert body[0][gap] == "5" and body[0][meets] == t("provenance.no", lang)
    assert not {"True", "False"} & set(body[0])


# --- charts -----------------------------------------------------------------------------------


def test_the_map_is_valid_vega_lite_and_its_template_is_the_same_spec():
    texts = words.map_texts("id")
    chart = scenario_maps.scenario_map("/maps/national.topo.json", texts)
    built = chart.to_dict()  # validated by Altair
    assert scenario_maps.map_template("/maps/national.topo.json", texts) == built
    assert built["layer"][0]["encoding"]["color"]["legend"] is None  # one HTML legend for all


def test_map_rows_carry_slot_and_texts_per_region():
    sides, _totals, _found = two_sides()
    rows = scenario_maps.map_rows(sides["plan"], (10.0, 5.0, 2.0),
                                  words.status_words("id"), "id")
    assert rows["id"].tolist() == [1101, 1102, 1103, 1201, 1202]
    assert rows["s"].tolist() == [3, 3, 5, choropleth.NO_DATA_SLOT, 0]
    assert rows["m"].tolist()[2:4] == ["memenuhi", "tanpa data atau tanpa target"]
    assert rows["p"].tolist()[0] == "99,00 %" and rows["k"].tolist()[1] == "10"
    spec = scenario_maps.map_spec({"datasets": {}}, rows)
    assert spec["datasets"][scenario_maps.SIDE] is rows


def test_the_legend_is_text_with_names_escaped():
    names = words.legend_names((10.0, 5.0, 2.0), "id")
    html = scenario_maps.legend_html("<Judul>", [*names[:-1], "<b>x</b>"])
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;Judul&gt;" in html
    assert html.count('role="listitem"') == len(choropleth.PALETTE)
    with pytest.raises(ValueError):
        scenario_maps.legend_html("t", names[:3])


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def store(built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


def saved(store: Path) -> tuple[str, str]:
    """A private and a published scenario; their slugs."""
    private = saved_scenarios.save(store, "Rahasia", {"targets": {"ktp_el": 99.9}})
    public = saved_scenarios.save(store, "Tinggi <b>99,8</b>", {"targets": {"ktp_el": 99.8},
                                                                  "months": 6})
    saved_scenarios.set_published(store, public["slug"], True, "Budi")
    return private["slug"], public["slug"]


def side_maps(at) -> list[dict]:
    """Specs of the side-by-side maps (their rows travel in the ``side`` dataset)."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if scenario_maps.SIDE in json.dumps(s.get("datasets", {}))
            or any(scenario_maps.SIDE in json.dumps(layer.get("transform", []))
                   for layer in s.get("layer", []))]


def geometry_urls(spec: object) -> set[str]:
    """Every data address a spec names, wherever it sits."""
    if isinstance(spec, dict):
        found = {spec["url"]} if isinstance(spec.get("url"), str) else set()
        return found.union(*(geometry_urls(v) for v in spec.values()))
    if isinstance(spec, list):
        return set().union(*(geometry_urls(v) for v in spec))
    return set()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_draws_maps_tables_and_the_csv(store, made, lang):
    _private, public = saved(store)
    at = run_page("pages/whatif.py", lang)
    at.multiselect(key="whatif_side_pick").select("_baseline").select(public).run()
    assert not at.exception
    maps = side_maps(at)
    assert len(maps) == 2
    urls = set().union(*(geometry_urls(s) for s in maps))
    change_map = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart"))
    assert urls == geometry_urls(change_map) and len(urls) == 1  # one address everywhere
    titles = [m.value for m in at.markdown]
    assert r"**Tinggi \<b\>99,8\</b\>**" in titles  # a saved name is shown as typed
    tables = [d.value for d in at.dataframe]
    found = tables[-1]
    assert "Tinggi <b>99,8</b>" in found.columns and len(found) > 0
    (name,) = [n for n in made if n.startswith("perbandingan-skenario-")]
    rows = list(csv.reader(io.StringIO(made[name].decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(found) + 1
    assert {r[-1] for r in rows[1:]} == {t("provenance.demo", lang)}
    expected = t("sdiff.diff_title", lang, count=len(found))
    assert any(expected in m.value for m in at.markdown)


def test_the_sides_agree_with_the_page_and_with_their_captions(store):
    _private, public = saved(store)
    at = run_page("pages/whatif.py")
    at.multiselect(key="whatif_side_pick").select("_current").select(public).run()
    sums, found = [d.value for d in at.dataframe][-2:]
    row = sums.set_index(t("sdiff.tot.figure", "id"))
    current = row[t("sdiff.current_option", "id")]
    metrics = {m.label: m.value for m in at.metric}  # the page's own figures of the sliders
    assert current[t("sdiff.tot.gap", "id")] == metrics["Kekurangan (jiwa)"]
    assert current[t("sdiff.tot.meeting", "id")] == metrics["Memenuhi pada tenggat"]
    captions = [c.value for c in at.caption if c.value.startswith("Memenuhi: ")]
    assert [f"kekurangan {g} jiwa" in c for g, c in zip(
        row.loc[t("sdiff.tot.gap", "id")].tolist(), captions, strict=True)] == [True, True]
    saved_target = "(target 99,80 %)"  # the saved scenario's own target, on its side
    assert all(saved_target in cell for cell in found["Tinggi <b>99,8</b>"])


def test_one_pick_draws_no_map(store):
    saved(store)
    at = run_page("pages/whatif.py")
    at.multiselect(key="whatif_side_pick").select("_baseline").run()
    assert side_maps(at) == []
    assert any(c.value == t("sdiff.pick_more", "id") for c in at.caption)


def test_public_mode_sides_are_published_scenarios_only(store, monkeypatch):
    private, _public = saved(store)
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = run_page("pages/whatif.py")
    assert at.multiselect(key="whatif_side_pick").options == [
        t("sdiff.baseline_option", "id"), t("sdiff.current_option", "id"), "Tinggi <b>99,8</b>"]
    at.session_state["whatif_side_pick"] = ["_baseline", private]  # by key: not offered
    at.run()
    assert not at.exception
    shown = json.dumps([str(e.proto) for e in at.main], ensure_ascii=False)
    assert "Rahasia" not in shown and private not in shown
    assert side_maps(at) == []  # one side left: nothing compared
