"""Version vectors: {office id: highest sequence number held with no gap before it}."""

from __future__ import annotations

import json

from sqlalchemy import text

from fieldlog.log_vector import held_vector

Vector = dict[str, int]


def local_vector(session) -> Vector:
    """What this database holds, per office. Entries above a gap are held but not claimed."""
    return held_vector(session)


def sendable_vector(session, me: str, vector: Vector) -> Vector:
    """What this office may send: everything if it is a coordinator, else its own changes only
    (an office's bundles carry no one else's changes; the coordinator relays them)."""
    role = session.execute(text("SELECT role FROM office_key WHERE status = 'own'")).scalar()
    return dict(vector) if role == "coordinator" else {office: top for office, top in vector.items() if office == me}


def merge_vectors(first: Vector, second: Vector) -> Vector:
    merged = dict(first)
    for office, seq in second.items():
        merged[office] = max(merged.get(office, 0), seq)
    return merged


def peer_acked(session, office_id: str) -> Vector:
    raw = session.execute(text("SELECT acked FROM peer WHERE office_id = :o"), {"o": office_id}).scalar()
    return json.loads(raw) if raw else {}


def record_ack(session, office_id: str, seen: Vector, *, now: str, replace: bool = False) -> None:
    """A bundle from `office_id` tells what it has received: that, and only that, is delivered.
    `replace`: a bundle not imported before states what the peer holds now, even less than it once
    said (it was restored from a backup, or gave up a clashing entry): what it lacks is sent again."""
    acked = dict(seen) if replace else merge_vectors(peer_acked(session, office_id), seen)
    session.execute(
        text(
            "INSERT INTO peer (office_id, acked, last_import_at, last_export_at) VALUES (:o, :a, :now, '') "
            "ON CONFLICT(office_id) DO UPDATE SET acked = excluded.acked, last_import_at = excluded.last_import_at"
        ),
        {"o": office_id, "a": json.dumps(acked, sort_keys=True), "now": now},
    )


def pending_count(local: Vector, acked: Vector) -> int:
    return sum(max(0, seq - acked.get(office, 0)) for office, seq in local.items())
