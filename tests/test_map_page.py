"""AppTest: the map page's widgets, its state in the URL, and the numbers in its table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from utils import demo
from utils.metrics import coverage

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def app(built):
    return AppTest.from_file(str(APP), default_timeout=60)


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def expected_percent(indicator: str, period: str, province: str | None = None) -> float:
    rows = coverage.select(demo.read_demo(), indicator, period)
    rows = rows[rows["code"].str.fullmatch(r"\d{2}\.\d{2}")]  # kecamatan are inside these
    if province:
        rows = rows[rows["code"].str.startswith(province + ".")]
    return 100 * rows["numerator"].sum() / rows["denominator"].sum()


def test_defaults_show_provinces_and_write_the_url(app):
    app.run()
    assert not app.exception
    assert app.query_params["ind"] == "ktp_el"
    assert "lvl" not in app.query_params  # defaults stay out of the link
    assert metrics(app)["Wilayah berdata"] == "38 dari 38"
    pct = expected_percent("ktp_el", app.query_params["per"])
    assert metrics(app)["Cakupan Indonesia"] == f"{pct:.2f} %".replace(".", ",")


def test_a_link_restores_indicator_period_scope_and_level(app):
    app.query_params.update({"ind": "kia", "per": "2024-12-31", "wil": "64", "tampil": "peta"})
    app.run()
    assert not app.exception
    assert app.selectbox(key="map_indicator").value == "kia"
    assert app.selectbox(key="map_period").value == "2024-12-31"
    assert app.selectbox(key="map_scope").value == "64"
    shown = metrics(app)
    pct = expected_percent("kia", "2024-12-31", "64")
    assert shown["Cakupan Kalimantan Timur"] == f"{pct:.2f} %".replace(".", ",")
    assert shown["Wilayah berdata"] == "10 dari 10"
    assert any("Indonesia › " in s.value for s in app.subheader)
    assert app.button[0].label == "Seluruh Indonesia"  # the breadcrumb back


def test_a_broken_link_falls_back_to_the_defaults(app):
    app.query_params.update({"ind": "<b>x</b>", "wil": "99", "per": "kemarin"})
    app.run()
    assert not app.exception
    assert app.selectbox(key="map_indicator").value == "ktp_el"
    assert app.query_params["ind"] == "ktp_el"


def test_changing_widgets_updates_url_and_figures(app):
    app.run()
    app.selectbox(key="map_indicator").set_value("akta_lahir").run()
    app.radio(key="map_level").set_value("kab").run()
    assert not app.exception
    assert app.query_params["ind"] == "akta_lahir" and app.query_params["lvl"] == "kab"
    assert metrics(app)["Wilayah berdata"] == "514 dari 514"
    # The 514-row table waits for a click; the province table is shown at once.
    assert not app.dataframe
    app.toggle[0].set_value(True).run()
    assert len(app.dataframe[0].value) == 514


def test_the_table_holds_the_same_numbers_as_the_map(app):
    app.query_params.update({"ind": "kia", "wil": "65"})
    app.run()
    table = app.dataframe[0].value
    period = app.selectbox(key="map_period").value
    rows = coverage.select(demo.read_demo(), "kia", period)
    rows = rows[rows["code"].str.startswith("65.")]
    assert len(table) == len(rows) == 5
    numbers = table.iloc[:, 3].astype(float).sort_values().tolist()  # numerator column
    assert numbers == sorted(rows["numerator"].astype(float))
    percent = table.iloc[:, 2]
    assert percent.is_monotonic_decreasing  # sorted by coverage, highest first
    assert pd.api.types.is_numeric_dtype(percent)  # numbers, so sorting works


def test_the_back_button_returns_to_indonesia(app):
    app.query_params.update({"wil": "64"})
    app.run()
    app.button[0].click().run()
    assert not app.exception
    assert app.selectbox(key="map_scope").value == ""
    assert "wil" not in app.query_params


def test_english_numbers_and_labels(app):
    app.query_params.update({"lang": "en"})
    app.run()
    assert not app.exception
    shown = metrics(app)
    assert "Coverage, Indonesia" in shown and "." in shown["Coverage, Indonesia"]
    assert shown["Regions with data"] == "38 of 38"


@pytest.mark.parametrize(("lang", "region"), [("id", "Wilayah"), ("en", "Region")])
def test_the_table_headers_are_words_in_the_language(app, lang, region):
    """st.dataframe shows the frame's own column names unless column_config labels them
    (a Styler's relabel_index is not read): every column gets its label."""
    import json

    from utils.i18n import t

    if lang == "en":
        app.query_params["lang"] = "en"
    app.query_params.update({"wil": "64"})
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception
    (table,) = app.dataframe
    labels = {k.removeprefix("name:"): v.get("label")
              for k, v in json.loads(table.proto.columns or "{}").items() if k != "_index"}
    assert set(labels) == set(table.value.columns)
    assert all(label and label == t(f"map.col.{c}", lang) and label != c
               for c, label in labels.items())
    assert labels["region"] == region
