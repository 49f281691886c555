"""runner.pain_hold_since / pain_hold_area: "no running until my knee is better" lasts until it is

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Pain reported in chat counted for three days; a runner who said they would not run until the pain
is gone got running again on the fourth. The hold is kept on the runner until they say it is
better or log a run.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pain_hold_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("pain_hold_area", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runner", schema=None) as batch_op:
        batch_op.drop_column("pain_hold_area")
        batch_op.drop_column("pain_hold_since")
