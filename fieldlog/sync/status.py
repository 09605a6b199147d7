"""What each known office has not yet acknowledged, and what waits for a person, for Home and the Sync screen."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.sync.vectors import local_vector, pending_count, sendable_vector


@dataclass(frozen=True)
class PeerStatus:
    office_id: str
    code: str
    name: str
    pending: int
    last_import_at: str
    last_export_at: str


def peer_status(db: Database) -> list[PeerStatus]:
    """Every other office this database knows, with the changes it has not acknowledged."""
    with db.read() as session:
        me = session.execute(text("SELECT office_id FROM local_state WHERE key = 'local'")).scalar()
        vector = sendable_vector(session, me or "", local_vector(session))
        rows = session.execute(
            text(
                "SELECT o.id, o.code, o.name, p.acked, p.last_import_at, p.last_export_at FROM office o "
                "LEFT JOIN peer p ON p.office_id = o.id WHERE o.deleted = 0 AND o.id != :me ORDER BY o.code"
            ),
            {"me": me or ""},
        ).all()
    return [
        PeerStatus(
            office_id=row.id, code=row.code, name=row.name,
            pending=pending_count(vector, json.loads(row.acked) if row.acked else {}),
            last_import_at=row.last_import_at or "", last_export_at=row.last_export_at or "",
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SyncOverview:
    peers: list[PeerStatus]
    conflicts: int
    parked: int


def parked_count(db: Database) -> int:
    """Records received before their parent record, applied when it arrives."""
    with db.read() as session:
        return session.execute(text("SELECT count(*) FROM parked")).scalar_one()


def sync_overview(db: Database) -> SyncOverview:
    from fieldlog.sync.conflicts import conflict_count

    return SyncOverview(peers=peer_status(db), conflicts=conflict_count(db), parked=parked_count(db))
