"""Storage: SQLModel tables, engine/session set-up, queries and Alembic migrations."""
