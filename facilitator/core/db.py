"""The one commit point.

Services only ``flush``. The HTTP request boundary commits once when the response is a success
and rolls back otherwise; socket handlers get the same through ``commit_boundary``.

One writer commits on its own: the live room's store (``live.store``), whose transactions hold
messages from many connections at once, so that no one event's boundary could commit them; its
docstring says why, and it keeps the same rule: committed before acknowledged or broadcast,
rolled back whole when it fails.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import psycopg
from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.pool import Pool

from facilitator.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
# What services take: a plain session, or Flask-SQLAlchemy's request-scoped proxy to one.
DbSession = Session | scoped_session[Any]


def init_commit_point(app: Flask) -> None:
    @app.after_request
    def _commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _roll_back_on_exception(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()


@contextmanager
def commit_boundary() -> Iterator[None]:
    """Commit what the block flushed, or roll it all back if the block raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def committed(handler: F) -> F:
    """Decorator form of ``commit_boundary`` for socket event handlers and CLI commands."""

    @wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with commit_boundary():
            return handler(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys (and ``ON DELETE CASCADE``) only when asked, per connection.

    The write-ahead log makes a commit one append and one ``fsync`` instead of a rollback
    journal's several, and readers no longer block the writer; ``synchronous`` stays ``FULL``,
    so a committed (acknowledged) transaction survives a power cut. A copy of the database must
    include its ``-wal`` file (or be taken with ``sqlite3 .backup``)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


@event.listens_for(Pool, "checkout")
def _not_closed_by_the_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection is checked without a round trip before it is used.

    The server closes a connection by sending its last message (a restart, an idle timeout,
    ``pg_terminate_backend``) and then the end of the stream, both waiting on the socket:
    libpq reads what is there without waiting (under a microsecond), and raises when it finds
    the connection closed. The pool then discards it and checks out another, as it did with
    SQLAlchemy's pre-ping, which sent a query and waited for its answer on every checkout: on
    the live room's path once per batch, under gevent a turn of the event loop each time.
    A connection lost without the server closing it (a network cut) is found by its next
    query, which fails; the pool then replaces it."""
    if isinstance(dbapi_connection, psycopg.Connection):
        try:
            for _ in range(2):  # the server's last message, then the end of the stream
                dbapi_connection.pgconn.consume_input()
        except psycopg.OperationalError as error:
            raise DisconnectionError(str(error)) from error
