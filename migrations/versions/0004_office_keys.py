"""office keys: signing and encryption keys of offices, and whether they are trusted here

Revision ID: 0004_office_keys
Revises: 0003_sync
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0004_office_keys'
down_revision = '0003_sync'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_key',
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('office_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('signing_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('encryption_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('learned_from', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    with op.batch_alter_table('office_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_key_office_id'), ['office_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('office_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_key_office_id'))
    op.drop_table('office_key')
