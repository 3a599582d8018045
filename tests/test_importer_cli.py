"""The command ``python -m utils.ingest.importer``: check, map, decide and accept a file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from utils.ingest.command import main
from utils.ingest.importer import Context, analyse
from utils.ingest.matching import name_key
from utils.ingest.store import Store, current_user

ROOT = Path(__file__).resolve().parent.parent
KALTIM = ROOT / "tests" / "fixtures" / "import" / "kaltim_ktp_2022.csv"
HEADER = "NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n"
PERIOD = "2022-05-15"
CLEAN = "1;KAB. PASER;10;9;90\n2;KOTA BONTANG;20;19;95\n"
UNMATCHED = CLEAN + "3;KAB. MAHULU;10;9;90\n"  # row 4 needs a decision (64.11 suggested)
UNKNOWN_HEADERS = "NO;KAB/KOTA;PENYEBUT;PEMBILANG;KET\n"  # no indicator recognised


# ``regions``: the region table from the upstream copy (tests/conftest.py).


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame) -> Context:
    return Context.load(regions)


@pytest.fixture(scope="module")
def regions_csv(regions: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ref") / "regions.csv"
    regions.to_csv(path, index=False)
    return path


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "rekap.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((header + body).encode())
    return path


def two_row_header_workbook() -> bytes:
    """A workbook whose numerator column is headed ``KTP-EL / DATA BARU`` (not recognised)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["REKAP PER 15 MEI 2022"])
    sheet.append(["NO", "KABUPATEN/KOTA", "KTP-EL", None])
    sheet.append([None, None, "WAJIB KTP-EL", "DATA BARU"])
    sheet.append([1, "KAB. PASER", 10, 9])
    sheet.append([2, "KOTA BONTANG", 20, 19])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(capsys: pytest.CaptureFixture, file: Path, regions_csv: Path, store: Path,
        *argv: str) -> tuple[int, str, str]:
    """Run the command on ``file`` for :data:`PERIOD` with a reference and a store."""
    return run_cli(capsys, str(file), "--period", PERIOD, "--regions", str(regions_csv),
                   "--store", str(store), *argv)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- the check as before ----------------------------------------------------------------------


def test_json_on_the_kaltim_file(capsys: pytest.CaptureFixture, regions_csv: Path,
                                 tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, str(KALTIM), "--json", "--regions", str(regions_csv),
                             "--store", str(tmp_path))
    assert code == 0, err
    report = json.loads(out)
    assert report["rows"] == 11 and report["aggregates"] == {"64": {"ktp_el": 100.89}}
    assert report["matched"][1] == {"row": 5, "code": "64.02", "name":
                                    "Kabupaten Kutai Kartanegara", "by": "name",
                                    "text": "KAB. KUTAI KERTANEGARA"}
    assert set(report) >= {"rows", "matched", "unmatched", "totals", "errors", "warnings",
                           "aggregates"}
    assert "accepted" not in report  # only with --accept
    assert report["totals"][0]["checks"]["ktp_el.percent"]["ok"] is True


def test_needs_decisions(capsys: pytest.CaptureFixture, regions_csv: Path,
                         tmp_path: Path) -> None:
    path = write(tmp_path, "1;Bogor;10;9;90\n")
    code, out, _ = cli(capsys, path, regions_csv, tmp_path, "--lang", "en")
    assert code == 1 and "1 unmatched" in out


@pytest.mark.parametrize("accept", [[], ["--accept"]])
@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02junk" * 100, b"PK\x03\x04broken"])
def test_unreadable_files(capsys: pytest.CaptureFixture, regions_csv: Path, tmp_path: Path,
                          content: bytes, accept: list[str]) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    code, out, err = run_cli(capsys, str(path), "--json", "--regions", str(regions_csv),
                             "--store", str(tmp_path), *accept)
    assert code == 2
    one_line(err)
    assert json.loads(out)["status"] == "unreadable"
    assert not (tmp_path / "versions").exists()


def test_missing_file_and_missing_reference(capsys: pytest.CaptureFixture,
                                            tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, str(tmp_path / "nope.csv"))
    assert code == 2
    one_line(err)
    code, _, err = run_cli(capsys, str(KALTIM), "--regions", str(tmp_path / "none.csv"))
    assert code == 2 and "utils.geo build" in err


