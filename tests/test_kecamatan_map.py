"""The map below the regency: Indonesia → province → regency → kecamatan.

Pure functions on a small hand-made kecamatan fixture (a regency whose kecamatan
share names with another regency's, a partial regency), the charts rendered by
``vl-convert`` (the lookup keys of kecamatan codes really match), the size of
what a change of indicator sends, and the page in AppTest: the URL round trip,
the breadcrumb, the "Lihat kecamatan di" select box and the partial wording.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from page_support import run_page
from streamlit.dataframe_util import convert_anything_to_arrow_bytes
from streamlit.testing.v1 import AppTest

from utils import demo
from utils.charts import choropleth as charts
from utils.charts import projector
from utils.geo import cache_record
from utils.ingest.store import Store
from utils.metrics import coverage, kecamatan, map_view
from utils.metrics.regions import read_kecamatan

PERIOD = "2025-06-30"
INDICATORS = ["ktp_el", "kia"]
PERIODS = ["2024-12-31", PERIOD]
PROVINCES = ["11", "64"]
REGENCIES = ["64.02", "64.74"]

# --- a small hand-made kecamatan fixture ------------------------------------------------------
# 64.02 has three kecamatan, 64.03 two; "Kota Bangun" is a kecamatan of both.
KECAMATAN = pd.DataFrame(
    [("64.02.01", "Loa Kulu", "64.02", "Kabupaten Kutai Kartanegara"),
     ("64.02.02", "Kota Bangun", "64.02", "Kabupaten Kutai Kartanegara"),
     ("64.02.03", "Tabang", "64.02", "Kabupaten Kutai Kartanegara"),
     ("64.03.01", "Kota Bangun", "64.03", "Kabupaten Berau"),
     ("64.03.02", "Tabang", "64.03", "Kabupaten Berau")],
    columns=["code", "name", "regency_code", "regency_name"],
).assign(kind="Kecamatan", province_code="64", province_name="Kalimantan Timur")
TARGETS = pd.DataFrame([
    {"indicator": "kia", "year": 2024, "scope": "national", "target_percent": 60.0, "source": "x"},
    {"indicator": "kia", "year": 2025, "scope": "64.02", "target_percent": 95.0, "source": "y"},
    {"indicator": "kia", "year": 2025, "scope": "64.02.03", "target_percent": 99.0,
     "source": "z"},
])


def _rows(values: dict[str, tuple[float, float]], indicator: str = "kia",
          period: str = PERIOD) -> pd.DataFrame:
    return pd.DataFrame([{"period": period, "code": c, "indicator": indicator, "numerator": n,
                          "denominator": d, "is_demo": False} for c, (n, d) in values.items()])


FIXTURE_ROWS = _rows({"64.02.01": (90, 100), "64.02.02": (50, 100),
                      "64.03.01": (99, 100), "64.03.02": (10, 100)})


@pytest.mark.parametrize(("params", "expected"), [
    ({"wil": "64.02"}, map_view.MapState("ktp_el", PERIOD, "64.02")),
    ({"wil": "64.02", "tampil": "perubahan", "ind": "kia"},
     map_view.MapState("kia", PERIOD, "64.02", view="perubahan")),
    ({"wil": "64.01"}, map_view.MapState("ktp_el", PERIOD)),  # no kecamatan data: not offered
    ({"wil": "64.02.01"}, map_view.MapState("ktp_el", PERIOD)),  # a kecamatan is not a scope
    ({"wil": "64.2"}, map_view.MapState("ktp_el", PERIOD)),
    ({"wil": "64"}, map_view.MapState("ktp_el", PERIOD, "64")),
])
def test_a_link_names_a_regency_with_kecamatan_data_or_falls_back(params, expected):
    assert map_view.parse_state(params, INDICATORS, PERIODS, PROVINCES, REGENCIES) == expected


@pytest.mark.parametrize(("scope", "level", "regency", "province"), [
    ("", "province", "", ""), ("64", "regency", "", "64"), ("64.02", "kecamatan", "64.02", "64"),
])
def test_the_state_knows_which_level_it_draws(scope, level, regency, province):
    for view in map_view.VIEWS:  # the tile grid never shows kecamatan as tiles
        state = map_view.MapState("kia", PERIOD, scope, view=view)
        if scope or view != "petak":
            assert state.regions_level == level
        assert (state.regency, state.province) == (regency, province)


@given(st.sampled_from(INDICATORS), st.sampled_from(PERIODS),
       st.sampled_from(["", *PROVINCES, *REGENCIES]), st.sampled_from(map_view.LEVELS),
       st.sampled_from(map_view.VIEWS))
def test_every_state_survives_its_link(indicator, period, scope, level, view):
    state = map_view.MapState(indicator, period, scope, level, view)
    params = map_view.state_params(state)
    assert map_view.parse_state(params, INDICATORS, PERIODS, PROVINCES, REGENCIES) == state


def test_a_regency_shows_only_its_own_kecamatan_even_where_names_repeat():
    state = map_view.MapState("kia", PERIOD, "64.02")
    out = map_view.kecamatan_table(FIXTURE_ROWS, KECAMATAN, TARGETS, state).set_index("code")
    assert list(out.index) == ["64.02.01", "64.02.02", "64.02.03"]  # by coverage, missing last
    assert out.loc["64.02.02", "name"] == "Kota Bangun"
    assert out.loc["64.02.02", "percent"] == pytest.approx(50.0)  # not Berau's 99 %
    assert pd.isna(out.loc["64.02.03", "percent"]) and pd.isna(out.loc["64.02.03", "rank_province"])
    assert list(out["rank_province"].iloc[:2]) == [1, 2] and set(out["of_province"]) == {2}
    assert "rank_national" not in out.columns  # a kecamatan is ranked within its regency only


def test_kecamatan_inherit_their_regencys_target_and_say_whose_it_is():
    state = map_view.MapState("kia", PERIOD, "64.02")
    out = map_view.kecamatan_table(FIXTURE_ROWS, KECAMATAN, TARGETS, state).set_index("code")
    assert out.loc["64.02.01", "target"] == 95.0 and out.loc["64.02.01", "target_scope"] == "64.02"
    assert out.loc["64.02.01", "gap"] == 5  # 95 % of 100 minus 90
    assert out.loc["64.02.03", "target_scope"] == "64.02.03"  # its own target wins
    berau = map_view.kecamatan_table(FIXTURE_ROWS, KECAMATAN, TARGETS,
                                     map_view.MapState("kia", PERIOD, "64.03")).set_index("code")
    assert set(berau["target_scope"]) == {"national"} and set(berau["target"]) == {60.0}
    frame = map_view.kecamatan_frame(out.reset_index())
    assert list(frame["status"]) == [map_view.BELOW, map_view.BELOW, map_view.NO_DATA]
    assert list(frame.columns) == ["rank", "code", "region", "percent", "numerator",
                                   "denominator", "target", "target_of", "status", "gap"]


@pytest.mark.parametrize(("indicator", "period", "province", "expected"), [
    (None, None, "", ["64.02", "64.03", "65.01"]),
    ("kia", PERIOD, "", ["64.02", "64.03"]),
    ("kia", PERIOD, "65", []),
    ("ktp_el", PERIOD, "", ["65.01"]),
    ("kia", "2024-12-31", "", []),
])
def test_regencies_with_kecamatan_data(indicator, period, province, expected):
    rows = pd.concat([FIXTURE_ROWS, _rows({"65.01.01": (1, 2)}, "ktp_el"),
                      _rows({"65.02.01": (float("nan"), float("nan"))}, "ktp_el")])
    assert map_view.regencies_with_kecamatan(rows, indicator, period, province) == expected


def test_rollup_marks_name_summed_and_partial_regencies():
    rows = _rows({"64.03.01": (99, 100), "64.03.02": (10, 100), "64.02.01": (90, 100)})
    summed = kecamatan.rollup(rows, KECAMATAN)
    regencies = pd.DataFrame({"code": ["64.02", "64.03", "64.01"]})
    marks = map_view.rollup_marks(regencies, summed.summed(), summed.partial, "kia", PERIOD)
    assert list(marks["summed"]) == [False, True, False]
    assert marks["present"].tolist()[0] == 1 and marks["total"].tolist()[0] == 3
    assert marks["present"].isna().tolist() == [False, True, True]
    other = map_view.rollup_marks(regencies, summed.summed(), summed.partial, "ktp_el", PERIOD)
    assert not other["summed"].any() and other["present"].isna().all()


# --- the charts ------------------------------------------------------------------------------


def _square(x: float) -> list[list[float]]:
    return [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]


TOPOLOGY = {"type": "Topology", "arcs": [_square(i) for i in range(3)], "objects": {
    cache_record.MAP_OBJECT: {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[i]], "properties": {"code": f"64.02.0{i + 1}", "name": n}}
        for i, n in enumerate(["Loa Kulu", "Kota Bangun", "Tabang"])]}}}
LABELS = {"legend": "Cakupan", "no_data": "Tanpa data", "region": "Kecamatan",
          "percent": "Cakupan (%)", "rank_province": "Peringkat di Kabupaten Kutai Kartanegara"}


def _svg_fills(spec: dict) -> list[str]:
    """Render a named spec (its frames as records, the map inline) and list the fills."""
    import vl_convert

    out = projector.export_spec(spec, 300, 100, topology=TOPOLOGY)
    out["datasets"] = {k: json.loads(v.to_json(orient="records")) for k, v in
                       spec["datasets"].items()}
    svg = vl_convert.vegalite_to_svg(out)
    return re.findall(r'<path[^>]*aria-roledescription="geoshape"[^>]*fill="(#[0-9a-f]{6})"',
                      svg) or re.findall(r'fill="(#[0-9a-f]{6})"[^>]*aria-roledescription="geo',
                                         svg)


def test_the_kecamatan_map_colours_each_kecamatan_by_its_own_code():
    """The browser's lookup key of ``64.02.01`` is 640201 (both dots removed): were
    it not, every kecamatan would be grey."""
    state = map_view.MapState("kia", PERIOD, "64.02")
    rows = map_view.kecamatan_table(FIXTURE_ROWS, KECAMATAN, TARGETS, state)
    spec = charts.choropleth("k.json", rows, 95.0, LABELS, level=charts.KECAMATAN, named=True,
                             legend=False)
    assert spec["datasets"][charts.REGIONS]["code"].dtype.name == "int32"
    fills = _svg_fills(spec)
    expected = [charts.PALETTE[s] for s in charts.slots(pd.Series([90.0, 50.0, None]), 95.0)]
    assert fills == expected  # Loa Kulu, Kota Bangun coloured; Tabang grey (no data)
    assert charts.NO_DATA_COLOUR == fills[2] != fills[0]


def test_regency_codes_still_match_their_map():
    values = pd.DataFrame({"code": ["64.01"], "percent": [50.0]})
    frame = charts.lookup_frame(values, 95.0)
    assert frame["code"].dtype.name == "int16" and frame["code"].tolist() == [6401]


def _wire_bytes(spec: dict) -> int:
    """What a change of indicator or period sends for one chart: its spec and frames."""
    frames = spec.get("datasets", {})
    skeleton = {k: v for k, v in spec.items() if k != "datasets"}
    return len(json.dumps(skeleton).encode()) + sum(
        len(convert_anything_to_arrow_bytes(f)) for f in frames.values())


def _urls(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["url"]] if "url" in node else []) + [u for v in node.values()
                                                           for u in _urls(v)]
    return [u for v in node for u in _urls(v)] if isinstance(node, list) else []


@pytest.mark.parametrize("regency", ["64.02", "95.03"])  # Kutai Kartanegara; the most (51)
def test_a_change_of_indicator_sends_at_most_20_kb_and_never_the_geometry(built, regency):
    reference = read_kecamatan(cache_record.cache_dir() / "kecamatan.csv")
    codes = reference.loc[reference["regency_code"] == regency, "code"]
    sent = []
    for seed, indicator in ((1, "kia"), (2, "ktp_el")):  # every kecamatan with data
        values = {c: (90_000 + 997 * i * seed, 91_000 + 13 * i) for i, c in enumerate(codes)}
        state = map_view.MapState(indicator, PERIOD, regency)
        rows = map_view.kecamatan_table(_rows(values, indicator), reference, TARGETS, state)
        rows = rows.assign(note="dihitung dari persentase (± 31 jiwa)")
        labels = {**LABELS, "numerator": "Pembilang (jiwa)", "denominator": "Penyebut (jiwa)",
                  "target": "Target (%)", "gap": "Kekurangan (jiwa)", "note": "Keterangan"}
        url = f"/component/geo/kecamatan/{regency}.topo.json?v=x"
        chart = charts.choropleth(url, rows, 95.0, labels, level=charts.KECAMATAN, named=True,
                                  legend=False)
        strip = charts.ranked_strip(None, rows, 95.0, labels, named=True)
        sent.append((chart, strip))
    (chart, strip), (again, strip_again) = sent
    assert len(chart["datasets"][charts.REGIONS]) == len(codes) > 0
    # measured: 64.02 (20) 7.5 KB map + 5.6 KB strip; 95.03 (51) 9.0 KB + 6.6 KB
    assert _wire_bytes(chart) <= 20_000 and _wire_bytes(strip) <= 20_000
    assert _urls(chart) == [url] and _urls(strip) == []  # the map file is fetched, not inlined
    assert "arcs" not in json.dumps({k: v for k, v in chart.items() if k != "datasets"})
    # the spec is the same: the browser swaps the values and keeps its map
    assert {k: v for k, v in chart.items() if k != "datasets"} == {
        k: v for k, v in again.items() if k != "datasets"}
    assert not chart["datasets"][charts.REGIONS].equals(again["datasets"][charts.REGIONS])
    assert {k: v for k, v in strip.items() if k != "datasets"} == {
        k: v for k, v in strip_again.items() if k != "datasets"}


def test_the_strip_of_kecamatan_carries_their_names_and_is_valid():
    state = map_view.MapState("kia", PERIOD, "64.02")
    rows = map_view.kecamatan_table(FIXTURE_ROWS, KECAMATAN, TARGETS, state)
    charts.ranked_strip(None, rows, 95.0, LABELS).to_dict()  # validates
    charts.choropleth("k.json", rows, 95.0, LABELS, level=charts.KECAMATAN).to_dict()
    frame = charts.ranked_strip(None, rows, 95.0, LABELS, named=True)["datasets"][charts.STRIP]
    assert list(frame["name"]) == ["Loa Kulu", "Kota Bangun"]  # no dot without data


def test_a_region_without_a_figure_can_say_why():
    values = pd.DataFrame({"code": ["64.02", "64.03"], "percent": [None, None],
                           charts.MISSING_TEXT: ["sebagian kecamatan (12 dari 20)", ""]})
    texts = charts.with_percent_text(values, 95.0, LABELS, "id")[charts.PERCENT_TEXT]
    assert list(texts) == ["sebagian kecamatan (12 dari 20)", "Tanpa data"]


# --- the page (AppTest) ----------------------------------------------------------------------


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "")


def specs(at: AppTest) -> str:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    parts = []
    for chart in at.get("vega_lite_chart"):
        parts.append(chart.proto.spec)
        for item in chart.proto.datasets:
            frame = convert_arrow_bytes_to_pandas_df(item.data.data)
            parts += [str(v) for column in frame.columns for v in frame[column].unique()]
    return "\n".join(parts)


@pytest.fixture
def demo_store(built, tmp_path, monkeypatch) -> Path:
    """An empty store: the pages show the demo data (kecamatan of four regencies)."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


