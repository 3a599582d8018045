"""deploy/static_files.py: the copy of Streamlit's static files nginx serves, precompressed,
with the icon font cut to the icons the app and Streamlit can show."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cluster_support import JS_BODY, static_files
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

BROTLI_CLI = shutil.which("brotli")
STREAMLIT = static_files.streamlit_static()
FONT = static_files.icon_font(STREAMLIT)
assert FONT is not None, "Streamlit 1.67 ships Material Symbols"
WHOLE = static_files.icon_names(TTFont(FONT))  # name -> glyph
NAMES = sorted(WHOLE)
# Icons Streamlit draws around every page: the sidebar's open/close arrows, a select
# box's arrow, an expander's chevron, a toast's close, the status of a running page.
STREAMLIT_CHROME = ["keyboard_double_arrow_left", "keyboard_double_arrow_right",
                    "expand_more", "expand_less", "close", "check", "error", "info", "search"]


def cut(icons: list[str]) -> TTFont:
    return TTFont(io.BytesIO(static_files.subset_icon_font(FONT, icons)))


@pytest.mark.parametrize("icons", [
    ["map"],
    ["search", "close", "keyboard_double_arrow_left"],
    ["info", "info_i", "location_city", "upload_file", "co_present"],  # one name within another
    ["restore"],  # drawn by the glyph "history"
])
def test_the_cut_font_turns_each_kept_name_into_its_icon_and_keeps_no_other_icon(
        icons: list[str]) -> None:
    font = cut(icons)
    names = static_files.icon_names(font)
    assert {name: names.get(name) for name in icons} == {name: WHOLE[name] for name in icons}
    glyphs = {WHOLE[name] for name in icons}
    assert set(names.values()) == glyphs  # other names kept only if they draw the same glyph
    assert set(font.getGlyphOrder()) <= glyphs | set(font.getBestCmap().values()) | {".notdef"}


@settings(max_examples=8, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=12, unique=True))
def test_any_choice_of_icons_keeps_exactly_those(icons: list[str]) -> None:
    names = static_files.icon_names(cut(icons))
    assert {name: names.get(name) for name in icons} == {name: WHOLE[name] for name in icons}
    assert set(names.values()) == {WHOLE[name] for name in icons}


def test_the_whole_font_knows_every_icon_by_name_so_the_tests_above_can_fail() -> None:
    assert WHOLE["map"] == "map" and WHOLE["restore"] == "history"
    assert len(set(WHOLE.values())) > 3000


def test_the_app_and_streamlit_keep_their_icons_and_the_font_shrinks_tenfold() -> None:
    kept = static_files.kept_icons(STREAMLIT)
    app = static_files.app_icons()
    nav = {"map", "target", "tune", "co_present", "location_city", "upload_file", "info"}
    assert nav <= app and {"search", "download", "restore"} <= app  # restore: glyph "history"
    assert app <= set(kept) and set(STREAMLIT_CHROME) <= set(kept)
    whole = FONT.stat().st_size
    assert len(static_files.subset_icon_font(FONT, kept)) * 5 < whole
    assert len(kept) < len(NAMES) / 5


def app_characters() -> set[str]:
    """Every character of the app's texts in both languages and of the regions' names."""
    from utils.i18n import LANGUAGES, texts

    chars = {c for lang in LANGUAGES for text in texts(lang).values() for c in text}
    chars |= set("Kabupaten Kota Distrik 0123456789 .,;:%()[]{}'\"-/_+=<>?!@#&*~^|\\$`")
    return chars | set("2.948.162 100,89 % ≥ ≤ × − – — … › « » “ ” ‘ ’ ± · ÷ Σ ← → ↑ ↓ é ü")


@pytest.mark.parametrize("font", sorted(STREAMLIT.glob(static_files.TEXT_FONTS)),
                         ids=lambda p: p.name.split(".")[0])
def test_text_fonts_keep_every_character_the_app_shows_and_lose_other_scripts(
        font: Path) -> None:
    whole = TTFont(font)
    small = TTFont(io.BytesIO(static_files.subset_text_font(font)))
    kept = {chr(code) for code in small.getBestCmap()}
    shown = {c for c in app_characters() if ord(c) in whole.getBestCmap()}
    assert shown - kept == set()
    assert "Ж" not in kept  # Cyrillic: drawn by the browser's own fonts
    assert ("fvar" in small) == ("fvar" in whole)  # bold and light still come from one file
    assert len(small.getBestCmap()) < len(whole.getBestCmap())


def test_the_text_font_a_first_visit_loads_shrinks_by_a_third() -> None:
    font = next(STREAMLIT.glob("static/media/SourceSansVF-Upright*.woff2"))
    assert ord("Ж") in TTFont(font).getBestCmap()  # the whole font has Cyrillic
    assert len(static_files.subset_text_font(font)) < font.stat().st_size * 2 / 3


@pytest.mark.parametrize(("files", "found"), [
    ({"app.py": 'st.Page("p.py", icon=":material/map:")'}, {"map"}),
    ({"pages/a.py": 'st.button("x", icon=":material/save:")\n"map"'}, {"save"}),  # "map": a word
    ({"utils/i18n/texts.json": '{"k": ":material/public: Publik"}'}, {"public"}),
    ({"pages/b.py": "':material/Map:' ':material/:'"}, set()),  # not a Material name
    ({"tests/t.py": '":material/delete:"'}, set()),  # tests are not the app
    ({"utils/x.bin": '":material/delete:"'}, set()),
])
def test_app_icons_are_what_the_app_writes_as_material_names(
        tmp_path: Path, files: dict[str, str], found: set[str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert static_files.app_icons(tmp_path) == found


def test_streamlits_icons_are_names_in_its_bundle(tmp_path: Path) -> None:
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    names = 'x=`expand_more`;y={icon:":material/upload:"};z="mapx";w="map.fill"'  # no mapx
    (js / "a.js").write_text(names)
    assert static_files.bundle_icons(tmp_path, ["expand_more", "upload", "map"]) == {
        "expand_more", "upload"}


def test_the_copy_serves_the_cut_font_under_streamlits_name(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "static" / "media").mkdir(parents=True)
    shutil.copy(FONT, source / "static" / "media" / FONT.name)
    folder = static_files.precompress_static(source, tmp_path / "cache", ["map", "search"])
    served = folder / "static" / "media" / FONT.name
    assert set(static_files.icon_names(TTFont(served)).values()) == {"map", "search"}
    assert (folder / "icons.txt").read_text() == "map\nsearch\n"
    assert (source / "static" / "media" / FONT.name).read_bytes() == FONT.read_bytes()  # untouched
    other = static_files.precompress_static(source, tmp_path / "cache", ["map"])
    assert other != folder  # other icons: another copy


def test_precompress_builds_a_copy_once_with_br_and_gz_beside_each_compressible_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "static"
    (source / "static" / "js").mkdir(parents=True)
    (source / "static" / "js" / "big.js").write_bytes(JS_BODY)
    (source / "static" / "js" / "tiny.js").write_bytes(b"export {};\n")  # < 1 KB: as it is
    (source / "static" / "font.woff2").write_bytes(os.urandom(4096))  # compressed already
    (source / "index.html").write_bytes(b"<p>" * 800)
    cache = tmp_path / "cache"
    folder = static_files.precompress_static(source, cache)
    made = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    plain = ["index.html", "static/font.woff2", "static/js/big.js", "static/js/tiny.js"]
    compressed = ["index.html", "static/js/big.js"]
    brs = [f"{name}.br" for name in compressed] if BROTLI_CLI else []
    assert made == sorted(plain + [f"{name}.gz" for name in compressed] + brs)
    for name in compressed:
        original = (source / name).read_bytes()
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == original
        if BROTLI_CLI:
            assert subprocess.run([BROTLI_CLI, "-d", "-c"], input=(folder / f"{name}.br")
                                  .read_bytes(), capture_output=True, check=True
                                  ).stdout == original
    assert oct(cache.stat().st_mode & 0o777) == "0o755"  # nginx's workers read it

    def no_rebuild(*_: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(static_files, "build_static", no_rebuild)
    assert static_files.precompress_static(source, cache) == folder  # the same files: reused
    (source / "static" / "js" / "other.js").write_bytes(JS_BODY)
    with pytest.raises(AssertionError, match="built again"):  # other files: a new copy
        static_files.precompress_static(source, cache)
