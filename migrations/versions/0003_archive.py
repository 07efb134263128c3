"""archive key, archive wraps, participant notes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dialogue') as batch:
        batch.add_column(sa.Column('participant_notes', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table('archive_key',
    sa.Column('dialogue_id', sa.String(length=22), nullable=False),
    sa.Column('x25519_public', sa.String(length=43), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_archive_key_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dialogue_id', name=op.f('pk_archive_key'))
    )
    op.create_table('archive_wrap',
    sa.Column('dialogue_id', sa.String(length=22), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('wrap', sa.String(length=108), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_archive_wrap_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dialogue_id', 'epoch', name=op.f('pk_archive_wrap'))
    )


def downgrade():
    op.drop_table('archive_wrap')
    op.drop_table('archive_key')
    with op.batch_alter_table('dialogue') as batch:
        batch.drop_column('participant_notes')
