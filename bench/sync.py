"""Bundle sync at scale: a new office imports the full bundle of an office with N participants.

Measured in the same run, alternating, on copies of one freshly initialised office database:

- **import**: `import_bundles` — verify the SHA-256, expand, check every entry, stage it in the
  change log, fold each record's log (per-column last-writer-wins), write the rows, check parents;
- **baseline**: the least any import must do — copy the same rows (every synced table and the
  change log) from the source database with `INSERT … SELECT` over an ATTACHed file, same
  indexes and full-text triggers, in one transaction.

Also reported: export time, bundle size, a re-import of the same bundle (must change nothing),
and what signing and encryption cost: opening the sealed file (age decryption + Ed25519
signature check) and sealing it again, against the import and the export they are part of.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, ratio, scale_database  # noqa: E402


def _trust_each_other(first, second) -> None:
    from fieldlog.keys.trust import export_card, import_card, own_key, trust_key

    for source, target in ((first, second), (second, first)):
        import_card(target, export_card(source, source.path.parent / f"{own_key(source).code}.fieldlog-key"))
        trust_key(target, own_key(source).key_id)


def _fresh_office(folder: Path, source: Path) -> Path:
    from fieldlog.schema import open_database
    from fieldlog.services.offices import initialise_office

    path = folder / "template.db"
    db = open_database(path)
    initialise_office(db, code="NEW", name="New office", country="NE")
    origin = open_database(source)
    _trust_each_other(origin, db)
    origin.close()
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _copy(template: Path, folder: Path, name: str) -> Path:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def time_import(template: Path, folder: Path, bundle: Path) -> tuple[float, float]:
    from fieldlog.schema import open_database
    from fieldlog.sync.importer import import_bundles

    db = open_database(_copy(template, folder, "import.db"))
    started = time.perf_counter()
    import_bundles(db, [bundle])
    first = time.perf_counter() - started
    started = time.perf_counter()
    again, = import_bundles(db, [bundle])
    second = time.perf_counter() - started
    assert again.changed_nothing
    db.close()
    return first, second


def time_crypto(template: Path, folder: Path, bundle: Path) -> tuple[float, float]:
    """Opening the sealed file (decrypt, verify) and sealing its plain bundle again."""
    from fieldlog.keys.keyring import load_keyring
    from fieldlog.schema import open_database
    from fieldlog.sync.sealed import open_sealed, seal

    db = open_database(_copy(template, folder, "crypto.db"))
    keyring = load_keyring(db)
    started = time.perf_counter()
    opened = open_sealed(bundle, keyring)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    seal(opened.data, keyring, [keyring.own.public, opened.signer.public])
    seal_s = time.perf_counter() - started
    db.close()
    return open_s, seal_s


def time_baseline(template: Path, folder: Path, source: Path) -> float:
    from fieldlog.models import SYNCED_TABLES

    target = _copy(template, folder, "baseline.db")
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-32768")
    started = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    conn.execute("BEGIN IMMEDIATE")
    for table in [*SYNCED_TABLES, "change_log"]:
        conn.execute(f'INSERT OR IGNORE INTO main."{table}" SELECT * FROM src."{table}"')
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.execute("DETACH DATABASE src")
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20_000, help="participants in the source office (20000)")
    parser.add_argument("--reps", type=int, default=3, help="alternating repetitions (3)")
    args = parser.parse_args()

    from fieldlog.schema import open_database
    from fieldlog.sync.export import export_bundle

    source = scale_database(args.scale)
    with tempfile.TemporaryDirectory(dir=source.parent) as temp:
        folder = Path(temp)
        template = _fresh_office(folder, source)
        db = open_database(source)
        started = time.perf_counter()
        summary = export_bundle(db, out=folder / "full.fieldlog", full=True)
        export_s = time.perf_counter() - started
        db.close()
        bundle = summary.path
        imports, reimports, baselines, opens, seals = [], [], [], [], []
        for _ in range(args.reps):
            first, second = time_import(template, folder, bundle)
            imports.append(first)
            reimports.append(second)
            baselines.append(time_baseline(template, folder, source))
            open_s, seal_s = time_crypto(template, folder, bundle)
            opens.append(open_s)
            seals.append(seal_s)
        print(f"source: {args.scale:,} participants, {summary.entries:,} changes; "
              f"bundle {bundle.stat().st_size / 1e6:.1f} MB; export {export_s:.1f} s")
        print(f"import (median of {args.reps}):    {median(imports):6.2f} s  "
              f"({summary.entries / median(imports):,.0f} changes/s)")
        print(f"baseline INSERT…SELECT:      {median(baselines):6.2f} s")
        print(f"ratio import / baseline:     {ratio(median(imports), median(baselines))}")
        print(f"re-import (no-op):           {median(reimports):6.2f} s  "
              f"(ratio to baseline {ratio(median(reimports), median(baselines))})")
        print(f"open sealed file:            {median(opens):6.2f} s  "
              f"(share of the import {median(opens) / median(imports):.1%})")
        print(f"seal (sign + encrypt):       {median(seals):6.2f} s  "
              f"(share of the export {median(seals) / export_s:.1%})")


if __name__ == "__main__":
    main()
