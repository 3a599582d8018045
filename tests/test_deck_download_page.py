"""AppTest: the briefing's downloads make the whole deck as one PDF and one PPTX."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from utils.i18n import t
from utils.metrics.indicators import load_indicators

APP = Path(__file__).resolve().parent.parent / "app.py"
SLIDES = 2 * len(load_indicators())


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty store of its own: the demo data is shown."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    return tmp_path / "store"


def open_briefing(lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("lang", "make", "pdf", "pptx"), [
    ("id", "Buat PDF dan PPTX", "Unduh PDF", "Unduh PPTX"),
    ("en", "Make PDF and PPTX", "Download PDF", "Download PPTX"),
])
def test_the_button_makes_both_files_of_the_whole_deck(built, store, lang, make, pdf, pptx):
    at = open_briefing(lang, scope="64")
    button = at.button(key="deck_file_make")
    assert button.label == make
    labels = [d.proto.label for d in at.get("download_button")]
    assert pdf not in labels and pptx not in labels  # nothing is drawn before it is asked for
    button.click().run()
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert pdf in labels and pptx in labels
    (key, files) = at.session_state["deck_file_made"]
    assert key[:3] == ("64", "2025-06-30", lang)
    assert pymupdf.open(stream=files["pdf"], filetype="pdf").page_count == SLIDES
    shown = Presentation(io.BytesIO(files["pptx"]))
    assert len(shown.slides) == SLIDES
    done = t("deck_file.done", lang, count=SLIDES)
    assert [(s.label, s.state) for s in at.status] == [(done, "complete")]
    at.run()  # kept for the session: the downloads stay, nothing is drawn again
    assert files is at.session_state["deck_file_made"][1]
    with pytest.raises(KeyError):  # made: the button gives way to the two downloads
        at.button(key="deck_file_make")
