"""What-if over one regency's kecamatan: the model, the scenario's level, the capacity sheet
and the page (a regency Dukcapil planning outreach per kecamatan)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from tests.page_support import run_page
from utils.charts import whatif as charts
from utils.i18n import t
from utils.ingest import capacity as sheet
from utils.metrics import goal_seek
from utils.metrics import kecamatan_whatif as kw
from utils.metrics import whatif as model
from utils.metrics import whatif_state as choices
from utils.metrics.indicators import load_indicators
from utils.metrics.whatif_state import Scenario
from utils.report import whatif as report

DEFS = load_indicators()
IDS = list(DEFS)
BASE = Scenario(targets={"ktp_el": 95.0}, months=6)

# A hand-made reference: Kutai Kartanegara (64.02) with three kecamatan, Kota Bontang (64.74)
# with a kecamatan of the same name as one of 64.02's, Sragen (33.14) with a kecamatan
# named like its regency.
KECAMATAN = pd.DataFrame(
    [("64.02.01", "Muara Muntai", "64.02", "Kabupaten Kutai Kartanegara", "64"),
     ("64.02.02", "Loa Kulu", "64.02", "Kabupaten Kutai Kartanegara", "64"),
     ("64.02.08", "Kota Bangun", "64.02", "Kabupaten Kutai Kartanegara", "64"),
     ("64.74.01", "Kota Bangun", "64.74", "Kota Bontang", "64"),
     ("64.74.02", "Bontang Selatan", "64.74", "Kota Bontang", "64"),
     ("33.14.01", "Sragen", "33.14", "Kabupaten Sragen", "33")],
    columns=["code", "name", "regency_code", "regency_name", "province_code"],
).assign(kind="Kecamatan", province_name=lambda f: f["province_code"].map(
    {"64": "Kalimantan Timur", "33": "Jawa Tengah"}))
REGISTRY = pd.DataFrame({
    "indicator": ["ktp_el", "ktp_el", "kia"], "year": [2025, 2025, 2025],
    "scope": ["national", "64.02", "national"], "target_percent": [99.0, 95.0, 60.0],
    "source": ["test"] * 3,
})
PERIOD = "2025-06-30"


def rows(*records: tuple) -> pd.DataFrame:
    """Coverage rows ``(code, numerator, denominator[, indicator, period])``."""
    out = [(r[4] if len(r) > 4 else PERIOD, r[0], r[3] if len(r) > 3 else "ktp_el", r[1], r[2],
            True) for r in records]
    return pd.DataFrame(out, columns=["period", "code", "indicator", "numerator", "denominator",
                                      "is_demo"])


# 90 %, 95 % and 200 %: their average (128.3 %) is not the regency's coverage (95.5 %)
THREE = rows(("64.02.01", 90, 100), ("64.02.02", 950, 1000), ("64.02.08", 20, 10),
             ("64.74.01", 1, 1000), ("64.02", 5, 10))


def evaluated(table: pd.DataFrame, scen: Scenario, regency: str = "64.02",
              indicator: str = "ktp_el") -> pd.DataFrame:
    found = kw.baselines(table, KECAMATAN, REGISTRY, [indicator], regency)
    assert found is not None
    return model.evaluate(found[1][indicator], scen, indicator)


# --- the model over a regency's kecamatan -----------------------------------------------------


def test_one_row_per_kecamatan_of_the_regency_only():
    base = kw.baselines(THREE, KECAMATAN, REGISTRY, ["ktp_el"], "64.02")
    assert base is not None and base[0] == PERIOD
    frame = base[1]["ktp_el"]
    # Bontang's "Kota Bangun" and the regency's own row stay out
    assert frame["code"].tolist() == ["64.02.01", "64.02.02", "64.02.08"]
    assert frame["name"].tolist() == ["Muara Muntai", "Loa Kulu", "Kota Bangun"]
    assert frame["numerator"].tolist() == [90.0, 950.0, 20.0]
    assert list(frame.columns) == kw.BASE_COLUMNS


def test_regency_totals_are_sums_over_kecamatan_never_averages_of_percentages():
    scen = Scenario(targets={"ktp_el": 95.0}, months=0, scope="64.02", kecamatan_of="64.02")
    result = evaluated(THREE, scen)
    facts = model.scope_facts(result, scen, "ktp_el", None, "64.02", "Kutai Kartanegara", PERIOD)
    assert facts.numerator == 1060 and facts.denominator == 1110
    assert facts.percent == pytest.approx(100 * 1060 / 1110)  # 95.5 %, not 128.3 %
    assert facts.percent != pytest.approx(np.mean([90.0, 95.0, 200.0]))
    assert facts.gap == 0  # the regency as a whole meets 95 % ...
    tot = model.totals(result)
    # ... while the gaps are summed per kecamatan: Muara Muntai is 5 people short
    assert (tot.regions, tot.with_data, tot.meeting_base, tot.gap_base) == (3, 3, 2, 5)


@pytest.mark.parametrize(
    "registry_scope, percent, expected_scope",
    [("64.02", 95.0, "regency"), ("64", 97.0, "province"), ("64.02.01", 80.0, "kecamatan")],
)
def test_a_kecamatan_inherits_its_regency_target_and_keeps_it_under_a_new_national_one(
        registry_scope, percent, expected_scope):
    registry = pd.DataFrame({"indicator": ["ktp_el", "ktp_el"], "year": [2025, 2025],
                             "scope": ["national", registry_scope],
                             "target_percent": [99.0, percent], "source": ["x", "y"]})
    found = kw.baselines(THREE, KECAMATAN, registry, ["ktp_el"], "64.02")
    assert found is not None
    base = found[1]["ktp_el"].set_index("code")
    assert base.loc["64.02.01", "target"] == percent
    assert base.loc["64.02.01", "target_scope"] == expected_scope
    scen = Scenario(targets={"ktp_el": 99.9}, kecamatan_of="64.02", scope="64.02")
    targets = model.scenario_targets(found[1]["ktp_el"], 99.9)
    assert targets[0] == percent  # the national slider does not move a narrower target
    override = model.evaluate(found[1]["ktp_el"], Scenario(
        **{**scen.__dict__, "overrides": {"ktp_el": 50.0}}), "ktp_el")
    assert override["scenario_target"].tolist() == [50.0, 50.0, 50.0]  # the regency's own


def test_a_partial_regency_is_said_to_be_partial_and_nothing_is_invented():
    table = rows(("64.02.01", 90, 100), ("64.02.02", None, None))  # Loa Kulu: percent only
    result = evaluated(table, Scenario(targets={"ktp_el": 95.0}, kecamatan_of="64.02"))
    assert kw.reach(result) == kw.Reach(total=3, counted=1) and kw.reach(result).partial
    by_code = result.set_index("code")
    assert by_code.loc["64.02.02", "without_counts"]
    assert not by_code.loc["64.02.08", "without_counts"]  # no row at all
    assert by_code.loc[["64.02.02", "64.02.08"], "category"].tolist() == ["no_data", "no_data"]
    assert model.totals(result).without_counts == 1
    text = report.kecamatan_sum_text(kw.reach(result), "Kabupaten Kutai Kartanegara", "id")
    assert "1 dari 3" in text and "sebagian" in text


@pytest.mark.parametrize(
    "picked, capacity, expected",
    [
        ((), {}, [100, 100, 100]),
        (("64.02.02",), {}, [0, 100, 0]),
        (("64.02",), {}, [100, 100, 100]),  # the regency covers its kecamatan
        (("64.74",), {}, [0, 0, 0]),  # another regency covers none of them
        (("64",), {"64.02.08": 7.0}, [100, 100, 7]),
    ],
)
def test_outreach_and_capacity_per_kecamatan(picked, capacity, expected):
    found = kw.baselines(THREE, KECAMATAN, REGISTRY, ["ktp_el"], "64.02")
    assert found is not None
    got = model.outreach_per_region(found[1]["ktp_el"], 100, picked, capacity)
    assert got.tolist() == expected


CODE = st.sampled_from(["64", "65", "64.02", "64.74", "64.02.01", "64.02.02", "64.74.01",
                        "64.0", "6", "64.02.0"])


@settings(max_examples=80, deadline=None)
@given(st.lists(CODE, min_size=1, max_size=8), st.lists(CODE, max_size=4))
def test_a_place_holds_itself_and_what_lies_inside_it(codes, places):
    got = model.within(pd.Series(codes), places).tolist()
    # inside = the place's parts are the first parts of the code (never a shared digit prefix)
    assert got == [any(c.split(".")[:len(p.split("."))] == p.split(".") for p in places)
                   for c in codes]


def test_goal_seek_per_kecamatan_is_what_the_model_needs():
    history = pd.concat([rows(("64.02.01", 80, 100, "ktp_el", "2024-12-31")), THREE])
    scen = Scenario(targets={"ktp_el": 99.0}, months=6, kecamatan_of="64.02", scope="64.02")
    result = evaluated(THREE, scen)
    past = goal_seek.history(history[history["code"].str.startswith("64.02.")], "ktp_el",
                             PERIOD)
    table = goal_seek.goal_table(result, past, scen.months, scen.growth).set_index("code")
    needed = table["needed"].dropna()
    # the regency target (95 %) stays under a national 99 %: Muara Muntai is 5 short, ⌈5 ÷ 6⌉
    assert needed.to_dict() == {"64.02.01": 1.0, "64.02.02": 0.0, "64.02.08": 0.0}
    assert table.loc["64.02.01", "pace"] == pytest.approx(10 / 6)
    capacity = tuple(("ktp_el", code, float(v)) for code, v in needed.items())
    again = evaluated(THREE, Scenario(**{**scen.__dict__, "capacity": capacity}))
    assert again["meets_end"].tolist() == [True, True, True]


def test_regencies_with_kecamatan_data_and_their_latest_period():
    table = pd.concat([THREE, rows(("33.14.01", None, None)),
                       rows(("64.74.02", 5, 10, "kia", "2025-12-31"))])
    assert kw.regencies_with_data(table, KECAMATAN) == ["64.02", "64.74"]
    assert kw.latest_period(table, "64.74") == "2025-12-31"
    assert kw.latest_period(table, "33.14") is None
    assert kw.baselines(table, KECAMATAN, REGISTRY, ["ktp_el"], "33.14") is None


# --- the scenario remembers its level ---------------------------------------------------------


KNOWN = {"64", "64.02", "64.74", "33.14", "64.02.01", "64.02.02", "64.02.08"}


def test_the_level_survives_link_and_saved_file_and_old_files_open_as_before():
    scen = Scenario(targets={"ktp_el": 95.0}, months=6, scope="64.02", kecamatan_of="64.02",
                    outreach_regions=("64.02.01",), capacity=(("ktp_el", "64.02.08", 50.0),))
    query = choices.to_query(scen)
    assert query["k"] == "64.02" and query["c"] == "ktp_el~64.02.08~50"
    assert choices.from_query(query, BASE, IDS, KNOWN) == scen
    saved = json.loads(json.dumps(choices.to_dict(scen)))
    assert choices.from_dict(saved, BASE, IDS, KNOWN) == scen
    assert scen.key() != Scenario(**{**scen.__dict__, "kecamatan_of": None}).key()
    old = {k: v for k, v in saved.items() if k != "kecamatan_of"}
    old["scope"] = "64"
    opened = choices.from_dict(old, BASE, IDS, KNOWN)
    assert opened.kecamatan_of is None and opened.scope == "64"
    assert choices.widget_values(scen, IDS, lambda *a: 99.0)["whatif_kecamatan_of"] == "64.02"


@pytest.mark.parametrize("value", ["64", "64.02.01", "99.99", "", "64.02,64.74", "x"])
def test_only_a_known_regency_can_be_planned_per_kecamatan(value):
    read = choices.from_query({"k": value}, BASE, IDS, KNOWN).kecamatan_of
    assert read == ("64.02" if value == "64.02,64.74" else None)


def test_planning_a_regency_makes_it_the_scope_and_drops_another_scopes_override():
    data = {"kecamatan_of": "64.02", "scope": "33.14", "overrides": {"ktp_el": 90.0}}
    scen = choices.from_dict(data, BASE, IDS, KNOWN)
    assert (scen.scope, scen.overrides) == ("64.02", {})
    data["scope"] = "64.02"
    assert choices.from_dict(data, BASE, IDS, KNOWN).overrides == {"ktp_el": 90.0}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_level_in_a_link_reads_as_a_known_regency_or_none(text):
    read = choices.from_query({"k": text}, BASE, IDS, KNOWN).kecamatan_of
    assert read is None or (read in KNOWN and choices.REGENCY.fullmatch(read))


# --- capacity per kecamatan: the sheet --------------------------------------------------------


def csv_bytes(lines: list[str]) -> bytes:
    return ("\n".join(["Kode;Nama;Indikator;Per bulan", *lines])).encode()


@pytest.mark.parametrize(
    "line, within, entry, refusal",
    [
        ("64.02.02;Loa Kulu;ktp_el;300", None, ("ktp_el", "64.02.02", 300.0), None),
        ("640202;;kia;5", None, ("kia", "64.02.02", 5.0), None),
        ("64.02.02;Kec. LOA KULU;ktp_el;1", None, ("ktp_el", "64.02.02", 1.0), None),
        ("64.02.02;Kutai Kartanegara;ktp_el;1", None, ("ktp_el", "64.02.02", 1.0), None),
        ("64.02.02;Kota Bangun;ktp_el;1", None, None, "kec_wi_cap_name_disagree"),
        ("64.02.02;Kota Bontang;ktp_el;1", None, None, "kec_wi_cap_name_disagree"),
        ("64.02.99;;ktp_el;1", None, None, "kec_wi_cap_unknown_code"),
        # names repeat across regencies: a name alone only within the planned regency
        (";Kota Bangun;ktp_el;4", "64.02", ("ktp_el", "64.02.08", 4.0), None),
        (";Kota Bangun;ktp_el;4", "64.74", ("ktp_el", "64.74.01", 4.0), None),
        (";Kecamatan Loa Kulu;ktp_el;4", "64.74", None, "kec_wi_cap_name_unknown"),
        (";Kecamatan Loa Kulu;ktp_el;4", None, None, "kec_wi_cap_name_unknown"),
        (";Sragen;ktp_el;4", "33.14", None, "kec_wi_cap_ambiguous"),
        (";Kecamatan Sragen;ktp_el;4", "33.14", ("ktp_el", "33.14.01", 4.0), None),
        (";Kota Bontang;ktp_el;4", "64.02", ("ktp_el", "64.74", 4.0), None),  # a regency
        ("64.74;Kota Bontang;ktp_el;4", "64.02", ("ktp_el", "64.74", 4.0), None),
    ],
)
def test_sheet_rows_naming_kecamatan(regions, line, within, entry, refusal):
    read = sheet.read_capacity(csv_bytes([line]), regions, DEFS, kecamatan=KECAMATAN,
                               within=within)
    assert read.entries == ((entry,) if entry else ())
    assert [r.key for r in read.refused] == ([refusal] if refusal else [])
    if refusal:
        assert "kec_wi_" not in t(refusal, "id", **read.refused[0].params)


def test_without_the_reference_a_kecamatan_code_is_refused_as_before(regions):
    read = sheet.read_capacity(csv_bytes(["64.02.02;Loa Kulu;ktp_el;300"]), regions, DEFS)
    assert read.entries == () and [r.key for r in read.refused] == ["capacity.bad_code"]


def test_the_capacity_table_shows_one_level_and_keeps_the_other():
    entries = (("kia", "64.74", 3.0), ("ktp_el", "64.02.01", 5.0))
    shown, kept = sheet.split_entries(entries, {"64.02.01", "64.02.02"})
    assert (shown, kept) == ((("ktp_el", "64.02.01", 5.0),), (("kia", "64.74", 3.0),))
    assert sheet.merged(kept, (("ktp_el", "64.02.01", 9.0),)) == (
        ("kia", "64.74", 3.0), ("ktp_el", "64.02.01", 9.0))


# --- words and the map ------------------------------------------------------------------------


def test_the_kecamatan_table_lists_every_kecamatan_neediest_first_and_no_data_last():
    table = rows(("64.02.01", 90, 100), ("64.02.08", 20, 10))
    result = evaluated(table, Scenario(targets={"ktp_el": 95.0}, kecamatan_of="64.02"))
    shown = report.kecamatan_table(result, PERIOD, "id")
    assert shown["Kecamatan"].tolist() == ["Muara Muntai", "Kota Bangun", "Loa Kulu"]
    assert shown[t("whatif.col.change", "id")].tolist()[-1] == t("whatif.cat.no_data", "id")
    assert shown[t("kec_wi_col_outreach", "id")].tolist() == ["0", "0", "–"]


def test_the_csv_names_the_kecamatan_and_its_regency():
    scen = Scenario(targets={"ktp_el": 95.0}, kecamatan_of="64.02")
    frame = report.export_frame({"ktp_el": evaluated(THREE, scen)}, PERIOD, "en")
    out = report.kecamatan_csv(frame, "Kabupaten Kutai Kartanegara", "en")
    assert list(out.columns)[1:4] == ["code", "kecamatan", "regency"]
    assert set(out["regency"]) == {"Kabupaten Kutai Kartanegara"}
    assert out["kecamatan"].tolist() == ["Muara Muntai", "Loa Kulu", "Kota Bangun"]


def test_the_kecamatan_map_colours_kecamatan_and_outlines_the_regency():
    spec = charts.change_map_template("x/kecamatan/64.02.topo.json",
                                      report.change_map_texts("id"), level="kecamatan")
    filters = [step["filter"] for layer in spec["layer"] for step in layer.get("transform", [])
               if "filter" in step]
    assert filters == ["length(datum.properties.code) > 5", "length(datum.properties.code) == 5"]
    result = evaluated(THREE, Scenario(targets={"ktp_el": 95.0}, kecamatan_of="64.02"))
    assert charts.map_rows(result)["id"].tolist() == [640201, 640202, 640208]
    # the map's key drops every dot, as map_rows does (a plain '.' pattern drops only one)
    assert charts.CODE_KEY in json.dumps(spec) and "'g'" in charts.CODE_KEY
    national = charts.change_map_template("x/national.topo.json", report.change_map_texts("id"))
    assert "length(datum.properties.code) > 2" in json.dumps(national)


def test_summary_says_the_level():
    scen = Scenario(targets={"ktp_el": 95.0}, outreach=50, months=6, kecamatan_of="64.02")
    result = evaluated(THREE, scen)
    page = report.summary_page({"ktp_el": result}, scen, {"ktp_el": model.totals(result)},
                               {"ktp_el": DEFS["ktp_el"]}, PERIOD, "Desember 2025",
                               {"64.02": "Kabupaten Kutai Kartanegara"}, True, "id")
    assert "kecamatan di Kabupaten Kutai Kartanegara" in page
    assert "per kecamatan (Semua kecamatan)" in page


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


def table_rows(at, first: str) -> list[list[str]]:
    """Body rows of the Markdown table whose first header is ``first``."""
    (found,) = [m.value for m in at.markdown if m.value.startswith(f"| {first} |")]
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in found.splitlines()[2:]]


def test_choosing_kutai_kartanegara_shows_its_20_kecamatan(built, store):
    from utils.geo import cache_record
    from utils.metrics.regions import kecamatan_of, read_kecamatan

    reference = kecamatan_of(read_kecamatan(cache_record.cache_dir() / "kecamatan.csv"), "64.02")
    at = run_page("pages/whatif.py")
    level = at.selectbox(key="whatif_kecamatan_of")
    assert "Kecamatan di Kabupaten Kutai Kartanegara" in level.options
    level.set_value("64.02").run()
    assert not at.exception
    assert at.query_params["k"] == "64.02"
    body = table_rows(at, "Kecamatan")
    assert len(body) == 20 and sorted(r[0] for r in body) == sorted(reference["name"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Memenuhi sekarang"].endswith("dari 20")
    captions = " ".join(c.value for c in at.caption)
    assert "jumlah dari 20 kecamatannya" in captions
    # the regency's gap is the sum of its kecamatan's own gaps
    gaps = sum(int(r[4].replace(".", "")) for r in body if r[4] != "–")
    assert int(metrics["Kekurangan (jiwa)"].replace(".", "")) == gaps
    # outreach per kecamatan: one kecamatan picked, only it gains
    at.select_slider(key="whatif_outreach").set_value(500).run()
    at.multiselect(key="whatif_outreach_regions").select("64.02.06").run()
    body = {r[0]: r for r in table_rows(at, "Kecamatan")}
    assert body["Tenggarong"][5] == "500" and body["Loa Kulu"][5] == "0"
    # back to Indonesia: the regency table as before, the kecamatan pick dropped
    at.selectbox(key="whatif_kecamatan_of").set_value("").run()
    assert not at.exception and "k" not in at.query_params
    assert at.multiselect(key="whatif_outreach_regions").value == []
    assert not [m for m in at.markdown if m.value.startswith("| Kecamatan |")]


def test_a_link_with_kecamatan_capacity_and_a_saved_scenario_keep_the_level(built, store):
    at = run_page("pages/whatif.py", k="64.02", c="ktp_el~64.02.02~777", m="6")
    body = {r[0]: r for r in table_rows(at, "Kecamatan")}
    assert body["Loa Kulu"][5] == "777"
    at.text_input(key="whatif_save_name").input("Jemput bola Kukar").run()
    at.button(key="whatif_save").click().run()
    (saved,) = list((store / "scenarios").glob("*/v0001.json"))
    record = json.loads(saved.read_text())["scenario"]
    assert record["kecamatan_of"] == "64.02" and record["scope"] == "64.02"
    fresh = run_page("pages/whatif.py")
    assert fresh.selectbox(key="whatif_kecamatan_of").value == ""
    fresh.button(key="whatif_open_button").click().run()
    assert not fresh.exception
    assert fresh.selectbox(key="whatif_kecamatan_of").value == "64.02"
    assert {r[0]: r for r in table_rows(fresh, "Kecamatan")}["Loa Kulu"][5] == "777"


def test_a_regency_without_kecamatan_data_falls_back_to_indonesia(built, store):
    at = run_page("pages/whatif.py", "en", k="65.01")
    assert at.selectbox(key="whatif_kecamatan_of").value == ""
    assert any("no kecamatan data for" in c.value for c in at.caption)
    assert not [m for m in at.markdown if m.value.startswith("| Kecamatan |")]
    assert at.metric[0].value.endswith("of 514")


def test_the_downloads_hold_every_kecamatan_with_its_regency(built, store, made):
    at = run_page("pages/whatif.py", k="64.02")
    goal = [d.value for d in at.dataframe if "Kecamatan" in d.value.columns]
    assert len(goal) == 1 and len(goal[0]) == 20

    def read(name: str) -> pd.DataFrame:  # Indonesian Excel CSV: semicolons, a BOM
        return pd.read_csv(io.BytesIO(made[name]), sep=";", dtype=str, encoding="utf-8-sig")

    results = read("simulasi-64.02-2025-06-30.csv")
    needs = read("kebutuhan-64.02-2025-06-30.csv")
    for table in (results, needs):
        assert len(table) == 20 * len(DEFS)
        assert set(table["kabupaten_kota"]) == {"Kabupaten Kutai Kartanegara"}
        assert table["kode"].str.fullmatch(r"64\.02\.\d{2}").all()
        assert table["kecamatan"].nunique() == 20


def test_side_by_side_and_comparison_stay_within_the_level(built, store):
    national = run_page("pages/whatif.py", o="300", m="6")
    national.text_input(key="whatif_save_name").input("Nasional").run()
    national.button(key="whatif_save").click().run()
    at = run_page("pages/whatif.py", k="64.02", o="300", m="6")
    at.text_input(key="whatif_save_name").input("Kukar").run()
    at.button(key="whatif_save").click().run()
    side = at.multiselect(key="whatif_side_pick")
    assert side.options == ["Sekarang (target berlaku)", "Skenario ini (penggeser sekarang)",
                            "Kukar"]  # the national scenario is another level
    side.select("_baseline").select("_current").run()
    assert not at.exception
    (found,) = [d.value for d in at.dataframe if "Kecamatan" in d.value.columns
                and "Kabupaten/Kota" in d.value.columns]
    assert set(found["Kabupaten/Kota"]) == {"Kabupaten Kutai Kartanegara"}
    assert 0 < len(found) <= 20
    slugs = {p.parent.name: json.loads(p.read_text())["name"]
             for p in (store / "scenarios").glob("*/v0001.json")}
    at.multiselect(key="whatif_compare").select(
        next(s for s, n in slugs.items() if n == "Nasional")).run()
    table = next(d.value for d in at.dataframe if "Nasional" in d.value.columns)
    assert list(table.columns)[1:] == [
        "Sekarang (target berlaku) (Kecamatan di Kabupaten Kutai Kartanegara)",
        "Skenario ini (Kecamatan di Kabupaten Kutai Kartanegara)", "Nasional"]
    meeting = table[table["Angka"].str.endswith("memenuhi target")].iloc[0]
    assert meeting.iloc[2].endswith("/ 20") and meeting.iloc[3].endswith("/ 514")


MAP = '[data-testid="stVegaLiteChart"]:has(.layer_0_marks path[aria-roledescription="geoshape"])'
FILL = "(paths) => paths.map(p => p.getAttribute('fill'))"


def test_the_kecamatan_map_in_chromium_colours_every_kecamatan(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{server}/simulasi?k=64.02&t_ktp_el=99.4&m=6&o=0&g=0&i=ktp_el")
    shapes = page.locator(MAP).first.locator(".layer_0_marks path")
    expect(shapes).to_have_count(20, timeout=90000)  # one shape per kecamatan
    fills = shapes.evaluate_all(FILL)
    # demo data: every kecamatan has data, so none is grey (the lookup by code works)
    assert charts.NO_DATA_COLOUR.lower() not in {f.lower() for f in fills}
    assert {charts.CATEGORY_COLOURS["still_below"], charts.CATEGORY_COLOURS["still_meeting"]} \
        == set(fills)
    page.close()
