"""collection_policy.business_day_terms: cut warning and notice terms in business days

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # In place, not in batch mode: batch's copy and rename fails on SpatiaLite's geometry tables.
    op.add_column('collection_policy',
                  sa.Column('business_day_terms', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.execute("ALTER TABLE collection_policy DROP COLUMN business_day_terms")
