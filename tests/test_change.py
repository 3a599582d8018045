"""Change since each region's previous period: the maths, the map, the link, the page,
and the sparklines of the region lists (#20 item 5)."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from page_support import run_page
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from utils.charts import change_map, trend
from utils.metrics import change, coverage, map_view
from utils.report import deck as slides

P1, P2, P3 = "2024-06-30", "2024-12-31", "2025-06-30"


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Coverage rows ``(period, code, numerator, denominator)`` of one indicator."""
    out = pd.DataFrame(rows, columns=["period", "code", "numerator", "denominator"])
    return out.assign(indicator="kia", is_demo=False)


def row(table: pd.DataFrame, code: str) -> dict:
    return table.set_index("code").loc[code].to_dict()


@pytest.fixture(scope="module")
def kaltim(regions) -> list[str]:
    """East Kalimantan's regency codes in the reference (ten of them)."""
    codes = list(regions.loc[regions["province_code"] == "64", "code"])
    return [c for c in codes if c != "64"]


# --- the maths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "state", "previous", "points"), [
    ([(P2, "64.01", 80, 100), (P3, "64.01", 85, 100)], change.CHANGE, P2, 5.0),
    ([(P2, "64.01", 85, 100), (P3, "64.01", 80, 100)], change.CHANGE, P2, -5.0),
    ([(P2, "64.01", 80, 100), (P3, "64.01", 160, 200)], change.CHANGE, P2, 0.0),  # 0 is a number
    ([(P3, "64.01", 80, 100)], change.NO_EARLIER, None, None),  # never shown as 0
    ([(P2, "64.01", 80, 100)], change.NO_DATA, None, None),
    # missing from the last release: compared with its own previous figure
    ([(P1, "64.01", 70, 100), (P3, "64.01", 80, 100)], change.CHANGE, P1, 10.0),
    ([(P1, "64.01", 70, 100), (P2, "64.02", 1, 2), (P3, "64.01", 80, 100)], change.CHANGE, P1, 10),
    # a later period is never "previous"
    ([(P3, "64.01", 80, 100), ("2025-12-31", "64.01", 90, 100)], change.NO_EARLIER, None, None),
    # the counts that cannot give a figure are no figure (zero denominator)
    ([(P2, "64.01", 5, 0), (P3, "64.01", 80, 100)], change.NO_EARLIER, None, None),
])
def test_a_regency_is_compared_with_its_own_previous_figure(regions, rows, state, previous,
                                                            points):
    out = change.change_table(frame(rows), regions, "kia", P3, "regency", "64")
    mine = row(out, "64.01")
    assert mine["state"] == state
    assert (mine["previous"] if pd.notna(mine["previous"]) else None) == previous
    if points is None:
        assert pd.isna(mine["change"])
    else:
        assert mine["change"] == pytest.approx(points)
    assert len(out) == 10 and set(out["code"]) == set(row_codes(regions, "64"))


def row_codes(regions: pd.DataFrame, province: str) -> list[str]:
    return list(regions.loc[(regions["province_code"] == province)
                            & (regions["code"] != province), "code"])


def test_a_province_is_sums_over_sums_not_a_mean_of_percents(regions, kaltim):
    big, small = kaltim[0], kaltim[1]
    rows = [(P2, big, 500, 1000), (P2, small, 5, 10), (P3, big, 600, 1000), (P3, small, 10, 10)]
    out = change.change_table(frame(rows), regions, "kia", P3, "province")
    kt = row(out, "64")
    before, now = 100 * 505 / 1010, 100 * 610 / 1010
    assert kt["percent_before"] == pytest.approx(before)
    assert kt["percent"] == pytest.approx(now)
    assert kt["change"] == pytest.approx(now - before)  # 10,40 points, not the mean change (30)
    assert (kt["numerator"], kt["denominator"]) == (610, 1010)
    assert row(out, "11")["state"] == change.NO_DATA
    assert len(out) == 38


