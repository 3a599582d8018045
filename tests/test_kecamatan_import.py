"""Importing files per kecamatan: codes and names within a regency, totals, partial regencies.

The kecamatan reference is built from the upstream copy into memory (and, for the
command line and the Data page, into ``tmp_path``); the import files are hand-made
(``tests/fixtures/kecamatan_*.csv``) or written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from utils import auth
from utils.ingest import acceptance, command
from utils.ingest import kecamatan_names as kn
from utils.ingest.importer import Context, Report, analyse
from utils.ingest.matching import Match
from utils.ingest.store import Store, StoreError
from utils.metrics import kecamatan as kec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SRAGEN_KIA = FIXTURES / "kecamatan_sragen_kia.csv"
SRAGEN_PARTIAL = FIXTURES / "kecamatan_sragen_partial.csv"
HEADER = "KODE;NAMA WILAYAH;WAJIB KTP-EL;SUDAH REKAM"
PAGE = Path(__file__).resolve().parent.parent / "pages" / "data.py"
TEST_HASH = auth.hash_password("test-only-password", salt=b"capaian-test-salt", n=2**4)


@pytest.fixture(scope="module")
def kecamatan(upstream: Path, regions: pd.DataFrame) -> pd.DataFrame:
    from utils.geo.reference import build_kecamatan

    sql = (upstream / "wilayah" / "db" / "wilayah.sql").read_text(encoding="utf-8")
    return build_kecamatan(sql, regions)


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame, crosswalk: pd.DataFrame,
            kecamatan: pd.DataFrame) -> Context:
    return Context.load(regions, crosswalk, kecamatan)


@pytest.fixture(scope="module")
def index(kecamatan: pd.DataFrame) -> kn.KecamatanIndex:
    return kn.KecamatanIndex(kecamatan)


def csv(lines: list[str], header: str = HEADER, title: str = "") -> bytes:
    return "\n".join([*([title] if title else []), header, *lines]).encode()


def check(context: Context, data: bytes, name: str = "kec_2024-06-30.csv", **choices) -> Report:
    return analyse(data, name, context, **choices)


def matched(report: Report) -> dict[int, str]:
    return {m["row"]: m["code"] for m in report.matched}


def reasons(report: Report) -> dict[int, str | None]:
    return {u["row"]: u.get("reason") for u in report.unmatched}


def kinds(issues: list) -> list[str]:
    return [i.kind for i in issues]


# --- codes and names ------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "kind", "text"), [
    ("33.14.01", "kemendagri", "33.14.01"),
    (" 33.14.01 ", "kemendagri", "33.14.01"),
    ("331401", "kemendagri", "33.14.01"),
    (331401, "kemendagri", "33.14.01"),
    (331401.0, "kemendagri", "33.14.01"),
    ("33.14.1", "kemendagri", "33.14.01"),
    ("3314010", "bps", "3314010"),
    (3314010, "bps", "3314010"),
    ("33.14.010", "bps", "3314010"),
    ("33.14.01.2001", "village", "33.14.01.2001"),
    ("3314012001", "village", "33.14.01.2001"),
])
def test_kecamatan_codes_as_written(cell: object, kind: str, text: str) -> None:
    assert kn.read_code(cell) == kn.KecamatanCode(kind, text)


@pytest.mark.parametrize("cell", ["33.14", "3314", 33, "abc", None, True, "", "33.14.001.1"])
def test_not_kecamatan_codes(cell: object) -> None:
    assert kn.read_code(cell) is None


@pytest.mark.parametrize(("written", "code"), [
    ("Kalijambe", "33.14.01"), ("KALIJAMBE", "33.14.01"), ("Kec. Kalijambe", "33.14.01"),
    ("kecamatan  kalijambe ", "33.14.01"), ("KEC KALIJAMBE", "33.14.01"),
    ("Sambung Macan", "33.14.07"), ("Sragen", "33.14.10"),
    ("Kota Bangun", "64.02.08"), ("Kec. Kota Bangun Darat", "64.02.19"),
    ("KOTABANGUN", "64.02.08"), ("Distrik Abepura", "91.71.03"),
])
def test_names_match_within_their_regency(index: kn.KecamatanIndex, written: str,
                                          code: str) -> None:
    found = index.match(written, code[:5])
    assert isinstance(found, Match) and found.code == code


def test_a_name_of_two_regencies_matches_only_in_the_one_given(
        index: kn.KecamatanIndex) -> None:
    owners = sorted({index.regency_of[c] for c in index.elsewhere("Gondang")})
    assert len(owners) >= 2  # Sragen, Tulungagung, Mojokerto …
    for regency in owners:
        found = index.match("Gondang", regency)
        assert isinstance(found, Match) and index.regency_of[found.code] == regency
    elsewhere = index.match("Gondang", "64.74")  # Kota Bontang has none
    assert not isinstance(elsewhere, Match)
    assert all(index.regency_of[s.code] == "64.74" for s in elsewhere)


MINI = pd.DataFrame(  # hand-made: two regencies sharing a name, one naming a kecamatan twice
    [("99.01.01", "Kota Baru", "Kecamatan", "99.01", "Kabupaten Contoh"),
     ("99.01.02", "Kotabaru", "Kecamatan", "99.01", "Kabupaten Contoh"),
     ("99.01.03", "Sungai Raya", "Kecamatan", "99.01", "Kabupaten Contoh"),
     ("99.02.01", "Sungai Raya", "Distrik", "99.02", "Kota Contoh"),
     ("99.02.02", "Muara", "Distrik", "99.02", "Kota Contoh")],
    columns=["code", "name", "kind", "regency_code", "regency_name"])


@pytest.mark.parametrize(("written", "regency", "code", "suggested"), [
    ("Sungai Raya", "99.01", "99.01.03", []),
    ("KEC. SUNGAI RAYA", "99.02", "99.02.01", []),
    ("Kota Baru", "99.01", None, ["99.01.01", "99.01.02"]),  # two of one regency: a question
    ("Kota Baru", "99.02", None, None),  # not a kecamatan of 99.02: never 99.01's
    ("Muara", "99.01", None, None),
    ("Muara", "99.09", None, []),  # an unknown regency has no kecamatan
])
def test_a_hand_made_reference(written: str, regency: str, code: str | None,
                               suggested: list[str] | None) -> None:
    found = kn.KecamatanIndex(MINI).match(written, regency)
    if code is not None:
        assert isinstance(found, Match) and found.code == code
        return
    assert not isinstance(found, Match)
    assert all(s.code.startswith(regency) for s in found)
    if suggested is not None:
        assert sorted(s.code for s in found) == suggested


PREFIXES = ["", "Kecamatan ", "Kec. ", "KEC ", "kec.", "Distrik ", "KECAMATAN  "]
CASES = [str, str.upper, str.lower, str.title]


@given(data=st.data())
def test_prefix_case_and_spaces_never_change_the_kecamatan(index: kn.KecamatanIndex,
                                                          data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(sorted(index.names)))
    name = index.names[code]
    spaced = data.draw(st.sampled_from([name, name.replace(" ", "  "), f"  {name} ",
                                        name.replace(" ", "")]))
    written = data.draw(st.sampled_from(CASES))(data.draw(st.sampled_from(PREFIXES)) + spaced)
    found = index.match(written, index.regency_of[code])
    assert isinstance(found, Match) and found.code == code, (written, found)


@given(data=st.data())
def test_a_name_never_matches_a_kecamatan_of_another_regency(
        index: kn.KecamatanIndex, data: st.DataObject) -> None:
    regencies = sorted(index.by_regency)
    regency = data.draw(st.sampled_from(regencies))
    text = data.draw(st.one_of(
        st.sampled_from(sorted(index.names.values())),
        st.text(alphabet="abcdeijkmnoprstuKS .", max_size=20)))
    found = index.match(text, regency)
    if isinstance(found, Match):
        assert index.regency_of[found.code] == regency
    else:
        assert all(index.regency_of[s.code] == regency for s in found)


def test_title_lines_name_the_regency(regions: pd.DataFrame) -> None:
    from utils.ingest.matching import RegionIndex

    names = RegionIndex(regions)
    assert kn.title_regency(names, ["CAPAIAN KIA", "KABUPATEN SRAGEN"]) == "33.14"
    assert kn.title_regency(names, ["Dinas Dukcapil Kab. Sragen Tahun 2024"]) == "33.14"
    assert kn.title_regency(names, ["KOTA BONTANG"]) == "64.74"
    assert kn.title_regency(names, ["Rekap per Kecamatan Kota Bangun"]) is None
    assert kn.title_regency(names, ["KABUPATEN SRAGEN", "KOTA BONTANG"]) is None
    assert kn.title_regency(names, ["SRAGEN"]) is None  # without its kind: not a title


# --- files -------------------------------------------------------------------------------


def test_a_complete_regency_with_title_and_total(context: Context) -> None:
    report = check(context, SRAGEN_KIA.read_bytes(), SRAGEN_KIA.name)
    assert (report.status, report.level, report.period) == ("ok", "kecamatan", "2024-06-30")
    assert sorted(matched(report).values()) == [f"33.14.{i:02d}" for i in range(1, 21)]
    assert matched(report)[15] == "33.14.10"  # SRAGEN: the kecamatan, not the regency
    (total,) = report.totals
    assert total["regency"] == "33.14" and all(c["ok"] for c in total["checks"].values())
    summary = report.kecamatan
    assert (summary["regency"], summary["regency_source"]) == ("33.14", "title")
    (sragen,) = summary["regencies"]
    assert (sragen["present"], sragen["total"], sragen["status"]) == (20, 20, "summed")
    rows, _rolled = kec.regency_level(report.table, context.kecamatan)
    figure = rows[rows["code"] == "33.14"]
    assert figure[["numerator", "denominator"]].values.tolist() == [[337501.0, 361760.0]]
    assert report.aggregates["33"]["kia"] == round(100 * 337501 / 361760, 2)


def test_a_total_that_differs_is_a_warning_with_both_numbers(context: Context) -> None:
    data = SRAGEN_KIA.read_bytes().replace(b";JUMLAH;361.760;", b";JUMLAH;361.700;")
    report = check(context, data, SRAGEN_KIA.name)
    assert report.status == "ok"
    (issue,) = [w for w in report.warnings if w.kind == "kec_imp_total_differs"]
    assert (issue.params["given"], issue.params["sum"]) == (361700.0, 361760.0)
    assert "361.700" in issue.message("id") and "361.760" in issue.message("id")


def test_without_a_regency_names_wait_for_the_choice(context: Context) -> None:
    data = SRAGEN_PARTIAL.read_bytes()
    report = check(context, data, SRAGEN_PARTIAL.name)
    assert report.level == "kecamatan" and report.status == "needs_decisions"
    assert not report.matched and set(reasons(report).values()) == {"kec_imp_no_regency"}
    assert kinds(report.errors) == ["kec_imp_needs_regency"]
    gondang = next(u for u in report.unmatched if u["text"] == "Gondang")
    assert len(gondang["suggestions"]) >= 2  # candidates in several regencies, none taken
    chosen = check(context, data, SRAGEN_PARTIAL.name, regency="33.14")
    assert chosen.status == "ok" and len(chosen.matched) == 12
    assert chosen.kecamatan["regency_source"] == "chosen"


def test_a_partial_regency_is_reported_and_never_summed(context: Context,
                                                        tmp_path: Path) -> None:
    report = check(context, SRAGEN_PARTIAL.read_bytes(), SRAGEN_PARTIAL.name, regency="33.14")
    (sragen,) = report.kecamatan["regencies"]
    assert (sragen["present"], sragen["total"], sragen["status"]) == (12, 20, "partial")
    assert [m["name"] for m in sragen["missing"]] == [
        "Gemolong", "Miri", "Sumberlawang", "Mondokan", "Sukodono", "Gesi", "Tangen", "Jenar"]
    (issue,) = [w for w in report.warnings if w.kind == "kec_imp_partial"]
    assert issue.message("id").startswith(
        "12 dari 20 kecamatan Kabupaten Sragen; angka kabupaten tidak dijumlahkan (sebagian)")
    assert "Jenar" in issue.message("id")
    assert "33" not in report.aggregates  # no regency figure, so no province figure
    store = Store(tmp_path / "store")
    store.accept(report.table, **acceptance.accept_arguments(
        report, SRAGEN_PARTIAL.name, SRAGEN_PARTIAL.read_bytes(), {}, "uji"))
    stored = store.current()
    assert stored is not None and set(stored["code"].str[:5]) == {"33.14"} and len(stored) == 12
    rows, rolled = kec.regency_level(stored, context.kecamatan)
    assert rows.empty
    assert rolled.partial[["regency_code", "present", "total"]].values.tolist() == [
        ["33.14", 12, 20]]


def test_a_regency_row_and_its_kecamatan_are_both_stored_never_counted_twice(
        context: Context) -> None:
    lines = ["64.74.01;Bontang Utara;100;90", "64.74.02;Bontang Selatan;200;180",
             "64.74.03;Bontang Barat;300;270", "64.74;Kota Bontang;600;540"]
    report = check(context, csv(lines))
    assert report.status == "ok" and set(matched(report).values()) == {
        "64.74.01", "64.74.02", "64.74.03", "64.74"}
    assert "kec_imp_regency_row" in kinds(report.warnings)
    assert "kec_imp_regency_row_differs" not in kinds(report.warnings)
    (bontang,) = report.kecamatan["regencies"]
    assert (bontang["status"], bontang["own_rows"]) == ("own_row", [5])
    rows, _ = kec.regency_level(report.table, context.kecamatan)
    assert rows[rows["code"] == "64.74"]["numerator"].tolist() == [540.0]  # once, not 1080
    differs = check(context, csv([*lines[:3], "64.74;Kota Bontang;610;540"]))
    (issue,) = [w for w in differs.warnings if w.kind == "kec_imp_regency_row_differs"]
    assert (issue.params["given"], issue.params["sum"]) == (610.0, 600.0)


def test_same_name_in_two_regencies_goes_by_the_regency_column(context: Context,
                                                                index: kn.KecamatanIndex
                                                                ) -> None:
    lines = ["Kabupaten Sragen;Gondang;100;90", "KAB. TULUNGAGUNG;Gondang;200;180",
             "Kabupaten Sragen;Sragen;300;270", "Kab. Mojokerto;Kec. Gondang;50;40"]
    report = check(context, csv(lines, "KABUPATEN/KOTA;KECAMATAN;WAJIB KTP-EL;SUDAH REKAM"))
    assert report.status == "ok"
    codes = matched(report)
    assert codes == {2: "33.14.06", 3: "35.04.09", 4: "33.14.10", 5: "35.16.02"}
    assert [index.labels[codes[r]] for r in (2, 3, 5)] == [
        "Kecamatan Gondang, Kabupaten Sragen", "Kecamatan Gondang, Kabupaten Tulungagung",
        "Kecamatan Gondang, Kabupaten Mojokerto"]


@pytest.mark.parametrize(("line", "reason"), [
    ("33.14.03;Kedawung;100;90", "code_name_conflict"),  # 33.14.03 is Masaran
    ("33.14.99;Kalijambe;100;90", "kec_imp_code_unknown"),
    ("3314010;Kalijambe;100;90", "kec_imp_bps_code"),
])
def test_codes_that_cannot_be_trusted_are_questions(context: Context, line: str,
                                                    reason: str) -> None:
    report = check(context, csv([line, "33.14.01;Kalijambe;100;90"]))
    assert report.level == "kecamatan" and report.status == "needs_decisions"
    assert matched(report) == {3: "33.14.01"} and reasons(report) == {2: reason}


def test_bps_kecamatan_codes_are_refused_with_a_clear_message(context: Context) -> None:
    lines = ["3314010;Kalijambe;100;90", "3314020;Plupuh;200;180", "3314030;Masaran;10;9"]
    data = csv(lines, title="KABUPATEN SRAGEN")
    report = check(context, data)
    assert not report.matched and report.table.empty
    (error,) = [e for e in report.errors if e.kind == "kec_imp_bps_codes"]
    assert error.params == {"count": 3, "example": "3314010"}
    assert "kode BPS kecamatan" in error.message("id") and "BPS" in error.message("en")
    by_name = check(context, data, mapping={0: ""})  # the code column ignored: names count
    assert by_name.status == "ok" and sorted(matched(by_name).values()) == [
        "33.14.01", "33.14.02", "33.14.03"]


def test_a_code_of_another_regency_than_the_row_says_is_a_question(context: Context) -> None:
    lines = ["Kabupaten Sragen;64.02.08;Kota Bangun;100;90"]
    header = "KABUPATEN;KODE KECAMATAN;KECAMATAN;WAJIB KTP-EL;SUDAH REKAM"
    report = check(context, csv(lines, header))
    assert reasons(report) == {2: "kec_imp_code_regency_conflict"} and not report.matched


def test_the_chosen_regency_never_overrides_a_regency_column(context: Context) -> None:
    lines = ["Kota Bontang;Bontang Utara;100;90", ";Kalijambe;10;9"]
    report = check(context, csv(lines, "KAB/KOTA;KECAMATAN;WAJIB KTP-EL;SUDAH REKAM"),
                   regency="33.14")
    assert matched(report) == {3: "33.14.01"}
    assert reasons(report) == {2: "kec_imp_regency_conflict"}


def test_a_name_not_in_the_regency_gets_suggestions_from_it_only(context: Context,
                                                                 index: kn.KecamatanIndex
                                                                 ) -> None:
    report = check(context, csv([";Kalijamba;100;90", ";Tenggarong;1;1"]), regency="33.14")
    assert matched(report) == {}
    assert reasons(report) == {2: "kec_imp_not_in_regency", 3: "kec_imp_not_in_regency"}
    for entry in report.unmatched:
        assert all(s["code"].startswith("33.14.") for s in entry["suggestions"])
    assert report.unmatched[0]["suggestions"][0]["code"] == "33.14.01"


def test_village_rows_are_skipped(context: Context) -> None:
    lines = ["33.14.01;Kalijambe;100;90", "33.14.01.2001;Desa Bukuran;10;9",
             ";Kelurahan Sragen Kulon;5;4"]
    report = check(context, csv(lines))
    assert matched(report) == {2: "33.14.01"}
    assert [s["reason"] for s in report.skipped] == ["kec_imp_village"] * 2
    only = check(context, csv(lines[1:]))
    assert "kec_imp_only_villages" in kinds(only.errors)


def test_a_regency_file_is_read_as_before(context: Context, regions: pd.DataFrame,
                                          crosswalk: pd.DataFrame) -> None:
    data = (FIXTURES / "import" / "kaltim_ktp_2022.csv").read_bytes()
    with_kecamatan = check(context, data, "kaltim_ktp_2022.csv")
    without = check(Context.load(regions, crosswalk), data, "kaltim_ktp_2022.csv")
    assert with_kecamatan.level == "regency" and not with_kecamatan.kecamatan
    assert with_kecamatan.matched == without.matched
    pd.testing.assert_frame_equal(with_kecamatan.table, without.table)


@pytest.mark.parametrize(("header", "fields"), [
    ("NO;KECAMATAN;WAJIB KTP-EL;SUDAH REKAM", ["row.number", "region.kecamatan"]),
    ("KODE KEC;NAMA KECAMATAN;WAJIB KTP-EL;SUDAH REKAM",
     ["region.kecamatan_code", "region.kecamatan"]),
    ("KAB/KOTA;DISTRIK;WAJIB KTP-EL;SUDAH REKAM", ["region.name", "region.kecamatan"]),
    ("KODE;KABUPATEN/KOTA;KODE KECAMATAN;KECAMATAN;WAJIB KTP-EL;SUDAH REKAM",
     ["region.code", "region.name", "region.kecamatan_code", "region.kecamatan"]),
])
def test_kecamatan_columns_are_recognised(context: Context, header: str,
                                          fields: list[str]) -> None:
    report = check(context, csv([], header))
    assert [report.mapping.get(i) for i in range(len(fields))] == fields


def test_a_chosen_kecamatan_is_remembered_within_its_regency(context: Context) -> None:
    data = csv([";Kalijamba;100;90"], title="KABUPATEN SRAGEN")
    decided = check(context, data, decisions={3: "33.14.01"})
    assert decided.status == "ok" and matched(decided) == {3: "33.14.01"}
    remembered = acceptance.aliases(decided, {3: "33.14.01"})
    assert remembered == {"33.14|kalijamba": {"code": "33.14.01", "text": "Kalijamba"}}
    aliases = {k: v["code"] for k, v in remembered.items()}
    again = check(context, data, aliases=aliases)
    assert matched(again) == {3: "33.14.01"} and again.matched[0]["by"] == "alias"
    elsewhere = check(context, csv([";Kalijamba;100;90"], title="KOTA BONTANG"),
                      aliases=aliases)
    assert not elsewhere.matched  # the alias holds in Sragen only


def test_store_takes_kecamatan_codes_with_the_regency_bound(tmp_path: Path) -> None:
    row = {"period": "2024-06-30", "code": "33.14.01", "indicator": "kia",
           "numerator": 90.0, "denominator": 100.0, "is_demo": False}
    store = Store(tmp_path / "store")
    store.accept(pd.DataFrame([row]), source_name="k.csv", source_bytes=b"x",
                 period="2024-06-30")
    current = store.current()
    assert current is not None and current["code"].tolist() == ["33.14.01"]
    with pytest.raises(StoreError) as refused:
        store.accept(pd.DataFrame([{**row, "denominator": 20_000_001.0}]),
                     source_name="k.csv", source_bytes=b"y", period="2024-06-30")
    assert refused.value.params == {"detail": "implausible"}
    assert len(store.versions()) == 1


def test_a_filled_kecamatan_template_imports_by_code(context: Context) -> None:
    from utils.ingest import export

    frame = export.kecamatan_template_frame(context.kecamatan, context.indicators, "64.74")
    assert frame.iloc[:, :3].values.tolist() == [
        ["Kota Bontang", "64.74.01", "Bontang Utara"], ["Kota Bontang", "64.74.02",
                                                         "Bontang Selatan"],
        ["Kota Bontang", "64.74.03", "Bontang Barat"]]
    indicator = context.indicators["kia"]
    frame[indicator.denominator_id] = [1000, 2000, 3000]
    frame[indicator.numerator_id] = [900, 1800, 2700]
    kept = [*frame.columns[:3], indicator.denominator_id, indicator.numerator_id]
    report = check(context, export.to_csv(frame[kept]))
    assert report.status == "ok" and report.level == "kecamatan"
    assert {m["by"] for m in report.matched} == {"code"} and len(report.matched) == 3
    assert report.kecamatan["regencies"][0]["status"] == "summed"
    shown = export.current_frame(report.table, context.regions, "id", None, context.kecamatan)
    assert shown.iloc[0, 2] == "Kecamatan Bontang Utara, Kota Bontang"


# --- command line ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_dir(regions: pd.DataFrame, kecamatan: pd.DataFrame,
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kec_cache")
    regions.to_csv(folder / "regions.csv", index=False)
    kecamatan.to_csv(folder / "kecamatan.csv", index=False)
    return folder


def run_cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = command.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_reads_a_kecamatan_file_with_the_regency_option(
        cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    base = [str(SRAGEN_PARTIAL), "--regions", str(cache_dir / "regions.csv"),
            "--store", str(tmp_path / "store")]
    code, out, _ = run_cli([*base, "--json"], capsys)
    assert code == 1 and json.loads(out)["kecamatan"]["waiting_for_regency"] == 12
    code, out, _ = run_cli([*base, "--json", "--regency", "33.14"], capsys)
    report = json.loads(out)
    assert code == 0 and report["level"] == "kecamatan"
    (sragen,) = report["kecamatan"]["regencies"]
    assert (sragen["present"], sragen["total"], sragen["status"]) == (12, 20, "partial")
    code, out, _ = run_cli([*base, "--regency", "3314", "--accept", "--user", "uji"], capsys)
    assert code == 0 and "12 dari 20" in out
    stored = Store(tmp_path / "store").current()
    assert stored is not None and len(stored) == 12
    meta = Store(tmp_path / "store").versions()[0]
    assert meta["kecamatan"]["regencies"]["33.14"] == {"present": 12, "total": 20,
                                                        "status": "partial"}


def test_cli_chooses_a_kecamatan_and_refuses_bad_regencies(
        cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "k_2024-06-30.csv"
    path.write_bytes(csv([";Kalijamba;100;90", ";Plupuh;10;9"], title="KABUPATEN SRAGEN"))
    base = [str(path), "--regions", str(cache_dir / "regions.csv"),
            "--store", str(tmp_path / "store"), "--json"]
    code, out, _ = run_cli([*base, "--choose", "3=33.14.1"], capsys)
    assert code == 0 and {m["row"]: m["code"] for m in json.loads(out)["matched"]} == {
        3: "33.14.01", 4: "33.14.02"}
    code, _, err = run_cli([*base, "--choose", "3=3314010"], capsys)
    assert code == 2 and "3314010" in err
    code, _, err = run_cli([*base, "--regency", "99.99"], capsys)
    assert code == 2 and "--regency 99.99" in err
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "regions.csv").write_bytes((cache_dir / "regions.csv").read_bytes())
    code, _, err = run_cli([str(path), "--regions", str(alone / "regions.csv"),
                            "--regency", "33.14"], capsys)
    assert code == 2 and "kecamatan.csv" in err


# --- the Data page ---------------------------------------------------------------------------


@pytest.fixture
def page_env(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("CAPAIAN_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"  # the kecamatan reference is cached per file: this folder's


def page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["lang"] = "id"
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


def test_data_page_chooses_the_regency_once_and_accepts(page_env: Path) -> None:
    hostile = b"13;<script>alert(1)</script>;1;1\n"
    at = upload(page(), SRAGEN_PARTIAL.name, SRAGEN_PARTIAL.read_bytes() + hostile)
    assert not at.exception and accept_button(at).disabled
    (regency,) = [s for s in at.selectbox if (s.key or "").startswith("data_regency_")]
    assert regency.label == "Semua baris dari"
    waiting = [s for s in at.selectbox if (s.key or "").startswith("data_choice_")]
    assert len(waiting) == 13 and all(len(s.options) <= 2 + 5 for s in waiting)  # no guess
    regency.set_value("33.14")
    at = at.run()
    assert not at.exception
    choices = [s for s in at.selectbox if (s.key or "").startswith("data_choice_")]
    (script,) = choices  # only the hostile row is left to decide
    assert "\\<script\\>" in script.label  # shown as text, never run
    assert len(script.options) == 2 + 20  # none, skip, the kecamatan of Sragen
    assert not any("<script>" in m.value for m in [*at.markdown, *at.caption])
    script.set_value("__skip__")
    at = at.run()
    assert "Berkas dapat diterima." in texts(at, "success")
    shown = [e.value for e in at.dataframe]
    summary = next(f for f in shown if "Kecamatan di berkas" in f.columns)
    assert summary.iloc[0].tolist()[:3] == [
        "33.14 Kabupaten Sragen", "12 dari 20", "tidak dijumlahkan (sebagian)"]
    at = accept_button(at).click().run()
    assert any("v0001" in s for s in texts(at, "success"))
    stored = Store(page_env).current()
    assert stored is not None and sorted(stored["code"]) == [f"33.14.{i:02d}"
                                                             for i in range(1, 13)]
