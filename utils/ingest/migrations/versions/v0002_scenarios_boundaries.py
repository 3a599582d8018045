"""Saved scenarios and boundary sets in the database.

Revision ID: v0002
Revises: v0001
Create Date: 2026-05-20

``scenario_versions``, ``boundary_sets``, ``boundary_files`` and
``boundary_active`` are append-only like the tables of ``v0001`` (the same
trigger refuses a change or a delete): a saved version and a committed set
are immutable, and the active set's history only grows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import BYTEA, JSONB

revision: str = "v0002"
down_revision: str | Sequence[str] | None = "v0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("scenario_versions", "boundary_sets", "boundary_files", "boundary_active")


def upgrade() -> None:
    """Create the four tables and their append-only triggers."""
    op.create_table(
        "scenario_versions",
        sa.Column("slug", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("content", BYTEA, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("record", JSONB),
        sa.Column("saved_at", sa.DateTime(timezone=True)),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.CheckConstraint("slug ~ '^[a-z0-9-]{1,60}$'", name="scenario_versions_slug_form"),
        sa.CheckConstraint("version >= 1", name="scenario_versions_version_form"),
    )
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("record", JSONB, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True)),
        sa.CheckConstraint("id ~ '^b[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$'", name="boundary_sets_id_form"),
    )
    op.create_table(
        "boundary_files",
        sa.Column("set_id", sa.Text, sa.ForeignKey("boundary_sets.id"), primary_key=True),
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("content", BYTEA, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.CheckConstraint("path !~ '(^/|(^|/)\\.\\.(/|$))'", name="boundary_files_path_form"),
    )
    op.create_table(
        "boundary_active",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("active", sa.Text, nullable=False),
        sa.Column("history", JSONB, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION capaian_refuse_change()")


def downgrade() -> None:
    """Drop the four tables (their data with them)."""
    for table in ("boundary_active", "boundary_files", "boundary_sets", "scenario_versions"):
        op.drop_table(table)
