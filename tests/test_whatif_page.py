"""AppTest: the what-if page — move sliders, read results, links, saving and comparing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from utils import auth, demo
from utils.formatting import plain
from utils.metrics import attainment, coverage, targets
from utils.metrics.indicators import load_indicators

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "pages" / "whatif.py"
TEST_HASH = auth.hash_password("test-only-password", salt=b"capaian-test-salt", n=2**4)
DEFS = load_indicators()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


@pytest.fixture
def page(built, store):
    """The page, signed in (saving needs it)."""
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.secrets["access"] = {"password_hash": TEST_HASH}
    at.session_state["access_signed_in"] = auth.fingerprint(TEST_HASH)
    return at


def gauge_titles(at: AppTest) -> list[list[str]]:
    """For each gauge (an arc chart), the indicator labels drawn on it."""
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        mark = spec.get("layer", [{}])[0].get("mark", {})
        if (mark.get("type") if isinstance(mark, dict) else mark) == "arc":
            drawn = json.dumps(spec, ensure_ascii=False)
            found.append([d.label("id") for d in DEFS.values() if d.label("id") in drawn])
    return found


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def meeting(at: AppTest, label: str) -> int:
    return int(metrics(at)[label].split()[0])


def gap(at: AppTest) -> int:
    return int(metrics(at)["Kekurangan (jiwa)"].replace(".", ""))


def expected_baseline(indicator: str) -> tuple[int, int]:
    """Regencies meeting the target in force and their summed gap (attainment module)."""
    table, registry = demo.read_demo(), targets.load_targets()
    period = coverage.latest_period(table)
    from utils.geo import cache_record as build_record
    from utils.metrics import regions

    regs = regions.read_regions(build_record.cache_dir() / "regions.csv")
    regencies = regs[regs["level"] == "regency"]
    rows = coverage.select(table, indicator, period)
    per = attainment.region_attainment(
        rows,
        regencies[["code", "name"]],
        attainment.scope_targets(registry, indicator, int(period[:4]), regencies[["code"]], regs),
    )
    return attainment.count_meeting(per), int(per["gap"].fillna(0).sum())


def test_defaults_reproduce_the_baseline(page):
    page.run()
    assert not page.exception
    assert page.title[0].value == "Simulasi target"
    assert any("Data contoh — bukan data resmi" in w.value for w in page.warning)
    count, people = expected_baseline("ktp_el")
    assert meeting(page, "Memenuhi sekarang") == count
    assert meeting(page, "Memenuhi pada tenggat") == count
    assert gap(page) == people
    assert metrics(page)["Berubah status"] == "+0 / −0"
    assert all(not m.delta for m in page.metric)
    assert page.select_slider(key="whatif_target_ktp_el").value == 99.4  # the target in force
    assert page.select_slider(key="whatif_target_kia").value == 60.0
    assert page.select_slider(key="whatif_target_akta_lahir").value == 98.0
    assert page.select_slider(key="whatif_target_ikd").value == 30.0
    registry, year = targets.load_targets(), int(coverage.latest_period(demo.read_demo())[:4])
    for indicator in DEFS:  # every indicator's slider starts at its national target in force
        in_force = targets.target_for(registry, indicator, year, None)
        assert in_force is not None
        assert page.select_slider(key=f"whatif_target_{indicator}").value == in_force.percent
    assert (
        page.select_slider(key="whatif_outreach").value,
        page.slider(key="whatif_months").value,
        page.select_slider(key="whatif_growth").value,
    ) == (0, 6, 0.0)
    params = dict(page.query_params)
    assert params["t_ktp_el"] == "99.4" and params["m"] == "6" and params["o"] == "0"
    # the map, one gauge per indicator (none missing, none twice) and the months chart
    assert gauge_titles(page) == [[d.label("id")] for d in DEFS.values()]
    assert len(page.get("vega_lite_chart")) == len(DEFS) + 3
    assert "Cara hitung" in page.markdown[0].value


def test_raising_the_target_fails_regions_and_outreach_brings_them_back(page):
    page.run()
    before_now = meeting(page, "Memenuhi sekarang")
    before_gap = gap(page)
    page.select_slider(key="whatif_target_ktp_el").set_value(99.9).run()
    assert not page.exception
    assert meeting(page, "Memenuhi sekarang") < before_now
    assert meeting(page, "Memenuhi pada tenggat") < before_now
    assert gap(page) > before_gap
    failing = metrics(page)["Berubah status"]
    assert failing.startswith("+0 / −") and failing != "+0 / −0"
    assert page.query_params["t_ktp_el"] == "99.9"
    raised_end, raised_gap = meeting(page, "Memenuhi pada tenggat"), gap(page)
    page.select_slider(key="whatif_outreach").set_value(2000).run()
    assert meeting(page, "Memenuhi pada tenggat") > raised_end
    assert gap(page) < raised_gap
    assert meeting(page, "Memenuhi sekarang") == meeting(page, "Memenuhi sekarang")
    assert page.query_params["o"] == "2000"
    table = " ".join(m.value for m in page.markdown)
    assert "Baru gagal" in table or "Baru memenuhi" in table


def test_growth_lowers_coverage_only_with_time(page):
    page.run()
    start_gap = gap(page)
    page.slider(key="whatif_months").set_value(0).run()
    page.select_slider(key="whatif_growth").set_value(5.0).run()
    assert gap(page) == start_gap  # no months: no growth applied
    page.slider(key="whatif_months").set_value(24).run()
    assert not page.exception
    assert gap(page) > start_gap
    assert page.query_params["g"] == "5" and page.query_params["m"] == "24"


def test_a_link_restores_every_slider(page):
    page.query_params.update(
        {
            "t_ktp_el": "98.5",
            "t_kia": "65",
            "t_akta_lahir": "97",
            "t_ikd": "25",
            "o": "300",
            "m": "12",
            "g": "1.5",
            "i": "kia",
            "s": "64",
            "x_kia": "70",
            "r": "64,65.01",
        }
    )
    page.run()
    assert not page.exception
    assert page.select_slider(key="whatif_target_ktp_el").value == 98.5
    assert page.select_slider(key="whatif_target_kia").value == 65.0
    assert page.select_slider(key="whatif_target_akta_lahir").value == 97.0
    assert page.select_slider(key="whatif_target_ikd").value == 25.0
    assert page.select_slider(key="whatif_outreach").value == 300
    assert page.slider(key="whatif_months").value == 12
    assert page.select_slider(key="whatif_growth").value == 1.5
    assert page.segmented_control(key="whatif_indicator").value == "kia"
    assert page.selectbox(key="whatif_province").value == "64"
    assert page.toggle(key="whatif_override_on").value is True
    assert page.select_slider(key="whatif_override_kia_64").value == 70.0
    assert page.multiselect(key="whatif_outreach_regions").value == ["64", "65.01"]
    assert "Kepemilikan KIA" in page.subheader[0].value
    assert "Kalimantan Timur" in page.subheader[1].value  # gauges for the chosen province
    link = page.code[0].value
    for part in (
        "t_ktp_el=98.5",
        "t_ikd=25",
        "o=300",
        "m=12",
        "g=1.5",
        "i=kia",
        "s=64",
        "x_kia=70",
        "r=64%2C65.01",
    ):
        assert part in link


def test_a_broken_link_falls_back_to_the_defaults(page):
    page.query_params.update({"t_ktp_el": "abc", "m": "9999", "i": "nope", "s": "../x"})
    page.run()
    assert not page.exception
    assert page.select_slider(key="whatif_target_ktp_el").value == 99.4
    assert page.slider(key="whatif_months").value == 36
    assert page.segmented_control(key="whatif_indicator").value == "ktp_el"
    assert page.selectbox(key="whatif_province").value == ""


def test_switching_the_indicator_changes_map_and_table(page):
    page.run()
    page.segmented_control(key="whatif_indicator").set_value("akta_lahir").run()
    assert not page.exception
    assert page.subheader[0].value.startswith("Kepemilikan akta kelahiran")
    count, people = expected_baseline("akta_lahir")
    assert meeting(page, "Memenuhi pada tenggat") == count and gap(page) == people
    assert page.query_params["i"] == "akta_lahir"


def test_save_open_and_compare(page, store):
    page.run()
    page.select_slider(key="whatif_target_ktp_el").set_value(99.8).run()
    name = "Target **tinggi** ![x](http://e.invalid/x.png) <b>2026</b>"
    page.text_input(key="whatif_save_name").input(name).run()
    page.button(key="whatif_save").click().run()
    assert not page.exception
    # the name is shown as typed: every Markdown sign escaped (no bold, no image loaded)
    (saved,) = [s.value for s in page.success if s.value.startswith("Tersimpan: ")]
    assert saved == f"Tersimpan: {plain(name)} (versi 1). Versi sebelumnya tetap disimpan."
    assert "**" not in saved and "![" not in saved
    files = list((store / "scenarios").glob("*/v0001.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["scenario"]["targets"]["ktp_el"] == 99.8
    page.select_slider(key="whatif_target_ktp_el").set_value(95.0).run()
    page.button(key="whatif_open_button").click().run()
    assert page.select_slider(key="whatif_target_ktp_el").value == 99.8
    page.multiselect(key="whatif_compare").select(files[0].parent.name).run()
    assert not page.exception
    table = page.dataframe[-1].value
    assert list(table.columns) == [
        "Angka",
        "Sekarang (target berlaku)",
        "Skenario ini",
        name,
    ]


def test_a_broken_saved_file_is_reported_not_fatal(page, store):
    bad = store / "scenarios" / "rusak-00000000"
    bad.mkdir(parents=True)
    (bad / "v0001.json").write_text("{oops")
    page.run()
    assert not page.exception
    # the file name is shown as text (Markdown signs escaped), not rendered
    assert any(plain("rusak-00000000/v0001.json") in w.value for w in page.warning)


def test_saving_needs_sign_in(built, store):
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.secrets["access"] = {"password_hash": TEST_HASH}
    at.run()
    assert not at.exception
    assert not [w for w in at.text_input if w.key == "whatif_save_name"]
    assert [w for w in at.text_input if w.key == "access_password"]
    assert meeting(at, "Memenuhi sekarang") > 0  # the simulation itself needs no sign-in


def test_public_mode_hides_saving(page, monkeypatch):
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    page.run()
    assert not page.exception
    assert not [w for w in page.text_input if w.key in ("whatif_save_name", "access_password")]
    assert [b for b in page.button if b.key == "whatif_save"] == []
    assert "Simpan" not in [tab.label for tab in page.tabs]


def test_english_texts_and_numbers(page):
    page.session_state["lang"] = "en"
    page.run()
    assert not page.exception
    assert page.title[0].value == "Target simulation"
    values = {m.label: m.value for m in page.metric}
    assert values["Meeting now"].endswith(" of 514")
    assert "," in values["Shortfall (people)"]
    assert len(page.get("download_button")) == 3


@pytest.mark.parametrize(("lang", "written"), [("id", ["99,4 %", "-2,0 %", "5.000"]),
                                               ("en", ["99.4 %", "-2.0 %", "5,000"])])
def test_sliders_write_numbers_the_language_way(page, lang, written):
    """The shown value and the screen reader's value text come from the same labels
    (issue #15: "99.4 %", "-2.0 %", "5000" on the Indonesian page)."""
    page.session_state["lang"] = lang
    page.run()
    assert not page.exception
    target = page.select_slider(key="whatif_target_ktp_el")
    outreach = page.select_slider(key="whatif_outreach")
    growth = page.select_slider(key="whatif_growth")
    assert written[0] in list(target.proto.options)  # the target in force, as written
    assert written[1] == growth.proto.options[0] and written[2] == outreach.proto.options[-1]
    assert not any("." in o for o in target.proto.options) if lang == "id" else True
    assert target.value == 99.4 and growth.value == 0.0 and outreach.value == 0


def two_saved(store: Path) -> tuple[str, str]:
    """A private and a published scenario; their slugs."""
    from utils.ingest import saved_scenarios

    private = saved_scenarios.save(store, "Rahasia internal", {"targets": {"ktp_el": 99.9}})
    public = saved_scenarios.save(store, "Terbit resmi", {"targets": {"ktp_el": 99.1}})
    saved_scenarios.set_published(store, public["slug"], True, "Budi")
    return private["slug"], public["slug"]


def test_public_mode_lists_opens_and_compares_only_published(page, store, monkeypatch):
    private, public = two_saved(store)
    bad = store / "scenarios" / "rusak-00000000"
    bad.mkdir(parents=True)
    (bad / "v0001.json").write_text("{oops")
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    page.run()
    assert not page.exception
    (label,) = page.selectbox(key="whatif_open").options
    assert label.startswith("Terbit resmi — versi 2, ")
    assert page.selectbox(key="whatif_open").value == public
    assert page.multiselect(key="whatif_compare").options == ["Terbit resmi"]
    assert not page.warning or all("rusak" not in w.value for w in page.warning)
    assert [b for b in page.button if b.key == "whatif_publish"] == []
    page.button(key="whatif_open_button").click().run()
    assert page.select_slider(key="whatif_target_ktp_el").value == 99.1
    page.session_state["whatif_compare"] = [private]  # by key: not among the choices
    page.run()
    shown = json.dumps([str(e.proto) for e in page.main], ensure_ascii=False)
    assert "Terbit resmi" in shown  # the published one is drawn …
    assert "Rahasia internal" not in shown and private not in shown  # … the private one not


def test_publishing_is_recorded_and_can_be_withdrawn(page, store):
    from utils.ingest import saved_scenarios

    key = saved_scenarios.save(store, "Rencana", {"targets": {"ktp_el": 99.9}})["slug"]
    page.run()
    assert any("Pribadi" in c.value for c in page.caption)
    page.button(key="whatif_publish").click().run()  # no name: refused
    assert any("Tulis nama Anda" in e.value for e in page.error)
    assert saved_scenarios.list_saved(store, public_only=True)[0] == []
    page.text_input(key="whatif_publish_user").input("Budi").run()
    page.button(key="whatif_publish").click().run()
    assert not page.exception
    record = saved_scenarios.load(store, key, public_only=True)
    assert record["publication"]["by"] == "Budi" and record["version"] == 2
    assert any("Diterbitkan untuk publik oleh Budi" in c.value for c in page.caption)
    assert page.button(key="whatif_publish").label == "Tarik dari publik"
    page.button(key="whatif_publish").click().run()
    assert saved_scenarios.list_saved(store, public_only=True)[0] == []
    assert saved_scenarios.versions(store, key) == [1, 2, 3]