def test_a_regency_link_opens_its_kecamatan_and_stays_in_the_url(demo_store):
    at = run_page("pages/map.py", wil="64.02", ind="kia")
    assert at.query_params["wil"] == "64.02" and at.query_params["ind"] == "kia"
    assert at.selectbox(key="map_scope").value == "64"
    assert at.selectbox(key="map_kec").value == "64.02"
    heading = at.subheader[0].value
    assert heading.startswith("Indonesia › Kalimantan Timur › Kepemilikan KIA — ")
    assert "Kabupaten Kutai Kartanegara (20 kecamatan)" in heading
    assert metrics(at)["Kecamatan berdata"] == "20 dari 20"
    table = at.dataframe[0].value
    rows = coverage.select(demo.read_demo(), "kia", PERIOD)
    rows = rows[rows["code"].str.startswith("64.02.")].set_index("code")
    assert sorted(table["code"]) == sorted(rows.index) and len(table) == 20
    shown = table.set_index("code")
    assert (shown["numerator"] == rows.loc[shown.index, "numerator"]).all()
    assert table["percent"].is_monotonic_decreasing and table["rank"].iloc[0] == 1
    assert not {"rank_national", "province"} & set(table.columns)  # never national figures
    assert "nasional" not in heading.lower()
    # the regency's own figure heads the page: its demo row
    own = coverage.select(demo.read_demo(), "kia", PERIOD).set_index("code").loc["64.02"]
    pct = 100 * own["numerator"] / own["denominator"]
    assert metrics(at)["Cakupan Kabupaten Kutai Kartanegara"] == f"{pct:.2f} %".replace(".", ",")


