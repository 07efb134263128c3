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

They are SQLAlchemy Core statements compiled once to SQL text for the database, and run on the
driver's own connection from SQLAlchemy's pool: SQLAlchemy's execution layer (parameters,
results, connection and transaction objects) cost several times what SQLite took to run them,
on the path of every live message. On PostgreSQL, which is across a socket, under gevent every
round trip also waits for a turn of the event loop, which under load is busy writing copies of
earlier messages: round trips, not statements, made the delay, and one batch at a time holds
the room. There a batch whose messages are all at the epoch the room's last batch found
current, with plausible blobs and distinct ids (nearly every batch), is stored by one statement
in autocommit, one round trip (``_INSERT_AT_EPOCH``): it reserves the numbers only if the epoch
is still that one, and inserts the rows; an id used before breaks the unique constraint and
rolls it back. Whenever it stores nothing, the batch takes the full way above, in psycopg's
pipeline mode, in two flights: ``BEGIN``, the reservation and the ``SELECT`` in the first; the
``INSERT``, the give-back and the ``COMMIT`` in the second. On SQLite the transaction begins by
taking the file's write lock, waited for without stopping the process (``begin_writing``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Engine,
    Integer,
    String,
    any_,
    bindparam,
    cast,
    false,
    func,
    insert,
    literal_column,
    null,
    select,
    update,
)
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
_ARRAY_COLUMNS = ("channel_id", "message_id", "author_handle", "blob")

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
_USED_ANY = select(_envelope.c.message_id).where(
    _envelope.c.dialogue_id == bindparam("dialogue"),
    _envelope.c.message_id == any_(bindparam("message_ids")),
)
_IDS = func.json_each(bindparam("message_ids")).table_valued("value")
_USED_JSON = select(_envelope.c.message_id).where(
    _envelope.c.dialogue_id == bindparam("dialogue"),
    _envelope.c.message_id.in_(select(_IDS.c.value)),
)
_INSERT_ROW = insert(_envelope).values({name: bindparam(name) for name in _COLUMNS}).inline()
_AT_EPOCH = (  # the fast path: the whole batch, at the current epoch, in one statement
    update(_dialogue)
    .where(
        _dialogue.c.id == bindparam("dialogue"),
        _dialogue.c.current_epoch == cast(bindparam("epoch"), Integer),
    )
    .values(last_seq=_dialogue.c.last_seq + cast(bindparam("count"), Integer))
    .returning(_dialogue.c.last_seq)
    .cte("reserved")
)
_ARRAYS = (
    func.unnest(*(cast(bindparam(name), ARRAY(String)) for name in _ARRAY_COLUMNS))
    .table_valued(*_ARRAY_COLUMNS, with_ordinality="n")
    .render_derived(name="arrays")
)
_INSERT_AT_EPOCH = (
    insert(_envelope)
    .from_select(
        _COLUMNS,
        select(
            cast(bindparam("dialogue"), String),
            _AT_EPOCH.c.last_seq - cast(bindparam("count"), Integer) + _ARRAYS.c.n,
            literal_column("'msg'"),
            _ARRAYS.c.channel_id,
            _ARRAYS.c.message_id,
            cast(bindparam("epoch"), Integer),
            _ARRAYS.c.author_handle,
            _ARRAYS.c.blob,
            null(),
            false(),
        ).select_from(_AT_EPOCH, _ARRAYS),
    )
    .returning(_envelope.c.seq)
)
_EPOCH_CUT = select(_epoch.c.created_at).where(
    _epoch.c.dialogue_id == bindparam("dialogue"), _epoch.c.number == bindparam("number")
)


@dataclass(frozen=True)
class Outgoing:
    """A live message whose sender and author handle were checked, waiting for its batch."""

    seat: Seat
    envelope: LiveEnvelope


def store_batch(engine: Engine, dialogue_id: str, batch: list[Pending[Outgoing]]) -> None:
    """Store what passes the checks, in ``batch`` order, in one transaction committed before
    this returns; set each one's ``seq`` or ``error``."""
    pooled = engine.raw_connection()  # checked (``core.db``) and returned like any other
    try:
        statements = _Statements(pooled.driver_connection, engine.dialect)
        if not statements.store_at_epoch(dialogue_id, batch):
            with _pipeline(pooled.driver_connection, engine.dialect):
                _store(statements, dialogue_id, batch)
    except BaseException:
        pooled.rollback()
        raise
    finally:
        pooled.close()  # the pool rolls back what was not committed (an unknown dialogue)


