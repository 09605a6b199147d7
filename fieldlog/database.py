"""The SQLite engine: WAL, busy timeout, foreign keys, and write transactions that
start with BEGIN IMMEDIATE so a TUI and a CLI never meet "database is locked"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event

from fieldlog.text import fold

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_S = 30


def make_engine(path: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Engine:
    """`busy_timeout_s`: how long a write waits for another process's write to finish."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": busy_timeout_s, "check_same_thread": False},
        # An error's message would otherwise quote the statement's values: officers' names.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("fl_fold", 1, fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
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
    # Transactions committed through this engine: lets a ChangeWatcher tell them from other processes'.
    commits: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        event.listen(self.engine, "commit", self._count_commit)

    def _count_commit(self, _connection) -> None:
        self.commits += 1

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


class ChangeWatcher:
    """Tells whether another process (`fieldlog bundle import`, a second window) has committed
    since the last look, from SQLite's `PRAGMA data_version` on one connection kept for it.

    data_version also moves when this process commits through its other pooled connections:
    those commits are counted by the Database and set aside, so a screen is not reloaded after
    its own saves. An outside commit made in the same interval as one of ours goes unnoticed;
    the screen that saved reloads anyway.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._connection = None
        self._closed = False
        self._version: int | None = None
        self._commits = 0

    def changed_elsewhere(self) -> bool:
        """The first look only notes where the database stands, and answers False."""
        with self._lock:
            if self._closed:
                return False
            commits = self._database.commits  # read first: a commit of ours after this only adds a reload
            if self._connection is None:
                self._connection = self._database.engine.raw_connection()
            cursor = self._connection.cursor()
            try:
                version = cursor.execute("PRAGMA data_version").fetchone()[0]
            finally:
                cursor.close()
            outside = self._version is not None and version != self._version and commits == self._commits
            self._version, self._commits = version, commits
            return outside

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._connection is not None:
                self._connection.close()
                self._connection = None