def test_the_geometry_is_one_file_per_regency_fetched_by_its_address(demo_store):
    at = run_page("pages/map.py", wil="64.02")
    (chart, _) = at.get("vega_lite_chart")  # the map, then the strip
    spec = json.loads(chart.proto.spec)
    assert [u.split("?")[0].rsplit("/", 2)[1:] for u in _urls(spec)] == [
        ["kecamatan", "64.02.topo.json"]]
    assert "arcs" not in chart.proto.spec  # never inline


def test_the_breadcrumb_leads_back_to_the_province_and_to_indonesia(demo_store):
    at = run_page("pages/map.py", wil="64.02")
    assert [b.label for b in at.button][:2] == ["Seluruh Indonesia", "Kalimantan Timur"]
    at.button(key="map_crumb_province").click().run()
    assert not at.exception
    assert at.query_params["wil"] == "64" and at.selectbox(key="map_kec").value == ""
    assert at.subheader[0].value.startswith("Indonesia › Perekaman KTP-el — Kalimantan Timur,")
    at.selectbox(key="map_kec").set_value("64.02").run()
    assert at.query_params["wil"] == "64.02"
    at.button(key="map_crumb_indonesia").click().run()
    assert "wil" not in at.query_params and at.selectbox(key="map_scope").value == ""


