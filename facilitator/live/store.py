"""Storing a batch of live messages to one dialogue in one transaction (``live.group_commit``).

The checks are those of ``dialogues.envelopes.store_envelope``, in the same order, for each
message on its own: the author handle is the sender's (checked before queueing, with the team
channel), the epoch is current or within the rotation grace, the blob has a plausible size, the
``message_id`` is new (in the dialogue and in the batch). A refused message gets its own error
and takes no ``seq``; the others are stored.

Statements per batch, whatever its size: one ``UPDATE … RETURNING`` reserves the batch's
``seq`` numbers and reads the current epoch under the dialogue's row lock; one ``SELECT`` finds
``message_id``\\ s already used; one multi-row ``INSERT``; and, only when a message was refused,
one ``UPDATE`` giving back the numbers not used, so ``seq`` has no gaps.

How they travel depends on the database. SQLite runs in the process: SQLAlchemy Core, the ORM
session's bookkeeping costing more than the statements. PostgreSQL is across a socket, and
under gevent every round trip waits for a turn of the event loop, which under load is busy
writing copies of earlier messages: round trips, not statements, made the delay. There the
statements go in psycopg's pipeline mode, in two flights: ``BEGIN``, the reservation and the
``SELECT`` in the first; the ``INSERT``, the give-back and the ``COMMIT`` in the second. The
SQL is the same Core statements, compiled once for the connection's dialect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, any_, bindparam, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from facilitator.dialogues.envelopes import blob_plausible, epoch_accepted
from facilitator.dialogues.errors import (
    DialogueNotFoundError,
    DuplicateIdError,
    EnvelopeRejectedError,
)
from facilitator.dialogues.models import Dialogue, Envelope, Epoch
from facilitator.live.group_commit import Pending
from facilitator.live.schemas import LiveEnvelope
from facilitator.live.seats import Seat

_dialogue = Dialogue.__table__
_envelope = Envelope.__table__
_epoch = Epoch.__table__
_COLUMNS = (
    "dialogue_id",
    "seq",
    "kind",
    "channel_id",
    "message_id",
    "epoch",
    "author_handle",
    "blob",
    "replaces",
    "superseded",
)

# Built once: building and hashing a statement costs more than running it on a warm connection.
_RESERVE = (
    update(_dialogue)
    .where(_dialogue.c.id == bindparam("dialogue"))
    .values(last_seq=_dialogue.c.last_seq + bindparam("count"))
    .returning(_dialogue.c.last_seq, _dialogue.c.current_epoch)
)
_GIVE_BACK = (
    update(_dialogue)
    .where(_dialogue.c.id == bindparam("dialogue"))
    .values(last_seq=bindparam("last"))
)
_USED = select(_envelope.c.message_id).where(
    _envelope.c.dialogue_id == bindparam("dialogue"),
    _envelope.c.message_id.in_(bindparam("message_ids", expanding=True)),
)
_USED_ANY = select(_envelope.c.message_id).where(  # one array parameter, for PostgreSQL
    _envelope.c.dialogue_id == bindparam("dialogue"),
    _envelope.c.message_id == any_(bindparam("message_ids")),
)
_INSERT = insert(_envelope)
_INSERT_ROW = insert(_envelope).values({name: bindparam(name) for name in _COLUMNS}).inline()
_EPOCH_CUT = select(_epoch.c.created_at).where(
    _epoch.c.dialogue_id == bindparam("dialogue"), _epoch.c.number == bindparam("number")
)


@dataclass(frozen=True)
class Outgoing:
    """A live message whose sender and author handle were checked, waiting for its batch."""

    seat: Seat
    envelope: LiveEnvelope


class _Statements(Protocol):
    def reserve(
        self, dialogue_id: str, count: int, message_ids: list[str]
    ) -> tuple[tuple[int, int] | None, set[str]]:
        """(last ``seq`` after the reservation, current epoch) or None, and the used ids."""

    def cut_at(self, dialogue_id: str, number: int) -> datetime | None:
        """When the dialogue's epoch ``number`` was cut."""

    def write(self, dialogue_id: str, give_back_to: int | None, rows: list[dict[str, Any]]) -> None:
        """Give back the numbers after ``give_back_to`` (when not None), insert ``rows``."""


def store_batch(engine: Engine, dialogue_id: str, batch: list[Pending[Outgoing]]) -> None:
    """Store what passes the checks, in ``batch`` order, in one transaction committed before
    this returns; set each one's ``seq`` or ``error``."""
    with engine.begin() as connection, _statements(connection) as statements:
        _store(statements, dialogue_id, batch)


