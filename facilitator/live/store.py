"""Storing the live room's messages: those to one dialogue that arrive together are stored
together, in one transaction (``live.group_commit``), and broadcast in ``seq`` order.

Each message passes the envelope check (``dialogues.envelope_check``): its writer part before
it joins a batch (``live.service``), the rest here, on its own, with the dialogue's state the
batch's statements read (the epoch is current or within the rotation grace, the blob has a
plausible size, the ``message_id`` is new in the dialogue and in the batch). A refused message
gets its own error and takes no ``seq``; the others are stored.

Why a batch owns its transaction rather than going through the request's commit point
(``core.db``): a live message has no request around it, and messages from many connections
share one transaction, which no one connection's boundary can commit or roll back; and the
statements run on the driver's connection, not the ORM session, for the reasons below. The
rule of the commit point holds all the same: nothing is acknowledged or broadcast before its
batch is committed, and a batch that raises is rolled back whole.

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
taking the file's write lock, waited for without stopping the process (``live.sqlite_lock``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
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

from facilitator.core.errors import DomainError
from facilitator.dialogues.envelope_check import DialogueState, check_fit
from facilitator.dialogues.errors import DialogueNotFoundError
from facilitator.dialogues.models import Dialogue, Envelope, Epoch
from facilitator.live.group_commit import GroupCommit, Pending
from facilitator.live.schemas import LiveEnvelope
from facilitator.live.seats import Seat
from facilitator.live.sqlite_lock import begin_writing

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


_batches: GroupCommit[Outgoing] = GroupCommit()


def store_message(
    engine: Engine, outgoing: Outgoing, stored: Callable[[Outgoing, int], None]
) -> int:
    """Store ``outgoing`` with the messages that arrive with it and return its ``seq``, or
    raise its own error. Once a batch is committed, ``stored`` is told of each message it
    stored, in ``seq`` order, while the room is still held: the copies leave in that order."""

    def write(batch: list[Pending[Outgoing]]) -> None:
        store_batch(engine, outgoing.seat.dialogue_id, batch)
        for each in batch:
            if each.seq is not None:
                stored(each.item, each.seq)

    pending = _batches.submit(outgoing.seat.dialogue_id, outgoing, write)
    if pending.error is not None:
        raise pending.error
    if pending.seq is None:
        raise RuntimeError("the batch holding this message was not written")
    return pending.seq


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
    state = DialogueState(
        current_epoch, cache(lambda: statements.cut_at(dialogue_id, current_epoch))
    )
    rows: list[dict[str, Any]] = []
    for each in batch:
        envelope = each.item.envelope
        try:
            check_fit(envelope, state, used.__contains__)
        except DomainError as error:
            each.error = error
            continue
        used.add(envelope.message_id)
        each.seq = first + len(rows)
        rows.append(_row(dialogue_id, each.seq, envelope))
    give_back_to = first - 1 + len(rows) if len(rows) < len(batch) else None
    statements.write(dialogue_id, give_back_to, rows)


def _all_fit(envelopes: list[LiveEnvelope], epoch: int) -> bool:
    """Whether every message passes the check at ``epoch`` itself (no grace: the one statement
    stores one epoch), with ids new within the batch; the database checks the rest."""
    at_epoch = DialogueState(epoch, lambda: None)
    seen: set[str] = set()
    try:
        for each in envelopes:
            check_fit(each, at_epoch, seen.__contains__)
            seen.add(each.message_id)
    except DomainError:
        return False
    return True


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
        if not self.on.one_statement or epoch is None or not _all_fit(envelopes, epoch):
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
