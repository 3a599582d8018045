"""A kecamatan has its own page: search finds it with its regency, its figures, target,
rank and trend; a regency's page ranks its kecamatan for outreach (issue #17)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from utils.formatting import format_percent
from utils.i18n import t
from utils.ingest.matching import RegionIndex
from utils.ingest.region_rows import former_names
from utils.ingest.region_search import KecamatanIndex, find, kecamatan_code, kecamatan_key
from utils.metrics import coverage, kecamatan, region_profile
from utils.metrics.regions import kecamatan_label, read_kecamatan
from utils.metrics.targets import load_targets
from utils.report import region_profile as texts

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "region.py")
P0, P1 = "2024-12-31", "2025-06-30"


# --- search ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(built) -> pd.DataFrame:
    from utils.geo import cache_record

    return read_kecamatan(cache_record.cache_dir() / "kecamatan.csv")


@pytest.fixture(scope="module")
def index(regions, crosswalk) -> RegionIndex:
    return RegionIndex(regions, {}, former_names(crosswalk))


@pytest.fixture(scope="module")
def kec(reference) -> KecamatanIndex:
    return KecamatanIndex(reference)


@pytest.fixture(scope="module")
def records(reference) -> list[dict]:
    return reference.to_dict("records")


@pytest.fixture(scope="module")
def names(reference) -> list[str]:
    return sorted(set(reference["name"]))


def code_of(reference: pd.DataFrame, name: str, regency: str) -> str:
    rows = reference[(reference["name"] == name) & (reference["regency_name"] == regency)]
    assert len(rows) == 1, (name, regency)
    return str(rows["code"].iloc[0])


@pytest.mark.parametrize(("typed", "sure"), [
    ("Kota Bangun, Kutai Kartanegara", True),
    ("Kecamatan Kota Bangun, Kabupaten Kutai Kartanegara", True),
    ("KEC. KOTA BANGUN, KAB. KUTAI KERTANEGARA", True),  # the importer's spellings
    ("kota bangun kabupaten kutai kartanegara", True),  # no comma: the words after the name
    ("64.02.08", True),
    ("640208", True),
    ("kota bangun", False),  # a name alone is offered, never opened
    ("Kecamatan Kota Bangun", False),
])
def test_kota_bangun_is_found_with_its_regency(index, kec, reference, typed, sure):
    code = code_of(reference, "Kota Bangun", "Kabupaten Kutai Kartanegara")
    found = find(typed, index, kec)
    assert found.sure is sure
    assert found.codes[0] == code
    assert found.codes == [code] if sure else code in found.codes


@pytest.mark.parametrize(("typed", "first", "also"), [
    ("Sragen", "33.14", [("Sragen", "Kabupaten Sragen")]),  # the regency opens, the kecamatan
    ("Kutai Kertanegara", "64.02", []),                     # of that name is offered besides
    ("Kabupaten Sragen", "33.14", []),                      # a kind written keeps to its kind
])
def test_a_regency_still_opens_and_a_same_named_kecamatan_is_offered(index, kec, reference,
                                                                     typed, first, also):
    found = find(typed, index, kec)
    assert found.sure and found.codes[0] == first
    assert found.codes[1:] == [code_of(reference, n, r) for n, r in also]


def test_a_whole_name_that_also_reads_as_name_and_regency_is_offered_not_opened(index, kec,
                                                                              reference):
    """"Batang Batang" is a kecamatan of Sumenep, and also reads as Kecamatan Batang of
    Kabupaten Batang: both are offered, neither opened (hypothesis found it)."""
    found = find("Batang Batang", index, kec)
    assert not found.sure
    assert set(found.codes) == {code_of(reference, "Batang Batang", "Kabupaten Sumenep"),
                                code_of(reference, "Batang", "Kabupaten Batang")}
    assert find("Batang, Batang", index, kec).codes == [
        code_of(reference, "Batang", "Kabupaten Batang")]  # a comma says which is which


@pytest.mark.parametrize("typed", ["64.02.99", "999999", "Kecamatan Xyzzyq", "Kota Bangun, Papua"])
def test_what_names_no_kecamatan_opens_nothing(index, kec, typed):
    assert not find(typed, index, kec).sure


def test_every_repeated_name_is_offered_once_per_regency(index, kec, reference):
    repeated = reference.groupby("name")["regency_code"].nunique()
    repeated = repeated[repeated > 1]
    assert len(repeated) > 200  # Karanganyar is in six regencies
    for name in repeated.index:
        found = find(f"Kecamatan {name}", index, kec)
        mine = reference[reference["name"] == name]
        assert not found.sure and found.by == "kecamatan", name
        listed = [c for c in found.codes if c in set(mine["code"])]
        assert sorted(listed) == sorted(mine["code"]), name  # each one, once
        regencies = [kec.regency_of[c] for c in listed]
        assert len(regencies) == len(set(regencies)), name  # one entry per regency


def test_every_kecamatan_label_opens_exactly_it(index, kec, records):
    for row in records:
        found = find(kecamatan_label(row), index, kec)
        assert found.sure and found.codes == [row["code"]], (kecamatan_label(row), found)


@settings(max_examples=150)
@given(st.data())
def test_any_kecamatan_written_with_its_regency_opens_it(index, kec, records, data):
    row = data.draw(st.sampled_from(records))
    regency = row["regency_name"]
    typed = data.draw(st.sampled_from([
        kecamatan_label(row), kecamatan_label(row).upper(), f"{row['name']}, {regency}",
        f"kec. {row['name'].lower()}, {regency.replace('Kabupaten', 'Kab.')}",
        row["code"], row["code"].replace(".", ""),
    ]))
    found = find(typed, index, kec)
    assert found.sure and found.codes == [row["code"]], typed


@settings(max_examples=150)
@given(st.data())
def test_a_kecamatan_name_alone_never_opens_a_kecamatan(index, kec, reference, names, data):
    name = data.draw(st.sampled_from(names))
    typed = data.draw(st.sampled_from([name, name.upper(), f"Kecamatan {name}", f"Kec. {name}"]))
    found = find(typed, index, kec)
    assert not (found.sure and region_profile.is_kecamatan(found.codes[0])), typed
    same = reference.loc[reference["name"] == name, "code"]
    assert set(same) <= set(found.codes)  # every kecamatan of that name is offered
    assert len(found.codes) == len(set(found.codes))


@settings(max_examples=100)
@given(st.text(max_size=30))
def test_a_kecamatan_opens_only_by_its_code_or_with_its_regency(index, kec, typed):
    found = find(typed, index, kec)
    assert len(found.codes) == len(set(found.codes))
    if found.sure and region_profile.is_kecamatan(found.codes[0]):
        assert found.by in {"code", "kecamatan"} and len(found.codes) == 1


@pytest.mark.parametrize(("text", "key"), [
    ("Kec. Kota Bangun", (True, "kotabangun")), ("Distrik Abepura", (True, "abepura")),
    ("SANGA-SANGA", (False, "sangasanga")), ("Tjilatjap", (False, "cilacap")),
])
def test_kecamatan_keys(text, key):
    assert kecamatan_key(text) == key


@pytest.mark.parametrize(("text", "code"), [
    ("64.02.08", "64.02.08"), (" 640208 ", "64.02.08"), ("64.02", None), ("6402080", None),
    (None, None),
])
def test_kecamatan_codes(text, code):
    assert kecamatan_code(text) == code


# --- profile functions on a hand-made fixture -------------------------------------------

REF = pd.DataFrame({
    "code": ["64.02.01", "64.02.02", "64.02.03", "64.74.01"],
    "name": ["Loa Kulu", "Kota Bangun", "Sebulu", "Kota Bangun"],  # a name in two regencies
    "kind": ["Kecamatan"] * 4,
    "regency_code": ["64.02", "64.02", "64.02", "64.74"],
    "regency_name": ["Kabupaten Kutai Kartanegara"] * 3 + ["Kota Bontang"],
    "province_code": ["64"] * 4, "province_name": ["Kalimantan Timur"] * 4,
})


def rows(*records: tuple) -> pd.DataFrame:
    return pd.DataFrame([(p, c, "kia", n, d, True) for p, c, n, d in records],
                        columns=coverage.COLUMNS)


ROWS = rows((P0, "64.02.01", 40, 100), (P1, "64.02.01", 50, 100), (P1, "64.02.02", 80, 100),
            (P1, "64.74.01", 99, 100), (P0, "64.02.03", 70, 100))  # 64.02.03: none in P1


def registry(regency: float | None = None, province: float | None = None) -> pd.DataFrame:
    base = load_targets()
    extra = [("kia", 2025, scope, value, "test", "") for scope, value in
             (("64.02", regency), ("64", province)) if value is not None]
    added = pd.DataFrame(extra, columns=["indicator", "year", "scope", "target_percent",
                                         "source", "status"])
    return pd.concat([base, added], ignore_index=True) if extra else base


@pytest.mark.parametrize(("regency", "province", "target", "scope", "words"), [
    (75.0, 70.0, 75.0, "64.02", "Target Kabupaten Kutai Kartanegara 2025: 75,00 % (berlaku"),
    (None, 70.0, 70.0, "64", "Target Provinsi Kalimantan Timur 2025: 70,00 % (belum ada target "
                             "Kabupaten Kutai Kartanegara)"),
    (None, None, 60.0, "national", "Target nasional 2025: 60,00 % (belum ada target Kabupaten"),
])
def test_a_kecamatan_gets_its_regencys_target_else_provinces_else_national(
        regency, province, target, scope, words):
    facts = region_profile.kecamatan_facts(ROWS, REF, registry(regency, province), "kia", P1,
                                           "64.02.01")
    assert facts.target.percent == target and facts.target.scope == scope
    assert facts.gap == math.ceil(target - 50)  # 100 people, 50 covered
    assert facts.percent == 50.0 and facts.change == 10.0 and facts.previous_period == P0
    line = texts.kecamatan_target_line(facts, REF.iloc[0].to_dict(), "id")
    assert line.startswith(words)


def test_a_kecamatan_without_a_row_has_no_number():
    facts = region_profile.kecamatan_facts(ROWS, REF, registry(), "kia", P1, "64.02.03")
    assert facts.percent is None and facts.numerator is None and facts.gap is None
    assert facts.target is not None  # the target in force is still known
    lines = texts.kecamatan_card_lines(facts, {}, REF.iloc[2].to_dict(), "id")
    assert lines[0] == "Tanpa data pada periode ini" and not any("Peringkat" in x for x in lines)


@pytest.mark.parametrize(("lowest", "order"), [
    (False, ["64.02.02", "64.02.01", "64.02.03"]), (True, ["64.02.01", "64.02.02", "64.02.03"]),
])
def test_a_regency_ranks_only_its_own_kecamatan(lowest, order):
    ranked = region_profile.kecamatan_ranking(ROWS, REF, registry(75.0), "kia", P1, "64.02",
                                              lowest)
    assert list(ranked["code"]) == order  # the other Kota Bangun (64.74.01) is not here
    assert ranked["name"].tolist()[-1] == "Kecamatan Sebulu"  # no data: last, no rank
    assert pd.isna(ranked["percent"].iloc[-1]) and pd.isna(ranked["rank"].iloc[-1])
    by_code = ranked.set_index("code")
    assert by_code.loc["64.02.02", "rank"] == 1 and by_code.loc["64.02.01", "rank"] == 2
    assert by_code.loc["64.02.01", "gap"] == 25 and by_code.loc["64.02.02", "gap"] == 0


def test_ranks_and_their_words_say_among_how_many():
    ranks = region_profile.kecamatan_ranks(ROWS, REF, "64.02.01", ["kia", "ktp_el"], P1)
    assert ranks.to_dict("records") == [{"indicator": "kia", "rank": 2, "ranked": 2, "total": 3}]
    row = REF.iloc[0].to_dict()
    assert texts.kecamatan_rank_line(ranks.iloc[0].to_dict(), row, "id") == (
        "Peringkat 2 dari 2 kecamatan berdata di Kabupaten Kutai Kartanegara (dari 3 kecamatan)")
    whole = {"rank": 3, "ranked": 20, "total": 20}
    assert texts.kecamatan_rank_line(whole, row, "id") == (
        "Peringkat 3 dari 20 kecamatan di Kabupaten Kutai Kartanegara")
    assert texts.kecamatan_rank_line({}, row, "id") == ""


def test_a_kecamatan_trend_is_its_own_rows_with_the_target_of_each_year():
    history = region_profile.trend(ROWS, pd.DataFrame(columns=["code", "level"]),
                                   registry(75.0), "64.02.01")
    assert history[["period", "percent"]].values.tolist() == [[P0, 40.0], [P1, 50.0]]
    assert history["target"].tolist()[-1] == 75.0 and history["gap"].tolist()[-1] == 25
    assert region_profile.kecamatan_period(ROWS, "64.02") == P1
    assert region_profile.kecamatan_period(ROWS, "64.01") is None


@settings(max_examples=100)
@given(st.integers(0, 10**6), st.integers(1, 10**6), st.floats(1, 120).map(lambda v: round(v, 2)))
def test_the_ranked_table_never_shows_a_figure_against_its_status(numerator, denominator,
                                                                  target):
    table = rows((P1, "64.02.01", numerator, denominator))
    targets = pd.DataFrame([("kia", 2025, "64.02", target, "t", "")],
                           columns=["indicator", "year", "scope", "target_percent", "source",
                                    "status"])
    ranked = region_profile.kecamatan_ranking(table, REF, targets, "kia", P1, "64.02")
    frame = texts.ranking_table(ranked, "id")
    first = frame.iloc[0]
    shown = texts.ranking_formats("id")["percent"](first["percent"])
    value = float(shown.replace(" %", "").replace(".", "").replace(",", "."))
    exact = Decimal(str(target))
    met = numerator * 100 >= exact * denominator
    assert first["status"] == t("targets.status." + (
        "below" if not met else "above_100" if numerator > denominator else "met"), "id")
    assert (value >= target) is met, (shown, target)
    assert first["gap"] == (0 if met else math.ceil(exact * denominator / 100 - numerator))


def test_rollup_lines_say_partial_and_summed():
    partial = pd.DataFrame([(P1, "kia", "64.02", 2, 3)], columns=kecamatan.PARTIAL_COLUMNS)
    summed = pd.DataFrame({"period": [P0], "indicator": ["kia"], "present": [""],
                           "total": [3]})
    from utils.metrics.indicators import load_indicators

    lines = texts.rollup_lines(partial, summed, {"name": "Kabupaten Kutai Kartanegara"},
                               "kecamatan", load_indicators(), "id")
    assert lines[0].startswith("Angka Kabupaten Kutai Kartanegara per 30 Juni 2025 "
                               "(Kepemilikan KIA) belum dapat dijumlah")
    assert "baru 2 dari 3 kecamatan berdata" in lines[0]
    assert "jumlah seluruh 3 kecamatannya" in lines[1]


# --- the page (AppTest) -----------------------------------------------------------------


@pytest.fixture
def demo(built, monkeypatch, tmp_path):
    """The demo data (an empty store of its own), its kecamatan rows and reference."""
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    from utils import demo as demo_data
    from utils.geo import cache_record

    table = demo_data.read_demo()
    return table, read_kecamatan(cache_record.cache_dir() / "kecamatan.csv")


def page(lang: str = "id", **params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.secrets["capaian_test"] = True
    at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shown_percent(table: pd.DataFrame, code: str, indicator: str, period: str) -> float:
    row = table[(table["code"] == code) & (table["indicator"] == indicator)
                & (table["period"] == period)]
    return 100 * float(row["numerator"].iloc[0]) / float(row["denominator"].iloc[0])


def test_a_demo_kecamatan_has_its_own_page(demo):
    table, _ = demo
    latest = coverage.latest_period(table)
    at = page(kode="64.02.08")
    assert at.header[0].value == "Kecamatan Kota Bangun"
    assert at.query_params["kode"] == "64.02.08"
    assert at.selectbox(key="region_code").value == "64.02"
    assert at.selectbox(key="region_kec_64.02").value == "64.02.08"
    want = shown_percent(table, "64.02.08", "ktp_el", latest)
    assert at.metric[0].label == "Perekaman KTP-el"
    assert at.metric[0].value == format_percent(want, "id")
    siblings = table[(table["code"].str.startswith("64.02.")) & (table["indicator"] == "ktp_el")
                     & (table["period"] == latest)]
    percents = 100 * siblings["numerator"] / siblings["denominator"]
    rank = int((percents > want).sum()) + 1
    lines = at.markdown[1].value.replace("\\", "")
    assert f"Peringkat {rank} dari 20 kecamatan di Kabupaten Kutai Kartanegara" in lines
    assert "Target nasional" in lines and "belum ada target Kabupaten Kutai Kartanegara" in lines
    links = at.markdown[0].value
    assert "(/wilayah?kode=64.02)" in links and "(/?wil=64.02)" in links
    assert len(at.get("vega_lite_chart")) == 4  # one trend per indicator
    history = at.table[0].value
    assert "Peringkat di kabupaten/kota" in history.columns
    assert "Data contoh" in " ".join(c.value for c in at.caption)


def test_a_kecamatan_page_in_english(demo):
    at = page("en", kode="64.02.08")
    assert at.query_params["lang"] == "en"
    lines = at.markdown[1].value
    assert "Rank " in lines and "kecamatan in Kabupaten Kutai" in lines
    assert "(/wilayah?kode=64.02&lang=en)" in at.markdown[0].value


def test_a_kecamatan_without_data_says_so_and_shows_no_number(demo):
    _, ref = demo
    at = page(kode="64.01.01")
    name = kecamatan_label(ref[ref["code"] == "64.01.01"].iloc[0].to_dict(), with_regency=False)
    assert at.header[0].value == name
    assert at.info[0].value.startswith(f"Belum ada data per kecamatan untuk {name}")
    assert not at.metric and not at.get("vega_lite_chart") and not at.table


def test_an_unknown_kecamatan_link_is_said_unknown(demo):
    at = page(kode="64.02.99")
    assert at.warning[-1].value == t("region.unknown_link", "id")
    assert not at.header


def test_a_regencys_page_ranks_its_kecamatan_lowest_first_on_request(demo):
    table, _ = demo
    latest = coverage.latest_period(table)
    at = page(kode="64.02")
    frame = at.dataframe[0].value
    assert len(frame) == 20
    codes = [re.search(r"kode=([\d.]+)", c).group(1) for c in frame["code"]]
    assert all(c.startswith("64.02.") for c in codes)
    want = [round(shown_percent(table, c, "ktp_el", latest), 2) for c in codes]
    assert frame["percent"].round(2).tolist() == want
    assert want == sorted(want, reverse=True) and frame["rank"].tolist()[0] == 1
    at.toggle(key="region_kec_lowest").set_value(True).run()
    lowest = at.dataframe[0].value
    assert lowest["percent"].tolist() == sorted(lowest["percent"])
    assert lowest["status"].iloc[0] == "Di bawah target"


def test_a_partial_regency_says_how_many_kecamatan_have_data(demo, monkeypatch):
    from pages.support import cached

    table, ref = demo
    kept = table[(table["code"] != "64.02") & ~table["code"].isin(["64.02.01", "64.02.02"])]
    upper, summed = kecamatan.regency_level(kept, ref)
    monkeypatch.setattr(cached, "current_coverage", lambda: upper)
    monkeypatch.setattr(cached, "kecamatan_rollup", lambda: summed)
    monkeypatch.setattr(cached, "kecamatan_coverage", lambda: kecamatan.split(kept)[1])
    at = page(kode="64.02")
    notes = [i.value for i in at.info]
    assert any("baru 18 dari 20 kecamatan berdata" in n for n in notes), notes
    assert [m.value for m in at.metric] == ["–"] * 4  # a partial regency has no figure
    frame = at.dataframe[0].value
    assert frame["percent"].isna().sum() == 2  # listed last, without a number


def test_a_regency_summed_from_its_kecamatan_says_so(demo, monkeypatch):
    from pages.support import cached

    table, ref = demo
    kept = table[table["code"] != "64.74"]  # Kota Bontang: its 3 kecamatan only
    upper, summed = kecamatan.regency_level(kept, ref)
    monkeypatch.setattr(cached, "current_coverage", lambda: upper)
    monkeypatch.setattr(cached, "kecamatan_rollup", lambda: summed)
    monkeypatch.setattr(cached, "kecamatan_coverage", lambda: kecamatan.split(kept)[1])
    at = page(kode="64.74")
    assert any("jumlah seluruh 3 kecamatannya" in c.value for c in at.caption)
    latest = coverage.latest_period(table)
    assert at.metric[0].value == format_percent(shown_percent(table, "64.74", "ktp_el", latest))


@pytest.mark.parametrize(("typed", "opens"), [
    ("Kota Bangun, Kutai Kartanegara", "64.02.08"), ("64.02.05", "64.02.05"),
])
def test_the_search_box_opens_a_kecamatan(demo, typed, opens):
    at = page()
    at.text_input(key="region_query").input(typed).run()
    assert at.query_params["kode"] == opens
    assert at.selectbox(key="region_kec_64.02").value == opens


def test_the_search_box_offers_a_repeated_name_once_per_regency(demo):
    at = page()
    at.text_input(key="region_query").input("kota bangun").run()
    labels = [b.label for b in at.button]
    assert "Kecamatan Kota Bangun, Kabupaten Kutai Kartanegara" in labels
    at.button(key="region_pick_64.02.08").click().run()
    assert at.header[0].value == "Kecamatan Kota Bangun"
    at.selectbox(key="region_code").set_value("64.74").run()  # another regency: itself
    assert at.header[0].value == "Kota Bontang" and at.query_params["kode"] == "64.74"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_targets_page_says_a_regency_target_applies_to_its_kecamatan(demo, lang):
    at = AppTest.from_file(str(ROOT / "pages" / "targets.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert t("kec_reg_targets_note", lang) in [c.value for c in at.caption]