NONE = "— pilih kabupaten/kota —"


@pytest.mark.parametrize(("scope", "offered"), [
    ("64", [NONE, "Kabupaten Kutai Kartanegara", "Kota Bontang"]),
    ("33", [NONE, "Kabupaten Sragen"]),
    ("", [NONE, "Kabupaten Sragen (Jawa Tengah)", "Kabupaten Badung (Bali)",
          "Kabupaten Kutai Kartanegara (Kalimantan Timur)", "Kota Bontang (Kalimantan Timur)"]),
])
def test_the_select_box_lists_only_regencies_with_kecamatan_data(demo_store, scope, offered):
    at = run_page("pages/map.py", **({"wil": scope} if scope else {}))
    assert at.selectbox(key="map_kec").options == offered


def test_a_province_without_kecamatan_data_offers_none(demo_store):
    at = run_page("pages/map.py", wil="65")
    assert not [s for s in at.selectbox if s.key == "map_kec"]
    assert "kecamatan" not in captions(at)


def test_picking_a_regency_from_all_indonesia_opens_it_in_its_province(demo_store):
    at = run_page("pages/map.py")
    at.selectbox(key="map_kec").set_value("51.03").run()
    assert not at.exception
    assert at.query_params["wil"] == "51.03" and at.selectbox(key="map_scope").value == "51"
    assert "Kabupaten Badung (6 kecamatan)" in at.subheader[0].value
    at.selectbox(key="map_scope").set_value("64").run()  # another province: its regencies
    assert at.query_params["wil"] == "64" and at.selectbox(key="map_kec").value == ""


