"""Read rows out of the upstream MySQL dumps (``cahyadsn/wilayah*``).

The dumps are plain ``INSERT ... VALUES (...), (...);`` statements. We never
execute them; we read the tuples with a regular expression, which is enough for
their fixed shapes and keeps us free of a database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

_BOUNDARY_ROW = re.compile(
    r"\('(?P<code>[0-9.]+)','(?P<name>(?:[^'\\]|\\.|'')*)',"
    r"(?P<lat>[-+0-9.eE]+|NULL),(?P<lng>[-+0-9.eE]+|NULL),'(?P<path>[^']*)'\)"
)
_SIMPLE_ROW = re.compile(r"^\s*\((?P<body>'[0-9.]+'.*)\)\s*[,;]\s*$", re.MULTILINE)
_FIELD = re.compile(r"'((?:[^'\\]|\\.|'')*)'|([-+0-9.eE]+|NULL)")


@dataclass(frozen=True)
class BoundaryRow:
    """One row of a ``wilayah_boundaries`` dump.

    Attributes
    ----------
    code, name : str
        Kemendagri code (``64.74``) and official name.
    path : list
        Nested coordinate lists in **[lat, lng]** order, 3 deep for a Polygon
        and 4 deep for a MultiPolygon.
    """

    code: str
    name: str
    path: list


def _unquote(text: str) -> str:
    return text.replace("''", "'").replace("\\'", "'")


def iter_boundary_rows(sql: str) -> Iterator[BoundaryRow]:
    """Yield every boundary row of a ``wilayah_boundaries_*.sql`` dump.

    Parameters
    ----------
    sql : str
        The whole text of one dump file.

    Yields
    ------
    BoundaryRow
        Rows in file order; ``path`` is parsed JSON.

    Raises
    ------
    ValueError
        If a row's path is not valid JSON.
    """
    for match in _BOUNDARY_ROW.finditer(sql):
        try:
            path = json.loads(match["path"])
        except json.JSONDecodeError as exc:
            raise ValueError(f"row {match['code']}: path is not JSON ({exc})") from exc
        yield BoundaryRow(match["code"], _unquote(match["name"]), path)


def iter_value_rows(sql: str) -> Iterator[tuple[str, ...]]:
    """Yield the fields of every one-line ``('code', ...)`` tuple in a dump.

    Parameters
    ----------
    sql : str
        Text of a dump such as ``wilayah.sql`` or ``wilayah_penduduk.sql``.

    Yields
    ------
    tuple of str
        The row's fields as text, quotes removed (``NULL`` stays ``'NULL'``).
    """
    for match in _SIMPLE_ROW.finditer(sql):
        fields = tuple(
            _unquote(quoted) if quoted or bare == "" else bare
            for quoted, bare in _FIELD.findall(match["body"])
        )
        yield fields
