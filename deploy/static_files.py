"""Streamlit's static files as nginx serves them: precompressed, with smaller fonts.

nginx serves ``/static/`` from a copy of Streamlit's own ``static`` folder in which each
compressible file also lies as ``.br`` (``brotli -q 11``, when Debian's ``brotli`` is
installed) and ``.gz`` (gzip -9), so no request costs CPU. In that copy the Material
Symbols icon font (375 KB, about 4,000 icons, fetched by every first visit) is cut down to
the icons that can be shown: those this app names (``:material/<name>:`` in ``app.py``,
``pages/``, ``utils/``) and those Streamlit's own bundle names (every string in its
JavaScript that is an icon's name). The cut font keeps the same file name, so Streamlit's
CSS finds it; its ligatures still turn a name into its icon. ``icons.txt`` in the copy lists
the icons kept. The text fonts (Source Sans, Serif, Code) are cut the same way to the Latin
scripts with punctuation, arrows and mathematical signs (Indonesian and English, every
character of the app's texts; 170 KB -> 95 KB for the one a first visit loads), as web font
services cut theirs by unicode range; a character outside them is drawn by one of the
browser's own fonts.

The copy is built once per Streamlit install and icon list, under
``<tmp>/capaian-static-<uid>``, and reused.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
STATIC_LEVEL = 11  # once per Streamlit install, so the smallest files
COMPRESSIBLE = {".js", ".mjs", ".css", ".json", ".svg", ".html", ".txt", ".map"}
MIN_COMPRESS = 1024  # bytes; as nginx's gzip_min_length
ICON_FONT = "static/media/MaterialSymbols-*.woff2"
TEXT_FONTS = "static/media/Source*.woff2"
TEXT_RANGES = ("U+0000-024F,U+02B0-036F,U+0370-03FF,U+2000-206F,U+20A0-20CF,U+2100-218F,"
               "U+2190-22FF,U+2500-25FF,U+FEFF,U+FFFD")  # Latin, Greek signs, punctuation...
APP_SOURCES = ("app.py", "pages", "utils")
APP_SUFFIXES = {".py", ".json", ".toml", ".md", ".csv"}
MATERIAL = re.compile(r":material/([a-z0-9_]+):")
LITERAL = re.compile(r"""["'`]([a-z0-9_]+)["'`]""")


class StaticFilesError(RuntimeError):
    """The copy could not be made; the message is for the operator."""


def streamlit_static() -> Path:
    """Streamlit's own folder of static files (``index.html``, ``static/js/...``)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise StaticFilesError("streamlit is not installed for this Python")
    return Path(spec.origin).parent / "static"


def static_cache() -> Path:
    """Where the copies of Streamlit's static files are kept between clusters."""
    return Path(tempfile.gettempdir()) / f"capaian-static-{os.getuid()}"


# ------------------------------------------------------------------------------ icons


def app_icons(root: Path = ROOT) -> set[str]:
    """Every icon the app names as ``:material/<name>:`` in its code and texts."""
    found: set[str] = set()
    for top in APP_SOURCES:
        base = root / top
        paths = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in paths:
            if path.is_file() and path.suffix in APP_SUFFIXES:
                found |= set(MATERIAL.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def bundle_icons(source: Path, names: Iterable[str]) -> set[str]:
    """The icons Streamlit's JavaScript may show: every icon name ``:material/<name>:`` or
    written as a whole string literal in it (its own components name icons that way)."""
    named: set[str] = set()
    for script in sorted((source / "static" / "js").glob("*.js")):
        text = script.read_text(encoding="utf-8", errors="replace")
        named |= set(MATERIAL.findall(text)) | set(LITERAL.findall(text))
    return named & set(names)


def icon_font(source: Path) -> Path | None:
    """Streamlit's Material Symbols font file, if this Streamlit has one."""
    return next(iter(sorted(source.glob(ICON_FONT))), None)


def icon_names(font: TTFont) -> dict[str, str]:
    """What can be typed in ``font`` to get an icon: each name -> its glyph. Names and
    glyphs differ at times: ``restore`` is drawn by the glyph ``history``."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names: dict[str, str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)  # extension lookups wrap the rules
            for first, rules in getattr(table, "ligatures", {}).items():
                for rule in rules:
                    typed = "".join(letters.get(g, "\0") for g in [first, *rule.Component])
                    names[typed] = rule.LigGlyph
    return names


def kept_icons(source: Path, root: Path = ROOT) -> list[str]:
    """The icons the cut font keeps: the app's and Streamlit's, by name, sorted. A name the
    font does not know is left out (Streamlit shows such a name as text either way)."""
    font = icon_font(source)
    if font is None:
        return []
    with TTFont(font) as whole:
        names = icon_names(whole)
    return sorted(bundle_icons(source, names) | (app_icons(root) & set(names)))


def subset_icon_font(font: Path, icons: Iterable[str]) -> bytes:
    """``font`` (a ligature icon font, WOFF2) with only ``icons``: their glyphs, the
    letters their names are typed with, and the ligature rules that join those letters
    into those glyphs (no other rule: the letters of 4,000 names would keep them all)."""
    names = sorted(set(icons))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.layout_closure = False  # keep only rules whose every glyph is kept
    options.glyph_names = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    with TTFont(font) as whole:
        known = icon_names(whole)
        cutter = subset.Subsetter(options)
        cutter.populate(glyphs=sorted({known[n] for n in names if n in known}),
                        text="".join(sorted(set("".join(names)))))
        cutter.subset(whole)
        out = io.BytesIO()
        whole.save(out)
    return out.getvalue()


def subset_text_font(font: Path, ranges: str = TEXT_RANGES) -> bytes:
    """``font`` (WOFF2, variable or not) with only the characters of ``ranges``, keeping
    its layout features and weight axis."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=subset.parse_unicodes(ranges))
    with TTFont(font) as whole:
        cutter.subset(whole)
        out = io.BytesIO()
        whole.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ the copy


def static_key(source: Path, brotli: bool, icons: Iterable[str] = ()) -> str:
    """A name for ``source``'s copy: Streamlit's version, its files' names and sizes, the
    icons kept, the text fonts' characters, and whether ``.br`` files are in it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(source)}\0{path.stat().st_size}\n".encode())
    digest.update("\n".join([*sorted(icons), TEXT_RANGES]).encode())
    version = importlib.metadata.version("streamlit")
    return f"streamlit-{version}-{digest.hexdigest()[:12]}-{'br' if brotli else 'gz'}"


def compress_file(path: Path, brotli: str | None) -> None:
    """``path.gz`` (gzip -9) and, with the ``brotli`` program, ``path.br`` (level 11)."""
    (path.parent / f"{path.name}.gz").write_bytes(
        gzip.compress(path.read_bytes(), 9, mtime=0))
    if brotli:
        done = subprocess.run([brotli, "-q", str(STATIC_LEVEL), "-f", "-o", f"{path}.br",
                               str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StaticFilesError(f"brotli {path.name} failed: {done.stderr.strip()[-200:]}")


def precompress_static(source: Path | None = None, cache: Path | None = None,
                       icons: list[str] | None = None) -> Path:
    """A copy of Streamlit's static files with ``.br``/``.gz`` beside each compressible one
    and the icon font cut to ``icons`` (default: :func:`kept_icons`), built once (all cores,
    under a lock) and reused while Streamlit's files and the icons stay the same."""
    source = source or streamlit_static()
    cache = cache or static_cache()
    icons = kept_icons(source) if icons is None else icons
    brotli = shutil.which("brotli")
    folder = cache / static_key(source, bool(brotli), icons)
    if folder.is_dir():
        return folder
    try:
        cache.mkdir(mode=0o755, parents=True, exist_ok=True)  # nginx's workers read it
        if cache.stat().st_uid != os.getuid():
            raise StaticFilesError(f"{cache} belongs to another user")
        with (cache / f"{folder.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another `up` may be building the same copy
            if not folder.is_dir():
                part = build_static(source, cache / f"{folder.name}.part", brotli, icons)
                part.rename(folder)
    except OSError as exc:
        raise StaticFilesError(f"copying Streamlit's static files: {exc}") from exc
    return folder


def build_static(source: Path, part: Path, brotli: str | None, icons: list[str]) -> Path:
    """Copy ``source`` to ``part``, cut its icon font to ``icons`` (when it has one and
    ``icons`` names any) and its text fonts to :data:`TEXT_RANGES`, and compress its
    compressible files there, on all cores."""
    shutil.rmtree(part, ignore_errors=True)
    shutil.copytree(source, part)
    font = icon_font(part)
    if font is not None and icons:
        font.write_bytes(subset_icon_font(font, icons))
        (part / "icons.txt").write_text("\n".join(icons) + "\n", encoding="utf-8")
    files = [p for p in part.rglob("*")
             if p.suffix in COMPRESSIBLE and p.stat().st_size >= MIN_COMPRESS]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda p: p.write_bytes(subset_text_font(p)), part.glob(TEXT_FONTS)))
        list(pool.map(lambda p: compress_file(p, brotli), files))
    return part
