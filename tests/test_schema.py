"""The database file: Alembic owns the schema, upgrades are backed up, foreign files refused."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from fieldlog import schema
from fieldlog.errors import DatabaseError
from fieldlog.schema import open_database


def test_models_and_migrations_agree(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import fieldlog.models  # noqa: F401
    from fieldlog.migrations.filters import include_object

    db = open_database(tmp_path / "x.db")
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    db.close()


def test_revision_list_matches_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(schema.migrations_dir()))
    scripts = ScriptDirectory.from_config(config)
    ordered = [rev.revision for rev in reversed(list(scripts.walk_revisions()))]
    assert tuple(ordered) == schema.REVISIONS
    assert scripts.get_current_head() == schema.HEAD


def test_new_database_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "fieldlog.db"
    db = open_database(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.close()


def test_upgrade_is_preceded_by_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "office.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0000_older'")
    conn.execute("INSERT INTO local_state (key, office_id, author, hlc_last, seq_last, exported_seq) VALUES ('local', 'x', '', 0, 0, 0)")
    conn.commit()
    conn.close()
    monkeypatch.setattr(schema, "REVISIONS", ("0000_older", schema.HEAD))
    upgraded = []
    monkeypatch.setattr(schema, "upgrade", lambda database, revision: upgraded.append(revision))
    open_database(path).close()
    assert upgraded == ["0000_older"]
    backups = list(tmp_path.glob("office.backup-0000_older-*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT office_id FROM local_state").fetchone() == ("x",)
    copy.close()


def test_up_to_date_database_is_not_backed_up(tmp_path):
    path = tmp_path / "office.db"
    open_database(path).close()
    open_database(path).close()
    assert not list(tmp_path.glob("*.backup-*"))


def test_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"participants list\n")
    with pytest.raises(DatabaseError, match="not a fieldlog database"):
        open_database(path)
    assert path.read_bytes() == b"participants list\n"


def test_other_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a fieldlog database"):
        open_database(path)
    assert path.read_bytes() == before


def test_database_from_a_newer_fieldlog_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer fieldlog"):
        open_database(path)
    assert path.read_bytes() == before


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(tmp_path / "missing" / "x.db")
    assert not (tmp_path / "missing").exists()


def test_real_upgrade_keeps_every_record_and_backs_up_first(tmp_path):
    """A database left at the first revision by an older fieldlog is upgraded in place."""
    from alembic import command
    from alembic.config import Config

    from fieldlog.database import make_engine
    from fieldlog.services.offices import initialise_office
    from fieldlog.services.participants import create_participant, list_participants

    path = tmp_path / "old.db"
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(schema.migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, schema.REVISIONS[0])
    engine.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (schema.REVISIONS[0],)
    conn.close()

    # Rows as the first revision's fieldlog wrote them (today's services write newer columns).
    conn = sqlite3.connect(path)
    conn.executescript(
        "INSERT INTO office (id, origin_office, hlc, deleted, code, name, country) "
        "VALUES ('o1', 'o1', 1, 0, 'BKO', 'Bureau de Bamako', 'ML');"
        "INSERT INTO local_state (key, office_id, author, hlc_last, seq_last, exported_seq) "
        "VALUES ('local', 'o1', '', 2, 2, 0);"
        "INSERT INTO participant (id, origin_office, hlc, deleted, family_name, given_names, sex, "
        "function, country, phone, email, sort_key) "
        "VALUES ('p1', 'o1', 2, 0, 'Traoré', 'Moussa', 'M', '', '', '', '', 'traore moussa');"
        "INSERT INTO change_log (office_id, seq, hlc, table_name, record_id, op, data, author) "
        "VALUES ('o1', 1, 1, 'office', 'o1', 'insert', '{}', ''), "
        "('o1', 2, 2, 'participant', 'p1', 'insert', '{}', '');"
    )
    conn.commit()
    conn.close()

    db = open_database(path)
    assert [r.family_name for r in list_participants(db, search="traore").rows] == ["Traoré"]
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (schema.HEAD,)
    conn.close()
    backups = list(tmp_path.glob(f"old.backup-{schema.REVISIONS[0]}-*.db"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT family_name FROM participant").fetchall() == [("Traoré",)]
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (schema.REVISIONS[0],)
    copy.close()
