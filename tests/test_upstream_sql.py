from pathlib import Path

import pytest

from utils.geo.upstream_sql import iter_boundary_rows, iter_value_rows

FIXTURE = Path(__file__).parent / "fixtures" / "boundaries_mini.sql"


def test_boundary_rows_parse_codes_names_and_paths():
    rows = list(iter_boundary_rows(FIXTURE.read_text()))
    assert [r.code for r in rows] == ["99.01", "99.02", "99.71"]
    assert rows[1].name == "Kabupaten D'Kepulauan"
    assert rows[0].path[0][0] == [-1, 110]  # still [lat, lng] here


def test_bad_json_path_names_the_row():
    sql = "('99.01','X',0,0,'[[[1,2],[3,4]')"
    with pytest.raises(ValueError, match=r"99\.01"):
        list(iter_boundary_rows(sql))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("('11','Aceh'),", ("11", "Aceh")),
        ("('11.01','Kabupaten Aceh Selatan','120041','119588','239629'),",
         ("11.01", "Kabupaten Aceh Selatan", "120041", "119588", "239629")),
        ("('11.1','Kabupaten Aceh Singkil',1851.615);",
         ("11.1", "Kabupaten Aceh Singkil", "1851.615")),
        ("('64.74','Kota D''Bontang');", ("64.74", "Kota D'Bontang")),
    ],
)
def test_value_rows(line, expected):
    assert list(iter_value_rows(f"VALUES\n{line}\n")) == [expected]
