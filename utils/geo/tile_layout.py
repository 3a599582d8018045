"""Tile grid of regencies: one equal square per regency, placed by geography.

At national scale dozens of cities are a few pixels wide on a choropleth; the
tile grid gives every regency the same cell. The layout keeps each regency
near its real place in four steps:

1. Each island group (first digit of the code: 1 Sumatra, 2 Riau Islands,
   3 Java, 5 Bali–Nusa Tenggara, 6 Kalimantan, 7 Sulawesi, 8 Maluku,
   9 Papua) is scaled about its centre so its land holds about one cell per
   regency: dense Java grows, sparse Papua shrinks, each keeps its shape.
2. The groups are moved apart, without turning, until sea separates them.
3. Tiles are pushed apart until none overlap; provinces keep a gap and are
   pulled into compact shapes of their own orientation.
4. Each tile is snapped to its own integer cell by an assignment problem on
   squared distances (:func:`scipy.optimize.linear_sum_assignment`).

:func:`tile_table` is what the boundary build writes to ``tilegrid.csv``;
:func:`utils.charts.tiles.tile_chart` draws it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

NATIONAL_SCALE = 1.1  # cells per degree between the centres of island groups
ISLAND_ZOOM = (1.0, 2.0)  # bounds of an island group's own cells per degree
PROVINCE_GAP = 1.4  # spacing (cells) kept between tiles of different provinces
SEA_GAP = 2.5  # … and between tiles of different island groups
COHESION = 0.2  # pull of each tile towards its province's compact shape, per step
SPRING = 0.01  # pull of each tile towards its place after steps 1–2, per step
STEPS = 300
SEPARATION_STEPS = 100
MAX_ELONGATION = 3.0  # of a province's compact shape
TABLE_COLUMNS = [
    "code", "name", "province_code", "province_name", "kota", "abbr", "col", "row",
    "border_right", "border_below", "pcol", "prow",
]


def anchors(geoms: np.ndarray) -> np.ndarray:
    """Longitude/latitude of the centroid of each geometry's largest part.

    A regency's far islands should not pull its tile into the sea.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    order = np.lexsort((-area, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    centre = shapely.centroid(parts[first])
    return np.c_[shapely.get_x(centre), shapely.get_y(centre)]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each key's group (sorted keys) and the size of each group."""
    _, member = np.unique(keys, return_inverse=True)
    return member, np.bincount(member)


def zoom_islands(
    places: np.ndarray,
    areas: np.ndarray,
    islands: np.ndarray,
    scale: float,
    zoom: tuple[float, float],
) -> np.ndarray:
    """Step 1: scale each island group about its centre to about one cell per regency.

    Parameters
    ----------
    places : numpy.ndarray
        ``(n, 2)`` east/south degrees.
    areas : numpy.ndarray
        Area of each regency in square degrees.
    islands : numpy.ndarray
        Island group of each regency.
    scale : float
        Cells per degree between the groups' centres.
    zoom : tuple of float
        Bounds of a group's own cells per degree.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` places in cells.
    """
    member, count = _groups(islands)
    out = np.zeros_like(places)
    for group, n in enumerate(count):
        own = member == group
        centre = places[own].mean(axis=0)
        own_scale = np.clip(np.sqrt(n / max(areas[own].sum(), 1e-12)), *zoom)
        out[own] = centre * scale + (places[own] - centre) * own_scale
    return out


