"""AppTest: the targets page (run as a page script; the lead registers it in app.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from utils.formatting import format_percent
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import ALTERNATIVE, conflicts, load_targets

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "pages" / "targets.py"
DEFS = load_indicators()


@pytest.fixture
def page(built):
    return AppTest.from_file(str(PAGE), default_timeout=60)


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def gauge_titles(at: AppTest, lang: str = "id") -> list[list[str]]:
    """For each gauge (an arc chart), the indicator labels drawn on it."""
    found = []
    for chart in charts(at):
        spec = json.loads(chart.proto.spec)
        mark = spec.get("layer", [{}])[0].get("mark", {})
        if (mark.get("type") if isinstance(mark, dict) else mark) != "arc":
            continue
        drawn = json.dumps(spec, ensure_ascii=False) + "".join(
            convert_arrow_bytes_to_pandas_df(d.data.data).to_json(force_ascii=False)
            for d in chart.proto.datasets)
        found.append([d.label(lang) for d in DEFS.values() if d.label(lang) in drawn])
    return found


def one_gauge_per_indicator(at: AppTest, lang: str = "id") -> None:
    """One gauge per indicator in file order (none missing, none twice), plus the bullets."""
    assert gauge_titles(at, lang) == [[d.label(lang)] for d in DEFS.values()]
    assert len(charts(at)) == len(DEFS) + 1


def test_national_view_has_gauges_bullets_and_a_demo_summary(page):
    page.run()
    assert not page.exception
    assert page.title[0].value == "Target dan capaian"
    assert any("Data contoh — bukan data resmi" in w.value for w in page.warning)
    one_gauge_per_indicator(page)  # a gauge per indicator and one bullet chart
    text = page.code[0].value
    assert text.startswith("[DATA CONTOH — bukan angka resmi] Perekaman KTP-el secara nasional")
    assert "dari 38 provinsi telah memenuhi target" in text
    assert page.code[1].value.startswith("[DEMO DATA — not official figures] KTP-el recording")
    labels = [m.label for m in page.metric]
    assert labels[:3] == ["Tertinggi", "Terendah", "Memenuhi target"]


def test_province_scope_ranks_the_province(page):
    page.run()
    page.selectbox(key="targets_province").set_value("64").run()
    assert not page.exception
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Peringkat cakupan"].endswith(" dari 38")
    assert metrics["Peringkat jumlah memenuhi target"].endswith(" dari 38")
    assert metrics["Memenuhi target"].endswith(" dari 10")
    text = page.code[0].value
    assert "Provinsi Kalimantan Timur per 30 Juni 2025" in text
    assert "peringkat" in text and "kabupaten/kota" in text


def test_regency_scope_and_every_indicator(page):
    page.run()
    page.selectbox(key="targets_province").set_value("65").run()
    page.selectbox(key="targets_regency_65").set_value("65.71").run()
    assert page.selectbox(key="targets_indicator").options == [d.label("id")
                                                                for d in DEFS.values()]
    for indicator in DEFS:
        page.selectbox(key="targets_indicator").set_value(indicator).run()
        assert not page.exception
        assert "Kota Tarakan" in page.code[0].value
        assert DEFS[indicator].label("id") in page.code[0].value
        one_gauge_per_indicator(page)


def test_older_period_and_english(page):
    page.session_state["lang"] = "en"
    page.run()
    page.selectbox(key="targets_period").set_value("2023-06-30").run()
    assert not page.exception
    assert page.title[0].value == "Targets and attainment"
    text = page.code[0].value
    assert "as of 30 June 2023" in text
    assert "Compared with" not in text  # the first period has no previous one
    assert page.code[1].value.startswith("[DATA CONTOH")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_conflicting_sources_are_shown_below_the_charts(page, lang):
    page.session_state["lang"] = lang
    page.run()
    assert not page.exception
    heading = {"id": "Target yang sumbernya berbeda",
               "en": "Targets on which published sources disagree"}[lang]
    titles = [h.value for h in page.subheader]
    assert heading in titles
    assert titles.index(heading) > 1  # below the gauges and the bullet chart
    notes = [m.value.replace("\\", "") for m in page.markdown]
    # every disputed target: one note naming it, the value in force first, then each
    # alternative value with its own outlet, never the other way round
    disputed = conflicts(load_targets())
    groups = disputed.groupby(["indicator", "year", "scope"])
    assert len(groups) >= 1
    for (indicator, year, _), rows in groups:
        head = f"**{DEFS[indicator].label(lang)} {year}**"
        (note,) = [n for n in notes if n.startswith(head)]
        first, *rest = note.split("\n")
        used = rows[rows["status"] != ALTERNATIVE].iloc[0]
        assert f"**{format_percent(used['target_percent'], lang)}**" in first
        assert used["outlet"] in first
        others = rows[rows["status"] == ALTERNATIVE]
        assert len(rest) == len(others) >= 1
        for line, (_, other) in zip(rest, others.iterrows(), strict=True):
            assert format_percent(other["target_percent"], lang) in line
            assert other["outlet"] in line
    ktp = next(n for n in notes if n.startswith(f"**{DEFS['ktp_el'].label(lang)} 2024**"))
    assert {"id": "99,40 %", "en": "99.40 %"}[lang] in ktp.split("\n")[0]
    assert "Validnews.id" in ktp.split("\n")[0]
    assert {"id": "99,04 %", "en": "99.04 %"}[lang] in ktp.split("\n")[1]
    assert "ANTARA" in ktp.split("\n")[1]
