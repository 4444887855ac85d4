"""when each device was last heard from, and when each batch first reached each device

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_contact',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_device_contact_device_id_device')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_device_contact'))
    )
    op.create_table('batch_delivery',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_batch_delivery_batch_id_batch')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_batch_delivery_device_id_device')),
    sa.PrimaryKeyConstraint('batch_id', 'device_id', name=op.f('pk_batch_delivery'))
    )
    op.create_index(op.f('ix_batch_delivery_device_id'), 'batch_delivery', ['device_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_batch_delivery_device_id'), table_name='batch_delivery')
    op.drop_table('batch_delivery')
    op.drop_table('device_contact')
