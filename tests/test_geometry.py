from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely import box

from utils.geo import geometry
from utils.geo.upstream_sql import iter_boundary_rows

FIXTURE = Path(__file__).parent / "fixtures" / "boundaries_mini.sql"


def _fixture_geoms():
    rows = list(iter_boundary_rows(FIXTURE.read_text()))
    return np.array([geometry.path_to_geometry(r.path) for r in rows], dtype=object)


def test_lat_lng_are_swapped_and_nesting_read():
    geoms = _fixture_geoms()
    assert geoms[0].bounds == (110.0, -2.0, 111.0, -1.0)
    assert [len(g.geoms) for g in geoms] == [1, 2, 1]


@pytest.mark.parametrize("path", [[1.0, 2.0], [[1.0, 2.0]], [[[[[1.0, 2.0]]]]]])
def test_unexpected_nesting_is_refused(path):
    with pytest.raises(ValueError, match="nesting"):
        geometry.path_to_geometry(path)


def test_repair_makes_a_bowtie_valid_and_keeps_its_area():
    bowtie = _fixture_geoms()[2]
    assert not bowtie.is_valid
    fixed = geometry.repair(np.array([bowtie], dtype=object))[0]
    assert fixed.is_valid and fixed.geom_type in geometry.POLYGONAL
    assert fixed.area == pytest.approx(0.5)


def test_polygonal_part_drops_lines_and_points():
    mixed = shapely.GeometryCollection([box(0, 0, 1, 1), shapely.LineString([(0, 0), (5, 5)]),
                                        shapely.Point(9, 9)])
    assert geometry.polygonal_part(mixed).equals(box(0, 0, 1, 1))


def test_clean_coverage_removes_overlap_giving_it_to_the_smaller_region():
    regency = box(0, 0, 10, 10)  # upstream regencies often lack the city's hole
    city = box(4, 4, 6, 6)
    neighbour = box(10.002, 0, 20, 10)  # a 0.002-wide sliver gap to the regency …
    south, north = box(0, -1, 20, 0), box(0, 10, 20, 11)  # … closed off north and south
    geoms = np.array([regency, city, neighbour, south, north], dtype=object)
    clean = geometry.clean_coverage(geoms, 0.01)
    assert geometry.is_clean_coverage(clean)
    assert clean[1].area == pytest.approx(4.0)  # the city keeps all of itself
    assert clean[0].area == pytest.approx(100.0 - 4.0, abs=0.03)
    assert sum(g.area for g in clean) == pytest.approx(20 * 12)  # the gap is filled


def test_wide_gaps_such_as_lakes_stay():
    ring = box(0, 0, 10, 10).difference(box(3, 3, 7, 7))
    island = box(4, 4, 6, 6)
    clean = geometry.clean_coverage(np.array([ring, island], dtype=object), 0.01)
    assert sum(g.area for g in clean) == pytest.approx(100 - 16 + 4)


def test_drop_small_parts_always_keeps_the_largest_part():
    islands = shapely.MultiPolygon([box(0, 0, 0.01, 0.01), box(1, 1, 1.02, 1.02)])
    kept = geometry.drop_small_parts(np.array([islands], dtype=object), 1.0)[0]
    assert len(kept.geoms) == 1 and kept.area == pytest.approx(0.0004)


def test_simplified_neighbours_still_share_their_edge():
    wiggle = [(0, 0)] + [(5, 0.01 * (i % 2)) for i in range(1)] + [(10, 0)]
    left = shapely.Polygon([(0, -5), *wiggle, (10, -5)])
    right = shapely.Polygon([*wiggle, (10, 5), (0, 5)])
    geoms = np.array([left, right], dtype=object)
    assert geometry.is_clean_coverage(geoms)
    simple = geometry.simplify_coverage(geoms, 1.0)
    assert geometry.is_clean_coverage(simple)


def test_dissolve_unions_by_key():
    geoms = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], dtype=object)
    out = geometry.dissolve(geoms, np.array(["a", "a", "b"]))
    assert list(out) == ["a", "b"]
    assert out["a"].equals(box(0, 0, 2, 1))
