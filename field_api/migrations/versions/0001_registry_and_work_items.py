"""registry and work items

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('change_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('office', 'import', 'payment_feed', 'field', 'system', name='change_source', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_geospatial_table('crew',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('travel_mode', sa.Enum('walk', 'drive', name='travel_mode', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('depot', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('shift_start', sa.Time(), nullable=False),
    sa.Column('shift_end', sa.Time(), nullable=False),
    sa.Column('max_stops', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crew')),
    sa.UniqueConstraint('name', name=op.f('uq_crew_name'))
    )
    op.create_geospatial_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('code', name=op.f('uq_sector_code'))
    )
    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_sector_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('crew_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crew_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['crew_id'], ['crew.id'], name=op.f('fk_crew_member_crew_id_crew')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crew_member'))
    )
    with op.batch_alter_table('crew_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crew_member_crew_id'), ['crew_id'], unique=False)

    op.create_geospatial_table('premise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadastral_key', sa.String(length=40), nullable=True),
    sa.Column('street', sa.String(length=120), nullable=False),
    sa.Column('exterior_number', sa.String(length=20), nullable=False),
    sa.Column('interior_number', sa.String(length=20), nullable=True),
    sa.Column('neighborhood', sa.String(length=120), nullable=True),
    sa.Column('postal_code', sa.String(length=10), nullable=True),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.Column('state', sa.String(length=60), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('land_use', sa.Enum('domestic', 'commercial', 'industrial', 'public', 'mixed', name='land_use', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('dwellings', sa.Integer(), nullable=False),
    sa.Column('connection_status', sa.Enum('metered', 'unmetered', 'none', 'illegal', name='connection_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_premise_sector_id_sector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premise')),
    sa.UniqueConstraint('cadastral_key', name=op.f('uq_premise_cadastral_key'))
    )
    with op.batch_alter_table('premise', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_premise_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_premise_sector_id'), ['sector_id'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('holder_name', sa.String(length=160), nullable=False),
    sa.Column('tariff_class', sa.Enum('domestic', 'domestic_preferential', 'commercial', 'industrial', 'public', name='tariff_class', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('protected', sa.Boolean(), nullable=False),
    sa.Column('protected_reason', sa.Text(), nullable=True),
    sa.Column('service_status', sa.Enum('active', 'restricted', 'suspended', 'cancelled', name='service_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('premise_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['premise_id'], ['premise.id'], name=op.f('fk_account_premise_id_premise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('number', name=op.f('uq_account_number'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_premise_id'), ['premise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_service_status'), ['service_status'], unique=False)

    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crew_member_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=128), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['crew_member_id'], ['crew_member.id'], name=op.f('fk_device_crew_member_id_crew_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_device_token_hash'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_crew_member_id'), ['crew_member_id'], unique=False)

    op.create_table('balance',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount_owed_cents', sa.BigInteger(), nullable=False),
    sa.Column('months_overdue', sa.Integer(), nullable=False),
    sa.Column('last_payment_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_balance_account_id_account')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_balance'))
    )
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_balance_months_overdue'), ['months_overdue'], unique=False)

    op.create_table('meter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('brand', sa.String(length=60), nullable=True),
    sa.Column('diameter_mm', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('working', 'stopped', 'damaged', 'removed', name='meter_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('install_date', sa.Date(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_meter_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter')),
    sa.UniqueConstraint('serial', name=op.f('uq_meter_serial'))
    )
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_account_id'), ['account_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.Enum('cashier', 'bank', 'online', 'field', 'import', name='payment_channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_payment_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('reference', name=op.f('uq_payment_reference'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_account_id'), ['account_id'], unique=False)

    op.create_table('payment_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('instalments_paid', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('current', 'breached', 'completed', name='agreement_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_payment_agreement_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_agreement'))
    )
    with op.batch_alter_table('payment_agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_agreement_account_id'), ['account_id'], unique=False)

    op.create_table('work_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('notice', 'inspection', 'verification', 'cut', 'reconnection', name='work_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('subtype', sa.Enum('consumption_drop', 'cut_warning', 'illegal_connection', 'payment_demand', 'reminder', 'requested', 'restore', 'restrict', 'summons_followup', 'suspend', 'walk', 'zero_consumption', name='work_subtype', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('premise_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('priority_value', sa.Float(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('required_skill', sa.Enum('notifier', 'cut', 'inspector', 'reader', name='required_skill', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status', sa.Enum('pending', 'planned', 'dispatched', 'done', 'failed', 'cancelled', name='work_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('account_id IS NOT NULL OR premise_id IS NOT NULL', name=op.f('ck_work_item_has_target')),
    sa.CheckConstraint('window_start IS NULL OR window_end IS NULL OR window_start < window_end', name=op.f('ck_work_item_window_order')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_work_item_account_id_account')),
    sa.ForeignKeyConstraint(['premise_id'], ['premise.id'], name=op.f('fk_work_item_premise_id_premise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_item'))
    )
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_premise_id'), ['premise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_type'), ['type'], unique=False)

    op.create_table('reading',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('read_on', sa.Date(), nullable=False),
    sa.Column('value_m3', sa.Float(), nullable=False),
    sa.Column('source', sa.Enum('office', 'import', 'payment_feed', 'field', 'system', name='reading_source', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_reading_meter_id_meter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading')),
    sa.UniqueConstraint('meter_id', 'read_on', name=op.f('uq_reading_meter_id_read_on'))
    )
    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_meter_id'), ['meter_id'], unique=False)

def downgrade():
    op.drop_table('reading')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_type'))
        batch_op.drop_index(batch_op.f('ix_work_item_status'))
        batch_op.drop_index(batch_op.f('ix_work_item_premise_id'))
        batch_op.drop_index(batch_op.f('ix_work_item_account_id'))

    op.drop_table('work_item')
    with op.batch_alter_table('payment_agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_agreement_account_id'))

    op.drop_table('payment_agreement')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_account_id'))

    op.drop_table('payment')
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_account_id'))

    op.drop_table('meter')
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_balance_months_overdue'))

    op.drop_table('balance')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_crew_member_id'))

    op.drop_table('device')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_service_status'))
        batch_op.drop_index(batch_op.f('ix_account_premise_id'))

    op.drop_table('account')
    with op.batch_alter_table('premise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premise_sector_id'))
        batch_op.drop_geospatial_index('idx_premise_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('premise')
    with op.batch_alter_table('crew_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crew_member_crew_id'))

    op.drop_table('crew_member')
    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.drop_geospatial_index('idx_sector_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('sector')
    op.drop_geospatial_table('crew')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')

    op.drop_table('change_log')
