"""Accessibility and language guards.

* Texts: every key exists in both languages (same placeholders), every key the
  code asks for exists, and no page passes a hard-coded text to a Streamlit
  element (an AST scan of ``app.py`` and ``pages/*.py``).
* Colours (WCAG 2.1 contrast ratios, computed):
  - 1.4.3 text: every text colour is at least 4.5:1 on the white page; the
    theme's primary colour too (links), and white text on it (buttons);
    letters drawn on a class colour (tile grid) are at least 4.5:1 on it.
  - 1.4.11 non-text: marks that carry meaning without text beside them (the
    target tick, the trend line, the darkest class at each end of the
    scale, region borders between provinces) are at least 3:1 on white,
    and the target tick at least 3:1 on the gauge track.
  - 1.4.1 use of colour: class colours are never the only cue (every page
    with a chart also shows its numbers as a table or text, checked with
    AppTest below); the classes darken away from the target on both sides
    (they read in greyscale) and "no data" is the only neutral grey.
* Keyboard: in a real browser, Tab reaches the map's selectors and the
  region search, and a region can be chosen with the keyboard alone.
"""

from __future__ import annotations

import ast
import json
import re
import string
import tomllib
from pathlib import Path

import pytest
from browser_support import WAIT, chromium
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest
from test_public_browser import open_page, start, stop, warm

from utils.charts import choropleth as charts
from utils.charts import gauges, tiles
from utils.i18n import I18N_DIR, texts

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = [*sorted((ROOT / "pages").rglob("*.py")), ROOT / "app.py"]
CODE_FILES = PAGE_FILES + sorted((ROOT / "utils").rglob("*.py"))
WHITE = "#ffffff"


# --- texts ------------------------------------------------------------------------------------


OWN_FIELDS = {"about.source_line"}
"""Keys filled from a record with one field per language (``what`` / ``what_en``)."""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(p.name for p in (I18N_DIR / "id").glob("*.json")))
def test_every_text_file_has_the_same_keys_and_placeholders_in_both_languages(name):
    id_texts = json.loads((I18N_DIR / "id" / name).read_text(encoding="utf-8"))
    en_path = I18N_DIR / "en" / name
    assert en_path.is_file(), f"en/{name} is missing"
    en_texts = json.loads(en_path.read_text(encoding="utf-8"))
    assert sorted(id_texts.keys() - en_texts.keys()) == [], "keys missing in English"
    assert sorted(en_texts.keys() - id_texts.keys()) == [], "keys missing in Indonesian"
    differ = [
        k
        for k in id_texts
        if placeholders(id_texts[k]) != placeholders(en_texts[k]) and k not in OWN_FIELDS
    ]
    assert differ == [], "placeholders differ between the languages"
    empty = [k for k, v in {**id_texts, **en_texts}.items() if not str(v).strip()]
    assert empty == []


def test_no_english_file_without_an_indonesian_one():
    english = {p.name for p in (I18N_DIR / "en").glob("*.json")}
    assert english <= {p.name for p in (I18N_DIR / "id").glob("*.json")}


def key_calls(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """``(line, key or prefix, exact)`` for each ``t(...)`` call."""
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and node.args
        ):
            continue
        key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append((node.lineno, key.value, True))
        elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
            found.append((node.lineno, key.values[0].value, False))
    return found


def test_every_text_key_the_code_asks_for_exists():
    known = texts("id")
    missing = []
    for path in CODE_FILES:
        for line, key, exact in key_calls(ast.parse(path.read_text(encoding="utf-8"))):
            ok = key in known if exact else any(k.startswith(key) for k in known)
            if not ok:
                missing.append(f"{path.relative_to(ROOT)}:{line}: {key}")
    assert missing == []


UI_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "write",
    "text",
    "code",
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "page_link",
    "selectbox",
    "radio",
    "multiselect",
    "text_input",
    "text_area",
    "number_input",
    "slider",
    "select_slider",
    "checkbox",
    "toggle",
    "date_input",
    "time_input",
    "file_uploader",
    "metric",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "expander",
    "tabs",
    "popover",
    "spinner",
    "progress",
    "Page",
    "segmented_control",
    "pills",
    "color_picker",
    "dialog",
}
TEXT_KEYWORDS = {
    "label",
    "help",
    "placeholder",
    "body",
    "title",
    "text",
    "caption",
    "alt",
    "delta_description",
}
PATH_FIRST = {"page_link", "Page"}
"""Calls whose first argument is a page (a file or callable), not a text."""
ALLOWED = {"Capaian"}
"""Texts that are the same in every language (the product's name)."""
LETTER = re.compile(r"[^\W\d_]")


