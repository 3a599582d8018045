"""The store's first schema: versions, their rows and files, state, aliases, events.

Revision ID: v0001
Revises:
Create Date: 2026-05-01

Rows of ``versions``, ``version_rows``, ``version_files``, ``aliases`` and
``events`` are never changed or deleted (a trigger refuses it): a version is
immutable and the audit log append-only. ``store_state`` holds one row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import BYTEA, DOUBLE_PRECISION, JSONB

revision: str = "v0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("versions", "version_rows", "version_files", "aliases", "events")


def upgrade() -> None:
    """Create the tables, the append-only triggers and the state row."""
    _versions()
    _state_and_log()
    op.execute("""
        CREATE FUNCTION capaian_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'capaian: rows of % are never changed or deleted', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END $$""")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION capaian_refuse_change()")
    op.execute("CREATE TRIGGER store_state_kept BEFORE DELETE ON store_state "
               "FOR EACH ROW EXECUTE FUNCTION capaian_refuse_change()")
    op.execute("INSERT INTO store_state (id, active, seq, extra, updated_at) "
               "VALUES (1, '[]', 0, '{}', now())")


def _versions() -> None:
    op.create_table(
        "versions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("num", sa.Integer, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meta", JSONB, nullable=False),
        sa.Column("layout", JSONB, nullable=False),
        sa.Column("data_sha256", sa.Text, nullable=False),
        sa.CheckConstraint("id ~ '^v[0-9]{4,}$'", name="versions_id_form"),
    )
    op.create_table(
        "version_rows",
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
    op.create_table(
        "version_files",
        sa.Column("version_id", sa.Text, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("content", BYTEA, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
    )


def _state_and_log() -> None:
    op.create_table(
        "store_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("active", JSONB, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("extra", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="store_state_one_row"),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("entry", JSONB, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("who", sa.Text),
        sa.Column("version_id", sa.Text, sa.ForeignKey("versions.id")),
    )
    op.create_index("aliases_key", "aliases", ["key", "at", "id"])
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("who", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("version_id", sa.Text),
        sa.Column("what", JSONB, nullable=False),
        sa.Column("replica", sa.Text),
    )
    op.create_index("events_at", "events", ["at"])
    op.create_index("events_action", "events", ["action", "id"])


def downgrade() -> None:
    """Drop everything :func:`upgrade` made (the data with it)."""
    for table in ("events", "aliases", "store_state", "version_files", "version_rows",
                  "versions"):
        op.drop_table(table)
    op.execute("DROP FUNCTION capaian_refuse_change()")
