"""tickets keep why they are urgent, for the staff card

Revision ID: 0003_urgent_keywords
Revises: 0002_volunteers
Create Date: 2026-12-04 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_urgent_keywords"
down_revision = "0002_volunteers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Older urgent tickets keep their reasons in their "created" event only; the card
    # shows no reason line for them rather than a wrong one.
    op.add_column(
        "ticket",
        sa.Column("urgent_keywords", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="[]"),
    )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("urgent_keywords")
