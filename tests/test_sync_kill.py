"""A bundle import killed at any moment (SIGKILL: no clean-up runs) leaves the database as it was
before the import, or, if the kill came after the commit, fully imported (docs/ARCHITECTURE.md §4 Atomic)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldlog.schema import open_database
from fieldlog.services.agencies import create_agency
from fieldlog.services.participants import create_participant
from fieldlog.services.offices import initialise_office
from fieldlog.sync.export import export_bundle
from fieldlog.sync.importer import import_bundles
from tests.sync_helpers import change_log_count, content_hash, database_dump, trust_each_other

pytestmark = pytest.mark.slow  # each test kills a real import at chosen moments

SCALE = 3000  # participants in the source database: ~18,000 changes, a few seconds to import

# `fieldlog bundle import` whose progress callback reports each step on stdout and then waits
# for a line on stdin: the test kills it while it stands still inside the import transaction.
_PAUSING = """
import sys
from contextlib import contextmanager

import fieldlog.cli_bundle


@contextmanager
def _reporting(_label):
    def report(done, total):
        print(done, total, flush=True)
        sys.stdin.readline()
    yield report


fieldlog.cli_bundle._progress_bar = _reporting
from fieldlog.cli import main

sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Setup:
    folder: Path
    bundle: Path
    template: Path  # the destination before the import
    before_dump: str
    before_hash: str
    after_hash: str  # the destination after a complete import
    after_log: int
    total_entries: int

    def fresh_copy(self, name: str) -> Path:
        target = self.folder / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.template, target)
        return target


_CONFIG: list[str] = []


