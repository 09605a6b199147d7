"""Data at rest and in errors: the database, its companions and backups, the demo database,
exports and reports are the owner's only (0600), whatever the umask; an error message, a crash
or a bug report quotes no participant's name."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from fieldlog import schema
from fieldlog.cli import main
from fieldlog.models import Participant
from fieldlog.schema import open_database
from fieldlog.services.participants import create_participant

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix permissions")

NAME = "Traoré"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022():
    """The usual umask: files readable by all unless fieldlog says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _write_something(db) -> str:
    return create_participant(db, family_name=NAME, given_names="Moussa", sex="M", country="ML")


# --- files ------------------------------------------------------------------------------

def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "fieldlog.db"
    db = open_database(path)
    from fieldlog.services.offices import initialise_office

    initialise_office(db, code="BKO", name="Bureau de Bamako", country="ML")
    _write_something(db)
    companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(p.exists() for p in companions)
    assert [mode(p) for p in (path, *companions)] == [0o600, 0o600, 0o600]
    db.close()


def test_a_database_left_readable_by_an_older_fieldlog_becomes_private(tmp_path):
    path = tmp_path / "old.db"
    open_database(path).close()
    backup = tmp_path / "old.backup-0003_sync-20250101-120000.db"
    backup.write_bytes(b"SQLite format 3\x00")
    for file in (path, backup):
        os.chmod(file, 0o644)
    # A -wal and -shm left by a crash, as SQLite made them beside a 0644 database.
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").write_bytes(b"")
        os.chmod(f"{path}{suffix}", 0o644)
    db = open_database(path)
    assert mode(path) == 0o600 and mode(backup) == 0o600
    assert mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
    db.close()


def test_a_file_that_is_not_a_database_keeps_its_permissions(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database")
    os.chmod(path, 0o644)
    with pytest.raises(Exception, match="not a fieldlog database"):
        open_database(path)
    assert mode(path) == 0o644


def test_the_backup_before_a_migration_is_private(tmp_path, monkeypatch):
    path = tmp_path / "office.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0000_older'")
    conn.commit()
    conn.close()
    monkeypatch.setattr(schema, "REVISIONS", ("0000_older", schema.HEAD))
    monkeypatch.setattr(schema, "upgrade", lambda database, revision: None)
    open_database(path).close()
    [backup] = tmp_path.glob("office.backup-0000_older-*.db")
    assert mode(backup) == 0o600
    files = list(tmp_path.glob("office*"))  # the database, its companions, the backup
    assert len(files) >= 2 and [mode(p) for p in files] == [0o600] * len(files)


def test_the_demo_database_and_the_folder_made_for_it_are_private(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["demo", "--create-only"]) == 0
    folder = tmp_path / "data" / "fieldlog"
    path = folder / "demo.db"
    assert str(path) in capsys.readouterr().err
    assert mode(folder) == 0o700
    files = list(folder.glob("demo.db*"))  # the database and its companions
    assert path in files and [mode(p) for p in files] == [0o600] * len(files)


def test_exports_and_reports_are_private(db, tmp_path):
    from fieldlog.reports.figures import SummaryFilters
    from fieldlog.reports.output import write_report
    from fieldlog.reports.programme_summary import build_programme_summary
    from fieldlog.services.spreadsheets import export_records

    _write_something(db)
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"participants.{fmt}"
        export_records(db, table="participant", fmt=fmt, out=out)
        assert mode(out) == 0o600, fmt
    document = build_programme_summary(db, SummaryFilters(first=date(2020, 1, 1)))
    for fmt in ("pdf", "html", "csv", "xlsx"):
        assert mode(write_report(document, fmt=fmt, out=tmp_path / f"summary.{fmt}")) == 0o600, fmt


# --- errors -----------------------------------------------------------------------------

def test_a_database_error_does_not_quote_the_values_written(db):
    from sqlalchemy.exc import IntegrityError

    person = _write_something(db)
    with db.read() as session:
        row = dict(session.execute(select(Participant.__table__).where(Participant.id == person)).mappings().one())
    with pytest.raises(IntegrityError) as caught:
        with db.write() as session:  # the same id again: UNIQUE constraint failed
            session.execute(insert(Participant.__table__).values(**row))
    message = str(caught.value)
    assert "UNIQUE constraint failed" in message
    assert NAME not in message and "Moussa" not in message
    assert NAME not in repr(caught.value)


def test_a_bug_in_a_command_is_reported_without_its_message(db, monkeypatch, capsys):
    import fieldlog.services.stats

    def broken(database):
        raise ValueError(f"cannot count {NAME} Moussa")

    monkeypatch.setattr(fieldlog.services.stats, "stats", broken)
    assert main(["stats", "--db", str(db.path)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error (ValueError)" in err and "broken" in err and "cmd_stats" in err
    assert NAME not in err and "Traceback" not in err


def test_a_full_disk_or_a_locked_database_is_said_in_one_line(db, monkeypatch, capsys):
    import fieldlog.services.stats

    def locked(database):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(fieldlog.services.stats, "stats", locked)
    assert main(["stats", "--db", str(db.path)]) == 1
    assert capsys.readouterr().err == "fieldlog: database is locked\n"


async def test_a_crash_of_the_interface_prints_no_local_variable(db, make_test_app):
    from rich.console import Console

    from fieldlog.services.participants import get_participant

    person = _write_something(db)
    app = make_test_app(db)
    printed = io.StringIO()
    app.error_console = Console(file=printed, width=160, color_system=None)

    def crash() -> None:
        name = get_participant(db, person).family_name  # a local variable holding a name
        raise RuntimeError(f"crashed after reading {len(name)} letters")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.call_later(crash)
            await pilot.pause()
            await pilot.pause()
    output = printed.getvalue()
    assert "RuntimeError" in output and "crash" in output  # the traceback is printed
    assert NAME not in output and "Moussa" not in output
