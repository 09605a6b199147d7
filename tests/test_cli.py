"""The `fieldlog` command: init, demo, stats, and one clear line for bad input."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from fieldlog.cli import main

STATS_KEYS = {"workshops", "participants", "agencies", "outcomes", "attendance_marks", "individuals_trained", "women_trained"}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldlog", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_init_then_stats(tmp_path, capsys):
    db = str(tmp_path / "bko.db")
    # --lang en: an office in Mali would otherwise save French for the next commands (test_i18n_french)
    assert main(["init", "--lang", "en", "--office", "BKO", "--name", "Bureau de Bamako", "--country", "ML",
                 "--db", db]) == 0
    assert "BKO" in capsys.readouterr().out
    assert main(["init", "--office", "BKO", "--name", "Bureau de Bamako", "--country", "ML", "--db", db]) == 0
    capsys.readouterr()
    assert main(["init", "--office", "NIA", "--name", "Bureau de Niamey", "--country", "NE", "--db", db]) == 1
    assert "already belongs to office BKO" in capsys.readouterr().err
    assert main(["stats", "--json", "--db", db]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures == dict.fromkeys(STATS_KEYS, 0)


def test_init_rejects_unknown_country(tmp_path, capsys):
    assert main(["init", "--office", "BKO", "--name", "Bamako", "--country", "XX", "--db", str(tmp_path / "a.db")]) == 1
    err = capsys.readouterr().err
    assert "country" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [["stats"], ["keys", "show"], ["report", "summary"], ["bundle", "export", "--full", "--out", "x.fieldlog"],
                                     ["records", "export", "participants"], ["duplicates", "list", "participants"]])
def test_a_mistyped_db_is_refused_and_no_file_is_made(tmp_path, capsys, command):
    missing = tmp_path / "fieldog.db"
    assert main([*command, "--db", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err == f"fieldlog: There is no database at {missing}: check --db, or make one with \"fieldlog init\" " \
                  "or \"fieldlog demo\".\n"
    assert list(tmp_path.iterdir()) == []


def test_demo_create_only_is_seeded_from_the_seeds(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--create-only", "--db", db]) == 0
    assert main(["stats", "--json", "--db", db]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == STATS_KEYS
    assert figures["workshops"] == 6 and figures["agencies"] == 14 and figures["outcomes"] == 4
    assert figures["individuals_trained"] == 21 and figures["women_trained"] == 9
    # A second run keeps the existing database.
    assert main(["demo", "--create-only", "--db", db]) == 0
    assert "existing" in capsys.readouterr().err
    assert main(["stats", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out) == figures


def test_demo_scale_generates_proportional_data(tmp_path, capsys):
    db = str(tmp_path / "scale.db")
    assert main(["demo", "--scale", "400", "--create-only", "--db", db]) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--db", db]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["participants"] == 400 and figures["workshops"] == 20
    assert figures["attendance_marks"] > 400
    assert 300 < figures["individuals_trained"] <= 400


def test_fieldlog_db_environment_variable(tmp_path, monkeypatch, capsys):
    db = tmp_path / "env.db"
    monkeypatch.setenv("FIELDLOG_DB", str(db))
    assert main(["init", "--office", "NIA", "--name", "Bureau de Niamey", "--country", "NE"]) == 0
    assert db.exists()


@pytest.mark.parametrize("case", ["missing-folder", "not-a-database", "newer-schema"])
def test_bad_database_gives_one_line_and_leaves_file_untouched(tmp_path, case):
    path = tmp_path / "x.db"
    if case == "missing-folder":
        path = tmp_path / "nowhere" / "x.db"
    elif case == "not-a-database":
        path.write_text("Nom;Prénom\nTraoré;Moussa\n", encoding="utf-8")
    else:
        assert run("init", "--lang", "en", "--office", "BKO", "--name", "B", "--country", "ML",
                   "--db", str(path)).returncode == 0
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.commit()
        conn.close()
    before = path.read_bytes() if path.exists() else None
    result = run("stats", "--db", str(path))
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("fieldlog: ")
    assert (path.read_bytes() if path.exists() else None) == before
    assert not (tmp_path / "nowhere").exists()


def test_version_and_help():
    assert run("--version").stdout.startswith("fieldlog ")
    help_text = run("--help").stdout
    for command in ("init", "demo", "stats"):
        assert command in help_text
