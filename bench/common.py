"""What the benchmarks share: generated databases cached under bench/.work, and statistics.

Run from anywhere with the interpreter of the virtualenv where fieldlog is installed
(`python bench/search.py`): nothing here depends on the current directory.
"""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"

# A cached database is rebuilt when the code that generated it changes.
_GENERATOR_FILES = ("fieldlog/demo.py", "fieldlog/services/writer.py", "fieldlog/models.py")


def _generator_digest() -> str:
    digest = hashlib.sha256()
    paths = [REPO / name for name in _GENERATOR_FILES]
    paths += sorted((REPO / "migrations" / "versions").glob("*.py"))
    for path in paths:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".stamp"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fieldlog_command() -> list[str]:
    """The fieldlog command of this interpreter's environment."""
    return [sys.executable, "-m", "fieldlog.cli"]


def scale_database(participants: int = 100_000, *, name: str | None = None, quiet: bool = False) -> Path:
    """A database made by `fieldlog demo --scale N --create-only`, built once and reused.

    A stamp file next to it says it was finished (an interrupted build is never reused) and
    by which version of the generator."""
    WORK.mkdir(parents=True, exist_ok=True)
    if name is None:
        name = f"scale{participants // 1000}k.db" if participants % 1000 == 0 else f"scale{participants}.db"
    path = WORK / name
    stamp = Path(f"{path}.stamp")
    expected = f"{participants} {_generator_digest()}"
    if path.exists() and stamp.exists() and stamp.read_text().strip() == expected:
        return path
    _remove_database(path)
    if not quiet:
        print(f"building {path.relative_to(REPO)} ({participants:,} participants; reused next time)...",
              file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*fieldlog_command(), "--lang", "en", "demo", "--scale", str(participants), "--db", str(path), "--create-only"],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    stamp.write_text(expected + "\n")
    if not quiet:
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def copy_database(source: Path, target: Path) -> Path:
    """A fresh copy of `source` at `target` (SQLite's backup API), replacing any earlier one."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def trash_copy(source: Path, *, every: int = 29, hard_every: int = 97) -> Path:
    """A copy of `source` where one participant in `every` is in the Trash (deleted = 1)
    and one in `hard_every` is gone for good, to check that searches leave them out."""
    target = source.with_name(source.stem + "-trash.db")
    stamp = Path(f"{target}.stamp")
    expected = f"{source.name} {Path(f'{source}.stamp').read_text().strip()} {every} {hard_every}"
    if target.exists() and stamp.exists() and stamp.read_text().strip() == expected:
        return target
    _remove_database(target)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("UPDATE participant SET deleted = 1 WHERE rowid % ? = 0", (every,))
        # A hard delete goes through the FTS delete trigger; enrolments point at participants.
        dst.execute("PRAGMA foreign_keys = OFF")
        dst.execute("DELETE FROM participant WHERE rowid % ? = 1", (hard_every,))
        dst.commit()
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        dst.close()
        src.close()
    stamp.write_text(expected + "\n")
    return target


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99), interpolated between the two nearest values."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 else "n/a"
