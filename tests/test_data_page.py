"""The Data page (AppTest): upload, report, choices, accept, versions, downloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from utils import auth
from utils.ingest.store import Store

ROOT = Path(__file__).resolve().parent.parent
KALTIM = ROOT / "tests" / "fixtures" / "import" / "kaltim_ktp_2022.csv"
PAGE = str(ROOT / "pages" / "data.py")
TIMEOUT = 30
TEST_HASH = auth.hash_password("test-only-password", salt=b"capaian-test-salt", n=2**4)


@pytest.fixture(scope="module")
def cache_dir(regions: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the region table from the upstream copy (tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("cache")
    regions.to_csv(folder / "regions.csv", index=False)
    return folder


@pytest.fixture
def store_dir(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("CAPAIAN_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


def page(lang: str = "id") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    # The page writes only for a signed-in session (sign-in itself: tests/test_public_mode.py).
    at.secrets["access"] = {"password_hash": TEST_HASH}
    at.session_state["access_signed_in"] = auth.fingerprint(TEST_HASH)
    return at.run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="data_upload").set_value((name, data, "text/csv"))
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def accept_button(at: AppTest):
    return next(b for b in at.button if b.key and b.key.startswith("data_accept_"))


def test_empty_page(store_dir: Path) -> None:
    at = page()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert "Belum ada data yang diterima." in texts(at, "info")
    labels = [b.label for b in at.get("download_button")]
    assert "Unduh templat CSV" in labels and "Unduh templat XLSX" in labels


def test_english(store_dir: Path) -> None:
    at = page("en")
    assert not at.exception and "No data accepted yet." in texts(at, "info")


def test_upload_check_and_accept(store_dir: Path) -> None:
    at = upload(page(), KALTIM.name, KALTIM.read_bytes())
    assert not at.exception
    assert "Berkas dapat diterima." in texts(at, "success")
    assert at.date_input[0].value.isoformat() == "2022-05-15"
    button = accept_button(at)
    assert not button.disabled
    at.text_input(key="data_user").input("Petugas Uji")
    at = button.click().run()
    assert any("v0001" in s for s in texts(at, "success"))
    versions = Store(store_dir).versions()
    assert len(versions) == 1 and versions[0]["user"] == "Petugas Uji"
    assert versions[0]["period"] == "2022-05-15" and versions[0]["rows"]["values"] == 10
    at = upload(at, KALTIM.name, KALTIM.read_bytes())
    assert any("v0001" in s for s in texts(at, "info"))  # same file already stored


def test_unreadable_file_changes_nothing(store_dir: Path) -> None:
    at = upload(page(), "junk.csv", bytes(range(256)) * 50)
    assert not at.exception
    assert any("bukan tabel" in e for e in texts(at, "error"))
    assert not (store_dir / "state.json").exists()


def test_unmatched_row_is_chosen_and_remembered(store_dir: Path) -> None:
    data = (b"KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM\n"
            b"KAB. MAHULU;28.000;27.600\nKOTA BONTANG;135.227;138.527\n"
            b"<b>Kota X</b>;1;1\n")
    at = upload(page(), "rekap_2022-05-15.csv", data)
    assert not at.exception
    assert accept_button(at).disabled
    choices = [s for s in at.selectbox if s.key and s.key.startswith("data_choice_")]
    assert len(choices) == 2 and choices[0].options[2].startswith("64.11")
    assert "Kota X" in choices[1].label and "\\<b\\>" in choices[1].label  # escaped, not rendered
    choices[0].set_value("64.11")
    choices[1].set_value("__skip__")
    at = at.run()
    assert "Berkas dapat diterima." in texts(at, "success")
    at = accept_button(at).click().run()
    assert any("v0001" in s for s in texts(at, "success"))
    assert Store(store_dir).aliases() == {"Kabupaten|mahulu": "64.11"}


def test_mapping_correction(store_dir: Path) -> None:
    data = b"NO;KAB/KOTA;PENYEBUT;PEMBILANG\n1;KOTA BONTANG;100;90\n"
    at = upload(page(), "x_2022-05-15.csv", data)
    assert accept_button(at).disabled
    tables = [e for e in at.get("dataframe") if (e.key or "").startswith("data_mapping_")]
    assert len(tables) == 1  # the column table is shown: nothing is dropped silently
    warnings = " ".join(texts(at, "warning"))
    assert "belum dapat diterima" in warnings


def test_versions_diff_and_rollback(store_dir: Path) -> None:
    store = Store(store_dir)
    import pandas as pd

    for n in (90, 95):
        table = pd.DataFrame([{"period": "2022-05-15", "code": "64.74", "indicator": "ktp_el",
                               "numerator": n, "denominator": 100, "is_demo": False}])
        store.accept(table, source_name=f"{n}.csv", source_bytes=b"%d" % n, period="2022-05-15")
    at = page()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Unduh data CSV" in labels
    at.selectbox(key="data_rollback_to").set_value("v0001")
    at = at.button(key="data_rollback").click().run()
    assert any("v0001" in s for s in texts(at, "success"))
    assert store.current()["numerator"].item() == 90


def test_a_sub_population_column_is_taken_only_once_the_user_confirms_it(store_dir: Path) -> None:
    data = (b"DATA PER 15 MEI 2022\n\nKABUPATEN/KOTA;DP4 PEMULA;SUDAH REKAM PEMULA\n"
            b"KAB. PASER;5000;4500\n")
    at = upload(page(), "pemula.csv", data)
    assert not at.exception
    assert accept_button(at).proto.disabled is True  # not acceptable yet
    assert any(w.startswith("Berkas belum dapat diterima") for w in texts(at, "warning"))
    (tick,) = [c for c in at.checkbox if c.key and c.key.startswith("data_confirm_")]
    assert "DP4 PEMULA" in tick.label and "Wajib KTP-el" in tick.label
    tick.check().run()
    assert not at.exception
    assert accept_button(at).proto.disabled is False
    assert "Berkas dapat diterima." in texts(at, "success")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_report_names_fields_indicators_and_provinces_not_keys(store_dir: Path, lang) -> None:
    import re

    from utils.metrics.indicators import load_indicators

    key = re.compile(r"\b[a-z_]+\.[a-z_]+\b|\b(?:" + "|".join(load_indicators()) + r")\b")
    data = (b"KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n"
            b"KAB. PASER;218.315;220.957;101,21\nKOTA BONTANG;135.227;138.527;102,44\n"
            b"JUMLAH;353.542;359.000;101,54\n")
    at = upload(page(lang), "rekap_2022-05-15.csv", data)
    assert not at.exception
    shown = [str(v) for e in at.dataframe if not (e.key or "").startswith("data_mapping_")
             for v in [*e.value.columns, *e.value.to_numpy().ravel()]]
    shown += [e.value for e in at.markdown] + [e.value for e in at.caption]
    assert any("64 Kalimantan Timur" in s for s in shown)  # the province, not "64"
    assert any(s.startswith("Perekaman KTP-el" if lang == "id" else "KTP-el recording")
               for s in shown)
    raw = [s for s in shown if key.search(s)]
    assert not raw, raw
