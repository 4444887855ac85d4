"""state holiday calendars: holiday_calendar (a state's year entered) and state_holiday (its days)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_calendar')),
    sa.UniqueConstraint('state', 'year', name=op.f('uq_holiday_calendar_state_year'))
    )
    op.create_table('state_holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_state_holiday')),
    sa.UniqueConstraint('state', 'day', name=op.f('uq_state_holiday_state_day'))
    )


def downgrade():
    op.drop_table('state_holiday')
    op.drop_table('holiday_calendar')