def _store(statements: _Statements, dialogue_id: str, batch: list[Pending[Outgoing]]) -> None:
    message_ids = sorted({each.item.envelope.message_id for each in batch})
    reserved, used = statements.reserve(dialogue_id, len(batch), message_ids)
    if reserved is None:
        for each in batch:
            each.error = DialogueNotFoundError()
        return
    first, current_epoch = reserved[0] - len(batch) + 1, reserved[1]
    _current_epochs[dialogue_id] = current_epoch
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
def _pipeline(connection: Any, dialect: Dialect) -> Iterator[None]:
    """psycopg's pipeline mode on PostgreSQL: statements are sent without waiting, and the
    first result asked for sends everything queued in one flight."""
    if dialect.driver == "psycopg":
        with connection.pipeline():
            yield
    else:
        yield


class _Statements:
    """The batch's statements on the driver's connection: ``sqlite3``'s, which begins the
    transaction before the first ``UPDATE``, or psycopg's (the full way in pipeline mode)."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.raw = connection
        self.on = _prepared(dialect)

    def reserve(
        self, dialogue_id: str, count: int, message_ids: list[str]
    ) -> tuple[tuple[int, int] | None, set[str]]:
        """(last ``seq`` after the reservation, current epoch) or None, and the used ids."""
        if self.on.takes_file_lock:
            begin_writing(self.raw)
        reserving = self.raw.execute(
            self.on.sql["reserve"], {"dialogue": dialogue_id, "count": count}
        )
        using = self.raw.execute(
            self.on.sql["used"], {"dialogue": dialogue_id, "message_ids": self.on.ids(message_ids)}
        )
        row = reserving.fetchone()  # pipelined: the first flight, BEGIN, the UPDATE, the SELECT
        used = {found[0] for found in using.fetchall()}
        return (None if row is None else (int(row[0]), int(row[1]))), used

    def store_at_epoch(self, dialogue_id: str, batch: list[Pending[Outgoing]]) -> bool:
        """The fast path, on PostgreSQL: when every message is at the epoch the last batch
        found current, has a plausible blob and a new id in the batch, store them all with one
        statement in autocommit (one round trip, its own transaction), and set their ``seq``.

        False, with nothing stored, when that does not hold or the statement finds otherwise
        (the epoch changed, an id was used before): the batch then takes the full path."""
        epoch = _current_epochs.get(dialogue_id)
        envelopes = [each.item.envelope for each in batch]
        if (
            not self.on.one_statement
            or epoch is None
            or any(each.epoch != epoch or not blob_plausible(each.blob) for each in envelopes)
            or len({each.message_id for each in envelopes}) < len(envelopes)
        ):
            return False
        params: dict[str, Any] = {"dialogue": dialogue_id, "epoch": epoch, "count": len(batch)}
        for name in _ARRAY_COLUMNS:
            params[name] = [getattr(each, name) for each in envelopes]
        self.raw.autocommit = True  # one statement, its own transaction: one round trip
        try:
            seqs = sorted(row[0] for row in self.raw.execute(self.on.sql["at_epoch"], params))
        except self.on.integrity_error:  # an id used before: rolled back, nothing stored
            return False
        finally:
            self.raw.autocommit = False
        if len(seqs) != len(batch):  # the epoch changed (or no such dialogue): nothing stored
            del _current_epochs[dialogue_id]
            return False
        for each, seq in zip(batch, seqs, strict=True):
            each.seq = seq
        return True

    def cut_at(self, dialogue_id: str, number: int) -> datetime | None:
        """When the dialogue's epoch ``number`` was cut."""
        row = self.raw.execute(
            self.on.sql["cut_at"], {"dialogue": dialogue_id, "number": number}
        ).fetchone()
        return None if row is None else self.on.read_cut_at(row[0])

    def write(self, dialogue_id: str, give_back_to: int | None, rows: list[dict[str, Any]]) -> None:
        """Give back the numbers after ``give_back_to`` (when not None), insert ``rows`` and
        commit (pipelined: the second flight)."""
        if give_back_to is not None:
            self.raw.execute(
                self.on.sql["give_back"], {"dialogue": dialogue_id, "last": give_back_to}
            )
        if rows:
            self.raw.cursor().executemany(self.on.sql["insert"], rows)
        self.raw.commit()


