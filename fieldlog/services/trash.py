"""Deleting is a tombstone that syncs; the Trash lists tombstones and restores them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.errors import NotFound
from fieldlog.i18n import N_, _
from fieldlog.models import SYNCED_TABLES
from fieldlog.services.common import PAGE_SIZE, Page
from fieldlog.services.writer import writing

# What the Trash shows for each kind of record a person deletes.
TRASHABLE = {
    "participant": (N_("Participant"), "family_name || ' ' || given_names"),
    "agency": (N_("Agency"), "name"),
    "workshop": (N_("Workshop"), "title"),
    "outcome": (N_("Outcome"), "title"),
    "enrolment": (
        N_("Enrolment"),
        "(SELECT p.family_name || ' ' || p.given_names || ' → ' || w.title FROM participant p, workshop w "
        "WHERE p.id = enrolment.participant_id AND w.id = enrolment.workshop_id)",
    ),
}


@dataclass(frozen=True)
class TrashRow:
    table: str
    id: str
    label: str
    hlc: int

    @property
    def kind(self) -> str:
        return _(TRASHABLE[self.table][0])


def _model(table: str):
    if table not in TRASHABLE:
        raise NotFound(_("Records of this kind cannot be deleted here."))
    return SYNCED_TABLES[table]


def delete_record(db: Database, *, table: str, record_id: str) -> None:
    with writing(db) as writer:
        writer.set_deleted(_model(table), record_id, True)


def restore_record(db: Database, *, table: str, record_id: str) -> None:
    with writing(db) as writer:
        writer.set_deleted(_model(table), record_id, False)


def list_trash(db: Database, *, offset: int = 0, limit: int = PAGE_SIZE) -> Page[TrashRow]:
    """Tombstoned records, most recently deleted first."""
    union = " UNION ALL ".join(
        f"SELECT '{table}' AS tbl, id, {label} AS label, hlc FROM {table} WHERE deleted = 1"
        for table, (_kind, label) in TRASHABLE.items()
    )
    with db.read() as session:
        total = session.execute(text(f"SELECT count(*) FROM ({union})")).scalar_one()
        rows = session.execute(
            text(f"SELECT * FROM ({union}) ORDER BY hlc DESC LIMIT :limit OFFSET :offset"),
            {"limit": limit, "offset": offset},
        ).all()
    return Page(rows=[TrashRow(r.tbl, r.id, r.label or "", r.hlc) for r in rows], total=total, offset=offset, limit=limit)
