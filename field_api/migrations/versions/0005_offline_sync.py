"""offline sync: enrollment, uploads, field records, photos, reviews, alerts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrollment_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('crew_member_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['crew_member_id'], ['crew_member.id'], name=op.f('fk_enrollment_code_crew_member_id_crew_member')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_enrollment_code_device_id_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_enrollment_code_code_hash'))
    )
    with op.batch_alter_table('enrollment_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_code_crew_member_id'), ['crew_member_id'], unique=False)

    op.create_table('photo',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_photo_device_id_device')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_photo'))
    )
    op.create_table('sync_upload',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_offset_s', sa.Float(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_sync_upload_device_id_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_upload'))
    )
    with op.batch_alter_table('sync_upload', schema=None) as batch_op:
        batch_op.create_index('ix_sync_upload_device_id_received_at', ['device_id', 'received_at'], unique=False)

    op.create_table('field_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('status', sa.Enum('accepted', 'conflict', 'rejected', name='field_record_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_offset_s', sa.Float(), nullable=False),
    sa.Column('captured_at_server', sa.DateTime(timezone=True), nullable=True),
    sa.Column('item_status_at_receipt', sa.String(length=24), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_field_record_device_id_device')),
    sa.ForeignKeyConstraint(['upload_id'], ['sync_upload.id'], name=op.f('fk_field_record_upload_id_sync_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_record')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_field_record_client_uuid'))
    )
    with op.batch_alter_table('field_record', schema=None) as batch_op:
        batch_op.create_index('ix_field_record_device_id_id', ['device_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_record_upload_id'), ['upload_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_record_work_item_id'), ['work_item_id'], unique=False)

    op.create_table('field_record_variant',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_field_record_variant_device_id_device')),
    sa.ForeignKeyConstraint(['upload_id'], ['sync_upload.id'], name=op.f('fk_field_record_variant_upload_id_sync_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_record_variant'))
    )
    with op.batch_alter_table('field_record_variant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_record_variant_client_uuid'), ['client_uuid'], unique=False)

    op.create_table('field_reading',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('meter_serial', sa.String(length=40), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=True),
    sa.Column('value_m3', sa.Float(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('captured_at_server', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_field_reading_meter_id_meter')),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_field_reading_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_reading'))
    )
    with op.batch_alter_table('field_reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_reading_meter_id'), ['meter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_reading_record_id'), ['record_id'], unique=False)

    op.create_table('notice_act',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('received_by', sa.String(length=160), nullable=True),
    sa.Column('relationship', sa.String(length=40), nullable=True),
    sa.Column('id_shown', sa.String(length=120), nullable=True),
    sa.Column('id_refused', sa.Boolean(), nullable=False),
    sa.Column('signature_sha256', sa.String(length=64), nullable=True),
    sa.Column('signature_refused', sa.Boolean(), nullable=False),
    sa.Column('address_verified_by', sa.Text(), nullable=True),
    sa.Column('property_description', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_notice_act_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_act')),
    sa.UniqueConstraint('record_id', name=op.f('uq_notice_act_record_id'))
    )
    with op.batch_alter_table('notice_act', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_act_work_item_id'), ['work_item_id'], unique=False)

    op.create_table('office_alert',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.Enum('urgent', 'normal', 'info', name='alert_severity', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_office_alert_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_alert'))
    )
    with op.batch_alter_table('office_alert', schema=None) as batch_op:
        batch_op.create_index('ix_office_alert_acknowledged_at_severity', ['acknowledged_at', 'severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_alert_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_alert_work_item_id'), ['work_item_id'], unique=False)

    op.create_geospatial_table('pending_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=60), nullable=False),
    sa.Column('street', sa.String(length=120), nullable=False),
    sa.Column('exterior_number', sa.String(length=20), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=False),
    sa.Column('land_use', sa.String(length=24), nullable=True),
    sa.Column('dwellings', sa.Integer(), nullable=True),
    sa.Column('connection_status', sa.String(length=24), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='registration_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_pending_registration_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registration')),
    sa.UniqueConstraint('record_id', 'local_id', name=op.f('uq_pending_registration_record_id_local_id'))
    )
    op.create_table('record_photo',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_record_photo_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_photo')),
    sa.UniqueConstraint('record_id', 'sha256', name=op.f('uq_record_photo_record_id_sha256'))
    )
    with op.batch_alter_table('record_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_photo_sha256'), ['sha256'], unique=False)

    op.create_table('review_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('correction_index', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('seen', sa.JSON(), nullable=False),
    sa.Column('new', sa.JSON(), nullable=False),
    sa.Column('current', sa.JSON(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('soft', 'hard', name='review_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted', 'kept', 'applied', 'noop', name='review_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=80), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['field_record.id'], name=op.f('fk_review_item_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_item')),
    sa.UniqueConstraint('record_id', 'correction_index', name=op.f('uq_review_item_record_id_correction_index'))
    )
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.create_index('ix_review_item_entity_entity_id_field', ['entity', 'entity_id', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_item_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_item_status'))
        batch_op.drop_index('ix_review_item_entity_entity_id_field')

    op.drop_table('review_item')
    with op.batch_alter_table('record_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_photo_sha256'))

    op.drop_table('record_photo')
    op.drop_geospatial_table('pending_registration')
    with op.batch_alter_table('office_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_alert_work_item_id'))
        batch_op.drop_index(batch_op.f('ix_office_alert_kind'))
        batch_op.drop_index('ix_office_alert_acknowledged_at_severity')

    op.drop_table('office_alert')
    with op.batch_alter_table('notice_act', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_act_work_item_id'))

    op.drop_table('notice_act')
    with op.batch_alter_table('field_reading', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_reading_record_id'))
        batch_op.drop_index(batch_op.f('ix_field_reading_meter_id'))

    op.drop_table('field_reading')
    with op.batch_alter_table('field_record_variant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_record_variant_client_uuid'))

    op.drop_table('field_record_variant')
    with op.batch_alter_table('field_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_record_work_item_id'))
        batch_op.drop_index(batch_op.f('ix_field_record_upload_id'))
        batch_op.drop_index('ix_field_record_device_id_id')

    op.drop_table('field_record')
    with op.batch_alter_table('sync_upload', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_upload_device_id_received_at')

    op.drop_table('sync_upload')
    op.drop_table('photo')
    with op.batch_alter_table('enrollment_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_code_crew_member_id'))

    op.drop_table('enrollment_code')
