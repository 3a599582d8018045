"""Alembic's entry point: migrate on the connection :func:`utils.ingest.pg_store.migrate`
hands over (``config.attributes["connection"]``); there is no ``alembic.ini``."""

from __future__ import annotations

from alembic import context

VERSION_TABLE = "capaian_schema_version"


def run() -> None:
    """Run the pending migrations in the caller's transaction."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with: python -m utils.ingest.pg_store migrate")
    context.configure(connection=connection, version_table=VERSION_TABLE,
                      transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


run()