def _store(statements: _Statements, dialogue_id: str, batch: list[Pending[Outgoing]]) -> None:
    message_ids = sorted({each.item.envelope.message_id for each in batch})
    reserved, used = statements.reserve(dialogue_id, len(batch), message_ids)
    if reserved is None:
        for each in batch:
            each.error = DialogueNotFoundError()
        return
    first, current_epoch = reserved[0] - len(batch) + 1, reserved[1]
    epochs: dict[int, bool] = {}
    rows: list[dict[str, Any]] = []
    for each in batch:
        envelope = each.item.envelope
        if envelope.epoch not in epochs:
            epochs[envelope.epoch] = epoch_accepted(
                current_epoch,
                envelope.epoch,
                lambda: statements.cut_at(dialogue_id, current_epoch),
            )
        if not epochs[envelope.epoch]:
            each.error = EnvelopeRejectedError(reason="epoch", current_epoch=current_epoch)
        elif not blob_plausible(envelope.blob):
            each.error = EnvelopeRejectedError(reason="blob")
        elif envelope.message_id in used:
            each.error = DuplicateIdError(field="message_id")
        else:
            used.add(envelope.message_id)
            each.seq = first + len(rows)
            rows.append(_row(dialogue_id, each.seq, envelope))
    give_back_to = first - 1 + len(rows) if len(rows) < len(batch) else None
    statements.write(dialogue_id, give_back_to, rows)


@contextmanager
def _statements(connection: Connection) -> Iterator[_Statements]:
    if connection.dialect.driver == "psycopg":
        pipelined = _Pipelined(connection)
        with pipelined.raw.pipeline():
            yield pipelined
    else:
        yield _Core(connection)


class _Core:
    """Each statement through SQLAlchemy Core, one after the other."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def reserve(
        self, dialogue_id: str, count: int, message_ids: list[str]
    ) -> tuple[tuple[int, int] | None, set[str]]:
        row = self.connection.execute(_RESERVE, {"dialogue": dialogue_id, "count": count}).first()
        if row is None:
            return None, set()
        used = self.connection.execute(
            _USED, {"dialogue": dialogue_id, "message_ids": message_ids}
        ).scalars()
        return (int(row[0]), int(row[1])), set(used)

    def cut_at(self, dialogue_id: str, number: int) -> datetime | None:
        cut_at: datetime | None = self.connection.execute(
            _EPOCH_CUT, {"dialogue": dialogue_id, "number": number}
        ).scalar()
        return cut_at

    def write(self, dialogue_id: str, give_back_to: int | None, rows: list[dict[str, Any]]) -> None:
        if give_back_to is not None:
            self.connection.execute(_GIVE_BACK, {"dialogue": dialogue_id, "last": give_back_to})
        if rows:
            self.connection.execute(_INSERT, rows)


class _Pipelined:
    """psycopg's pipeline mode on the same connection and transaction: statements are sent
    without waiting, and the first result asked for sends everything queued in one flight."""

    def __init__(self, connection: Connection) -> None:
        self.raw: Any = connection.connection.driver_connection  # a psycopg.Connection
        self.sql = _compiled(connection.dialect)

    def reserve(
        self, dialogue_id: str, count: int, message_ids: list[str]
    ) -> tuple[tuple[int, int] | None, set[str]]:
        reserving = self.raw.execute(self.sql["reserve"], {"dialogue": dialogue_id, "count": count})
        using = self.raw.execute(
            self.sql["used"], {"dialogue": dialogue_id, "message_ids": message_ids}
        )
        row = reserving.fetchone()  # the first flight: BEGIN, the reservation, the SELECT
        used = {found[0] for found in using.fetchall()}
        return (None if row is None else (int(row[0]), int(row[1]))), used

    def cut_at(self, dialogue_id: str, number: int) -> datetime | None:
        row = self.raw.execute(
            self.sql["cut_at"], {"dialogue": dialogue_id, "number": number}
        ).fetchone()
        return None if row is None else row[0]

    def write(self, dialogue_id: str, give_back_to: int | None, rows: list[dict[str, Any]]) -> None:
        if give_back_to is not None:
            self.raw.execute(self.sql["give_back"], {"dialogue": dialogue_id, "last": give_back_to})
        if rows:
            self.raw.cursor().executemany(self.sql["insert"], rows)
        self.raw.commit()  # the second flight: the INSERT, the give-back and the COMMIT


_COMPILED: dict[str, dict[str, str]] = {}


def _compiled(dialect: Dialect) -> dict[str, str]:
    """The statements as SQL text in ``dialect``'s parameter style, compiled once."""
    if dialect.name not in _COMPILED:
        statements: dict[str, ClauseElement] = {
            "reserve": _RESERVE,
            "used": _USED_ANY,
            "cut_at": _EPOCH_CUT,
            "give_back": _GIVE_BACK,
            "insert": _INSERT_ROW,
        }
        _COMPILED[dialect.name] = {
            name: str(statement.compile(dialect=dialect)) for name, statement in statements.items()
        }
    return _COMPILED[dialect.name]


def _row(dialogue_id: str, seq: int, envelope: LiveEnvelope) -> dict[str, Any]:
    return {
        "dialogue_id": dialogue_id,
        "seq": seq,
        "kind": "msg",
        "channel_id": envelope.channel_id,
        "message_id": envelope.message_id,
        "epoch": envelope.epoch,
        "author_handle": envelope.author_handle,
        "blob": envelope.blob,
        "replaces": None,
        "superseded": False,
    }
