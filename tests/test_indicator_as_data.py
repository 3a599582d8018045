"""A new indicator is data: one row in indicators.csv flows through the pure layers unchanged."""

import pandas as pd
import pytest

from utils.demo import DEFAULT_PROFILE, PERIODS, PROFILES, build_demo
from utils.ingest.columns import load_vocabulary, recognise
from utils.metrics import map_view
from utils.metrics.coverage import with_percent
from utils.metrics.indicators import INDICATORS_CSV, load_indicators
from utils.metrics.regions import regency_rows

MADE_UP = ("kk_digital,Kartu Keluarga digital,Digital family card,Sudah KK digital,"
           "Families with a digital card,Jumlah KK,Families,keluarga,true\n")


@pytest.fixture
def defs(tmp_path):
    """The committed indicators plus a made-up one, read from a temporary file."""
    path = tmp_path / "indicators.csv"
    path.write_text(INDICATORS_CSV.read_text(encoding="utf-8") + MADE_UP, encoding="utf-8")
    return load_indicators(path)


def test_the_committed_file_has_ikd_with_its_demo_profile():
    ikd = load_indicators()["ikd"]
    assert (ikd.label_id, ikd.label_en, ikd.denominator_id, ikd.unit, ikd.higher_is_better) == (
        "Aktivasi IKD", "IKD activation", "Wajib KTP-el", "jiwa", True)
    assert set(load_indicators()) <= set(PROFILES)  # every committed indicator has a profile


def test_the_made_up_indicator_is_read_in_file_order(defs):
    assert list(defs)[-1] == "kk_digital"
    assert defs["kk_digital"].label("en") == "Digital family card"
    assert defs["kk_digital"].unit == "keluarga"


def test_its_labels_become_header_keywords(defs):
    vocab = load_vocabulary(defs)
    assert "kk_digital" in vocab.indicators
    found = recognise(vocab, [("Sudah KK digital", ""), ("Jumlah KK", "")])
    assert set(found.values()) == {"kk_digital.numerator", "kk_digital.denominator"}


def test_demo_generation_covers_it_with_the_generic_profile(defs):
    regencies = pd.DataFrame({"code": ["64.74", "64.08"],
                              "population": pd.array([191811, 434459], dtype="Int64")})
    table = with_percent(build_demo(regencies, list(defs)))
    assert set(table["indicator"]) == set(defs)
    made_up = table[table["indicator"] == "kk_digital"]
    assert len(made_up) == 2 * len(PERIODS) and made_up["is_demo"].all()
    share, low, high, _ = DEFAULT_PROFILE
    last = made_up[made_up["period"] == PERIODS[-1]]
    assert last["percent"].between(low - 1, high + 1).all()
    assert (last["denominator"] < regencies["population"].max() * share * 1.1).all()


def test_it_reaches_the_map_view_with_its_target(defs, regions):
    regs = regency_rows(regions)[["code", "population"]].head(40)
    table = build_demo(regs, list(defs))
    registry = pd.DataFrame({"indicator": ["kk_digital"], "year": [2024], "scope": ["national"],
                             "target_percent": [50.0], "source": ["made-up target for the test"]})
    state = map_view.parse_state({"ind": "kk_digital", "lvl": "kab"}, list(defs), PERIODS,
                                 sorted({c[:2] for c in regs["code"]}))
    assert state.indicator == "kk_digital"
    rows = map_view.view_table(table, regions, registry, state)
    with_data = rows[rows["percent"].notna()]
    assert len(with_data) == 40 and (with_data["target"] == 50.0).all()
    assert (with_data["meets"] == (with_data["percent"] >= 50.0)).all()
