"""The region reference at run time: 38 provinces and 514 regencies/cities (Kepmendagri 2025).

The boundary build writes it to ``regions.csv`` (:mod:`utils.geo.reference`);
this module reads it and answers questions about it: codes, levels, names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

PROVINCE_CODE = re.compile(r"^\d{2}$")
REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
COLUMNS = [
    "code", "name", "level", "kind", "province_code", "province_name", "population", "area_km2",
]
KECAMATAN_COLUMNS = [
    "code", "name", "kind", "regency_code", "regency_name", "province_code", "province_name",
]
"""Columns of ``kecamatan.csv``: the 7,285 kecamatan (districts) of Kepmendagri 2025."""
DISTRIK_PROVINCES = frozenset({"91", "92", "94", "95", "96", "97"})
"""Provinces of Papua, where a kecamatan is officially called *distrik*."""
CROSSWALK_COLUMNS = ["scheme", "level", "code", "name", "current", "how"]
"""Columns of ``crosswalk.csv`` (:mod:`utils.geo.crosswalk`): a code in another scheme → today's."""


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


def read_regions(path: Path) -> pd.DataFrame:
    """Read a reference table written by the boundary build (``regions.csv``)."""
    frame = pd.read_csv(path, dtype={"code": str, "province_code": str})
    frame["population"] = frame["population"].astype("Int64")
    frame["area_km2"] = frame["area_km2"].astype("Float64")
    return frame


def read_kecamatan(path: Path) -> pd.DataFrame:
    """Read the kecamatan reference written by the boundary build (``kecamatan.csv``).

    Every cell is text; see :data:`KECAMATAN_COLUMNS`.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False)[KECAMATAN_COLUMNS]


def kecamatan_label(row: Mapping[str, str], with_regency: bool = True) -> str:
    """A kecamatan as people write it: ``"Kecamatan Kota Bangun, Kabupaten Kutai Kartanegara"``.

    Examples
    --------
    >>> kecamatan_label({"kind": "Distrik", "name": "Abepura", "regency_name": "Kota Jayapura"})
    'Distrik Abepura, Kota Jayapura'
    >>> kecamatan_label({"kind": "Kecamatan", "name": "Loa Kulu", "regency_name": "X"}, False)
    'Kecamatan Loa Kulu'
    """
    own = f"{row['kind']} {row['name']}"
    return f"{own}, {row['regency_name']}" if with_regency else own


def kecamatan_of(kecamatan: pd.DataFrame, regency: str) -> pd.DataFrame:
    """The kecamatan of one regency (code ``64.02``), in code order."""
    return kecamatan[kecamatan["regency_code"] == regency].sort_values("code")


def read_crosswalk(path: Path) -> pd.DataFrame:
    """Read the code crosswalk written by the boundary build (``crosswalk.csv``).

    Every cell is text; an empty cell is ``""``, never NaN (``current`` is
    empty for a code that maps to no region).
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False)[CROSSWALK_COLUMNS]


PROVINCE, REGENCY = "province", "regency"
"""Values of the reference's ``level`` column."""


def regency_rows(regions: pd.DataFrame, province: str | None = None) -> pd.DataFrame:
    """The regency/city rows (of one province when ``province`` is given)."""
    rows = regions[regions["level"] == REGENCY]
    return rows if province is None else rows[rows["province_code"] == province]


def province_rows(regions: pd.DataFrame) -> pd.DataFrame:
    """The province rows."""
    return regions[regions["level"] == PROVINCE]


def regency_codes(regions: pd.DataFrame, province: str | None = None) -> list[str]:
    """Sorted regency codes (of one province when ``province`` is given)."""
    return sorted(regency_rows(regions, province)["code"])


def province_codes(regions: pd.DataFrame) -> list[str]:
    """Sorted province codes."""
    return sorted(province_rows(regions)["code"])


def names(regions: pd.DataFrame) -> dict[str, str]:
    """Code → official name (``"64.74"`` → ``"Kota Bontang"``) of every row given."""
    return dict(zip(regions["code"], regions["name"].str.strip(), strict=True))


def regencies(regions: pd.DataFrame) -> pd.DataFrame:
    """Return only the regency/city rows, indexed by code."""
    return regency_rows(regions).set_index("code")


def provinces(regions: pd.DataFrame) -> pd.DataFrame:
    """Return only the province rows, indexed by code."""
    return province_rows(regions).set_index("code")
