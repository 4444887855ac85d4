"""the transaction that wrote each work event, so that the change feed reads events in commit order

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# Events written before this migration count as 0: older than any transaction still to come.
WRITER = "(pg_current_xact_id()::text)::bigint"


def upgrade():
    op.add_column('work_event', sa.Column('tx', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"ALTER TABLE work_event ALTER COLUMN tx SET DEFAULT {WRITER}")
    with op.batch_alter_table('work_event') as batch_op:
        batch_op.drop_index('ix_work_event_crew_id_id')
        batch_op.create_index('ix_work_event_crew_id_tx_id', ['crew_id', 'tx', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('work_event') as batch_op:
        batch_op.create_index('ix_work_event_crew_id_id', ['crew_id', 'id'], unique=False)
        batch_op.drop_index('ix_work_event_crew_id_tx_id')
        batch_op.drop_column('tx')