def test_a_province_figure_of_other_regencies_is_no_comparison(regions, kaltim):
    a, b, c = kaltim[:3]
    rows = [(P1, a, 50, 100), (P1, b, 50, 100),  # same regencies as now: comparable
            (P2, a, 60, 100), (P2, b, 60, 100), (P2, c, 10, 100),  # one more: not comparable
            (P3, a, 70, 100), (P3, b, 70, 100)]
    out = change.change_table(frame(rows), regions, "kia", P3, "province")
    kt = row(out, "64")
    assert (kt["state"], kt["previous"], kt["change"]) == (change.CHANGE, P1, pytest.approx(20))
    alone = change.change_table(frame(rows[2:]), regions, "kia", P3, "province")
    kt = row(alone, "64")
    assert (kt["state"], kt["note"]) == (change.NO_EARLIER, change.OTHER_MEMBERS)
    assert pd.isna(kt["change"])


def test_rows_come_largest_gain_first_then_no_earlier_then_no_data(regions, kaltim):
    rows = [(P2, kaltim[0], 50, 100), (P3, kaltim[0], 40, 100), (P2, kaltim[1], 50, 100),
            (P3, kaltim[1], 60, 100), (P3, kaltim[2], 60, 100)]
    out = change.change_table(frame(rows), regions, "kia", P3, "regency", "64")
    assert list(out["code"][:3]) == [kaltim[1], kaltim[0], kaltim[2]]
    assert list(out["state"][:4]) == [change.CHANGE, change.CHANGE, change.NO_EARLIER,
                                      change.NO_DATA]


counts = st.integers(min_value=0, max_value=2_000_000)
positive = st.integers(min_value=1, max_value=2_000_000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, positive, counts, positive), min_size=1, max_size=5))
def test_province_change_is_the_difference_of_summed_figures(regions, kaltim, pairs):
    rows = [r for (n1, d1, n2, d2), code in zip(pairs, kaltim, strict=False)
            for r in ((P2, code, n1, d1), (P3, code, n2, d2))]
    out = row(change.change_table(frame(rows), regions, "kia", P3, "province"), "64")
    used = pairs[:len(kaltim)]
    before = coverage.percent(float(sum(p[0] for p in used)), float(sum(p[1] for p in used)))
    now = coverage.percent(float(sum(p[2] for p in used)), float(sum(p[3] for p in used)))
    assert out["change"] == pytest.approx(now - before)
    shown = round(out["change"], 2)
    slot = int(change_map.slots(pd.Series([out["change"]]), pd.Series([out["state"]]))[0])
    assert (slot < 4) == (shown < 0) and (slot == 4) == (shown == 0) and (slot > 4) == (shown > 0)


@given(st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=2))
def test_classes_are_ordered_and_centred_on_zero(values):
    classes = change_map.classify(pd.Series(sorted(values))).tolist()
    assert classes == sorted(classes)
    for value, cls in zip(sorted(values), classes, strict=True):
        assert (cls == 4) == (round(value, 2) == 0)


@pytest.mark.parametrize(("value", "cls"), [(0.005, 5), (-0.005, 3), (0.0049, 4), (-0.0049, 4)])
def test_a_half_hundredth_is_coloured_as_printed(value, cls):
    """The colour follows the printed two decimals (0.005 prints +0,01: a rise)."""
    assert int(change_map.classify(pd.Series([value]))[0]) == cls


def test_no_earlier_figure_and_no_data_have_colours_of_their_own():
    slots = change_map.slots(pd.Series([0.0, None, None]),
                             pd.Series([change.CHANGE, change.NO_EARLIER, change.NO_DATA]))
    colours = [change_map.PALETTE[s] for s in slots]
    assert len(set(colours)) == 3 and colours[2] == "#bdbdbd"


@pytest.mark.parametrize(("value", "lang", "text"), [
    (0.4246, "id", "+0,42 poin persen"), (-1.2, "en", "−1.20 percentage points"),
    (-0.004, "id", "0,00 poin persen"), (12.0, "en", "+12.00 percentage points"),
    (0.005, "id", "+0,01 poin persen"),
])
def test_points_are_signed_as_the_colour_was_chosen(value, lang, text):
    assert change_map.points_text(value, lang) == text


