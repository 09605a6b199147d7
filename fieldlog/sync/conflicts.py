"""Conflicts: a value that lost to a concurrent write of the same field, kept for review."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.errors import NotFound, ValidationError
from fieldlog.i18n import N_, _
from fieldlog.models import SYNCED_TABLES
from fieldlog.services.agencies import parent_makes_a_cycle
from fieldlog.services.writer import raw_cursor, writing
from fieldlog.sync.columns import table_columns, to_column_value
from fieldlog.sync.fold import fold, load_entries
from fieldlog.sync.inspect import TABLE_LABELS
from fieldlog.sync.offices import office_codes

# How a person recognises the record in a list of conflicts.
RECORD_LABELS = {
    "participant": "family_name || ' ' || given_names",
    "agency": "name",
    "workshop": "title",
    "outcome": "title",
    "office": "code || ' ' || name",
    "indicator": "name",
    "enrolment": "(SELECT p.family_name || ' ' || p.given_names || ' → ' || w.title FROM participant p, workshop w "
                 "WHERE p.id = enrolment.participant_id AND w.id = enrolment.workshop_id)",
    "attendance": "(SELECT p.family_name || ' ' || p.given_names || ', ' || attendance.day FROM enrolment e "
                  "JOIN participant p ON p.id = e.participant_id WHERE e.id = attendance.enrolment_id)",
}

FIELD_LABELS = {
    "family_name": N_("Family name"), "given_names": N_("Given names"), "sex": N_("Sex"),
    "agency_id": N_("Agency"), "function": N_("Function"), "country": N_("Country"), "phone": N_("Phone"),
    "email": N_("E-mail"), "name": N_("Name"), "acronym": N_("Acronym"), "kind": N_("Kind"),
    "parent_id": N_("Parent agency"), "title": N_("Title"), "start_date": N_("First day"),
    "end_date": N_("Last day"), "city": N_("City"), "venue": N_("Venue"), "programme": N_("Programme"),
    "organisers": N_("Organisers"), "partners": N_("Partners"), "funders": N_("Funders"),
    "themes": N_("Thematic areas"), "pillar": N_("Pillar"), "status": N_("Status"), "notes": N_("Notes"),
    "role": N_("Role"), "present": N_("Present"), "deleted": N_("In the Trash"),
    "outcome_date": N_("Date"), "description": N_("Description"), "evidence": N_("Source / evidence"),
    "verification": N_("Verification"), "value": N_("Value"), "unit": N_("Unit"), "code": N_("Code"),
}


@dataclass(frozen=True)
class ConflictValue:
    value: Any
    office_code: str
    hlc: int
    office_id: str
    author: str

    @property
    def display(self) -> str:
        return display_value(self.value)


@dataclass(frozen=True)
class ConflictRow:
    table: str
    record_id: str
    record_label: str
    column: str
    current: ConflictValue
    others: list[ConflictValue]

    @property
    def table_label(self) -> str:
        return _(TABLE_LABELS.get(self.table, self.table))

    @property
    def column_label(self) -> str:
        return _(FIELD_LABELS[self.column]) if self.column in FIELD_LABELS else self.column

    @property
    def choices(self) -> list[ConflictValue]:
        return [self.current, *self.others]


def display_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def conflict_count(db: Database) -> int:
    with db.read() as session:
        return session.execute(
            text("SELECT count(*) FROM (SELECT DISTINCT table_name, record_id, column FROM conflict)")
        ).scalar_one()


def _label(session, table: str, record_id: str) -> str:
    expression = RECORD_LABELS.get(table)
    if expression is None:
        return record_id
    label = session.execute(text(f'SELECT {expression} FROM "{table}" WHERE id = :id'), {"id": record_id}).scalar()
    return label or record_id


def list_conflicts(db: Database, *, limit: int = 200) -> list[ConflictRow]:
    """One row per field in conflict, with the value in force and the values that lost."""
    with db.read() as session:
        codes = office_codes(session)
        groups = session.execute(
            text(
                "SELECT DISTINCT table_name, record_id, column FROM conflict "
                "ORDER BY table_name, record_id, column LIMIT :limit"
            ),
            {"limit": limit},
        ).all()
        cursor = raw_cursor(session)
        rows = []
        for table, record_id, column in groups:
            folded = fold(load_entries(cursor, table, record_id))
            winner_hlc, winner_office = folded.stamps.get(column, (0, ""))
            losers = session.execute(
                text(
                    "SELECT loser_office, loser_hlc, loser_value, loser_author FROM conflict "
                    "WHERE table_name = :t AND record_id = :r AND column = :c ORDER BY loser_hlc DESC"
                ),
                {"t": table, "r": record_id, "c": column},
            ).all()
            current = ConflictValue(
                value=folded.values.get(column), office_code=codes.get(winner_office, "?"), hlc=winner_hlc,
                office_id=winner_office, author=folded.authors.get(column, ""),
            )
            others = [
                ConflictValue(value=json.loads(v), office_code=codes.get(o, "?"), hlc=h, office_id=o, author=a)
                for o, h, v, a in losers
            ]
            rows.append(ConflictRow(table=table, record_id=record_id, record_label=_label(session, table, record_id),
                                    column=column, current=current, others=others))
    return rows


def resolve_conflict(db: Database, *, table: str, record_id: str, column: str, value: Any) -> None:
    """Keep `value` (one of the conflicting values) for this field; settles the conflict everywhere."""
    if table not in SYNCED_TABLES or column not in table_columns(table):
        raise NotFound(_("No such conflict."))
    with writing(db) as writer:
        cursor = raw_cursor(writer.session)
        losers = cursor.execute(
            "SELECT loser_hlc, loser_office, loser_value FROM conflict WHERE table_name = ? AND record_id = ? AND column = ?",
            (table, record_id, column),
        ).fetchall()
        if not losers:
            raise NotFound(_("This conflict was already settled."))
        candidates = [json.loads(v) for _h, _o, v in losers]
        folded = fold(load_entries(cursor, table, record_id))
        candidates.append(folded.values.get(column))
        if value not in candidates:
            raise ValidationError({column: _("Choose one of the conflicting values.")})
        spec = table_columns(table)[column]
        if spec.foreign_table and value is not None and cursor.execute(
            f'SELECT 1 FROM "{spec.foreign_table}" WHERE id = ?', (value,)
        ).fetchone() is None:
            raise ValidationError({column: _(
                "This value names a record that has not arrived here yet: import the bundles from the other offices first."
            )})
        if table == "agency" and column == "parent_id" and value and parent_makes_a_cycle(
                record_id, value, lambda agency: (cursor.execute(
                    "SELECT parent_id FROM agency WHERE id = ?", (agency,)).fetchone() or (None,))[0]):
            raise ValidationError({column: _(
                "An agency cannot be its own parent: keep another value, or clear the parent in the agency's form.")})
        column_value = to_column_value(spec, value)
        writer.update(
            SYNCED_TABLES[table], record_id, {column: column_value},
            settles={column: [(h, o) for h, o, _v in losers]},
        )
