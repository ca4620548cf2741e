"""volunteers, shifts, weekly shift rules and sign-ups

Revision ID: 0002_volunteers
Revises: 0001_core
Create Date: 2026-11-22 02:33:52.369782
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0002_volunteers"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shift_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("end_time", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("made_until", storage.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("starts_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("ends_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["shift_series.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series_id", "starts_at"),
    )
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.create_index("ix_shift_upcoming", ["status", "starts_at"], unique=False)

    op.create_table(
        "volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("areas", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("applied_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_by_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id"),
    )
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_status"), ["status"], unique=False)

    op.create_table(
        "shift_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("signed_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("left_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("confirmed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("checked_in_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("attendance", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("attendance_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("points", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shift.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shift_id", "volunteer_id"),
    )
    with op.batch_alter_table("shift_signup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_signup_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shift_signup_volunteer_id"), ["volunteer_id"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("shift_signup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_signup_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_shift_signup_shift_id"))

    op.drop_table("shift_signup")
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_status"))

    op.drop_table("volunteer")
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_upcoming")

    op.drop_table("shift")
    op.drop_table("shift_series")
