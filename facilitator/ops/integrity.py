"""Checks of a database copy (a restored backup): are its migrations current, does every
dialogue's epoch chain verify, and does the instance's TOTP key open every account's secret.

The chain check is structural, as a member's device checks it: from the genesis, each record's
signature by a steward of the previous roster, its hash link, its number and its roster hash
(``td2.verify_chain``). It needs no secret, so it runs on the server; a chain damaged or edited
in the copy fails here before anyone relies on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select
from sqlalchemy.engine import Engine

from facilitator import td2
from facilitator.accounts import totp_box
from facilitator.accounts.models import Account
from facilitator.dialogues.models import Dialogue, Epoch, Member

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
b64d = td2.b64u_decode


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def migration_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def check_migrations(connection: Connection) -> Check:
    current = set(MigrationContext.configure(connection).get_current_heads())
    heads = migration_heads()
    if current == heads:
        return Check("migrations", True, f"at {', '.join(sorted(current))} (current)")
    found = ", ".join(sorted(current)) or "none"
    return Check(
        "migrations",
        False,
        f"at {found}, this version expects {', '.join(sorted(heads))}: "
        "run `facilitator db upgrade`, then check again",
    )


def _links(connection: Connection, dialogue_id: str) -> list[td2.ChainLink]:
    stewards = {
        handle: b64d(key)
        for handle, key in connection.execute(
            select(Member.handle, Member.ed25519_public).where(
                Member.dialogue_id == dialogue_id,
                Member.is_steward.is_(True),
                Member.ed25519_public.is_not(None),
            )
        )
    }
    links = []
    for record, signature, roster_json in connection.execute(
        select(Epoch.record, Epoch.signature, Epoch.roster)
        .where(Epoch.dialogue_id == dialogue_id)
        .order_by(Epoch.number)
    ):
        entries = json.loads(roster_json)
        roster = [
            td2.RosterMember(b64d(e["handle"]), b64d(e["x25519_public"]), e["role"])
            for e in entries
        ]
        keys = [stewards[e["handle"]] for e in entries if e["handle"] in stewards]
        links.append(td2.ChainLink(b64d(record), b64d(signature), roster, keys))
    return links


def check_dialogue_chain(connection: Connection, dialogue_id: str, current_epoch: int) -> Check:
    name = f"dialogue {dialogue_id}"
    try:
        records = td2.verify_chain(_links(connection, dialogue_id), verifier_handle=None)
        stored_hashes = list(
            connection.execute(
                select(Epoch.record_hash)
                .where(Epoch.dialogue_id == dialogue_id)
                .order_by(Epoch.number)
            ).scalars()
        )
    except (td2.Td2Error, KeyError, TypeError, ValueError) as error:
        return Check(name, False, f"epoch chain does not verify: {error}")
    if records[-1].dialogue_id != b64d(dialogue_id):
        return Check(name, False, "epoch chain belongs to another dialogue")
    if [td2.b64u_encode(r.record_hash) for r in records] != stored_hashes:
        return Check(name, False, "a stored record hash differs from its record")
    if records[-1].epoch != current_epoch:
        return Check(
            name, False, f"current epoch is {current_epoch}, the chain ends at {records[-1].epoch}"
        )
    return Check(name, True, f"{len(records)} epochs verify from the genesis")


def check_chains(connection: Connection) -> list[Check]:
    dialogues = connection.execute(
        select(Dialogue.id, Dialogue.current_epoch).order_by(Dialogue.id)
    ).all()
    return [check_dialogue_chain(connection, d, epoch) for d, epoch in dialogues]


def check_totp_key(connection: Connection, totp_key: bytes) -> Check:
    if "totp_secret_sealed" not in {c["name"] for c in inspect(connection).get_columns("account")}:
        return Check("two-factor keys", False, "not checked: migrations are not current")
    rows = connection.execute(select(Account.id, Account.totp_secret_sealed)).all()
    unreadable = sum(
        not totp_box.opens(totp_key, account_id, sealed) for account_id, sealed in rows
    )
    if unreadable:
        return Check(
            "two-factor keys",
            False,
            f"{unreadable} of {len(rows)} accounts' TOTP secrets do not open under this "
            "instance's totp_key: put back the totp_key file in use when the backup was made",
        )
    return Check("two-factor keys", True, f"{len(rows)} accounts open under this totp_key")


def check_database(engine: Engine, totp_key: bytes) -> list[Check]:
    """Every check, in order; the copy is sound when all are ``ok``."""
    with engine.connect() as connection:
        checks = [check_migrations(connection)]
        tables = set(inspect(connection).get_table_names())
        if {"dialogue", "epoch", "member"} <= tables:
            checks += check_chains(connection) or [Check("dialogues", True, "none to verify")]
        else:
            checks.append(Check("dialogues", False, "the dialogue tables are missing"))
        if "account" in tables:
            checks.append(check_totp_key(connection, totp_key))
    return checks
