"""Fixtures: real SQLite databases migrated by Alembic, in temporary folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fieldlog.i18n import set_language
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def english(monkeypatch, tmp_path):
    monkeypatch.setenv("FIELDLOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("FIELDLOG_DB", raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def blank_db(tmp_path: Path):
    db = open_database(tmp_path / "fieldlog.db")
    yield db
    db.close()


@pytest.fixture
def db(blank_db):
    initialise_office(blank_db, code="BKO", name="Bureau de Bamako", country="ML", author="Awa Diallo")
    return blank_db


@pytest.fixture
def demo_db(blank_db):
    from fieldlog.demo import create_demo

    create_demo(blank_db)
    return blank_db


@pytest.fixture
def make_test_app():
    from fieldlog.screens.app import make_app

    def build(database):
        return make_app(db=database, today=TODAY)

    return build
