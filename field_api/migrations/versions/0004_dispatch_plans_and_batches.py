"""dispatch plans and batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispatch_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'superseded', 'discarded', name='plan_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('time_budget_s', sa.Float(), nullable=False),
    sa.Column('pesos_per_crew_hour', sa.Float(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replan_of_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['replan_of_id'], ['dispatch_plan.id'], name=op.f('fk_dispatch_plan_replan_of_id_dispatch_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_plan'))
    )
    with op.batch_alter_table('dispatch_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_plan_service_date'), ['service_date'], unique=False)

    op.create_geospatial_table('plan_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('crew_id', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.Column('travel_s', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['crew_id'], ['crew.id'], name=op.f('fk_plan_route_crew_id_crew')),
    sa.ForeignKeyConstraint(['plan_id'], ['dispatch_plan.id'], name=op.f('fk_plan_route_plan_id_dispatch_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_route'))
    )
    with op.batch_alter_table('plan_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_route_crew_id'), ['crew_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_route_plan_id'), ['plan_id'], unique=False)

    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('crew_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['crew_id'], ['crew.id'], name=op.f('fk_batch_crew_id_crew')),
    sa.ForeignKeyConstraint(['route_id'], ['plan_route.id'], name=op.f('fk_batch_route_id_plan_route')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('route_id', name=op.f('uq_batch_route_id'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index('ix_batch_crew_id_service_date', ['crew_id', 'service_date'], unique=False)

    op.create_table('plan_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('eta', sa.DateTime(timezone=True), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('departure', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['plan_route.id'], name=op.f('fk_plan_stop_route_id_plan_route')),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], name=op.f('fk_plan_stop_work_item_id_work_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_stop'))
    )
    with op.batch_alter_table('plan_stop', schema=None) as batch_op:
        batch_op.create_index('ix_plan_stop_route_id_seq', ['route_id', 'seq'], unique=True)
        batch_op.create_index(batch_op.f('ix_plan_stop_work_item_id'), ['work_item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_stop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_stop_work_item_id'))
        batch_op.drop_index('ix_plan_stop_route_id_seq')

    op.drop_table('plan_stop')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_crew_id_service_date')

    op.drop_table('batch')
    with op.batch_alter_table('plan_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_route_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_route_crew_id'))

    op.drop_geospatial_table('plan_route')
    with op.batch_alter_table('dispatch_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_plan_service_date'))

    op.drop_table('dispatch_plan')
