"""office users, tokens, api keys, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_key_name'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('principal_kind', sa.Enum('user', 'api_key', 'device', 'anonymous', name='principal_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=True),
    sa.Column('principal_name', sa.String(length=80), nullable=True),
    sa.Column('action', sa.String(length=120), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_principal_name'), ['principal_name'], unique=False)

    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_at', ['attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_remote_addr'), ['remote_addr'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_username'), ['username'], unique=False)

    op.create_table('office_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'dispatcher', 'supervisor', 'viewer', name='role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_user')),
    sa.UniqueConstraint('username', name=op.f('uq_office_user_username'))
    )
    op.create_table('auth_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('access', 'refresh', name='token_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['office_user.id'], name=op.f('fk_auth_token_user_id_office_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_token_token_hash'))
    )
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_token_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_token_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_auth_token_session_id'))

    op.drop_table('auth_token')
    op.drop_table('office_user')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_username'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_remote_addr'))
        batch_op.drop_index('ix_login_attempt_at')

    op.drop_table('login_attempt')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_principal_name'))
        batch_op.drop_index('ix_audit_event_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    op.drop_table('api_key')