def test_help_names_every_flag(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--sheet", "--period", "--map", "--skip", "--choose", "--accept", "--user",
                 "--store", "--regions", "--json", "--lang"):
        assert flag in out, flag


def test_text_report_numbers_the_columns_for_map(capsys: pytest.CaptureFixture,
                                                 regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN, header=UNKNOWN_HEADERS)
    code, out, _ = cli(capsys, path, regions_csv, tmp_path, "--lang", "en")
    assert code == 1
    assert "3 PENYEBUT → –" in out and "2 KAB/KOTA → region.name" in out


# --- --map ------------------------------------------------------------------------------------


@pytest.mark.parametrize("maps", [
    ["PENYEBUT=ktp_el.denominator", "PEMBILANG=ktp_el.numerator"],
    ["3=ktp_el.denominator", "4=ktp_el.numerator", "KET="],
    ["penyebut=ktp_el.denominator", " PEMBILANG =ktp_el.numerator"],  # case and spaces
])
def test_map_rescues_unrecognised_headers(capsys: pytest.CaptureFixture, regions_csv: Path,
                                          tmp_path: Path, maps: list[str]) -> None:
    path = write(tmp_path, CLEAN, header=UNKNOWN_HEADERS)
    assert cli(capsys, path, regions_csv, tmp_path)[0] == 1
    code, out, err = cli(capsys, path, regions_csv, tmp_path, "--json",
                         *[a for m in maps for a in ("--map", m)])
    assert code == 0, err
    report = json.loads(out)
    assert report["status"] == "ok" and report["aggregates"] == {"64": {"ktp_el": 93.33}}
    assert [c["field"] for c in report["columns"]][2:4] == ["ktp_el.denominator",
                                                            "ktp_el.numerator"]


def test_map_by_a_two_row_header(capsys: pytest.CaptureFixture, regions_csv: Path,
                                 tmp_path: Path) -> None:
    path = tmp_path / "rekap.xlsx"
    path.write_bytes(two_row_header_workbook())
    base = [str(path), "--regions", str(regions_csv), "--store", str(tmp_path)]
    assert run_cli(capsys, *base)[0] == 1
    code, out, err = run_cli(capsys, *base, "--map", "KTP-EL / DATA BARU=ktp_el.numerator")
    assert code == 0, err
    assert "KTP-EL / DATA BARU → ktp_el.numerator" in out


def test_map_can_ignore_a_recognised_column(capsys: pytest.CaptureFixture, regions_csv: Path,
                                            tmp_path: Path) -> None:
    path = write(tmp_path, "1;KAB. PASER;10;9\n",
                 header="NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM\n")
    assert cli(capsys, path, regions_csv, tmp_path)[0] == 0
    code, out, _ = cli(capsys, path, regions_csv, tmp_path, "--json",
                       "--map", "SUDAH REKAM=")
    report = json.loads(out)
    assert code == 1 and report["columns"][3]["field"] is None
    assert "no_indicator" in [e["type"] for e in report["errors"]]


@pytest.mark.parametrize(("flag", "lang", "named", "text"), [
    ("XYZ=ktp_el.numerator", "id", "XYZ", "tidak ada"),
    ("XYZ=ktp_el.numerator", "en", "XYZ", "no column"),
    ("9=ktp_el.numerator", "id", "9", "tidak ada"),
    ("0=ktp_el.numerator", "en", "0", "no column"),
    ("PENYEBUT=ktp.pembilang", "id", "ktp.pembilang", "tidak dikenal"),
    ("PENYEBUT=ktp.pembilang", "en", "ktp.pembilang", "unknown field"),
    ("PENYEBUT", "id", "PENYEBUT", "KOLOM=BIDANG"),
    ("PENYEBUT", "en", "PENYEBUT", "COLUMN=FIELD"),
])
def test_bad_map_exits_2_with_one_line(capsys: pytest.CaptureFixture, regions_csv: Path,
                                       tmp_path: Path, flag: str, lang: str, named: str,
                                       text: str) -> None:
    path = write(tmp_path, CLEAN, header=UNKNOWN_HEADERS)
    code, out, err = cli(capsys, path, regions_csv, tmp_path, "--lang", lang, "--map", flag,
                         "--accept")
    line = one_line(err)
    assert code == 2 and out == ""
    assert f"«{named}»" in line and text.lower() in line.lower()
    assert snapshot(tmp_path / "versions") == {}


