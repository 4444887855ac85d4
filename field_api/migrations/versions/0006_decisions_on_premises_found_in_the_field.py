"""decisions on premises found in the field

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('premise_id', sa.Integer(), nullable=True))


def downgrade():
    # Batch mode would copy and rename this table, which fails on SpatiaLite (a foreign key check
    # on the rename); SQLite >= 3.35 drops columns in place, as PostgreSQL does.
    for column in ("premise_id", "decision_reason", "decided_at", "decided_by"):
        op.execute(f"ALTER TABLE pending_registration DROP COLUMN {column}")
