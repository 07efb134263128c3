"""team wraps: each epoch's team secret sealed to the mediator team

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('team_wrap',
    sa.Column('dialogue_id', sa.String(length=22), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('member_handle', sa.String(length=22), nullable=False),
    sa.Column('wrap', sa.String(length=108), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_team_wrap_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dialogue_id', 'epoch', 'member_handle', name=op.f('pk_team_wrap'))
    )


def downgrade():
    op.drop_table('team_wrap')