def test_the_same_column_mapped_twice_is_refused(capsys: pytest.CaptureFixture,
                                                 regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN, header=UNKNOWN_HEADERS)
    code, _, err = cli(capsys, path, regions_csv, tmp_path, "--map", "3=ktp_el.denominator",
                       "--map", "PENYEBUT=ktp_el.numerator")
    assert code == 2 and "PENYEBUT" in one_line(err)


def test_a_header_written_twice_needs_its_number(capsys: pytest.CaptureFixture,
                                                 regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN, header="NO;KAB/KOTA;DATA;DATA;KET\n")
    code, _, err = cli(capsys, path, regions_csv, tmp_path, "--lang", "en",
                       "--map", "DATA=ktp_el.denominator")
    assert code == 2 and "«DATA»" in one_line(err) and "number" in err
    code, _, err = cli(capsys, path, regions_csv, tmp_path, "--map", "3=ktp_el.denominator",
                       "--map", "4=ktp_el.numerator")
    assert code == 0, err


# --- --skip and --choose ----------------------------------------------------------------------


@pytest.mark.parametrize(("decide", "code", "matched"), [
    ([], 1, {"64.01", "64.74"}),
    (["--skip", "4"], 0, {"64.01", "64.74"}),
    (["--choose", "4=64.11"], 0, {"64.01", "64.74", "64.11"}),
    (["--choose", "4=6411"], 0, {"64.01", "64.74", "64.11"}),  # code as offices write it
    (["--choose", "4=64.11", "--skip", "2"], 0, {"64.74", "64.11"}),  # a matched row
])
def test_skip_and_choose_decide_rows(capsys: pytest.CaptureFixture, regions_csv: Path,
                                     tmp_path: Path, decide: list[str], code: int,
                                     matched: set[str]) -> None:
    path = write(tmp_path, UNMATCHED)
    exit_code, out, err = cli(capsys, path, regions_csv, tmp_path, "--json", *decide)
    assert exit_code == code, err
    report = json.loads(out)
    assert {m["code"] for m in report["matched"]} == matched
    assert [s["row"] for s in report["skipped"]] == [int(a) for a in decide[1::2]
                                                     if a.isdigit()]


@pytest.mark.parametrize(("decide", "lang", "text"), [
    (["--choose", "4=99.99"], "id", "99.99"),
    (["--choose", "4=64"], "en", "not a known regency"),
    (["--choose", "4=Mahakam Ulu"], "en", "Mahakam Ulu"),
    (["--choose", "4"], "id", "BARIS=KODE"),
    (["--choose", "x=64.11"], "en", "«x»"),
    (["--skip", "abc"], "id", "«abc»"),
    (["--skip", "99"], "en", "row 99"),
    (["--skip", "1"], "id", "baris 1"),  # the header row
    (["--skip", "4", "--choose", "4=64.11"], "en", "row 4"),
])
def test_bad_decisions_exit_2(capsys: pytest.CaptureFixture, regions_csv: Path,
                              tmp_path: Path, decide: list[str], lang: str, text: str) -> None:
    path = write(tmp_path, UNMATCHED)
    code, out, err = cli(capsys, path, regions_csv, tmp_path, "--lang", lang, *decide)
    assert code == 2 and out == ""
    assert text.lower() in one_line(err).lower()


# --- --accept ---------------------------------------------------------------------------------


def test_accept_stores_the_report_table(capsys: pytest.CaptureFixture, regions_csv: Path,
                                        tmp_path: Path, context: Context) -> None:
    path = write(tmp_path, CLEAN)
    store = tmp_path / "store"
    code, out, err = cli(capsys, path, regions_csv, store, "--json", "--accept",
                         "--user", "Budi")
    assert code == 0, err
    assert json.loads(out)["accepted"] == {"version": "v0001", "values": 2}
    versions = Store(store).versions()
    assert [(v["id"], v["user"], v["source"]["name"]) for v in versions] == [
        ("v0001", "Budi", "rekap.csv")]
    expected = analyse(path.read_bytes(), path.name, context, period=PERIOD).table
    pd.testing.assert_frame_equal(Store(store).data("v0001"), expected, check_dtype=False)