def test_tiles_fall_back_to_the_map_and_the_change_view_works_at_kecamatan(demo_store):
    at = run_page("pages/map.py", wil="64.74", tampil="petak")
    assert "Petak sama besar hanya untuk kabupaten/kota" in captions(at)
    assert len(at.get("vega_lite_chart")) == 2  # the choropleth and the strip
    at = run_page("pages/map.py", wil="64.74", tampil="perubahan")
    assert "Dari 3 wilayah: 3 naik" in captions(at)  # the demo rises every period
    change = at.get("vega_lite_chart")[0]
    assert charts.level_test(charts.KECAMATAN) in change.proto.spec
    assert "kecamatan/64.74.topo.json" in change.proto.spec  # the coverage map's own file


def test_the_download_keeps_the_codes_and_the_demo_label(demo_store, made):
    run_page("pages/map.py", wil="64.74")
    (name,) = [n for n in made if n.endswith(".csv")]
    assert name == f"capaian_ktp_el_{PERIOD}_64.74_kecamatan.csv"
    frame = pd.read_csv(io.BytesIO(made[name]), dtype=str, sep=None, engine="python")
    assert sorted(frame["Kode"]) == ["64.74.01", "64.74.02", "64.74.03"]
    assert set(frame.iloc[:, -1]) == {"Data contoh (bukan angka resmi)"}
    assert "Target dari" in frame.columns and "Status" in frame.columns


