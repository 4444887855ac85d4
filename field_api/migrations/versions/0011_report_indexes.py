"""indexes for the office's reports: handed work events by time, field records by receipt, payments by day

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# As WorkEvent's model writes it: the crew-work report's query holds these very words.
HANDED = sa.text("kind IN ('reassigned', 'created') AND crew_id IS NOT NULL")


def upgrade():
    op.create_index('ix_work_event_handed_at', 'work_event', ['at'], unique=False,
                    postgresql_where=HANDED, sqlite_where=HANDED)
    op.create_index('ix_field_record_received_at', 'field_record', ['received_at'], unique=False)
    op.create_index('ix_payment_paid_on', 'payment', ['paid_on'], unique=False)


def downgrade():
    op.drop_index('ix_payment_paid_on', table_name='payment')
    op.drop_index('ix_field_record_received_at', table_name='field_record')
    op.drop_index('ix_work_event_handed_at', table_name='work_event')
