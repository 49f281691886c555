"""prediction_log keeps the personal and the population prediction side by side

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

A row now holds the personalised prediction that was used, the population-only one and how
many of the runner's own observations stood behind it, so one row measures the gain of
personalisation. Old rows (one per model) are dropped: they predate any real use.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM prediction_log")
    with op.batch_alter_table("prediction_log", schema=None) as batch_op:
        batch_op.drop_column("model")
        batch_op.add_column(sa.Column("workout_type", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("population", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("n", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("DELETE FROM prediction_log")
    with op.batch_alter_table("prediction_log", schema=None) as batch_op:
        batch_op.drop_column("n")
        batch_op.drop_column("population")
        batch_op.drop_column("workout_type")
        batch_op.add_column(sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default="personal"))
