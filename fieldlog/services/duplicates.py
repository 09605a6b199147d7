"""Duplicate people and agencies (docs/ARCHITECTURE.md §3.6–3.7): a merge is a replicated decision.

A `merge` DuplicateDecision says record_id is the same as other_id; a `distinct` one says a
person looked at the pair and found two different records, so it is no longer proposed.
Undoing either is a tombstone. The local `merge_map`, derived from the live merge decisions,
says which survivor each merged-away record now counts as; figures and lists read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.errors import FieldlogError, NotFound
from fieldlog.i18n import N_, _
from fieldlog.models import DuplicateDecision
from fieldlog.services.duplicate_candidates import DEFAULT_LIMIT, REASONS, DuplicatePair, find_candidates
from fieldlog.services.writer import writing

__all__ = [
    "REASONS", "DuplicatePair", "MergedRecord", "DuplicateRefused", "TABLES", "table_of",
    "rebuild_merge_map", "resolve_merges", "merge_records", "unmerge_records", "dismiss_pair",
    "candidate_pairs", "list_merges", "describe_record",
]

# Tables whose records can be merged, with what a person calls them.
TABLES = {"participant": N_("participants"), "agency": N_("agencies")}
_ALIASES = {"participants": "participant", "agencies": "agency"}

# The two columns that name a record, per table (SQLite's upper() knows ASCII only: named in Python).
_NAME_COLUMNS = {"participant": ("family_name", "given_names"), "agency": ("name", "acronym")}


def _label(table: str, first: str | None, second: str | None) -> str:
    first, second = first or "", second or ""
    if table == "participant":
        return f"{first.upper()} {second}".strip()
    return f"{first} ({second})" if second else first


class DuplicateRefused(FieldlogError):
    """A merge, undo or dismissal that does not make sense; the message says why."""


@dataclass(frozen=True)
class MergedRecord:
    table: str
    record_id: str
    into_id: str
    record_name: str
    into_name: str


def table_of(table: str) -> str:
    """'participant' or 'agency' for those names or their plurals."""
    name = (table or "").strip().lower()
    name = _ALIASES.get(name, name)
    if name not in TABLES:
        raise NotFound(_("Duplicates are kept for participants and agencies only, not “{table}”.").format(table=table))
    return name


# --- the merge map -----------------------------------------------------------------------

# In the order every replica agrees on; both records present (a decision can arrive first).
_LIVE_MERGES = """SELECT d.record_id, d.other_id FROM duplicate_decision d
    WHERE d.table_name = :table AND d.decision = 'merge' AND d.deleted = 0
      AND EXISTS (SELECT 1 FROM {table} r WHERE r.id = d.record_id)
      AND EXISTS (SELECT 1 FROM {table} r WHERE r.id = d.other_id)
    ORDER BY d.hlc, d.origin_office, d.id"""


def resolve_merges(decisions: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{merged-away id: final survivor} from (from, into) decisions in their agreed order.
    A record merged twice (two offices at once) keeps its first merge; a merge that would
    close a cycle is skipped; chains A→B→C map A to C."""
    into: dict[str, str] = {}

    def survivor(record: str) -> str:
        while record in into:
            record = into[record]
        return record

    for source, target in decisions:
        if source == target or source in into or survivor(target) == source:
            continue
        into[source] = target
    return {record: survivor(record) for record in into}


def rebuild_merge_map(session) -> None:
    """Recompute merge_map entirely from the live merge decisions, inside the caller's write
    transaction. The same decisions give the same map on every replica, whatever the order
    they arrived in. Records in the Trash stay merged: trashing the survivor trashes the person."""
    session.execute(text("DELETE FROM merge_map"))
    for table in TABLES:
        decisions = session.execute(text(_LIVE_MERGES.format(table=table)), {"table": table}).all()
        survivors = resolve_merges((row[0], row[1]) for row in decisions)
        if survivors:
            session.execute(
                text("INSERT INTO merge_map (table_name, record_id, into_id) VALUES (:table, :record, :into)"),
                [{"table": table, "record": record, "into": into} for record, into in survivors.items()],
            )


# --- decisions ---------------------------------------------------------------------------


def _record(session, table: str, record_id: str) -> tuple[str, bool]:
    """(label, deleted) of a record; NotFound when no such record."""
    first, second = _NAME_COLUMNS[table]
    row = session.execute(
        text(f"SELECT {first}, {second}, deleted FROM {table} WHERE id = :id"), {"id": record_id}
    ).first()
    if row is None:
        missing = _("No participant has the id {id}.") if table == "participant" else _("No agency has the id {id}.")
        raise NotFound(missing.format(id=record_id))
    return _label(table, row[0], row[1]) or record_id, bool(row[2])


def _live_record(session, table: str, record_id: str) -> str:
    label, deleted = _record(session, table, record_id)
    if deleted:
        raise DuplicateRefused(_("“{name}” is in the Trash: restore it first.").format(name=label))
    return label


def _survivor(session, table: str, record_id: str) -> str | None:
    return session.execute(
        text("SELECT into_id FROM merge_map WHERE table_name = :t AND record_id = :r"), {"t": table, "r": record_id}
    ).scalar_one_or_none()


