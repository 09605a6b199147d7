"""restores: entries re-stamped after a restore, clashing versions kept

Revision ID: 0005_restores
Revises: 0004_office_keys
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0005_restores'
down_revision = '0004_office_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clash_entry',
    sa.Column('office_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hlc', sa.Integer(), nullable=False),
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('op', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('data', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('base', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('restamp_of', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('office_id', 'seq', 'digest')
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restamp_of', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_change_log_restamp_of'), ['restamp_of'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_log_restamp_of'))
        batch_op.drop_column('restamp_of')

    op.drop_table('clash_entry')
