"""The audit log (#18 item 5): sign-in, file checks and accepts are recorded with who,
when and where, shown newest first on the Data page and downloadable."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest
from test_data_page import (  # noqa: F401 - fixtures
    KALTIM,
    PAGE,
    TEST_HASH,
    TIMEOUT,
    accept_button,
    cache_dir,
    store_dir,
    upload,
)

from utils.ingest.store import Store
from utils.report.audit_log import audit_frame


def test_the_log_reads_newest_first_in_words():
    entries = [{"at": "2026-11-01T08:00:00+00:00", "action": "sign_in", "who": "password@local",
                "replica": "a:8501"},
               {"at": "2026-11-01T08:05:00+00:00", "action": "accept", "user": "Budi",
                "version": "v0001", "replica": "b:8502"},
               {"at": "2026-11-01T08:06:00+00:00", "action": "something_new", "who": "x",
                "detail": {"n": 1}}]
    frame = audit_frame(entries, "id")
    assert list(frame.columns) == ["Waktu (UTC)", "Siapa", "Tindakan", "Apa", "Replika"]
    assert list(frame["Tindakan"]) == ["something_new", "Data diterima", "Masuk"]
    assert frame.iloc[2]["Waktu (UTC)"] == "2026-11-01 08:00:00"
    assert frame.iloc[1]["Siapa"] == "Budi" and frame.iloc[1]["Apa"] == "version: v0001"
    assert frame.iloc[0]["Apa"] == 'detail: {"n": 1}'
    assert list(audit_frame(entries, "en")["Action"])[1:] == ["Data accepted", "Signed in"]


def test_sign_in_check_and_accept_are_logged_and_shown(store_dir: Path, made):  # noqa: F811
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.secrets["access"] = {"password_hash": TEST_HASH}
    at.run()
    at.text_input(key="access_password").input("test-only-password")
    at = next(b for b in at.button if b.label == "Masuk").click().run()
    at = upload(at, KALTIM.name, KALTIM.read_bytes())
    at.text_input(key="data_user").input("Petugas Uji")
    at = accept_button(at).click().run()
    at = upload(at, KALTIM.name, KALTIM.read_bytes())  # the same file again: logged once
    log = Store(store_dir).audit()
    assert [e["action"] for e in log] == ["sign_in", "import", "accept"]
    assert log[1]["file"] == KALTIM.name and log[1]["user"].startswith("password@")
    assert all(e.get("replica") for e in log)
    shown = next(d.value for d in at.dataframe if "Tindakan" in d.value.columns)
    assert list(shown["Tindakan"]) == ["Data diterima", "Berkas diperiksa", "Masuk"]
    csv = pd.read_csv(io.BytesIO(made["capaian_audit.csv"]), sep=";", encoding="utf-8-sig")
    assert list(csv["Tindakan"]) == ["Data diterima", "Berkas diperiksa", "Masuk"]
