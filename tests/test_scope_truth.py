"""Every figure true for the scope it names (issue #15, items 1–4).

1. A figure is national only when it covers the nation; one province's data
   opens on that province; demo rows never mix with accepted ones.
2. One rounding rule: a figure shown beside its target never reads as on the
   other side (Bali at 99,3995 % against 99,40 % is never "99,40 %").
3. One fact, one figure: the people missing are printed alike by every view.
4. Nobody below target is said in words, never as a giant "38 / 38".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from page_support import run_page
from streamlit.testing.v1 import AppTest

from utils.charts import gauges
from utils.formatting import format_number, format_percent_against, percent_decimals
from utils.ingest.store import Store
from utils.metrics import attainment
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import load_targets
from utils.report import deck as slides
from utils.report import press_release, scope_words

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025-06-30"
TARGET = 99.4  # KTP-el, in force for 2025


# --- 2. the rounding rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "meets", "lang", "text"),
    [
        (99.3995, 99.4, None, "id", "99,3995 %"),
        (99.3995, 99.4, False, "en", "99.3995 %"),
        (99.41, 99.4, None, "id", "99,41 %"),
        (99.4, 99.4, True, "id", "99,40 %"),
        (99.996, 100.0, False, "id", "99,996 %"),
        (100.004, 100.0, True, "id", "100,00 %"),
        (99.39999999, 99.4, False, "id", "99,399999 %"),
        (97.18, None, None, "id", "97,18 %"),
        (None, 99.4, None, "id", "–"),
    ],
)
def test_format_percent_against(value, target, meets, lang, text):
    assert format_percent_against(value, target, lang, meets) == text


@given(st.floats(min_value=0, max_value=150, allow_nan=False),
       st.floats(min_value=1, max_value=100, allow_nan=False))
def test_a_shown_figure_is_on_its_own_side_of_the_target(value, target):
    shown = float(format_percent_against(value, target, "en")[:-2].replace(",", ""))
    assert (shown < target) == (value < target)
    assert percent_decimals(value, target) >= 2


# --- crafted data: Bali (51) at 99,3995 %, Kota Bontang (64.74) meets ----------------------


def coverage_rows(codes_counts: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, n, d) for c, (n, d) in codes_counts.items()],
        columns=["code", "numerator", "denominator"],
    ).assign(period=PERIOD, indicator="ktp_el", is_demo=False)


@pytest.fixture(scope="module")
def bali(regions) -> pd.DataFrame:
    """Every Bali regency at 99,3995 % (so the province is complete) and Kota Bontang."""
    codes = regions.loc[(regions["level"] == "regency") & (regions["province_code"] == "51"),
                        "code"]
    rows = {c: (993_995.0, 1_000_000.0) for c in codes}
    rows["64.74"] = (120_000.0, 120_000.0)
    return coverage_rows(rows)


def views(table: pd.DataFrame, regions: pd.DataFrame, code: str | None) -> list[str]:
    """Every text a pure view prints for a scope: gauges, bullets, press release, slides."""
    targets, defs = load_targets(), load_indicators()
    ktp = {"ktp_el": defs["ktp_el"]}
    facts, per_region = attainment.scope_facts(table, regions, targets, "ktp_el", PERIOD, code)
    texts = list(gauges.gauge_texts(facts, defs["ktp_el"], "id").values())
    bullets = gauges.bullet_rows(per_region, "id")
    texts += [f"{p} {s}" for p, s in zip(bullets["percent_text"], bullets["status"], strict=True)]
    texts.append(press_release.summary(facts, defs["ktp_el"], "id"))
    for slide in slides.deck(table, regions, targets, ktp, PERIOD, code, "id"):
        texts += [slide.headline, *slide.lines, slide.text, slide.note]
    return texts


@pytest.mark.parametrize("code", [None, "51"])
def test_no_view_shows_the_target_as_a_value_below_it(bali, regions, code):
    texts = views(bali, regions, code)
    joined = "\n".join(texts)
    assert "99,3995" in joined
    for text in texts:  # the value never rounds onto its target next to a "below" status
        assert not ("99,40 %" in text and "below" in text), text
        assert "99,40 persen" not in text or "target" in text.split("99,40 persen")[0][-40:], text
    gauge = gauges.gauge_texts(
        attainment.scope_facts(bali, regions, load_targets(), "ktp_el", PERIOD, "51")[0],
        load_indicators()["ktp_el"], "id")
    assert gauge["value"] == "99,3995 %" and gauge["state"] == "below"


# --- 3. one fact, one figure ------------------------------------------------------------------


def test_the_gap_in_people_is_one_figure_in_every_view(bali, regions):
    """All of Bali's regencies below one target: the province's gap and the
    sum over its regencies are one fact, printed alike by every view."""
    targets, defs = load_targets(), load_indicators()
    facts, per_region = attainment.scope_facts(bali, regions, targets, "ktp_el", PERIOD, "51")
    assert facts.gap == attainment.people_below(facts) == attainment.gap_people(
        facts.numerator, facts.denominator, TARGET)
    figure = format_number(facts.gap, "id")
    gauge = gauges.gauge_texts(facts, defs["ktp_el"], "id")["status"]
    below = slides.below_slide(facts, defs["ktp_el"], "id")
    text = press_release.summary(facts, defs["ktp_el"], "id")
    printed = {gauge: figure in gauge, below.headline: below.headline == figure,
               text: f"kurang {figure} jiwa" in text and f"masih {figure} jiwa lagi" in text}
    assert all(printed.values()), printed
    numbers = set(re.findall(r"\d{1,3}(?:\.\d{3})+", " ".join(printed)))
    counts = {format_number(v, "id") for v in (facts.numerator, facts.denominator)}
    assert numbers - counts <= {figure} | {format_number(g, "id") for g in per_region["gap"]}


# --- 1. what a figure covers ------------------------------------------------------------------


def test_one_province_is_not_called_the_nation(regions):
    table = coverage_rows({"64.74": (99_000.0, 100_000.0), "64.01": (99_500.0, 100_000.0)})
    facts = attainment.scope_facts(table, regions, load_targets(), "ktp_el", PERIOD, None)[0]
    cov = attainment.scope_coverage(facts)
    assert not cov.complete and cov.only == "Kalimantan Timur"
    assert scope_words.scope_label(cov, "id") == "Kalimantan Timur"
    text = press_release.summary(facts, load_indicators()["ktp_el"], "id")
    assert "secara nasional" not in text and "Provinsi Kalimantan Timur" in text
    assert "provinsi berdata" in text
    assert attainment.data_province(table, regions) == "64"
    assert attainment.data_province(coverage_rows({"64.74": (1.0, 1.0), "51.71": (1.0, 1.0)}),
                                    regions) is None


@pytest.mark.parametrize(
    ("count", "with_data", "total", "lang", "text"),
    [(1, 1, 38, "id", "1 dari 1 berdata"), (15, 38, 38, "id", "15 dari 38"),
     (2, 3, 10, "en", "2 of 3 with data")],
)
def test_among(count, with_data, total, lang, text):
    assert scope_words.among(count, with_data, total, lang) == text


def test_the_complete_nation_is_national(regions):
    codes = regions.loc[regions["level"] == "regency", "code"]
    table = coverage_rows({c: (995.0, 1000.0) for c in codes})
    facts = attainment.scope_facts(table, regions, load_targets(), "ktp_el", PERIOD, None)[0]
    assert attainment.scope_coverage(facts).complete
    assert "secara nasional" in press_release.summary(facts, load_indicators()["ktp_el"], "id")
    slide = slides.below_slide(facts, load_indicators()["ktp_el"], "id")
    assert slide.headline == "" and slide.lines[0] == "Semua 38 provinsi memenuhi target"


# --- pages: one province's data opens on it, ranks say among how many, demo never mixes ------


@pytest.fixture
def one_province(built, tmp_path, monkeypatch) -> Path:
    """A store holding two Kalimantan Timur regencies only (one at 99,3995 %)."""
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    rows = coverage_rows({"64.74": (993_995.0, 1_000_000.0), "64.01": (99_300.0, 100_000.0)})
    Store(root).accept(rows, source_name="kaltim.csv", source_bytes=b"kaltim", period=PERIOD)
    return root


page = run_page



def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_map_opens_on_the_province_its_data_covers(one_province):
    at = page("pages/map.py")
    assert at.session_state["map_scope"] == "64"
    shown = metrics(at)
    assert "Cakupan Kalimantan Timur (2 dari 10 kabupaten/kota berdata)" in shown, shown
    assert shown["Memenuhi target"] == "0 dari 2 berdata"
    national = metrics(page("pages/map.py", wil="ID"))
    assert "Cakupan Kalimantan Timur" in national and not any("Indonesia" in k for k in national)
    assert national["Memenuhi target"] == "0 dari 1 berdata"


def test_the_region_page_ranks_among_provinces_with_data(one_province):
    at = page("pages/region.py", kode="64")
    lines = [line for m in at.markdown for line in m.value.replace("\\", "").split("\n")
             if line.startswith("Peringkat")]
    assert lines and all(line.strip() == "Peringkat di antara 1 provinsi berdata: 1"
                         for line in lines), lines
    regency = page("pages/region.py", kode="64.74")
    assert any(m.value == "99,3995 %" for m in regency.metric), metrics(regency)


def test_the_targets_page_opens_on_the_province(one_province):
    at = page("pages/targets.py")
    assert at.selectbox[0].value == "64"
    assert not any("Indonesia" in s.value for s in at.subheader[:1])


def test_demo_rows_never_mix_with_accepted_rows(one_province, tmp_path, monkeypatch):
    """What the pages show is the accepted data alone, or the demo data alone."""
    from pages.support import cached

    accepted = cached.current_coverage()
    assert accepted is not None and not accepted["is_demo"].any()
    assert set(accepted["code"]) == {"64.74", "64.01"}
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "empty"))
    cached.start_rerun()
    demo = cached.current_coverage()
    assert demo is not None and demo["is_demo"].all() and len(demo) > len(accepted)


def test_the_map_table_and_the_gap_bars_follow_the_rule_too():
    """The map's table keeps the decimals that put a figure on its side of the target,
    and the briefing's gap bars never label a region below target with the target."""
    from utils.charts import projector
    from utils.metrics import map_view

    frame = pd.DataFrame({"region": ["Kabupaten Badung", "Kota Denpasar"],
                          "percent": [99.3995, 99.41], "target": [TARGET, TARGET]})
    shown = map_view.styled(frame, "id").to_string()
    assert "99,3995" in shown and "99,41" in shown and "99,4100" not in shown
    chart = projector.gap_chart((attainment.Shortfall("Kabupaten Badung", 99.3995, TARGET, 12),),
                                "id", 800, 400, 20)
    labels = [v["label"] for v in chart.to_dict()["datasets"].values() for v in v]
    assert any("99,3995 %" in label for label in labels), labels
    assert not any(label.count("99,40 %") > 1 for label in labels), labels