def merge_records(db: Database, *, table: str, from_id: str, into_id: str) -> str:
    """Record that `from_id` is the same as `into_id`: from now on (and on every office once
    synced) everything pointing to it counts as `into_id`. Returns the decision's id."""
    table = table_of(table)
    with writing(db) as writer:
        session = writer.session
        source = _live_record(session, table, from_id)
        target = _live_record(session, table, into_id)
        if from_id == into_id:
            raise DuplicateRefused(_("A record cannot be merged into itself."))
        already = _survivor(session, table, from_id)
        if already is not None:
            raise DuplicateRefused(_("“{name}” is already merged into “{other}”: undo that merge first.").format(
                name=source, other=_record(session, table, already)[0]))
        beyond = _survivor(session, table, into_id)
        if beyond is not None:
            raise DuplicateRefused(_("“{name}” is itself merged into “{other}”: merge into “{other}” instead.").format(
                name=target, other=_record(session, table, beyond)[0]))
        decision = writer.insert(
            DuplicateDecision, {"table_name": table, "record_id": from_id, "other_id": into_id, "decision": "merge"}
        )
        rebuild_merge_map(session)
    return decision


def unmerge_records(db: Database, *, table: str, from_id: str) -> int:
    """Undo the merge of `from_id`: tombstone its live merge decisions. Returns how many."""
    table = table_of(table)
    with writing(db) as writer:
        session = writer.session
        label, _deleted = _record(session, table, from_id)
        decisions = session.execute(
            text("SELECT id FROM duplicate_decision WHERE table_name = :t AND record_id = :r "
                 "AND decision = 'merge' AND deleted = 0 ORDER BY id"),
            {"t": table, "r": from_id},
        ).scalars().all()
        if not decisions:
            raise DuplicateRefused(_("“{name}” is not merged into another record.").format(name=label))
        for decision in decisions:
            writer.set_deleted(DuplicateDecision, decision, True)
        rebuild_merge_map(session)
    return len(decisions)


def dismiss_pair(db: Database, *, table: str, first_id: str, second_id: str) -> str:
    """Record that two records are different: the pair is no longer proposed. Returns the
    decision's id (the existing one if the pair was dismissed already)."""
    table = table_of(table)
    with writing(db) as writer:
        session = writer.session
        first = _live_record(session, table, first_id)
        _live_record(session, table, second_id)
        if first_id == second_id:
            raise DuplicateRefused(_("A record is not a duplicate of itself."))
        for record_id, label in ((first_id, first), (second_id, None)):
            if _survivor(session, table, record_id) is not None:
                label = label or _record(session, table, record_id)[0]
                raise DuplicateRefused(_("“{name}” is merged into another record: undo that merge first.").format(name=label))
        existing = session.execute(
            text("SELECT id FROM duplicate_decision WHERE table_name = :t AND decision = 'distinct' AND deleted = 0 "
                 "AND ((record_id = :a AND other_id = :b) OR (record_id = :b AND other_id = :a)) ORDER BY id"),
            {"t": table, "a": first_id, "b": second_id},
        ).scalars().first()
        if existing is not None:
            return existing
        return writer.insert(
            DuplicateDecision, {"table_name": table, "record_id": first_id, "other_id": second_id, "decision": "distinct"}
        )


# --- reading -----------------------------------------------------------------------------


def candidate_pairs(db: Database, *, table: str, limit: int = DEFAULT_LIMIT) -> list[DuplicatePair]:
    """Probable duplicates among live records not merged away and not already decided,
    best first (see duplicate_candidates for the score and duplicate_matching for the speed)."""
    if limit < 1:
        raise DuplicateRefused(_("The limit must be a positive number."))
    return find_candidates(db, table=table_of(table), limit=limit)


def list_merges(db: Database, *, table: str, limit: int = DEFAULT_LIMIT) -> list[MergedRecord]:
    """Merged-away records and the survivor each counts as, most recent merge first."""
    table = table_of(table)
    first, second = _NAME_COLUMNS[table]
    sql = (
        f"SELECT m.record_id, m.into_id, r.{first}, r.{second}, i.{first}, i.{second} FROM merge_map m "
        f"JOIN {table} r ON r.id = m.record_id JOIN {table} i ON i.id = m.into_id "
        "WHERE m.table_name = :t ORDER BY (SELECT max(d.hlc) FROM duplicate_decision d WHERE d.table_name = :t "
        "AND d.record_id = m.record_id AND d.decision = 'merge' AND d.deleted = 0) DESC, m.record_id LIMIT :limit"
    )
    with db.read() as session:
        rows = session.execute(text(sql), {"t": table, "limit": limit}).all()
    return [MergedRecord(table, r[0], r[1], _label(table, r[2], r[3]), _label(table, r[4], r[5])) for r in rows]


def describe_record(db: Database, *, table: str, record_id: str) -> str:
    """How a person names this record in a message ("TRAORE Moussa", "Gendarmerie (GN)")."""
    table = table_of(table)
    with db.read() as session:
        return _record(session, table, record_id)[0]
