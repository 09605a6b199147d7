"""The SQLite engine: WAL, busy timeout, foreign keys, and write transactions that
start with BEGIN IMMEDIATE so a TUI and a CLI never meet "database is locked"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event

from fieldlog.text import fold

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_S = 30


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("fl_fold", 1, fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A page cache of up to 32 MiB (SQLite's default is 2 MiB), filled only as pages are
        # read: a search over 100,000 participants reads ~24 MiB (their table, the name index,
        # the FTS index), and a row read from the cache costs a third of one read from the file.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("fieldlog_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    path: Path
    engine: Engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session  # the ORM is loaded on first use, not to paint a list

        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed whole on success, rolled back whole on any error."""
        from sqlmodel import Session

        engine = self.engine.execution_options(fieldlog_write=True)
        with Session(engine) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