# --- #15 follow-ups: the map's title names what it covers; tooltips follow the rule -----------


def test_a_partial_national_map_never_titles_itself_indonesia(one_province):
    """Kalimantan Timur's data seen nationally (``wil=ID``): the subheader and the
    caption name what the figure covers, as the headline metric does."""
    at = page("pages/map.py", wil="ID")
    titles = [s.value for s in at.subheader[:1]]
    assert titles and "Kalimantan Timur" in titles[0], titles
    assert not any("Indonesia" in title for title in titles), titles
    captions = [c.value for c in at.caption if c.value.startswith("Angka ")]
    assert captions and not any(c.startswith("Angka Indonesia") for c in captions), captions
    # and it counts within the province it names, never "2 dari 514"
    assert not any("dari 514" in c for c in captions), captions


def bali_rows(bali, regions, level: str) -> pd.DataFrame:
    from utils.metrics import map_view

    state = map_view.MapState("ktp_el", PERIOD, level=level)
    return map_view.view_table(bali, regions, load_targets(), state)


@pytest.mark.parametrize("level", ["prov", "kab"])
def test_map_and_strip_tooltips_show_bali_below_its_target(bali, regions, level):
    """A region at 99,3995 % beside a 99,40 % target is "99,3995 %" in every tooltip
    and screen-reader text, never "99,40" (the browser's ``,.2f`` would print it)."""
    from utils.charts import choropleth as charts

    rows = bali_rows(bali, regions, level)
    code = 51 if level == "prov" else 5171  # Bali, Kota Denpasar
    labels = {k: k for k in ("legend", "no_data", "region", "province", "percent", "target")}
    chart = charts.choropleth("m.json", rows, TARGET, labels, level=
                              "province" if level == "prov" else "regency", named=True)
    strip = charts.ranked_strip("r.csv", rows, TARGET, labels, named=True)
    for made, name in ((chart, charts.REGIONS), (strip, charts.STRIP)):
        frame = made["datasets"][name]
        assert frame.loc[frame["code"] == code, "percent_text"].tolist() == ["99,3995 %"]
        text = json.dumps(made, default=str)
        assert "format(datum.percent, ',.2f')" not in text  # aria reads the text too
        tips = [t for layer in made["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
        shown = [t["field"] for t in tips if t["title"] == "percent"]
        assert shown == ["percent_text"], tips


def test_tile_tooltips_show_bali_below_its_target(bali, regions):
    from utils.charts import tiles

    rows = bali_rows(bali, regions, "kab")
    table = tiles.tile_values(rows, TARGET, "id")
    denpasar = table.loc[table["code"] == "51.71", "percent_text"].tolist()
    assert denpasar == ["99,3995 %"], denpasar
    bontang = table.loc[table["code"] == "64.74", "percent_text"].tolist()
    assert bontang == ["100,00 %"], bontang