def separate(places: np.ndarray, islands: np.ndarray, gap: float,
             steps: int = SEPARATION_STEPS) -> np.ndarray:
    """Step 2: move island groups apart (translation only) until ``gap`` cells separate them.

    Each step, every pair of groups that comes too close moves apart along
    its mean overlap direction by a quarter of its deepest overlap.
    """
    member, count = _groups(islands)
    size = len(count)
    shift = np.zeros((size, 2))
    for _ in range(steps):
        points = places + shift[member]
        pairs = cKDTree(points).query_pairs(gap, output_type="ndarray")
        pairs = pairs[member[pairs[:, 0]] != member[pairs[:, 1]]] if len(pairs) else pairs
        if len(pairs) == 0:
            break
        a, b = member[pairs[:, 0]], member[pairs[:, 1]]
        delta = points[pairs[:, 0]] - points[pairs[:, 1]]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = gap - dist
        delta = np.where((a > b)[:, None], -delta, delta)
        pair = np.minimum(a, b) * size + np.maximum(a, b)
        direction = np.zeros((size * size, 2))
        np.add.at(direction, pair, delta / np.maximum(dist, 1e-9)[:, None] * overlap[:, None])
        deepest = np.zeros(size * size)
        np.maximum.at(deepest, pair, overlap)
        length = np.maximum(np.hypot(direction[:, 0], direction[:, 1]), 1e-9)
        step = (direction / length[:, None] * (deepest / 4)[:, None]).reshape(size, size, 2)
        shift += step.sum(axis=1) - step.sum(axis=0)
    return places + shift[member]


def _push(points: np.ndarray, provinces: np.ndarray, islands: np.ndarray,
          gaps: tuple[float, float]) -> np.ndarray:
    """Half of each overlap between two points, as a displacement per point."""
    pairs = cKDTree(points).query_pairs(max(*gaps, 1.0), output_type="ndarray")
    push = np.zeros_like(points)
    if len(pairs) == 0:
        return push
    i, j = pairs[:, 0], pairs[:, 1]
    want = np.where(provinces[i] == provinces[j], 1.0,
                    np.where(islands[i] == islands[j], gaps[0], gaps[1]))
    delta = points[i] - points[j]
    dist = np.hypot(delta[:, 0], delta[:, 1])
    force = delta / np.maximum(dist, 1e-9)[:, None] * (np.clip(want - dist, 0, None) / 2)[:, None]
    np.add.at(push, i, force)
    np.add.at(push, j, -force)
    return push


def spread(
    places: np.ndarray,
    provinces: np.ndarray,
    islands: np.ndarray,
    gaps: tuple[float, float] = (PROVINCE_GAP, SEA_GAP),
    steps: int = STEPS,
) -> np.ndarray:
    """Step 3: relax points (in cells) until no two lie closer than one cell.

    Parameters
    ----------
    places : numpy.ndarray
        ``(n, 2)`` places in cells; each point is held to its place by a weak spring.
    provinces, islands : numpy.ndarray
        Province and island group of each point. Each province is pulled into
        an ellipse of one cell per regency with the orientation of its places.
    gaps : tuple of float
        Spacing in cells between points of different provinces, and of
        different island groups.
    steps : int
        Relaxation steps.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` relaxed positions; deterministic for the same input.
    """
    member, count = _groups(provinces)
    turn = np.arange(len(places)) * 2.399963  # golden angle: separates equal places
    points = places + np.c_[np.cos(turn), np.sin(turn)] * 1e-3
    shape = _ellipses(places, member, count)[member]
    for _ in range(steps):
        centre = np.zeros((len(count), 2))
        np.add.at(centre, member, points)
        centre /= count[:, None]
        points = (points + _push(points, provinces, islands, gaps)
                  + SPRING * (places - points) + COHESION * _beyond(centre[member] - points, shape))
    return points