def test_accept_prints_the_version_and_defaults_to_the_login_name(
        capsys: pytest.CaptureFixture, regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN)
    code, out, _ = cli(capsys, path, regions_csv, tmp_path / "s", "--accept", "--lang", "en")
    assert code == 0 and "Stored as version v0001 (values: 2; regencies/cities: 2)" in out
    assert Store(tmp_path / "s").meta("v0001")["user"] == current_user()


def test_accept_needing_decisions_stores_nothing(capsys: pytest.CaptureFixture,
                                                 regions_csv: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert cli(capsys, write(tmp_path, CLEAN, name="a.csv"), regions_csv, store,
               "--accept")[0] == 0
    before = snapshot(store)
    code, out, err = cli(capsys, write(tmp_path, UNMATCHED), regions_csv, store, "--json",
                         "--accept")
    assert code == 1 and json.loads(out)["accepted"] is None
    assert "tidak disimpan" in one_line(err).lower()
    assert snapshot(store) == before and len(before) > 0


def test_accept_twice_makes_two_versions_and_says_so(capsys: pytest.CaptureFixture,
                                                     regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN)
    assert cli(capsys, path, regions_csv, tmp_path / "s", "--accept")[0] == 0
    code, out, err = cli(capsys, path, regions_csv, tmp_path / "s", "--accept", "--lang", "en")
    assert code == 0 and "v0002" in out
    assert "already stored as v0001" in one_line(err)
    assert [v["id"] for v in Store(tmp_path / "s").versions()] == ["v0001", "v0002"]


def test_chosen_names_are_remembered_on_accept(capsys: pytest.CaptureFixture,
                                               regions_csv: Path, tmp_path: Path) -> None:
    path, store = write(tmp_path, UNMATCHED), tmp_path / "s"
    code, _, err = cli(capsys, path, regions_csv, store, "--choose", "4=64.11", "--accept")
    assert code == 0, err
    assert Store(store).aliases() == {name_key("KAB. MAHULU").alias: "64.11"}
    assert Store(store).meta("v0001")["decisions"] == {"4": "64.11"}
    code, out, _ = cli(capsys, path, regions_csv, store, "--json")  # no --choose needed now
    assert code == 0
    assert json.loads(out)["matched"][2] == {"row": 4, "code": "64.11", "by": "alias",
                                             "name": "Kabupaten Mahakam Ulu",
                                             "text": "KAB. MAHULU"}


def test_without_choose_no_alias_is_remembered(capsys: pytest.CaptureFixture,
                                               regions_csv: Path, tmp_path: Path) -> None:
    path, store = write(tmp_path, UNMATCHED), tmp_path / "s"
    assert cli(capsys, path, regions_csv, store, "--skip", "4", "--accept")[0] == 0
    assert Store(store).aliases() == {}
    assert Store(store).meta("v0001")["decisions"] == {"4": ""}


def test_store_from_the_environment(capsys: pytest.CaptureFixture, regions_csv: Path,
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "env"))
    path = write(tmp_path, CLEAN)
    code, _, err = run_cli(capsys, str(path), "--period", PERIOD, "--regions", str(regions_csv),
                           "--accept")
    assert code == 0, err
    assert [v["id"] for v in Store(tmp_path / "env").versions()] == ["v0001"]


def test_a_refused_store_is_one_line(capsys: pytest.CaptureFixture, regions_csv: Path,
                                     tmp_path: Path) -> None:
    store = tmp_path / "s"
    store.mkdir()
    (store / "state.json").write_text("{not json")
    code, _, err = cli(capsys, write(tmp_path, CLEAN), regions_csv, store, "--accept",
                       "--lang", "en")
    assert code == 2 and "state.json" in one_line(err)


# --- the real command ---------------------------------------------------------------------------


def test_python_m_importer(regions_csv: Path, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN, header=UNKNOWN_HEADERS)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "utils.ingest.importer", str(path), "--period", PERIOD,
            "--regions", str(regions_csv), "--store", str(tmp_path / "s")]
    done = subprocess.run([*base, "--map", "PENYEBUT=ktp_el.denominator",
                           "--map", "4=ktp_el.numerator", "--accept"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Tersimpan sebagai versi v0001" in done.stdout and done.stderr == ""
    bad = subprocess.run([*base, "--map", "KOLOM X=ktp_el.numerator"], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert "«KOLOM X»" in one_line(bad.stderr)
