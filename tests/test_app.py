"""AppTest: the app and every page run, show what they should, and say demo is demo."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ["pages/about.py"]


@pytest.fixture
def app(built):
    return AppTest.from_file(str(APP), default_timeout=60)


def test_home_shows_the_national_figure_and_a_demo_banner(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Peta cakupan"
    assert any("Data contoh — bukan data resmi" in w.value for w in app.warning)
    headline, target = app.metric[0].value, app.metric[1].value
    assert headline.endswith(" %") and "," in headline  # 99,63 % style
    assert target == "99,40 %"
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2  # the map and its ranked strip
    assert charts[0].key == "map_click__prov_peta"
    legend = " ".join(h.proto.body for h in app.get("html"))
    # the 2024 target (99,40 %, as stated by the Dirjen in August 2024) is in force for 2025
    assert "Target nasional 2024: 99,40 %" in legend and "Tanpa data" in legend


def test_changing_the_indicator_changes_the_figures(app):
    app.run()
    before = app.metric[0].value
    app.selectbox(key="map_indicator").set_value("kia").run()
    assert not app.exception
    assert app.metric[0].value != before
    assert app.metric[1].value == "60,00 %"  # KIA target 2024 is in force for 2025


def test_english_switch_changes_texts_and_number_format(app):
    app.run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert any("Demo data — not official figures" in w.value for w in app.warning)
    assert app.metric[1].value == "99.40 %"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception


def test_about_page_credits_the_boundary_source(app):
    app.run()
    app.switch_page("pages/about.py").run()
    text = " ".join(m.value for m in app.markdown)
    assert "cahyadsn/wilayah_boundaries" in text and "MIT" in text


def test_unreachable_source_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPAIAN_CACHE_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("CAPAIAN_GEO_SOURCE", str(tmp_path / "no-copy-here"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "belum bisa disiapkan" in at.error[0].value
    assert "CAPAIAN_GEO_SOURCE" in at.info[0].value
