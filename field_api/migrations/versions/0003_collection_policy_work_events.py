"""collection policy, work events, payments effects

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('collection_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cut_min_months_overdue', sa.Integer(), nullable=False),
    sa.Column('cut_min_amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('cut_threshold_rule', sa.Enum('months_and_amount', 'months_or_amount', name='cut_threshold_rule', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('cut_warning_days', sa.Integer(), nullable=False),
    sa.Column('domestic_cut_action', sa.Enum('restrict', 'suspend', name='domestic_cut_action', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('non_domestic_cut_action', sa.Enum('restrict', 'suspend', name='non_domestic_cut_action', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('exclude_protected', sa.Boolean(), nullable=False),
    sa.Column('exclude_current_agreements', sa.Boolean(), nullable=False),
    sa.Column('agreement_grace_days', sa.Integer(), nullable=False),
    sa.Column('reminder_min_months', sa.Integer(), nullable=False),
    sa.Column('demand_min_months', sa.Integer(), nullable=False),
    sa.Column('notice_due_days', sa.Integer(), nullable=False),
    sa.Column('business_open', sa.Time(), nullable=False),
    sa.Column('business_close', sa.Time(), nullable=False),
    sa.Column('holiday_state', sa.String(length=40), nullable=False),
    sa.Column('extra_holidays', sa.JSON(), nullable=False),
    sa.Column('summons_followup_time', sa.Time(), nullable=False),
    sa.Column('summons_window_minutes', sa.Integer(), nullable=False),
    sa.Column('reconnection_deadline_hours', sa.Integer(), nullable=False),
    sa.Column('drop_ratio', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_policy'))
    )
    op.create_table('work_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('created', 'status_changed', 'cancelled', 'reassigned', 'served', name='work_event_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('crew_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], name=op.f('fk_work_event_work_item_id_work_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_event'))
    )
    with op.batch_alter_table('work_event', schema=None) as batch_op:
        batch_op.create_index('ix_work_event_crew_id_id', ['crew_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_event_work_item_id'), ['work_item_id'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protection_override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('protection_override_by', sa.String(length=80), nullable=True))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('effects', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_agreement_id_payment_agreement'), 'payment_agreement', ['agreement_id'], ['id'])

    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_crew_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('served_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rule', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('open_key', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_work_item_open_key'), ['open_key'])
        batch_op.create_index(batch_op.f('ix_work_item_assigned_crew_id'), ['assigned_crew_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_work_item_assigned_crew_id_crew'), 'crew', ['assigned_crew_id'], ['id'])



def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_item_assigned_crew_id_crew'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_work_item_assigned_crew_id'))
        batch_op.drop_constraint(batch_op.f('uq_work_item_open_key'), type_='unique')
        batch_op.drop_column('open_key')
        batch_op.drop_column('created_by')
        batch_op.drop_column('rule')
        batch_op.drop_column('served_at')
        batch_op.drop_column('assigned_crew_id')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_agreement_id_payment_agreement'), type_='foreignkey')
        batch_op.drop_column('effects')
        batch_op.drop_column('source')
        batch_op.drop_column('agreement_id')

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('protection_override_by')
        batch_op.drop_column('protection_override_reason')

    with op.batch_alter_table('work_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_event_work_item_id'))
        batch_op.drop_index('ix_work_event_crew_id_id')

    op.drop_table('work_event')
    op.drop_table('collection_policy')