@pytest.mark.parametrize(("previous", "lang", "title"), [
    ([P2, P2], "id", "Perubahan cakupan (poin persen) dari 31 Desember 2024 ke 30 Juni 2025"),
    ([P2, P1, P2], "en", "Change in coverage (percentage points) to 30 June 2025, against each "
                         "region's previous period (mostly 31 December 2024)"),
    ([None], "id", "Perubahan cakupan sampai 30 Juni 2025: belum ada periode sebelumnya untuk "
                   "dibandingkan"),
])
def test_the_legend_names_both_dates(previous, lang, title):
    assert change_map.legend_title(pd.DataFrame({"previous": previous}), P3, lang) == title


# --- the chart and the link ----------------------------------------------------------------


def test_the_change_map_uses_the_map_file_once_and_one_spec_for_every_period(regions):
    table = pd.read_csv("data/demo/coverage.csv", dtype={"code": str})
    labels = {k: k for k in ("region", "province", "now", "before", "change", "no_data")}
    specs = []
    for period in (P2, P3):
        rows = change_map.with_texts(
            change.change_table(table, regions, "kia", period, "province"), "–", "id")
        specs.append(change_map.change_map("geo/x.topo.json?v=1", rows, labels, "id",
                                           level="province", select="pilih", named=True))
    urls = re.findall(r"'url': '([^']+)'", str({k: v for k, v in specs[0].items()
                                                if k != "datasets"}))
    assert set(urls) == {"geo/x.topo.json?v=1"}
    assert {k: v for k, v in specs[0].items() if k != "datasets"} == {
        k: v for k, v in specs[1].items() if k != "datasets"}  # only the values change
    sent = specs[1]["datasets"][change_map.VALUES]
    assert len(sent) == 38 and sent["slot"].max() < change_map.NO_EARLIER_SLOT
    chart = change_map.change_map("geo/x.topo.json", rows, labels, "id", level="province")
    chart.to_dict()  # validates against the Vega-Lite schema


@pytest.mark.parametrize(("params", "view", "level"), [
    ({"tampil": "perubahan"}, "perubahan", "province"),
    ({"tampil": "perubahan", "lvl": "kab"}, "perubahan", "regency"),
    ({"tampil": "petak"}, "petak", "regency"),  # old links read as before
    ({"tampil": "peta"}, "peta", "province"),
    ({"tampil": "ubah"}, "peta", "province"),
])
def test_the_change_view_is_in_the_link(params, view, level):
    state = map_view.parse_state(params, ["kia"], [P3], ["64"])
    assert (state.view, state.regions_level) == (view, level)
    assert map_view.state_params(state).get("tampil") == (None if view == "peta" else view)


# --- the sparklines -------------------------------------------------------------------------


def test_sparklines_share_one_scale_and_sit_on_their_rows():
    out = trend.spark_rows([("A", ((P1, 90.0), (P2, 94.0))), ("B", ((P2, 50.0), (P3, 50.5))),
                            ("C", ())])
    a, b = out[out["name"] == "A"], out[out["name"] == "B"]
    assert list(a["y"]) == [pytest.approx(0.85), pytest.approx(0.15)]  # 4 points fill the row
    assert b["y"].max() - b["y"].min() == pytest.approx(0.7 * 0.5 / 4)  # 0.5 points: an eighth
    assert list(b["step"]) == [1, 2] and set(out["name"]) == {"A", "B"}
    trend.sparklines([("A", ((P1, 90.0), (P2, 94.0)))], "id", 200, 100).to_dict()