def literal_texts(node: ast.AST) -> list[str]:
    """String literals with letters that would reach the screen as they are.

    Calls (``t(...)``, ``format_percent(...)``), subscripts (``row["name"]``),
    lambdas and conditions are not looked into: what they produce is not a
    literal of the page.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if LETTER.search(node.value) and node.value not in ALLOWED else []
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
            return literal_texts(func.value)  # "Hello {x}".format(...)
        return []
    if isinstance(node, (ast.Subscript, ast.Lambda, ast.Compare, ast.Name, ast.Attribute)):
        return []
    if isinstance(node, ast.IfExp):
        return literal_texts(node.body) + literal_texts(node.orelse)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return literal_texts(node.elt)  # what is iterated over is not shown
    found = []
    for child in ast.iter_child_nodes(node):
        found += literal_texts(child)
    return found


def hard_coded(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in UI_CALLS or not isinstance(func, ast.Attribute):
            continue
        first = [] if name in PATH_FIRST else list(node.args[:1])
        parts = first + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for part in parts:
            found += [(node.lineno, text) for text in literal_texts(part)]
    return found


def test_the_scan_finds_hard_coded_texts():
    sample = ast.parse(
        'st.title("Selamat datang")\n'
        'st.button(t("ok", lang), help="Klik di sini")\n'
        "st.markdown(f\"**Catatan:** {t('x', lang)}\")\n"
        'col.metric(t("a", lang), "–")\n'
        'st.caption(row["name"] + " " + t("b", lang))\n'
        'st.title("Capaian")\n'
        'st.tabs([t(f"x.{k}", lang) for k in ("import", "versions")])\n'
        'st.page_link("pages/map.py", label=t("exit", lang))\n'
        'st.page_link("pages/map.py", label="Keluar")\n'
    )
    assert [text for _, text in hard_coded(sample)] == [
        "Selamat datang",
        "Klik di sini",
        "**Catatan:** ",
        "Keluar",
    ]


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_pass_every_text_through_t(path):
    found = hard_coded(ast.parse(path.read_text(encoding="utf-8")))
    assert found == [], f"{path.name}: texts not from data/i18n: {found}"


# --- colours ----------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
TEXT_COLOURS = {
    "theme text": THEME["textColor"],
    "theme primary (links)": THEME["primaryColor"],
    "gauge and bullet text": "#222222",
    "chart labels": tiles.DARK_INK,
}


@pytest.mark.parametrize("name", TEXT_COLOURS)
def test_text_colours_on_white_reach_4_5(name):
    assert contrast(TEXT_COLOURS[name], WHITE) >= 4.5


def test_white_button_text_on_the_primary_colour_reaches_4_5():
    assert contrast(WHITE, THEME["primaryColor"]) >= 4.5


CLASS_COLOURS = [*charts.BELOW, *charts.AT_OR_ABOVE]


@pytest.mark.parametrize("fill", [*CLASS_COLOURS, charts.NO_DATA_COLOUR])
def test_letters_on_tiles_reach_4_5(fill):
    ink = tiles.LIGHT_INK if tiles._is_dark(fill) else tiles.DARK_INK
    assert contrast(ink, fill) >= 4.5, f"{ink} on {fill}"


SOLE_CUES = {
    "target tick": gauges.MARK,
    "trend line and top class": charts.AT_OR_ABOVE[-1],
    "lowest class": charts.BELOW[0],
    "province borders": "#222222",
}


@pytest.mark.parametrize("name", SOLE_CUES)
def test_marks_that_are_the_only_cue_reach_3_on_white(name):
    assert contrast(SOLE_CUES[name], WHITE) >= 3.0


def test_the_target_tick_stands_out_on_the_gauge_track():
    assert contrast(gauges.MARK, gauges.TRACK) >= 3.0


def test_classes_darken_away_from_the_target_and_only_no_data_is_grey():
    below = [luminance(c) for c in charts.BELOW]
    above = [luminance(c) for c in charts.AT_OR_ABOVE]
    assert below == sorted(below) and len(set(below)) == len(below)  # lightest next to target
    assert above == sorted(above, reverse=True) and len(set(above)) == len(above)

    def spread(colour: str) -> int:
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        return max(channels) - min(channels)

    assert spread(charts.NO_DATA_COLOUR) == 0
    assert min(spread(c) for c in CLASS_COLOURS) >= 30


# --- every chart has a text alternative -------------------------------------------------------


def registered_pages(at: AppTest) -> list[str]:
    return [
        str(Path(info["script_path"]).relative_to(ROOT))
        for info in at._registered_pages.values()
        if info.get("script_path")
    ]


@pytest.fixture
def app(built, monkeypatch, tmp_path):
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["capaian_test"] = True
    return at.run()


def html_texts(at: AppTest) -> list[str]:
    """Visible text of ``st.html`` blocks (styles and tags dropped)."""
    out = []
    for element in at.get("html"):
        body = re.sub(r"<style.*?</style>", " ", element.proto.body, flags=re.S)
        out.append(" ".join(re.sub(r"<[^>]+>", " ", body).split()))
    return out


MARKDOWN_TABLE = re.compile(r"^\|.*\|\s*\n\|\s*:?-{3,}", re.MULTILINE)
"""A GitHub-style table in ``st.markdown``: a header row, then a separator row."""


def alternatives(at: AppTest) -> list[str]:
    """The tables and text summaries on the page (a summary is a paragraph, 80+ characters)."""
    found = [f"table:{len(e.value)}" for e in [*at.dataframe, *at.table]]
    found += [f"summary:{e.value[:30]}" for e in [*at.code, *at.text] if len(e.value) >= 80]
    found += [f"summary:{text[:30]}" for text in html_texts(at) if len(text) >= 80]
    found += [
        f"markdown table:{m.value[:30]}" for m in at.markdown if MARKDOWN_TABLE.search(m.value)
    ]
    return found


def test_every_page_with_a_chart_shows_its_figures_as_a_table_or_text(app):
    pages = registered_pages(app)
    assert "pages/map.py" in pages and "pages/region.py" in pages
    with_charts = []
    for page in pages:
        app.query_params["kode"] = "64.74"  # the region page draws its charts for a region
        app.switch_page(page).run()
        assert not app.exception, f"{page}: {app.exception}"
        if not app.get("vega_lite_chart"):
            continue
        with_charts.append(page)
        assert alternatives(app), f"{page} draws a chart without a table or a text summary"
    assert {"pages/map.py", "pages/region.py", "pages/targets.py"} <= set(with_charts)


# --- keyboard ---------------------------------------------------------------------------------


FOCUSED = """() => { const e = document.activeElement;
  return e ? [e.getAttribute('role') || e.tagName.toLowerCase(),
              e.getAttribute('aria-label') || ''].join(':') : ''; }"""


@pytest.fixture(scope="module")
def keyboard_app(built, tmp_path_factory):
    """A public server and a browser (the public site is the one strangers use)."""
    proc, address = start(tmp_path_factory.mktemp("keyboard"), public=True)
    with chromium() as browser:
        yield browser, warm(browser, address)
    stop(proc)


def tab_until(page, wanted: str, limit: int = 40) -> list[str]:
    """Press Tab until ``wanted`` (``role:label``) has the focus; the stops on the way."""
    role, label = wanted.split(":", 1)
    page.locator(f'[role="{role}"][aria-label="{label}"]').wait_for(timeout=WAIT)
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1] == wanted:
            return stops
    raise AssertionError(f"Tab never reached {wanted}: {stops}")


def test_tab_reaches_the_map_selectors(keyboard_app):
    browser, address = keyboard_app
    page = open_page(browser, address, "/")
    stops = tab_until(page, "combobox:Indikator")
    assert "combobox:Periode" not in stops  # in reading order
    assert tab_until(page, "combobox:Periode", 3)
    assert tab_until(page, "combobox:Wilayah", 3)
    page.close()


def test_a_region_is_found_with_the_keyboard_alone(keyboard_app):
    browser, address = keyboard_app
    page = open_page(browser, address, "/wilayah")
    tab_until(page, "combobox:Nama provinsi atau kabupaten/kota")
    page.keyboard.type("Kota Bogor")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kota Bogor", exact=True)).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(re.compile(re.escape("kode=32.71")))
    page.close()


def test_markdown_tables_are_recognised():
    assert MARKDOWN_TABLE.search("Intro\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n")
    assert not MARKDOWN_TABLE.search("A | B and a pipe | in prose")
