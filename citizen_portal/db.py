"""Database engine, the request-scoped session, and where transactions end.

Each request gets one SQLAlchemy session from the app's session factory. The
request is one unit of work: ``commit_request`` (called by the app after the
view returns) commits it once; otherwise the session is closed, and so rolled
back, at teardown. CLI commands use ``unit_of_work``. Services and audit
recording only add and flush; they never commit. Tests swap the factory for
one bound to a connection held in an outer transaction, so every test runs in
a rolled-back savepoint.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_type: type[StrEnum], length: int = 40) -> Enum:
    """The column type of every enum: stores the member's value ("gp_practice"),
    never its Python name ("GP_PRACTICE"), so renaming a member in code does not
    change what is stored.

    A plain VARCHAR of ``length`` without a CHECK constraint, as the migrations
    created every enum column: a new member needs no schema change.
    """
    return Enum(
        enum_type,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


# How long a request waits for SQLite's one writer before it gives up (then: 503).
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Ids and numbers are stored in 32-bit Integer columns: a larger value names no row,
# and PostgreSQL refuses to compare one with them (an error, not "nothing found").
LARGEST_STORED_INTEGER = 2**31 - 1


def make_engine(url: str) -> Engine:
    # hide_parameters: a failing statement's values (plan text, names) never
    # reach an exception message or the log, whatever logs it.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        _make_sqlite_transactional(engine, in_memory=":memory:" in url or url == "sqlite://")
        return engine
    # No pre-ping: it costs every request a round trip (a tenth of a page). After a
    # restart of PostgreSQL the first statement on a stale connection fails instead
    # (a 503 page, nothing stored), SQLAlchemy then discards every pooled connection
    # and the next request connects afresh (bench/faults.py measures the recovery).
    return create_engine(url, hide_parameters=True)


def _make_sqlite_transactional(engine: Engine, in_memory: bool) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and ignores foreign
    # keys; this is SQLAlchemy's documented recipe to let SQLAlchemy drive it.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            # Readers never wait for the writer, nor the writer for readers.
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Every request writes (at least its audit record). A deferred BEGIN takes
        # the write lock only at the first write, and two requests that both read
        # first then deadlock, one failing at once with "database is locked".
        # IMMEDIATE takes it at the start: the second waits its turn (busy_timeout).
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.session_factory: sessionmaker[Session] = sessionmaker(
            self.engine, expire_on_commit=False
        )


class HideDatabaseDetail(logging.Filter):
    """Keeps a database error's text out of the log: the engines hide the
    statement's parameters, but the database's own message repeats values
    (PostgreSQL: "Failing row contains (...)", "Key (...)=(...)"), which may be
    health text or names. A record whose exception (or a cause of it) is a
    database error keeps its stack, the error's class, SQLSTATE and statement
    (which holds placeholders, not values), and loses the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error: BaseException | None = record.exc_info[1]
        database_error = None
        seen: set[int] = set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            if isinstance(error, DBAPIError):
                database_error = error
                break
            error = error.__cause__ or error.__context__
        if database_error is None:
            return True
        stack = "".join(traceback.format_tb(record.exc_info[2]))
        original = database_error.orig
        state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "-"
        statement = " ".join(str(database_error.statement or "").split())[:500]
        record.msg = (
            f"{record.getMessage()}\nTraceback (the database's message is not logged: "
            f"it may repeat stored values):\n{stack}"
            f"{type(database_error).__name__} ({type(original).__name__}, SQLSTATE {state})"
            f" in: {statement}"
        )
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


def init_app(app: Flask, url: str) -> Database:
    database = Database(url)
    app.extensions["database"] = database
    app.logger.addFilter(HideDatabaseDetail())

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return database


def get_session() -> Session:
    """The session of the current request (or CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].session_factory()
    session: Session = g.db_session
    return session


class UnitOfWorkFailed(Exception):
    """The request's changes could not be stored; none of them were."""


class LostRace(UnitOfWorkFailed):
    """A concurrent writer stored the same thing first (a unique constraint, or
    SQLite's lock); running the whole unit of work again will see its row."""


RETRY_ATTRIBUTE = "retries_lost_races"


def retries_lost_races(view: T) -> T:
    """Mark a view whose whole request is run again when it loses a race.

    Only for views that may run twice: they read the request again and decide
    afresh (e.g. the plan API: the second run finds the version the first stored).
    """
    setattr(view, RETRY_ATTRIBUTE, True)
    return view


def is_lost_race(error: BaseException) -> bool:
    return isinstance(error, IntegrityError) or (
        isinstance(error, OperationalError) and "locked" in str(error)
    )


def commit_request() -> None:
    """Commit the current request's session, if it used one: its one commit."""
    session: Session | None = g.get("db_session")
    if session is None:
        return
    try:
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        raise (LostRace if is_lost_race(error) else UnitOfWorkFailed)() from error


def rollback_request() -> None:
    """Undo everything the current request wrote (its session stays usable)."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def backoff(attempt: int) -> None:
    time.sleep(min(0.01 * 2**attempt, 0.5))  # up to ~1.3 s over eight attempts


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """A command's one transaction: committed when the block ends, rolled back
    whole if it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def with_retries(session: Session, work: Callable[[], T], attempts: int = 8) -> T:
    """Run ``work`` and commit; when a concurrent writer won a race (a unique
    constraint, or SQLite's lock), roll back and run it again.

    A unit of work of its own, for commands (an import batch); requests retry
    whole instead (``retries_lost_races``)."""
    for attempt in range(attempts):
        try:
            result = work()
            session.commit()
            return result
        except (IntegrityError, OperationalError) as error:
            session.rollback()
            if not is_lost_race(error) or attempt == attempts - 1:
                raise
            backoff(attempt)
        except BaseException:
            session.rollback()  # nothing is partly stored
            raise
    raise AssertionError("unreachable")
