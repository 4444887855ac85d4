"""crew.active: a disbanded crew is kept, but no longer planned for

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # In place, not in batch mode: batch's copy and rename fails on SpatiaLite's geometry tables.
    op.add_column('crew', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    op.execute("ALTER TABLE crew DROP COLUMN active")
