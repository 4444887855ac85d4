"""photos a device still owes: record_photo.device_id and arrived_at, with a partial index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

WAITING = sa.text("arrived_at IS NULL")


def upgrade():
    op.add_column('record_photo', sa.Column('device_id', sa.Integer(), nullable=True))
    op.add_column('record_photo', sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE record_photo SET device_id = (SELECT field_record.device_id FROM field_record "
               "WHERE field_record.id = record_photo.record_id)")
    op.execute("UPDATE record_photo SET arrived_at = (SELECT photo.received_at FROM photo "
               "WHERE photo.sha256 = record_photo.sha256)")
    op.create_index('ix_record_photo_waiting', 'record_photo', ['device_id', 'id'], unique=False,
                    postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    op.drop_index('ix_record_photo_waiting', table_name='record_photo')
    # In place, as 0006 does: batch mode's copy and rename fails on SpatiaLite.
    for column in ("arrived_at", "device_id"):
        op.execute(f"ALTER TABLE record_photo DROP COLUMN {column}")