LOCK_POLL_S = (0.0002, 0.0005, 0.001, 0.002)  # then every 2 ms


def begin_writing(
    connection: sqlite3.Connection, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Begin a transaction holding SQLite's write lock (``BEGIN IMMEDIATE``), waiting for the
    lock here rather than in SQLite's busy handler, for as long as the connection's
    ``busy_timeout``.

    When another process (or another connection of this one) is writing to the file, the busy
    handler sleeps in C, 1, 2, 5, 10 ms and more, and under gevent that stops every greenlet of
    the process: the copies of the room's messages stop going out, and a greenlet of the same
    process that holds the lock cannot finish. ``time.sleep`` here is gevent's: they run."""
    timeout_ms = int(connection.execute("PRAGMA busy_timeout").fetchone()[0])
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        attempt = 0
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            sleep(LOCK_POLL_S[min(attempt, len(LOCK_POLL_S) - 1)])
            attempt += 1
    finally:
        connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")


def _result_processor(dialect: Dialect) -> Callable[[Any], datetime | None]:
    """What SQLAlchemy does to a stored ``created_at`` to make it a ``datetime`` (SQLite keeps
    text)."""
    column_type = _epoch.c.created_at.type.dialect_impl(dialect)
    process = column_type.result_processor(dialect, None)
    return process if process is not None else (lambda value: value)


@dataclass(frozen=True)
class _Prepared:
    """What the statements need from the dialect, worked out once per process."""

    sql: dict[str, str]  # SQL text with named parameters
    read_cut_at: Callable[[Any], datetime | None]
    integrity_error: type[Exception]
    ids: Callable[[list[str]], Any]  # the ids as one parameter: an array, or a JSON array
    one_statement: bool  # the fast path (``_INSERT_AT_EPOCH``) exists: PostgreSQL
    takes_file_lock: bool  # SQLite: one writer at a time for the whole file (``begin_writing``)


_PREPARED: dict[str, _Prepared] = {}
# The epoch each dialogue's last batch found current, in this process: a guess the fast path
# checks in the database, never trusts.
_current_epochs: dict[str, int] = {}


def _prepared(dialect: Dialect) -> _Prepared:
    if dialect.name not in _PREPARED:
        postgres = dialect.name == "postgresql"
        compiler = dialect
        if dialect.name == "sqlite":
            sqlite_dialect: Any = type(dialect)
            compiler = sqlite_dialect(paramstyle="named")
        statements: dict[str, ClauseElement] = {
            "reserve": _RESERVE,
            "used": _USED_ANY if postgres else _USED_JSON,
            "cut_at": _EPOCH_CUT,
            "give_back": _GIVE_BACK,
            "insert": _INSERT_ROW,
        }
        if postgres:
            statements["at_epoch"] = _INSERT_AT_EPOCH
        _PREPARED[dialect.name] = _Prepared(
            sql={name: str(each.compile(dialect=compiler)) for name, each in statements.items()},
            read_cut_at=_result_processor(dialect),
            integrity_error=dialect.loaded_dbapi.IntegrityError,
            ids=list if postgres else json.dumps,
            one_statement=postgres,
            takes_file_lock=dialect.name == "sqlite",
        )
    return _PREPARED[dialect.name]


def _row(dialogue_id: str, seq: int, envelope: LiveEnvelope) -> dict[str, Any]:
    values = (
        dialogue_id,
        seq,
        "msg",
        envelope.channel_id,
        envelope.message_id,
        envelope.epoch,
        envelope.author_handle,
        envelope.blob,
        None,  # replaces
        False,  # superseded
    )
    return dict(zip(_COLUMNS, values, strict=True))
