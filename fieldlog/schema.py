"""Open a fieldlog database: check it, back it up, bring it to the current schema.

Alembic is imported only when an upgrade is needed (it costs ~0.4 s at start).
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from typing import TYPE_CHECKING

from fieldlog.errors import DatabaseError
from fieldlog.i18n import _

if TYPE_CHECKING:
    from fieldlog.database import Database

# Every Alembic revision in order; a test checks this against migrations/versions.
REVISIONS = ("0001_initial", "0002_no_deleted_index", "0003_sync", "0004_office_keys", "0005_restores")
HEAD = REVISIONS[-1]
SQLITE_MAGIC = b"SQLite format 3\x00"
# The files SQLite keeps beside a database while it is open, or after a crash.
COMPANIONS = ("-wal", "-shm", "-journal")
_umask_lock = threading.Lock()


def migrations_dir() -> Path:
    """The Alembic environment: the repository's migrations/ folder, installed as fieldlog.migrations."""
    spec = importlib.util.find_spec("fieldlog.migrations")
    return Path(spec.submodule_search_locations[0])


def _check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseError(_("The folder {folder} does not exist.").format(folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseError(_("The folder {folder} cannot be written to.").format(folder=folder))
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(_("The file {path} cannot be read and written.").format(path=path))


def current_revision(path: Path) -> str | None:
    """The file's schema revision; None for a new or empty file. Raises for foreign files."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise DatabaseError(_("{path} is not a fieldlog database.").format(path=path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables or "change_log" not in tables:
                raise DatabaseError(_("{path} is not a fieldlog database.").format(path=path))
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_("{path} is not a fieldlog database.").format(path=path)) from exc
    return row[0] if row else None


def backup_database(path: Path, revision: str | None) -> Path:
    """Copy the whole database with SQLite's online backup API, before a migration."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{revision or 'empty'}-{stamp}{path.suffix or '.db'}")
    with private_files():
        _create_private(target)
        source = sqlite3.connect(path)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    return target


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only: it holds names of officers."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


@contextmanager
def private_files() -> Iterator[None]:
    """Files created meanwhile are the owner's only (umask 077), whatever the person's umask.
    The umask is the process's: one change at a time, and it only ever takes permissions away."""
    with _umask_lock:
        previous = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(previous)


def make_private(path: Path) -> None:
    """The database, its companions and its backups as an older fieldlog may have left them
    (readable by all, 0644): made the owner's only. Silently, and never fatal: a USB stick's
    file system may not keep permissions at all."""
    files = [path, *(Path(f"{path}{suffix}") for suffix in COMPANIONS)]
    files += path.parent.glob(f"{path.stem}.backup-*")
    for file in files:
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                os.chmod(file, mode & 0o600)
        except OSError:
            pass


def upgrade(database: Database, revision: str | None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, HEAD)


def check_database_file(path: Path | str) -> tuple[Path, str | None]:
    """Everything that can refuse a file, with the standard library only (fast, before any
    interface starts): returns the absolute path and its schema revision."""
    path = Path(path).expanduser().absolute()
    _check_folder(path)
    revision = current_revision(path)
    if revision is not None and revision not in REVISIONS:
        raise DatabaseError(
            _("{path} was written by a newer fieldlog (schema {revision}); please upgrade fieldlog.").format(
                path=path, revision=revision
            )
        )
    return path, revision


def open_database(path: Path | str, *, busy_timeout_s: float | None = None) -> Database:
    """Open (creating or upgrading as needed) the database at `path`. `busy_timeout_s`: how long
    a write waits for another process's write (default: the engine's, 30 s)."""
    from fieldlog.database import BUSY_TIMEOUT_S, Database, make_engine

    path, revision = check_database_file(path)
    make_private(path)  # after the check: a file that is not fieldlog's is left as it is
    engine = make_engine(path, busy_timeout_s=BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s)
    database = Database(path=path, engine=engine)
    with private_files():
        if not path.exists():
            _create_private(path)
        # The first connection creates the -wal and -shm files (SQLite gives them the
        # database's permissions; the umask makes sure of it).
        try:
            engine.connect().close()
        except Exception:
            database.close()
            raise
    if revision != HEAD:
        if revision is not None:
            backup_database(path, revision)
        try:
            upgrade(database, revision)
        except Exception:
            database.close()
            raise
    return database
