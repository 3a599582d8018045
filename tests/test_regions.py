import pytest

from utils.geo.reference import build_regions, kind_of
from utils.metrics.regions import normalise_code


@pytest.mark.parametrize(
    ("raw", "code"),
    [("11.1", "11.10"), ("11.01", "11.01"), ("6474", "64.74"), ("31.00", "31"), ("64", "64"),
     (" 64.74 ", "64.74")],
)
def test_normalise_code(raw, code):
    assert normalise_code(raw) == code


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Kota Bontang", "Kota"), ("Kabupaten Kutai Timur", "Kabupaten"),
     ("Kota Administrasi Jakarta Pusat", "Kota"),
     ("Kabupaten Administrasi Kepulauan Seribu", "Kabupaten"),
     ("Kabupaten Kota Baru", "Kabupaten")],
)
def test_kind_of(name, kind):
    assert kind_of(name) == kind


@pytest.fixture(scope="module")
def regions(upstream):
    db = upstream / "wilayah" / "db"
    return build_regions(*(
        (db / f).read_text(encoding="utf-8")
        for f in ("wilayah.sql", "wilayah_penduduk.sql", "wilayah_luas.sql")
    ))


def test_every_province_and_regency_with_population_and_area(regions):
    assert (regions["level"] == "province").sum() == 38
    assert (regions["level"] == "regency").sum() == 514
    assert regions[["population", "area_km2"]].notna().all().all()
    kinds = regions["kind"].value_counts().to_dict()
    assert kinds == {"Kabupaten": 416, "Kota": 98, "Provinsi": 38}


def test_kabupaten_and_kota_of_one_name_are_two_regions(regions):
    bogor = regions[regions["name"].str.endswith(" Bogor")]
    assert sorted(bogor["name"]) == ["Kabupaten Bogor", "Kota Bogor"]
    assert bogor["code"].nunique() == 2


def test_aceh_singkil_area_is_read_despite_the_numeric_code(regions):
    row = regions.set_index("code").loc["11.10"]
    assert row["name"] == "Kabupaten Aceh Singkil" and row["area_km2"] == pytest.approx(1851.615)
    assert regions.set_index("code").loc["64.74", "province_name"] == "Kalimantan Timur"
