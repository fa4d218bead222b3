"""重办/改派/催办 tracking, the family-facing 办理结果, structured event data

Revision ID: 0003_hotline_loop
Revises: 0002_staff_console
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0003_hotline_loop"
down_revision: str | None = "0002_staff_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _tracking_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """New case_tracking columns (fresh objects per use)."""
    return [
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("urge_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_urged_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    """Add the result columns, the event data column and the tracking counters."""
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("result_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("result_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("complaint_events") as batch:
        batch.add_column(sa.Column("data", JSON, nullable=True))
    with op.batch_alter_table("case_tracking") as batch:
        for column in _tracking_columns():
            batch.add_column(column)


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("case_tracking") as batch:
        for column in reversed(_tracking_columns()):
            batch.drop_column(column.name)
    with op.batch_alter_table("complaint_events") as batch:
        batch.drop_column("data")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("result_at")
        batch.drop_column("result_text")
