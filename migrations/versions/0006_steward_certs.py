"""steward certificates: the stewards each epoch admits, certified by its creator

Revision ID: 0006
Revises: 0005_totp_sealed
Create Date: 2026-12-07 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005_totp_sealed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('epoch') as batch:
        batch.add_column(sa.Column('steward_certs', sa.Text(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('epoch') as batch:
        batch.drop_column('steward_certs')
