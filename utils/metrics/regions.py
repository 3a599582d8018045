"""The region reference: 38 provinces and 514 regencies/cities (Kepmendagri 2025).

Built from ``wilayah.sql`` (codes, names), ``wilayah_penduduk.sql``
(population) and ``wilayah_luas.sql`` (area, km²).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from utils.geo.upstream_sql import iter_value_rows

PROVINCE_CODE = re.compile(r"^\d{2}$")
REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
COLUMNS = [
    "code", "name", "level", "kind", "province_code", "province_name", "population", "area_km2",
]


def normalise_code(code: str) -> str:
    """Return a province or regency code in Kemendagri form.

    ``wilayah_luas.sql`` stores some codes as numbers, so ``11.10`` appears as
    ``11.1``; this pads the regency part back to two digits. It also writes
    a province stored as ``31.00`` as ``31``.

    Examples
    --------
    >>> normalise_code("11.1")
    '11.10'
    >>> normalise_code("6474")
    '64.74'
    >>> normalise_code("31.00")
    '31'
    """
    code = code.strip()
    if re.fullmatch(r"\d{2}\.00?", code):
        return code[:2]
    if re.fullmatch(r"\d{4}", code):
        return f"{code[:2]}.{code[2:]}"
    if re.fullmatch(r"\d{2}\.\d", code):
        return code + "0"
    return code


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


def read_regions(path: Path) -> pd.DataFrame:
    """Read a reference table written by the boundary build (``regions.csv``)."""
    frame = pd.read_csv(path, dtype={"code": str, "province_code": str})
    frame["population"] = frame["population"].astype("Int64")
    frame["area_km2"] = frame["area_km2"].astype("Float64")
    return frame


def regencies(regions: pd.DataFrame) -> pd.DataFrame:
    """Return only the regency/city rows, indexed by code."""
    return regions[regions["level"] == "regency"].set_index("code")


def provinces(regions: pd.DataFrame) -> pd.DataFrame:
    """Return only the province rows, indexed by code."""
    return regions[regions["level"] == "province"].set_index("code")