def _env() -> dict:
    """The command's environment: no user settings, English messages."""
    return {**os.environ, "FIELDLOG_CONFIG_DIR": _CONFIG[0], "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Setup:
    folder = tmp_path_factory.mktemp("kill")
    _CONFIG[:] = [str(folder / "config")]
    source = folder / "source.db"
    made = subprocess.run(
        [sys.executable, "-m", "fieldlog", "demo", "--scale", str(SCALE), "--create-only", "--db", str(source)],
        capture_output=True, text=True, timeout=300, env=_env(),
    )
    assert made.returncode == 0, made.stderr
    source_db = open_database(source)
    # The destination holds records of its own, so that "as before" is not just "empty".
    template = folder / "template.db"
    db = open_database(template)
    initialise_office(db, code="NIA", name="Bureau de Niamey", country="NE", author="Hadiza")
    trust_each_other(source_db, db)
    bundle = folder / "full.fieldlog"
    summary = export_bundle(source_db, out=bundle, full=True)
    source_db.close()
    assert summary.entries > 10_000

    agency = create_agency(db, name="Police nationale", acronym="PN", country="NE", kind="police")
    for number in range(20):
        create_participant(db, family_name=f"Issoufou {number}", given_names="Hadiza", sex="F", agency_id=agency)
    before_dump, before_hash = database_dump(db), content_hash(db)
    db.close()  # checkpoints the WAL: the .db file alone is the whole database

    reference_path = folder / "reference.db"
    shutil.copy(template, reference_path)
    reference = open_database(reference_path)
    done, = import_bundles(reference, [bundle])
    assert done.new_entries == summary.entries
    after_hash, after_log = content_hash(reference), change_log_count(reference)
    reference.close()
    assert after_hash != before_hash
    return Setup(folder, bundle, template, before_dump, before_hash, after_hash, after_log, summary.entries)


def _integrity(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def _check_after_kill(setup: Setup, path: Path) -> str:
    """'before' or 'after': the state the killed import left, which must be one of the two exactly."""
    _integrity(path)
    db = open_database(path)
    try:
        if content_hash(db) == setup.before_hash:
            assert database_dump(db) == setup.before_dump, "content as before, but the bookkeeping changed"
            state = "before"
        else:
            assert content_hash(db) == setup.after_hash, "a killed import left a half-imported database"
            assert change_log_count(db) == setup.after_log
            state = "after"
        # Importing again completes the work, whatever the kill interrupted.
        again, = import_bundles(db, [setup.bundle])
        assert again.new_entries == (setup.total_entries if state == "before" else 0)
        assert content_hash(db) == setup.after_hash
        assert change_log_count(db) == setup.after_log
    finally:
        db.close()
    _integrity(path)
    return state


def _paused_import(setup: Setup, path: Path, stop_at: int | None) -> tuple[list[tuple[int, int]], int | None]:
    """Run the import, pausing at each progress report; SIGKILL it at report number `stop_at`."""
    process = subprocess.Popen(
        [sys.executable, "-c", _PAUSING, "bundle", "import", "--db", str(path), str(setup.bundle)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    reports: list[tuple[int, int]] = []
    try:
        for line in process.stdout:
            parts = line.split()
            if len(parts) != 2 or not all(p.isdigit() for p in parts):
                continue  # the summary printed at the end
            reports.append((int(parts[0]), int(parts[1])))
            if len(reports) == stop_at:
                process.send_signal(signal.SIGKILL)
                break
            process.stdin.write("\n")
            process.stdin.flush()
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            stream.close()
    return reports, code


@pytest.fixture(scope="module")
def report_points(setup) -> list[tuple[int, int]]:
    """Every progress report of a complete import (run once, to choose where to kill)."""
    path = setup.fresh_copy("paused-complete.db")
    reports, code = _paused_import(setup, path, stop_at=None)
    assert code == 0
    assert len(reports) > 10
    assert _check_after_kill(setup, path) == "after"
    return reports


@pytest.mark.parametrize("where", ["first report", "mid staging", "start of applying", "mid applying",
                                   "last applying report"])
def test_killed_inside_the_transaction_leaves_the_database_as_before(setup, report_points, where):
    total = report_points[0][1]
    staging = [i for i, (done, of) in enumerate(report_points, 1) if of == total and done <= total // 2]
    applying = [i for i, (done, of) in enumerate(report_points, 1) if of == total and done > total // 2]
    stop_at = {
        "first report": 1,
        "mid staging": staging[len(staging) // 2],
        "start of applying": applying[0],
        "mid applying": applying[len(applying) // 2],
        "last applying report": applying[-1],
    }[where]
    path = setup.fresh_copy(f"paused-{stop_at}.db")
    reports, code = _paused_import(setup, path, stop_at)
    assert code == -signal.SIGKILL and len(reports) == stop_at
    # The process stood still inside the transaction when it was killed: nothing may remain.
    assert _check_after_kill(setup, path) == "before"


def test_killed_at_the_last_report_leaves_before_or_after(setup, report_points):
    path = setup.fresh_copy("paused-last.db")
    reports, code = _paused_import(setup, path, len(report_points))
    assert code == -signal.SIGKILL
    assert _check_after_kill(setup, path) in ("before", "after")


def _plain_import(path: Path, bundle: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fieldlog", "bundle", "import", "--db", str(path), str(bundle)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
    )


@pytest.fixture(scope="module")
def import_seconds(setup) -> float:
    """How long the real command takes here, from start to exit."""
    path = setup.fresh_copy("timed.db")
    started = time.monotonic()
    process = _plain_import(path, setup.bundle)
    assert process.wait(timeout=300) == 0
    seconds = time.monotonic() - started
    assert _check_after_kill(setup, path) == "after"
    return seconds


@pytest.mark.parametrize("fraction", [0.0, 0.35, 0.55, 0.75, 0.9, 0.98])
def test_the_real_command_killed_at_any_moment(setup, import_seconds, fraction):
    """`fieldlog bundle import` killed at a fraction of its measured duration: before or after."""
    path = setup.fresh_copy(f"killed-{fraction}.db")
    process = _plain_import(path, setup.bundle)
    time.sleep(fraction * import_seconds)
    process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=120)
    state = _check_after_kill(setup, path)
    if code == -signal.SIGKILL and fraction == 0.0:
        assert state == "before"
