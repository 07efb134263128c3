"""TOTP secrets sealed at rest under the instance's totp_key

Revision ID: 0005_totp_sealed
Revises: 0004
Create Date: 2026-12-07 12:00:00.000000

Every existing secret is sealed here, in one pass, rather than on each account's next sign-in:
sealing on use would leave the secret of every account that does not sign in (dormant team
members, pending enrolments) in the clear in the database and in every backup, for as long as
it stays unused, and the code would have to read both forms forever. The key is read through
the app's Settings, as the running server reads it, so the secrets are sealed under the key the
server will open them with. The sealed form is written out here (not imported from
``accounts.totp_box``) so that this revision keeps producing the v1 form whatever the code
becomes. Downgrading opens them again, with the same key.
"""
import os

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0005_totp_sealed'
down_revision = '0004'
branch_labels = None
depends_on = None

VERSION = b"\x01"


def _key() -> bytes:
    return current_app.extensions["facilitator.settings"].totp_key


def _aad(account_id: int) -> bytes:
    return b"facilitator/totp-secret/v1/account/" + str(account_id).encode()


def _secure_delete() -> None:
    """SQLite otherwise leaves the replaced plaintext in free pages of the file."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA secure_delete=ON")


# The account table as this migration sees it: both columns exist while secrets move across.
account = sa.table(
    'account',
    sa.column('id', sa.Integer),
    sa.column('totp_secret', sa.String),
    sa.column('totp_secret_sealed', sa.LargeBinary),
)


def upgrade():
    _secure_delete()
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_sealed', sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    aead = AESGCM(_key())
    for account_id, secret in connection.execute(sa.select(account.c.id, account.c.totp_secret)):
        nonce = os.urandom(12)
        sealed = VERSION + nonce + aead.encrypt(nonce, secret.encode(), _aad(account_id))
        connection.execute(
            account.update().where(account.c.id == account_id).values(totp_secret_sealed=sealed)
        )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.alter_column('totp_secret_sealed', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('totp_secret')


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    aead = AESGCM(_key())
    rows = connection.execute(sa.select(account.c.id, account.c.totp_secret_sealed))
    for account_id, sealed in rows.all():
        sealed = bytes(sealed)
        secret = aead.decrypt(sealed[1:13], sealed[13:], _aad(account_id)).decode()
        connection.execute(
            account.update().where(account.c.id == account_id).values(totp_secret=secret)
        )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('totp_secret_sealed')
