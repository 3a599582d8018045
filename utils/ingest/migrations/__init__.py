"""Alembic migrations of the PostgreSQL store (run by :func:`utils.ingest.pg_store.migrate`)."""