def test_a_slide_row_carries_its_own_comparable_history(regions, kaltim):
    rows = [(p, code, n, 100) for p, n in ((P1, 50), (P2, 55), (P3, 60)) for code in kaltim]
    table = frame(rows)
    slide = slides.Slide("below", "kia", "", "", rows=(slides.Row(
        regions.set_index("code").loc[kaltim[0], "name"], 60.0, 70.0, 10),
        slides.Row("Kabupaten Tidak Ada", 1.0, 70.0, 1)))
    out = slides.with_history(slide, table, regions, "64", P2)
    assert out.rows[0].history == ((P1, 50.0), (P2, 55.0))  # up to the slide's period
    assert out.rows[1].history == ()  # a name the scope does not hold: no one's history
    national = slides.with_history(replace_rows(slide, "Kalimantan Timur"), table, regions,
                                   None, P3)
    assert [p for p, _ in national.rows[0].history] == [P1, P2, P3]


def replace_rows(slide: slides.Slide, name: str) -> slides.Slide:
    from dataclasses import replace

    return replace(slide, rows=(slides.Row(name, 60.0, 70.0, 10),))


def test_demo_deck_rows_end_at_their_own_figure(regions):
    table = pd.read_csv("data/demo/coverage.csv", dtype={"code": str})
    from utils.metrics import indicators, targets

    deck = slides.deck(table, regions, targets.load_targets(), indicators.load_indicators(), P3,
                       None, "id")
    listed = [r for s in deck if s.kind == "below" for r in s.rows]
    assert listed and all(r.history[-1] == (P3, pytest.approx(r.percent)) for r in listed)


# --- the pages --------------------------------------------------------------------------------


def test_map_page_shows_the_change_and_its_counts(built):
    at = run_page("pages/map.py", tampil="perubahan", ind="kia")
    assert at.query_params["tampil"] == "perubahan"
    assert at.radio(key="map_view").value == "perubahan"
    captions = [c.value for c in at.caption]
    assert "Dari 38 wilayah: 38 naik, 0 turun, 0 tetap; 0 tanpa data pembanding sebelumnya, " \
           "0 tanpa data." in captions
    assert any(c.startswith("Perubahan dihitung") for c in captions)
    assert any(s.value == "Perubahan per wilayah" for s in at.subheader)


def test_map_page_first_period_has_no_earlier_figure(built):
    at = run_page("pages/map.py", "en", tampil="perubahan", wil="64", per="2023-06-30")
    assert "Of 10 regions: 0 up, 0 down, 0 unchanged; 10 without an earlier figure to " \
           "compare, 0 without data." in [c.value for c in at.caption]


def test_briefing_list_slide_draws_a_sparkline_beside_the_bars(built, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()
    at.query_params["slide"] = "5"  # below target: Perekaman KTP-el, 12 provinces listed
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    bars, lines = at.get("vega_lite_chart")
    drawn = pyarrow.ipc.open_stream(lines.proto.datasets[0].data.data).read_pandas()
    listed = pyarrow.ipc.open_stream(bars.proto.datasets[0].data.data).read_pandas()
    assert list(dict.fromkeys(drawn["name"])) == list(listed["name"])  # row for row
    assert drawn.groupby("name").size().min() == 5  # five periods each
    assert any("Garis: cakupan 30 Juni 2023 – 30 Juni 2025" in h.proto.body
               for h in at.get("html"))


def test_change_map_in_a_browser_fetches_the_map_once(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    maps: list[str] = []
    page.on("request", lambda r: maps.append(r.url) if ".topo.json" in r.url else None)
    page.goto(server + "/?tampil=perubahan&ind=kia")
    legend = page.locator(".st-key-map_legend")
    expect(legend).to_contain_text("dari 31 Desember 2024 ke 30 Juni 2025", timeout=60000)
    regions = page.locator(".st-key-map_chart g.mark-shape").first.locator("path")
    expect(regions).to_have_count(38, timeout=60000)
    page.locator(".st-key-map_period input[role=combobox]").click()
    page.get_by_role("option", name="30 Juni 2024").click()
    expect(legend).to_contain_text("dari 31 Desember 2023 ke 30 Juni 2024", timeout=60000)
    expect(regions).to_have_count(38, timeout=60000)
    assert len(maps) == 1, maps  # one download for both periods
    page.close()
