"""Offices for sync tests: each its own database, exchanging bundle files in a folder."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

from sqlalchemy import text

from fieldlog.keys.trust import export_card, import_card, set_own_role, trust_key
from fieldlog.models import LOCAL_COLUMNS, SYNCED_TABLES
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office, local_office
from fieldlog.sync.export import export_bundle
from fieldlog.sync.importer import import_bundles

_names = itertools.count()
_offices_in: dict[Path, list] = {}


def trust_each_other(*dbs) -> None:
    """As if each pair had compared fingerprints by phone: every office trusts every other,
    in the role each one declares."""
    for first in dbs:
        card = export_card(first, first.path.parent / f"{local_office(first).code}.fieldlog-key")
        for second in dbs:
            if second is not first:
                import_card(second, card)
                trust_key(second, local_office(first).code)


class Office:
    """An office in a test; by default a coordinator (it may relay others' changes and every
    bundle is encrypted to it too) that trusts every office made before it in the same folder."""

    def __init__(self, folder: Path, code: str, country: str = "ML", *, coordinator: bool = True,
                 trusting: bool = True):
        self.code = code
        self.folder = folder
        self.db = open_database(folder / f"{code}.db")
        initialise_office(self.db, code=code, name=f"Office {code}", country=country, author=f"user {code}")
        set_own_role(self.db, "coordinator" if coordinator else "office")
        others = _offices_in.setdefault(Path(folder), [])
        if trusting:
            for other in others:
                trust_each_other(self.db, other.db)
        others.append(self)

    def send(self, to: Office | None = None, *, full: bool = False) -> Path:
        out = self.folder / f"{self.code}-{next(_names)}.fieldlog"
        export_bundle(self.db, out=out, to=None if to is None else to.code, full=full or to is None)
        return out

    def receive(self, *paths: Path):
        return import_bundles(self.db, list(paths))

    def close(self) -> None:
        self.db.close()
        known = _offices_in.get(Path(self.folder), [])
        if self in known:
            known.remove(self)


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


def strip_entries(source: Path, target: Path, *, drop, signer, to) -> Path:
    """A re-written bundle without the entries `drop` selects (as if they never travelled),
    signed by the office `signer` and encrypted to the offices `to`."""
    import json

    manifest, lines = read_bundle(source, signer.db)
    kept = [line for line in lines if not drop(json.loads(line))]
    counts: dict[str, int] = {}
    for line in kept:
        table = json.loads(line)["table"]
        counts[table] = counts.get(table, 0) + 1
    return pack_bundle(target, {**manifest, "entries": len(kept), "counts": counts}, kept,
                       signer=signer.db, to=[office.db for office in to])


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


def read_bundle(path: Path, reader) -> tuple[dict, list[bytes]]:
    """A bundle's manifest and its payload lines, opened with the keys of the office `reader`
    (a Database), without the engine's other checks."""
    import json
    import struct
    import zlib

    from fieldlog.keys.keyring import load_keyring
    from fieldlog.sync.bundle_file import MAGIC
    from fieldlog.sync.sealed import open_sealed

    raw = open_sealed(Path(path), load_keyring(reader)).data
    _version, length = struct.unpack(">HI", raw[len(MAGIC):len(MAGIC) + 6])
    start = len(MAGIC) + 6
    manifest = json.loads(bytes(raw[start:start + length]))
    lines = zlib.decompress(raw[start + length:]).split(b"\n")
    assert lines[-1] == b""
    return manifest, lines[:-1]


def pack_bundle(path: Path, manifest: dict, lines: list[bytes] | None = None, *, payload: bytes | None = None,
                expanded: int | None = None, version: int = 2, stated: dict | None = None,
                signer=None, to=()) -> Path:
    """Write a bundle by hand: `lines` compressed (or a ready `payload`), with a manifest whose
    SHA-256 and sizes are right for that payload, except for what `stated` overrides; signed
    by the office `signer` (a Database) and encrypted to it and to `to`. `version=1` writes
    the old unsigned format; another version is written in the sealed file's header."""
    import json
    import struct
    import zlib

    from fieldlog.keys.keyring import load_keyring
    from fieldlog.keys.trust import own_key
    from fieldlog.sync.bundle_file import MAGIC
    from fieldlog.sync.sealed import seal

    if payload is None:
        raw = b"".join(line + b"\n" for line in lines or [])
        payload = zlib.compress(raw)
        expanded = len(raw) if expanded is None else expanded
    info = {"compression": "zlib", "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload),
            "uncompressed_bytes": expanded}
    encoded = json.dumps({**manifest, "payload": {**info, **(stated or {})}}, ensure_ascii=False, sort_keys=True).encode()
    plain = MAGIC + struct.pack(">HI", 1, len(encoded)) + encoded + payload
    if version == 1:
        Path(path).write_bytes(plain)
        return Path(path)
    keyring = load_keyring(signer)
    sealed = bytearray(seal(plain, keyring, [keyring.own.public, *(own_key(db).public for db in to)]))
    sealed[len(MAGIC):len(MAGIC) + 2] = struct.pack(">H", version)
    Path(path).write_bytes(bytes(sealed))
    return Path(path)
