"""The PostgreSQL store's tables (SQLAlchemy Core), as the migrations leave them.

The migrations in ``utils/ingest/migrations`` create these tables; this module
only describes them for the queries of :mod:`utils.ingest.pg_store` (a change
here needs a new migration, never an edit of an old one).

``versions``
    One row per accepted import: ``id`` (``v0001`` …), ``num`` (its number),
    ``meta`` (what ``meta.json`` holds in a folder store), ``layout`` (the
    columns of its ``data.csv`` and each one's dtype kind, so the file can be
    written again byte for byte) and ``data_sha256`` (of that file).
``version_rows``
    The rows of each version in the long coverage format, in file order.
``version_files``
    The uploaded file and its companion (bytes and sha256); ``data.csv`` only
    for a version copied from a folder whose file its rows cannot reproduce.
``store_state``
    One row: the active set and ``seq``, raised by every commit.
``aliases``
    Every confirmed alias (``entry`` holds ``code``, ``text`` …), with who,
    when and the version it came with (none for :meth:`remember`).
``events``
    The audit log: at, who, action, the version concerned, ``what`` (the
    rest) and the replica that wrote it.
``scenario_versions``
    Every saved what-if scenario version (:mod:`utils.ingest.saved_scenarios`):
    slug, version, the file's bytes and sha256 as a folder store keeps it,
    and for queries the record (``None`` when not JSON), ``saved_at`` and
    whether it is published.
``boundary_sets`` and ``boundary_files``
    Every committed boundary set (:mod:`utils.geo.boundary_sets`): its
    record, and each file of its folder (``set.json``, ``maps/…``,
    ``regencies.parquet``, ``source/…``) with bytes and sha256.
``boundary_active``
    The active boundary set's history: one row per activation or rollback,
    the newest row in force (``active`` and ``history`` as ``active.json``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BYTEA, DOUBLE_PRECISION, JSONB

metadata = sa.MetaData()

versions = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("num", sa.Integer, nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("meta", JSONB, nullable=False),
    sa.Column("layout", JSONB, nullable=False),
    sa.Column("data_sha256", sa.Text, nullable=False),
)

version_rows = sa.Table(
    "version_rows", metadata,
    sa.Column("version_id", sa.Text, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("ord", sa.Integer, primary_key=True),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("indicator", sa.Text, nullable=False),
    sa.Column("numerator", DOUBLE_PRECISION),
    sa.Column("denominator", DOUBLE_PRECISION),
    sa.Column("percent_given", DOUBLE_PRECISION),
    sa.Column("derived", sa.Text),
    sa.Column("derived_margin", DOUBLE_PRECISION),
)

version_files = sa.Table(
    "version_files", metadata,
    sa.Column("version_id", sa.Text, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("content", BYTEA, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
)

store_state = sa.Table(
    "store_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("active", JSONB, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("extra", JSONB, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

aliases = sa.Table(
    "aliases", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("entry", JSONB, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("who", sa.Text),
    sa.Column("version_id", sa.Text, sa.ForeignKey("versions.id")),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("who", sa.Text),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("version_id", sa.Text),
    sa.Column("what", JSONB, nullable=False),
    sa.Column("replica", sa.Text),
)

scenario_versions = sa.Table(
    "scenario_versions", metadata,
    sa.Column("slug", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("content", BYTEA, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("record", JSONB),
    sa.Column("saved_at", sa.DateTime(timezone=True)),
    sa.Column("public", sa.Boolean, nullable=False),
)

boundary_sets = sa.Table(
    "boundary_sets", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("record", JSONB, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True)),
)

boundary_files = sa.Table(
    "boundary_files", metadata,
    sa.Column("set_id", sa.Text, sa.ForeignKey("boundary_sets.id"), primary_key=True),
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("content", BYTEA, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
)

boundary_active = sa.Table(
    "boundary_active", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("active", sa.Text, nullable=False),
    sa.Column("history", JSONB, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

ROW_COLUMNS = ("period", "code", "indicator", "numerator", "denominator",
               "percent_given", "derived", "derived_margin")
"""The columns of ``version_rows`` a version's data can hold, in file order."""
