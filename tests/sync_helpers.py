"""Offices for sync tests: each its own database, exchanging bundle files in a folder."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

from sqlalchemy import text

from fieldlog.models import LOCAL_COLUMNS, SYNCED_TABLES
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office
from fieldlog.sync.export import export_bundle
from fieldlog.sync.importer import import_bundles

_names = itertools.count()


class Office:
    def __init__(self, folder: Path, code: str, country: str = "ML"):
        self.code = code
        self.folder = folder
        self.db = open_database(folder / f"{code}.db")
        initialise_office(self.db, code=code, name=f"Office {code}", country=country, author=f"user {code}")

    def send(self, to: Office | None = None, *, full: bool = False) -> Path:
        out = self.folder / f"{self.code}-{next(_names)}.fieldlog"
        export_bundle(self.db, out=out, to=None if to is None else to.code, full=full or to is None)
        return out

    def receive(self, *paths: Path):
        return import_bundles(self.db, list(paths))

    def close(self) -> None:
        self.db.close()


def exchange(first: Office, second: Office) -> None:
    """first → second, then second → first (carrying second's acknowledgement)."""
    known = _knows(second, first)
    second.receive(first.send(second if known else None))
    first.receive(second.send(first))


def _knows(office: Office, other: Office) -> bool:
    with office.db.read() as session:
        return session.execute(text("SELECT 1 FROM office WHERE code = :c"), {"c": other.code}).first() is not None


def content_hash(db) -> str:
    """Every synced row, without local bookkeeping: equal on replicas holding the same changes."""
    digest = hashlib.sha256()
    with db.read() as session:
        for table, model in sorted(SYNCED_TABLES.items()):
            columns = [c.name for c in model.__table__.columns if c.name not in LOCAL_COLUMNS]
            names = ", ".join(f'"{c}"' for c in columns)
            for row in session.execute(text(f'SELECT {names} FROM "{table}" ORDER BY id')):
                digest.update(repr((table, tuple(row))).encode())
        for row in session.execute(text(
            "SELECT table_name, record_id, column, loser_office, loser_hlc, loser_value FROM conflict "
            "ORDER BY 1, 2, 3, 4, 5"
        )):
            digest.update(repr(("conflict", tuple(row))).encode())
    return digest.hexdigest()


def row(db, table: str, record_id: str) -> dict | None:
    with db.read() as session:
        found = session.execute(text(f'SELECT * FROM "{table}" WHERE id = :id'), {"id": record_id}).mappings().first()
    return dict(found) if found else None


def strip_entries(source: Path, target: Path, *, drop) -> Path:
    """A re-written bundle without the entries `drop` selects (as if they never travelled)."""
    import json

    from fieldlog.sync.bundle_file import BundleWriter, iter_lines, read_manifest

    manifest, offset = read_manifest(source)
    writer = BundleWriter(target)
    counts: dict[str, int] = {}
    for line in iter_lines(source, manifest, offset):
        entry = json.loads(line)
        if not drop(entry):
            writer.add(entry)
            counts[entry["table"]] = counts.get(entry["table"], 0) + 1
    keep = {k: v for k, v in manifest.items() if k not in ("payload", "entries", "format")}
    writer.finish({**keep, "counts": counts})
    return target


def database_dump(db) -> str:
    """Every row of every table (bookkeeping included): equal only if nothing at all changed."""
    digest = hashlib.sha256()
    with db.read() as session:
        tables = session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )).scalars().all()
        for table in tables:
            for found in session.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')):
                digest.update(repr((table, tuple(found))).encode())
    return digest.hexdigest()


def change_log_count(db) -> int:
    with db.read() as session:
        return session.execute(text("SELECT count(*) FROM change_log")).scalar_one()


def read_bundle(path: Path) -> tuple[dict, list[bytes]]:
    """A bundle's manifest and its payload lines, read without the engine's checks."""
    import json
    import struct
    import zlib

    from fieldlog.sync.bundle_file import MAGIC

    raw = Path(path).read_bytes()
    _version, length = struct.unpack(">HI", raw[len(MAGIC):len(MAGIC) + 6])
    start = len(MAGIC) + 6
    manifest = json.loads(raw[start:start + length])
    lines = zlib.decompress(raw[start + length:]).split(b"\n")
    assert lines[-1] == b""
    return manifest, lines[:-1]


def pack_bundle(path: Path, manifest: dict, lines: list[bytes] | None = None, *, payload: bytes | None = None,
                expanded: int | None = None, version: int = 1, stated: dict | None = None) -> Path:
    """Write a bundle by hand: `lines` compressed (or a ready `payload`), with a manifest whose
    SHA-256 and sizes are right for that payload, except for what `stated` overrides."""
    import json
    import struct
    import zlib

    from fieldlog.sync.bundle_file import MAGIC

    if payload is None:
        raw = b"".join(line + b"\n" for line in lines or [])
        payload = zlib.compress(raw)
        expanded = len(raw) if expanded is None else expanded
    info = {"compression": "zlib", "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload),
            "uncompressed_bytes": expanded}
    encoded = json.dumps({**manifest, "payload": {**info, **(stated or {})}}, ensure_ascii=False, sort_keys=True).encode()
    Path(path).write_bytes(MAGIC + struct.pack(">HI", version, len(encoded)) + encoded + payload)
    return Path(path)