def test_english(demo_store):
    at = run_page("pages/map.py", "en", wil="64.02")
    assert "Kabupaten Kutai Kartanegara (20 kecamatan)" in at.subheader[0].value
    assert metrics(at)["Kecamatan with data"] == "20 of 20"
    assert "Each kecamatan follows the target in force" in captions(at)


# --- accepted kecamatan data: a partial regency, a summed one, a kecamatan without a shape ----

KUKAR = [f"64.02.{i:02d}" for i in range(1, 21)]
ACCEPTED = pd.concat([
    _rows({c: (900 + i, 1000) for i, c in enumerate(KUKAR[:12])}, "ktp_el"),  # 12 of 20
    _rows({"64.74.01": (100, 100), "64.74.02": (90, 100), "64.74.03": (80, 100)}, "ktp_el"),
    _rows({"76.03.10": (1, 1000)}, "ktp_el"),  # Tabang of Mamasa, not of Kutai Kartanegara
    _rows({"64.01": (200_000, 205_000)}, "ktp_el"),
])


@pytest.fixture
def accepted(built, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    Store(root).accept(ACCEPTED, source_name="kecamatan.csv", source_bytes=b"k", period=PERIOD)
    return root


def test_a_partial_regency_has_no_figure_and_says_how_many_kecamatan(accepted):
    at = run_page("pages/map.py", wil="64")
    assert "sebagian kecamatan (12 dari 20)" in specs(at)  # the tooltip, instead of "tanpa data"
    notes = captions(at)
    assert "Kabupaten Kutai Kartanegara — sebagian kecamatan (12 dari 20)" in notes
    assert "Kota Bontang — dijumlahkan dari kecamatan" in notes
    table = at.dataframe[0].value.set_index("region")
    assert pd.isna(table.loc["Kabupaten Kutai Kartanegara", "percent"])
    assert table.loc["Kota Bontang", "numerator"] == 270  # 100 + 90 + 80, all 3 kecamatan
    assert table.loc["Kota Bontang", "kecamatan_note"] == "dijumlahkan dari kecamatan"
    missing = [line for line in notes.splitlines() if line.startswith("Tanpa data: ")]
    assert not any("Kutai Kartanegara" in line for line in missing)  # said why, not "no data"


def test_the_partial_regencys_kecamatan_map(accepted):
    at = run_page("pages/map.py", wil="64.02")
    assert "Kabupaten Kutai Kartanegara (12 dari 20 kecamatan berdata)" in at.subheader[0].value
    assert metrics(at)["Cakupan Kabupaten Kutai Kartanegara"] == "–"  # never a partial sum
    assert "sebagian kecamatan (12 dari 20)" in captions(at)
    assert metrics(at)["Kecamatan berdata"] == "12 dari 20"
    table = at.dataframe[0].value.set_index("region")
    # Tabang of Kutai Kartanegara (911 of 1.000), never Tabang of Mamasa (1 of 1.000)
    assert table.loc["Tabang", "code"] == "64.02.12" and table.loc["Tabang", "numerator"] == 911
    assert table["status"].value_counts()["Tanpa data"] == 8
    missing = next(line for line in captions(at).splitlines() if line.startswith("Tanpa data: "))
    assert "Samboja Barat" in missing and "Tabang" not in missing  # 64.02.20 has no row


def test_a_summed_regency_says_so(accepted):
    at = run_page("pages/map.py", wil="64.74")
    assert metrics(at)["Cakupan Kota Bontang"] == "90,00 %"
    assert "Dijumlahkan dari kecamatan" in captions(at)


def test_a_kecamatan_without_a_shape_is_named_under_the_map(built, tmp_path, monkeypatch):
    record = json.loads((cache_record.cache_dir() / "build.json").read_text(encoding="utf-8"))
    (lacking,) = record["kecamatan_without_shape"]  # one kecamatan has no shape upstream
    reference = read_kecamatan(cache_record.cache_dir() / "kecamatan.csv").set_index("code")
    regency = lacking[:5]
    codes = [c for c in reference.index if c.startswith(regency + ".")]
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    Store(root).accept(_rows({c: (9, 10) for c in codes}, "ktp_el"), source_name="k.csv",
                       source_bytes=b"k", period=PERIOD)
    at = run_page("pages/map.py", wil=regency)
    assert f"Tanpa batas wilayah (tidak tergambar di peta): {reference.loc[lacking, 'name']}." \
        in captions(at)
    assert metrics(at)["Kecamatan berdata"] == f"{len(codes)} dari {len(codes)}"


def test_in_papua_a_kecamatan_is_a_distrik(built, tmp_path, monkeypatch):
    reference = read_kecamatan(cache_record.cache_dir() / "kecamatan.csv")
    codes = list(reference.loc[reference["regency_code"] == "95.03", "code"])  # Yahukimo: 51
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    Store(root).accept(_rows({c: (9, 10) for c in codes[:-1]}, "ktp_el"), source_name="d.csv",
                       source_bytes=b"d", period=PERIOD)
    at = run_page("pages/map.py", wil="95.03")
    assert f"({len(codes) - 1} dari {len(codes)} distrik berdata)" in at.subheader[0].value
    assert metrics(at)["Distrik berdata"] == f"{len(codes) - 1} dari {len(codes)}"
    assert at.dataframe[0].value["code"].tolist()[-1] == codes[-1]  # without data: last
    # only kecamatan rows, and not all of them: no regency figure anywhere, yet the
    # map opens on their province and offers the regency
    at = run_page("pages/map.py")
    assert at.query_params["wil"] == "95"
    assert at.selectbox(key="map_kec").options == [NONE, "Kabupaten Yahukimo"]
    assert f"sebagian kecamatan ({len(codes) - 1} dari {len(codes)})" in specs(at)
