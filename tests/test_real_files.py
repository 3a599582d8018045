"""Files laid out the way offices and open-data portals publish them (made by the tests).

Every case must import with the right regions (the published figure reproduced),
or be left for a decision with the right reason. Nothing is ever matched to a
region whose name disagrees with the row.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.ingest.importer import Context, analyse

HEADER = "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM"
# Kalimantan Timur, 15 May 2022 (tests/fixtures/import/kaltim_ktp_2022.csv), with BPS codes:
# BPS 6402 is Kutai Barat, 6403 Kutai Kartanegara, 6405 Berau (Kemendagri 64.07, 64.02, 64.03).
KALTIM_BPS = [
    ("6401", "KAB. PASER", 218315, 220957, "64.01"),
    ("6403", "KAB. KUTAI KERTANEGARA", 568910, 577330, "64.02"),
    ("6405", "KAB. BERAU", 210799, 212127, "64.03"),
    ("6402", "KAB. KUTAI BARAT", 131540, 131435, "64.07"),
    ("6404", "KAB. KUTAI TIMUR", 316439, 303687, "64.08"),
    ("6409", "KAB. PENAJAM PASER UTARA", 142457, 144053, "64.09"),
    ("6411", "KAB. MAHAKAM ULU", 27999, 27618, "64.11"),
    ("6471", "KOTA BALIKPAPAN", 533980, 544286, "64.71"),
    ("6472", "KOTA SAMARINDA", 621264, 632782, "64.72"),
    ("6474", "KOTA BONTANG", 135227, 138527, "64.74"),
]


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame, crosswalk: pd.DataFrame) -> Context:
    return Context.load(regions, crosswalk)


def csv(lines: list[str], header: str = HEADER, title: str = "DATA PER 15 MEI 2022") -> bytes:
    return "\n".join([title, "", header, *lines]).encode("utf-8")


def rows(table: list[tuple], code_at: int = 0) -> list[str]:
    return [";".join(str(v) for v in (r[code_at], r[1], r[2], r[3])) for r in table]


def stored(report) -> dict[str, str]:
    """File text → code of every row matched."""
    return {m["text"]: m["code"] for m in report.matched}


def test_bps_codes_are_read_as_bps_and_say_so(context: Context) -> None:
    report = analyse(csv(rows(KALTIM_BPS), "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"),
                     "bps.csv", context)
    assert report.status == "ok", report.to_dict()
    assert report.code_scheme["scheme"] == "bps"
    assert stored(report) == {r[1]: r[4] for r in KALTIM_BPS}
    assert report.aggregates == {"64": {"ktp_el": 100.89}}  # the published province figure
    messages = " ".join(w.message("id") for w in report.warnings)
    assert "kode di berkas ini adalah kode BPS" in messages
    assert {m["written_code"] for m in report.matched} == {r[0] for r in KALTIM_BPS}


def test_kemendagri_codes_without_dots_are_read_as_kemendagri(context: Context) -> None:
    table = [(r[4].replace(".", ""), *r[1:]) for r in KALTIM_BPS]
    report = analyse(csv(rows(table), "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"),
                     "kmd.csv", context)
    assert report.status == "ok" and report.code_scheme["scheme"] == "kemendagri"
    assert stored(report) == {r[1]: r[4] for r in KALTIM_BPS}


def test_a_code_that_names_another_region_is_a_decision(context: Context) -> None:
    table = list(KALTIM_BPS)
    table[1] = ("6405", *table[1][1:])  # Kutai Kartanegara's row typed with Berau's BPS code
    report = analyse(csv(rows(table), "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"),
                     "typo.csv", context)
    assert report.status == "needs_decisions"
    conflict = [u for u in report.unmatched if u.get("reason") == "code_name_conflict"]
    assert [u["text"] for u in conflict] == ["KAB. KUTAI KERTANEGARA"]
    assert {s["code"] for s in conflict[0]["suggestions"]} == {"64.03", "64.02"}
    assert "64.02" not in set(report.table["code"])


def test_undotted_codes_without_names_ask_for_the_scheme(context: Context) -> None:
    lines = [f"{r[0]};{r[2]};{r[3]}" for r in KALTIM_BPS]
    data = csv(lines, "KODE;WAJIB KTP-EL;SUDAH REKAM")
    report = analyse(data, "codes.csv", context)
    assert report.status == "needs_decisions" and report.code_scheme["scheme"] is None
    assert "code_scheme_unknown" in [e.kind for e in report.errors]
    assert report.table.empty
    chosen = analyse(data, "codes.csv", context, scheme="bps")
    assert chosen.status == "ok"
    assert dict(zip(chosen.table["code"], chosen.table["numerator"], strict=True))[
        "64.02"] == 577330


@pytest.mark.parametrize(("written", "code"), [
    ("Kabupaten Toba Samosir", "12.12"),
    ("TOBA SAMOSIR", "12.12"),
    ("Kab. Mamuju Utara", "76.01"),
    ("KAB. MALUKU TENGGARA BARAT", "81.03"),
])
def test_former_names_resolve_to_todays_region_with_a_note(context: Context, written: str,
                                                            code: str) -> None:
    report = analyse(csv([f";{written};100;90"]), "renamed.csv", context)
    assert [(m["code"], m["by"]) for m in report.matched] == [(code, "former")]


def test_codes_of_the_2020_list_are_translated(context: Context) -> None:
    # In the 2020 list Merauke was 91.01 and Kota Sorong 92.71 (before the Papua split).
    lines = ["91.01;KAB. MERAUKE;100;90", "92.71;KOTA SORONG;200;150",
             "91.71;KOTA JAYAPURA;300;280"]
    report = analyse(csv(lines, "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"), "p.csv",
                     context)
    # Both archived lists are from before the split and agree on Papua: either is right.
    assert report.code_scheme["scheme"] in ("kemendagri_2020", "kemendagri_2022")
    names = {m["text"]: m["name"] for m in report.matched}
    assert names == {"KAB. MERAUKE": "Kabupaten Merauke", "KOTA SORONG": "Kota Sorong",
                     "KOTA JAYAPURA": "Kota Jayapura"}
    assert "sebelum pemekaran papua" in " ".join(w.message("id") for w in report.warnings).lower()


def test_rows_below_the_regency_are_recognised_and_never_matched(context: Context) -> None:
    lines = ["64.02;KAB. KUTAI KARTANEGARA;568910;577330",
             "64.02.01;Kecamatan Semboja;1000;990", ";KEC. KOTA BANGUN;800;700",
             "64.02.05.2001;Desa Loa Ipuh;50;40"]
    report = analyse(csv(lines, "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"), "kec.csv",
                     context)
    assert [m["code"] for m in report.matched] == ["64.02"]
    assert [s["reason"] for s in report.skipped] == ["below_regency"] * 3
    assert "below_regency" in [w.kind for w in report.warnings]


def test_a_total_of_a_split_province_is_checked_against_both_provinces(
        context: Context) -> None:
    # BPS 91 = Papua Barat before the split: today Papua Barat (92) and Papua Barat Daya (96).
    lines = ["9105;KAB. MANOKWARI;100;90", "9171;KOTA SORONG;200;190", "91;PAPUA BARAT;300;280"]
    report = analyse(csv(lines, "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"), "pb.csv",
                     context)
    (total,) = report.totals
    assert sorted(total["provinces"]) == ["92", "96"]
    assert all(check["ok"] for check in total["checks"].values())


PROVINCES = [("11", "ACEH", 3700000, 3650000), ("64", "KALIMANTAN TIMUR", 2906930, 2932802),
             ("65", "KALIMANTAN UTARA", 458853, 467701), ("51", "BALI", 3200000, 3180000)]


def test_a_province_level_table_imports_as_province_figures(context: Context) -> None:
    lines = [f"{i};{name};{den};{num}" for i, (_, name, den, num) in enumerate(PROVINCES, 1)]
    total = (sum(p[2] for p in PROVINCES), sum(p[3] for p in PROVINCES))
    lines.append(f";NASIONAL;{total[0]};{total[1]}")
    report = analyse(csv(lines, "NO;PROVINSI;WAJIB KTP-EL;SUDAH REKAM"), "prov.csv", context)
    assert report.level == "province" and report.status == "ok", report.to_dict()
    assert sorted(report.table["code"]) == sorted(p[0] for p in PROVINCES)
    (nation,) = report.totals
    assert all(check["ok"] for check in nation["checks"].values())
    assert report.aggregates["64"] == {"ktp_el": 100.89}


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bps_files_never_store_under_a_region_whose_name_disagrees(
        context: Context, crosswalk: pd.DataFrame, data: st.DataObject) -> None:
    bps = crosswalk[(crosswalk["scheme"] == "bps") & (crosswalk["level"] == "regency")
                    & (crosswalk["how"] != "ambiguous") & (crosswalk["current"] != "")]
    picked = data.draw(st.lists(st.sampled_from(list(bps.itertuples(index=False))),
                                min_size=2, max_size=12, unique_by=lambda r: r.code))
    lines = [f"{r.code};{r.name};1000;900" for r in picked]
    report = analyse(csv(lines, "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"), "h.csv",
                     context)
    truth = {r.name: r.current for r in picked}
    for match in report.matched:
        assert truth[match["text"]] == match["code"], match


# --- the long ("tidy") open-data layout: one measure per file, several years, BPS codes ------

TIDY = ("id,kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,{measure},"
        "satuan,tahun")


def tidy(measure: str, values: dict[tuple[str, int], int]) -> bytes:
    names = {r[0]: r[1].replace("KAB.", "KABUPATEN") for r in KALTIM_BPS}
    lines = [TIDY.format(measure=measure)]
    for i, ((code, year), value) in enumerate(sorted(values.items()), 1):
        lines.append(f"{i},64,KALIMANTAN TIMUR,{code},{names[code]},{value},JIWA,{year}")
    return "\n".join(lines).encode("utf-8")


def test_a_tidy_file_with_two_years_imports_as_two_periods(context: Context) -> None:
    lines = [TIDY.format(measure="jumlah_wajib_ktp_el").replace(
        "jumlah_wajib_ktp_el", "jumlah_wajib_ktp_el,jumlah_sudah_rekam_ktp_el")]
    for year in (2021, 2022):
        for i, r in enumerate(KALTIM_BPS):
            done = r[3] if year == 2022 else r[3] * 9 // 10  # 2021: lower, never mixed in
            lines.append(f"{i},64,KALIMANTAN TIMUR,{r[0]},{r[1]},{r[2]},{done},JIWA,{year}")
    report = analyse("\n".join(lines).encode(), "tidy.csv", context)
    assert report.status == "ok", report.to_dict()
    assert report.periods == ["2021-12-31", "2022-12-31"] and report.period == "2022-12-31"
    assert report.code_scheme["scheme"] == "bps"
    assert sorted(set(report.table["period"])) == report.periods
    assert len(report.table) == 2 * len(KALTIM_BPS)
    assert any(w.kind == "year_periods" for w in report.warnings)
    moved = analyse("\n".join(lines).encode(), "tidy.csv", context,
                    year_periods={2022: "2022-05-15"})
    assert moved.periods == ["2021-12-31", "2022-05-15"]
    # the file's figure is its latest period's: the published figure of 15 May 2022
    assert moved.aggregates["64"]["ktp_el"] == 100.89
    assert moved.aggregates_by_period["2021-12-31"]["64"]["ktp_el"] < 91


def test_a_numerator_file_and_a_denominator_file_pair_into_one_indicator(
        context: Context) -> None:
    done = tidy("jumlah_penduduk_sudah_rekam_ktp_el",
                {(r[0], 2022): r[3] for r in KALTIM_BPS})
    required = tidy("jumlah_penduduk_wajib_ktp_el",
                    {(r[0], 2022): r[2] for r in KALTIM_BPS if r[0] != "6474"})
    report = analyse(done, "rekam.csv", context, companion=("wajib.csv", required),
                     year_periods={2022: "2022-05-15"})
    assert report.companion is not None and report.companion["file"] == "wajib.csv"
    # Bontang is missing from the denominator file: named, not dropped silently
    assert report.status == "needs_decisions"
    assert [e.kind for e in report.errors] == ["missing"]
    full = tidy("jumlah_penduduk_wajib_ktp_el", {(r[0], 2022): r[2] for r in KALTIM_BPS})
    paired = analyse(done, "rekam.csv", context, companion=("wajib.csv", full),
                     year_periods={2022: "2022-05-15"})
    assert paired.status == "ok", paired.to_dict()
    assert paired.aggregates == {"64": {"ktp_el": 100.89}}


# --- the whole path: command line with both files, several years, accepted into a store ------


def test_paired_years_accepted_from_the_command_line(regions: pd.DataFrame,
                                                    crosswalk: pd.DataFrame, tmp_path,
                                                    capsys: pytest.CaptureFixture) -> None:
    from utils.ingest.command import main
    from utils.ingest.store import Store

    (tmp_path / "ref").mkdir()
    regions.to_csv(tmp_path / "ref" / "regions.csv", index=False)
    crosswalk.to_csv(tmp_path / "ref" / "crosswalk.csv", index=False)
    done = {(r[0], y): r[3] - (2022 - y) * 1000 for r in KALTIM_BPS for y in (2021, 2022)}
    required = {(r[0], y): r[2] for r in KALTIM_BPS for y in (2021, 2022)}
    (tmp_path / "rekam.csv").write_bytes(tidy("jumlah_sudah_rekam_ktp_el", done))
    (tmp_path / "wajib.csv").write_bytes(tidy("jumlah_wajib_ktp_el", required))
    store = tmp_path / "store"
    argv = [str(tmp_path / "rekam.csv"), "--with", str(tmp_path / "wajib.csv"),
            "--year-period", "2022=2022-05-15", "--regions", str(tmp_path / "ref" / "regions.csv"),
            "--store", str(store), "--accept", "--user", "tester"]
    assert main(argv) == 0, capsys.readouterr()
    capsys.readouterr()
    (meta,) = Store(store).versions()
    assert meta["periods"] == ["2021-12-31", "2022-05-15"] and meta["period"] == "2022-05-15"
    assert meta["companion"]["name"] == "wajib.csv"
    assert sorted(p.name for p in (store / "versions" / meta["id"]).iterdir()) == [
        "companion.csv", "data.csv", "meta.json", "source.csv"]
    data = Store(store).data(meta["id"])
    assert len(data) == 20 and set(data["code"]) == {r[4] for r in KALTIM_BPS}
    latest = data[data["period"] == "2022-05-15"]
    assert round(100 * latest["numerator"].sum() / latest["denominator"].sum(), 2) == 100.89
    assert main([*argv[:-3], "--year-period", "2022"]) == 2
    assert "--year-period" in capsys.readouterr().err


# --- the JSON report of every kind: what the command line prints for it -----------------------

KINDS = {
    # kind: (file lines, header, expected status, level, scheme, aggregates of 64 or None)
    "kemendagri names": ([f";{r[1]};{r[2]};{r[3]}" for r in KALTIM_BPS],
                         "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "ok", "regency",
                         "kemendagri", 100.89),
    "bps codes": (rows(KALTIM_BPS), "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "ok",
                  "regency", "bps", 100.89),
    "count and percent": ([f";{r[1]};{r[3]};{100 * r[3] / r[2]:.2f}".replace(".", ",")
                           for r in KALTIM_BPS],
                          "KODE;KABUPATEN/KOTA;SUDAH REKAM;% REKAM", "ok", "regency",
                          "kemendagri", 100.89),
    "percent only": ([f";{r[1]};{100 * r[3] / r[2]:.2f}".replace(".", ",") for r in KALTIM_BPS],
                     "KODE;KABUPATEN/KOTA;% REKAM", "ok", "regency", "kemendagri", None),
    "sudah and belum": ([f";{r[1]};{r[3]};{max(r[2] - r[3], 0)}" for r in KALTIM_BPS[:1]],
                        "KODE;KABUPATEN/KOTA;SUDAH REKAM;BELUM REKAM", "ok", "regency",
                        "kemendagri", 100.0),
    "province table": ([f"{p[0]};{p[1]};{p[2]};{p[3]}" for p in PROVINCES],
                       "KODE;PROVINSI;WAJIB KTP-EL;SUDAH REKAM", "ok", "province",
                       "kemendagri", 100.89),
    "kecamatan only": (["64.02.01;Kecamatan Semboja;1000;990"],
                       "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "needs_decisions",
                       "regency", "kemendagri", None),
    "header only": ([], "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "needs_decisions",
                    "regency", "kemendagri", None),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_json_report_of_each_kind(context: Context, kind: str) -> None:
    import json

    lines, header, status, level, scheme, figure = KINDS[kind]
    report = analyse(csv(lines, header), f"{kind}.csv", context)
    out = json.loads(json.dumps(report.to_dict("id"), default=str))
    assert (out["status"], out["level"], out["code_scheme"]["scheme"]) == (
        status, level, scheme), out
    assert {"matched", "unmatched", "errors", "warnings", "aggregates", "completeness"} <= set(out)
    assert out["aggregates"].get("64", {}).get("ktp_el") == figure
    if status != "ok":  # refused with its reason, never "ok" with nothing to store
        assert out["errors"] and report.table.empty


def test_a_province_from_before_the_split_is_never_stored_as_one_of_todays(
        context: Context) -> None:
    lines = ["11;ACEH;3700000;3650000", "64;KALIMANTAN TIMUR;2906930;2932802",
             "65;KALIMANTAN UTARA;458853;467701", "91;PAPUA BARAT;800000;700000"]
    report = analyse(csv(lines, "KODE;PROVINSI;WAJIB KTP-EL;SUDAH REKAM"), "bps_prov.csv",
                     context, scheme="bps")
    assert report.level == "province" and report.status == "needs_decisions"
    (split,) = report.unmatched
    assert split["reason"] == "province_split"
    assert sorted(s["code"] for s in split["suggestions"]) == ["92", "96"]
    assert set(report.table["code"]) == {"11", "64", "65"}
    skipped = analyse(csv(lines, "KODE;PROVINSI;WAJIB KTP-EL;SUDAH REKAM"), "bps_prov.csv",
                      context, scheme="bps", decisions={split["row"]: ""})
    assert skipped.status == "ok"