def _ellipses(places: np.ndarray, member: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per group, a map taking offsets to "radii" of an ellipse of ``count`` cells.

    The ellipse has the orientation and (up to 1:3) the elongation of the
    group's own places, so a long province such as East Java stays long.
    """
    maps = np.zeros((len(count), 2, 2))
    for group, n in enumerate(count):
        own = places[member == group]
        cov = np.cov(own.T) if n > 2 else np.eye(2)
        values, vectors = np.linalg.eigh(cov + 1e-9 * np.eye(2))
        stretch = float(np.clip(np.sqrt(values[1] / values[0]), 1.0, MAX_ELONGATION))
        radius = np.sqrt(n / np.pi)
        axes = np.array([radius / np.sqrt(stretch), radius * np.sqrt(stretch)])
        maps[group] = (vectors / axes).T
    return maps


def _beyond(offset: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """The part of each offset that reaches past its ellipse (0 inside it)."""
    reach = np.linalg.norm(np.einsum("nij,nj->ni", shape, offset), axis=1)
    return offset * (np.clip(reach - 1, 0, None) / np.maximum(reach, 1e-9))[:, None]


def snap(points: np.ndarray) -> np.ndarray:
    """Step 4: give each point its own integer cell, minimising squared distances.

    Returns ``(n, 2)`` integer ``col, row`` whose minima are 0.
    """
    low = np.floor(points.min(axis=0)) - 1
    high = np.ceil(points.max(axis=0)) + 1
    cols, rows = np.meshgrid(np.arange(low[0], high[0] + 1), np.arange(low[1], high[1] + 1))
    cells = np.c_[cols.ravel(), rows.ravel()]
    cost = ((points[:, None, :] - cells[None, :, :]) ** 2).sum(axis=-1)
    _, chosen = linear_sum_assignment(cost)
    cell = cells[chosen].astype(int)
    return cell - cell.min(axis=0)


def layout(
    regencies: gpd.GeoDataFrame,
    scale: float = NATIONAL_SCALE,
    zoom: tuple[float, float] = ISLAND_ZOOM,
    gaps: tuple[float, float] = (PROVINCE_GAP, SEA_GAP),
    islands: pd.Series | None = None,
) -> pd.DataFrame:
    """Grid cell of every regency: one cell each, near its real place.

    Parameters
    ----------
    regencies : geopandas.GeoDataFrame
        ``code`` (``"32.73"``; the first two digits are the province) and a
        geometry in longitude/latitude.
    scale : float
        Cells per degree between the centres of island groups.
    zoom : tuple of float
        Bounds of an island group's own cells per degree.
    gaps : tuple of float
        Spacing between provinces and between island groups, in cells.
    islands : pandas.Series, optional
        Island group per row; by default the first digit of the code.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``col`` (0 west), ``row`` (0 north), integers, sorted by
        code. The same regencies always give the same layout.
    """
    order = np.argsort(regencies["code"].to_numpy(), kind="stable")
    ordered = regencies.iloc[order]
    codes = ordered["code"].to_numpy().astype(str)
    geoms = ordered.geometry.to_numpy()
    lonlat = anchors(geoms)
    places = np.c_[lonlat[:, 0], -lonlat[:, 1]]
    group = (np.asarray(islands)[order].astype(str) if islands is not None
             else np.array([c[:1] for c in codes]))
    places = zoom_islands(places, shapely.area(geoms), group, scale, zoom)
    places = separate(places, group, gaps[1])
    cells = snap(spread(places, np.array([c[:2] for c in codes]), group, gaps))
    return pd.DataFrame({"code": codes, "col": cells[:, 0], "row": cells[:, 1]})


def province_layout(regencies: gpd.GeoDataFrame, province_code: str) -> pd.DataFrame:
    """Small grid of one province's regencies (for the drilled-in map).

    Same columns as :func:`layout`; the province is scaled to about one cell
    per regency, so a province of 5 or of 38 regencies fills a compact grid.
    """
    part = regencies[regencies["code"].str[:2] == province_code]
    return layout(part, zoom=(0.0, np.inf), islands=pd.Series("", index=part.index))


def province_borders(cells: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Flags where the cell to the right / below belongs to another province.

    ``cells`` has ``code``, ``col``, ``row``; ``groups`` the province of each
    row. Returns ``border_right`` and ``border_below`` (1 or 0) per row.
    """
    owner = {(c, r): g for c, r, g in zip(cells["col"], cells["row"], groups, strict=True)}

    def other(col: int, row: int, group: str) -> bool:
        return owner.get((col, row), group) != group

    return pd.DataFrame(
        {
            "border_right": [int(other(c + 1, r, g)) for c, r, g in
                             zip(cells["col"], cells["row"], groups, strict=True)],
            "border_below": [int(other(c, r + 1, g)) for c, r, g in
                             zip(cells["col"], cells["row"], groups, strict=True)],
        },
        index=cells.index,
    )


SHORT_NAME = re.compile(r"^(Kabupaten|Kota)\s+(Administrasi\s+)?")
VOWELS = set("AEIOU")


def base_name(name: str) -> str:
    """Regency name without "Kabupaten"/"Kota" (Kota X and Kabupaten X share it).

    >>> base_name("Kota Administrasi Jakarta Utara ")
    'Jakarta Utara'
    >>> base_name("Kabupaten Kep. Siau Tagulandang Biaro")
    'Kepulauan Siau Tagulandang Biaro'
    """
    short = SHORT_NAME.sub("", name.strip())
    return re.sub(r"\bKep\.\s*", "Kepulauan ", short).strip()


def _skeleton(word: str) -> str:
    """First letter, then consonants, then the remaining vowels."""
    letters = re.sub(r"[^A-Z]", "", word.upper())
    rest = letters[1:]
    return letters[:1] + "".join(c for c in rest if c not in VOWELS) + "".join(
        c for c in rest if c in VOWELS
    )


def _candidates(name: str) -> Iterator[str]:
    parts = [w for w in re.split(r"[\s\-]+", base_name(name)) if w]
    words = [w for w in parts if w.lower() != "dan"] or parts  # "dan" alone is still a name
    if len(words) >= 3:
        yield "".join(w[0] for w in words[:4]).upper()
    if len(words) == 1:
        skeleton = _skeleton(words[0])
        yield from (skeleton[:k] for k in (3, 4))
    else:
        head = _skeleton(words[0])
        tail = words[-1][0].upper()
        yield from (head[:k] + tail for k in (2, 3))
    letters = re.sub(r"[^A-Z]", "", "".join(words).upper())
    yield from (letters[:k] for k in range(3, len(letters) + 1))


def abbreviations(names: pd.Series, groups: pd.Series) -> list[str]:
    """Short (3–4 letter) label per regency, unique within its group.

    Kota X and Kabupaten X get the same letters (the chart draws a city as a
    circle); two differently named regencies of one province never do.

    >>> abbreviations(pd.Series(["Kota Administrasi Jakarta Selatan",
    ...                          "Kabupaten Ogan Komering Ulu Timur", "Kota Bandung"]),
    ...               pd.Series(["31", "16", "32"]))
    ['JKS', 'OKUT', 'BND']
    """
    taken: dict[tuple[str, str], str] = {}
    out = []
    for name, group in zip(names, groups, strict=True):
        base = base_name(name)
        chosen = None
        for candidate in _candidates(name):
            owner = taken.get((group, candidate))
            if owner is None or owner == base:
                chosen = candidate
                break
        if chosen is None:  # every short form is taken: the whole name, numbered if need be
            chosen, number = base.upper(), 2
            while taken.get((group, chosen)) not in (None, base):
                chosen, number = f"{base.upper()}{number}", number + 1
        taken[(group, chosen)] = base
        out.append(chosen)
    return out


def tile_table(regencies: gpd.GeoDataFrame, province_names: dict[str, str]) -> pd.DataFrame:
    """Everything the tile chart needs that does not change with the data.

    Parameters
    ----------
    regencies : geopandas.GeoDataFrame
        ``code``, ``name`` and geometry of every regency.
    province_names : dict
        Province code → name.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`: the national cell (``col``, ``row``), the
        cell in its province's own grid (``pcol``, ``prow``), where a
        province border runs, the label and whether it is a city.
    """
    table = layout(regencies)
    names = regencies.set_index("code")["name"]
    table["name"] = names.loc[table["code"]].str.strip().to_numpy()
    table["province_code"] = table["code"].str[:2]
    table["province_name"] = table["province_code"].map(province_names)
    table["kota"] = table["name"].str.startswith("Kota ").astype(int)
    table["abbr"] = abbreviations(table["name"], table["province_code"])
    table = table.join(province_borders(table, table["province_code"]))
    local = pd.concat(
        province_layout(regencies, code) for code in sorted(table["province_code"].unique())
    ).rename(columns={"col": "pcol", "row": "prow"})
    return table.merge(local, on="code", how="left")[TABLE_COLUMNS]
