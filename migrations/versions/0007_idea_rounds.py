"""rounds of ideas and decisions, and their sealed ballots

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_round',
    sa.Column('id', sa.String(length=22), nullable=False),
    sa.Column('dialogue_id', sa.String(length=22), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_handle', sa.String(length=22), nullable=False),
    sa.Column('tally_public', sa.String(length=43), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_idea_round_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_round'))
    )
    op.create_index('ix_idea_round_dialogue_id', 'idea_round', ['dialogue_id'], unique=False)
    op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.String(length=22), nullable=False),
    sa.Column('slot', sa.String(length=22), nullable=False),
    sa.Column('slot_key', sa.String(length=43), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['idea_round.id'], name=op.f('fk_ballot_round_id_idea_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
    sa.UniqueConstraint('slot_key', name='uq_ballot_slot_key')
    )
    op.create_index('ix_ballot_round_id', 'ballot', ['round_id'], unique=False)


def downgrade():
    op.drop_index('ix_ballot_round_id', table_name='ballot')
    op.drop_table('ballot')
    op.drop_index('ix_idea_round_dialogue_id', table_name='idea_round')
    op.drop_table('idea_round')
