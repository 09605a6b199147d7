"""`export_bundle`: what another office has not acknowledged, or everything for a new office."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from fieldlog import __version__
from fieldlog.database import Database
from fieldlog.errors import FieldlogError, NotInitialised
from fieldlog.i18n import _
from fieldlog.ids import new_id
from fieldlog.schema import HEAD
from fieldlog.keys.keyring import Keyring, load_keyring
from fieldlog.keys.material import SecretKeys
from fieldlog.keys.trust import published_list
from fieldlog.sync.bundle_file import SUFFIX, BundleWriter
from fieldlog.sync.entries import entry_to_wire
from fieldlog.sync.offices import find_office
from fieldlog.sync.restores import aside_rows, entry_digest_at
from fieldlog.sync.sealed import write_sealed
from fieldlog.sync.vectors import local_vector, peer_acked, sendable_vector

Progress = Callable[[int, int], None]

_ENTRIES = (
    "SELECT office_id, seq, hlc, table_name, record_id, op, data, base, author, restamp_of FROM change_log "
    "WHERE office_id = :office AND seq > :after ORDER BY seq"
)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    bundle_id: str
    entries: int
    to_code: str | None
    full: bool


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_name(office_code: str, to_code: str | None) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = to_code or "full"
    return f"{office_code}-to-{target}-{stamp}{SUFFIX}"


def _target_path(out: Path, office_code: str, to_code: str | None) -> Path:
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / default_name(office_code, to_code)
    if not out.parent.is_dir():
        raise FieldlogError(_("The folder {folder} does not exist.").format(folder=out.parent))
    return out


def export_bundle(
    db: Database, *, out: Path, to: str | None = None, full: bool = False, progress: Progress | None = None,
    secret: SecretKeys | None = None,
) -> ExportSummary:
    """Write a bundle to `out` (a file, or a folder to name it in), signed by this office and
    encrypted to `to` (an office code or id) and the coordinators; a full bundle without `to`,
    to every trusted office. `secret`: this office's unlocked keys, when a passphrase protects them."""
    if not full and not to:
        raise FieldlogError(_("Say which office the bundle is for (--to OFFICE), or make a full bundle (--full)."))
    keyring = load_keyring(db, secret=secret)
    with db.read() as session:
        me = session.execute(
            text("SELECT s.office_id, o.code FROM local_state s JOIN office o ON o.id = s.office_id")
        ).first()
        if me is None:
            raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
        target = find_office(session, to, keys=keyring.all().values()) if to else None
        if target is not None and target.id == me.office_id:
            raise FieldlogError(_("A bundle for this office itself would carry nothing."))
        recipients = keyring.recipients(target.id if target else None, target.code if target else "")
        path = _target_path(out, me.code, target.code if target else None)
        vector = local_vector(session)
        acked = {} if full or target is None else peer_acked(session, target.id)
        sendable = sendable_vector(session, me.office_id, vector)
        total = sum(max(0, seq - acked.get(office, 0)) for office, seq in sendable.items())
        connection = session.connection()
        try:
            manifest = _write(connection, path, me, target, full, sendable, vector, acked, total, progress,
                              keyring, recipients)
        except OSError as error:
            raise FieldlogError(
                _("Cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)
            ) from None
    _note_export(db, me.office_id, target.id if target else None, vector.get(me.office_id, 0))
    if progress:
        progress(manifest["entries"], manifest["entries"])
    return ExportSummary(
        path=path, bundle_id=manifest["bundle_id"], entries=manifest["entries"],
        to_code=target.code if target else None, full=bool(full),
    )


def _write(connection, path: Path, me, target, full: bool, sendable: dict, vector: dict, acked: dict, total: int,
           progress: Progress | None, keyring: Keyring, recipients) -> dict:
    """Gather the entries above `acked`, then seal them into the file; returns the manifest."""
    counts: dict[str, int] = {}
    contains: dict[str, list[int]] = {}
    writer = BundleWriter()
    for office, top in sorted(sendable.items()):
        after = acked.get(office, 0)
        if top <= after:
            continue
        contains[office] = [after + 1, top]
        rows = connection.execute(text(_ENTRIES + " LIMIT :n"), {"office": office, "after": after, "n": top - after})
        for row in rows:
            writer.add(entry_to_wire(row))
            counts[row.table_name] = counts.get(row.table_name, 0) + 1
            if progress and writer.entries % 1000 == 0:
                progress(writer.entries, total)
    coordinator = keyring.own.public.role == "coordinator"
    if coordinator:  # versions of one (office, seq) kept aside, on their way to that office (§4.11)
        for row in aside_rows(connection):
            writer.add(entry_to_wire(row))
            counts[row.table_name] = counts.get(row.table_name, 0) + 1
    cursor = connection.connection.driver_connection.cursor()
    seen_digest = {office: entry_digest_at(cursor, office, top) for office, top in vector.items() if top}
    extra = {"trusted_offices": published_list(keyring.all())} if coordinator else {}
    manifest, plain = writer.finish({
        **extra,
        "bundle_id": new_id(),
        "created_at": now_text(),
        "fieldlog_version": __version__,
        "schema_revision": HEAD,
        "origin_office": me.office_id,
        "origin_code": me.code,
        "to_office": target.id if target else None,
        "to_code": target.code if target else None,
        "full": bool(full),
        "contains": contains,
        "seen": vector,
        "seen_digest": seen_digest,  # what our entry at each top says: a peer restored from a backup differs
        "counts": counts,
    })
    write_sealed(path, plain, keyring, recipients)
    return manifest


def _note_export(db: Database, me: str, to: str | None, own_top: int) -> None:
    """Remember when and how far this office exported; delivery is counted only on acknowledgement."""
    with db.write() as session:
        session.execute(
            text("UPDATE local_state SET exported_seq = max(exported_seq, :top) WHERE key = 'local'"),
            {"top": own_top},
        )
        if to is not None:
            session.execute(
                text(
                    "INSERT INTO peer (office_id, acked, last_import_at, last_export_at) VALUES (:o, '{}', '', :now) "
                    "ON CONFLICT(office_id) DO UPDATE SET last_export_at = excluded.last_export_at"
                ),
                {"o": to, "now": now_text()},
            )


def manifest_summary(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
