"""Fixtures: real SQLite databases migrated by Alembic, in temporary folders."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from fieldlog.i18n import set_language
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office

TODAY = date(2026, 11, 22)

# In CI every run tries the same examples, so a red run is reproduced by running it again;
# a developer's run explores new ones. HYPOTHESIS_PROFILE=dev|ci chooses either way.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_xdist_auto_num_workers(config):
    """Two workers per core for `-n auto`: Pilot tests spend much of their time waiting for the
    app to settle, so a core runs two of them in less time than one after the other."""
    return 2 * (os.cpu_count() or 1)


def pytest_collection_modifyitems(items):
    """The slow tests first: the parallel workers then share the rest while the longest runs."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def english(monkeypatch, tmp_path):
    monkeypatch.setenv("FIELDLOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("FIELDLOG_DB", raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def interface_loaded_by_one_name():
    """The repository's screens/, widgets/ and migrations/ are fieldlog.screens, fieldlog.widgets
    and fieldlog.migrations; a test run from the repository could also import them by their
    folder names (the folder is on sys.path), which an installed fieldlog cannot."""
    yield
    stray = sorted(name for name in sys.modules if name.split(".")[0] in ("screens", "widgets", "migrations"))
    assert stray == [], f"loaded by a name an installed fieldlog does not have: {stray}"


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
