"""The region reference built from the wilayah dumps (build time).

Built from ``wilayah.sql`` (codes, names), ``wilayah_penduduk.sql``
(population) and ``wilayah_luas.sql`` (area, km²); the boundary build writes
it to ``regions.csv``, which :func:`utils.metrics.regions.read_regions` reads.
"""

from __future__ import annotations

import pandas as pd

from utils.geo.upstream_sql import iter_value_rows
from utils.metrics.regions import (
    COLUMNS,
    DISTRIK_PROVINCES,
    KECAMATAN_CODE,
    KECAMATAN_COLUMNS,
    PROVINCE_CODE,
    REGENCY_CODE,
    normalise_code,
)


def kind_of(name: str) -> str:
    """Return ``"Kota"`` or ``"Kabupaten"`` from an official regency name."""
    return "Kota" if name.startswith("Kota ") else "Kabupaten"


def _level_rows(sql: str) -> dict[str, tuple[str, ...]]:
    rows = {}
    for fields in iter_value_rows(sql):
        code = normalise_code(fields[0])
        if PROVINCE_CODE.match(code) or REGENCY_CODE.match(code):
            rows[code] = fields
    return rows


def build_regions(wilayah_sql: str, penduduk_sql: str, luas_sql: str) -> pd.DataFrame:
    """Build the reference table of provinces and regencies.

    Parameters
    ----------
    wilayah_sql, penduduk_sql, luas_sql : str
        Texts of the three upstream dumps.

    Returns
    -------
    pandas.DataFrame
        One row per region with :data:`COLUMNS`; ``level`` is ``"province"``
        or ``"regency"``, ``kind`` is ``"Provinsi"``, ``"Kabupaten"`` or
        ``"Kota"``. Population or area missing upstream stays missing (NA).
    """
    names = {code: fields[1] for code, fields in _level_rows(wilayah_sql).items()}
    population = {c: int(f[4]) for c, f in _level_rows(penduduk_sql).items()}
    area = {c: float(f[2]) for c, f in _level_rows(luas_sql).items()}
    records = []
    for code, name in sorted(names.items()):
        province = code[:2]
        is_province = PROVINCE_CODE.match(code) is not None
        records.append(
            {
                "code": code,
                "name": name,
                "level": "province" if is_province else "regency",
                "kind": "Provinsi" if is_province else kind_of(name),
                "province_code": province,
                "province_name": names.get(province, ""),
                "population": population.get(code),
                "area_km2": area.get(code),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["population"] = frame["population"].astype("Int64")
    frame["area_km2"] = frame["area_km2"].astype("Float64")
    return frame


def build_kecamatan(wilayah_sql: str, regions: pd.DataFrame) -> pd.DataFrame:
    """Build the kecamatan (district) reference: 7,285 rows for Kepmendagri 2025.

    Parameters
    ----------
    wilayah_sql : str
        Text of ``wilayah.sql`` (codes ``64.02.01`` and names such as ``Loa Kulu``).
    regions : pandas.DataFrame
        The province and regency reference (:func:`build_regions`).

    Returns
    -------
    pandas.DataFrame
        :data:`~utils.metrics.regions.KECAMATAN_COLUMNS`, in code order; ``kind`` is
        ``"Distrik"`` in the Papua provinces and ``"Kecamatan"`` elsewhere.

    Raises
    ------
    ValueError
        If a kecamatan's regency is not in ``regions``.
    """
    parents = dict(zip(regions["code"], regions["name"], strict=True))
    records = []
    for fields in iter_value_rows(wilayah_sql):
        code = fields[0].strip()
        if not KECAMATAN_CODE.match(code):
            continue
        regency, province = code[:5], code[:2]
        if regency not in parents:
            raise ValueError(f"kecamatan {code}: regency {regency} is not in the reference")
        records.append({
            "code": code, "name": fields[1].strip(),
            "kind": "Distrik" if province in DISTRIK_PROVINCES else "Kecamatan",
            "regency_code": regency, "regency_name": parents[regency],
            "province_code": province, "province_name": parents.get(province, ""),
        })
    frame = pd.DataFrame.from_records(records, columns=KECAMATAN_COLUMNS)
    return frame.sort_values("code").reset_index(drop=True)
