"""A record's history, read from the change log: which office and which person changed what, when.

The change log keeps every write with its office, its author and its HLC stamp; entries that
arrived in a bundle keep the office and the person who made them. Changes to records that belong
to this one are shown where a person expects them: an outcome's indicators and links, a person's
enrolments and duplicate merges, a workshop's enrolments, outcome links and a summary of its
attendance marks (one line per day marked at one sitting, not one per mark).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.dates import format_date, parse_date
from fieldlog.errors import NotFound
from fieldlog.formatting import format_number
from fieldlog.hlc import unpack
from fieldlog.i18n import N_, _
from fieldlog.models import SYNCED_TABLES
from fieldlog.vocabulary import (
    AGENCY_KINDS, OUTCOME_KINDS, PILLARS, ROLES, SEX, VERIFICATION, WORKSHOP_KINDS, WORKSHOP_STATUSES,
    country_name, label,
)

# What a person calls each field: the labels of the forms.
FIELD_LABELS = {
    "family_name": N_("Family name"), "given_names": N_("Given names"), "sex": N_("Sex"),
    "agency_id": N_("Agency"), "function": N_("Function or rank"), "country": N_("Country"),
    "phone": N_("Phone"), "email": N_("E-mail"), "name": N_("Name"), "acronym": N_("Acronym"),
    "kind": N_("Kind"), "parent_id": N_("Part of"), "title": N_("Title"), "start_date": N_("First day"),
    "end_date": N_("Last day"), "city": N_("City"), "venue": N_("Venue"), "programme": N_("Programme"),
    "organisers": N_("Organisers"), "partners": N_("Partners"), "funders": N_("Funders"),
    "themes": N_("Thematic areas"), "pillar": N_("UN GCTS pillar"), "status": N_("Status"),
    "notes": N_("Notes"), "role": N_("Role"), "present": N_("Present"), "day": N_("Day"),
    "outcome_date": N_("Date"), "description": N_("Description"), "evidence": N_("Source / evidence"),
    "verification": N_("Verification"), "value": N_("Value"), "unit": N_("Unit"), "code": N_("Code"),
}
# Bookkeeping a person never typed, and the links a line already names.
INTERNAL_COLUMNS = frozenset({
    "id", "origin_office", "hlc", "deleted", "sort_key", "workshop_id", "participant_id", "outcome_id",
    "enrolment_id", "table_name", "record_id", "other_id", "decision",
})
# Codes shown as the words they were chosen by: column, or (table, column).
VOCABULARIES: dict[Any, dict[str, str]] = {
    "sex": SEX, "role": ROLES, "pillar": PILLARS, "verification": VERIFICATION, "status": WORKSHOP_STATUSES,
    ("workshop", "kind"): WORKSHOP_KINDS, ("agency", "kind"): AGENCY_KINDS, ("outcome", "kind"): OUTCOME_KINDS,
}
# A link's target, already named by the line that shows the link.
LINK_COLUMNS = frozenset({("outcome_agency", "agency_id")})
DATE_COLUMNS = frozenset({"start_date", "end_date", "outcome_date", "day"})
AGENCY_COLUMNS = frozenset({"agency_id", "parent_id"})

# The record's own changes.
OWN_TEXTS = {
    "insert": ("created", N_("Created")),
    "delete": ("deleted", N_("Moved to the Trash")),
    "restore": ("restored", N_("Restored from the Trash")),
}

# Changes to a record that belongs to the one shown: (its table, the table shown) → text per op.
RELATED_TEXTS = {
    ("enrolment", "workshop"): {
        "insert": N_("Enrolled: {name}"), "update": N_("Role changed: {name}"),
        "delete": N_("Removed: {name}"), "restore": N_("Enrolled again: {name}"),
    },
    ("enrolment", "participant"): {
        "insert": N_("Enrolled in “{name}”"), "update": N_("Role changed in “{name}”"),
        "delete": N_("Removed from “{name}”"), "restore": N_("Enrolled again in “{name}”"),
    },
    ("indicator", "outcome"): {
        "insert": N_("Indicator added: {name}"), "update": N_("Indicator changed: {name}"),
        "delete": N_("Indicator removed: {name}"), "restore": N_("Indicator restored: {name}"),
    },
    ("outcome_workshop", "outcome"): {
        "insert": N_("Workshop linked: {name}"), "delete": N_("Workshop unlinked: {name}"),
    },
    ("outcome_agency", "outcome"): {
        "insert": N_("Agency linked: {name}"), "delete": N_("Agency unlinked: {name}"),
    },
    ("outcome_workshop", "workshop"): {
        "insert": N_("Outcome linked: {name}"), "delete": N_("Outcome unlinked: {name}"),
    },
    ("outcome_agency", "agency"): {
        "insert": N_("Outcome linked: {name}"), "delete": N_("Outcome unlinked: {name}"),
    },
}

# Marks of one day by one person at one office, less than this apart, make one line.
SITTING_GAP_MS = 30 * 60 * 1000

_LOG = "cl.office_id, cl.seq, cl.hlc, cl.op, cl.data, cl.author, cl.table_name, cl.record_id"
_PERSON = "p.family_name, p.given_names"

# Each query reads change-log entries through the index on change_log.record_id.
_OWN = f"SELECT {_LOG} FROM change_log cl WHERE cl.record_id = :id AND cl.table_name = :table"
_RELATED: dict[str, list[tuple[str, str]]] = {
    "participant": [
        ("enrolment", f"SELECT {_LOG}, w.title AS name FROM enrolment e "
                      "JOIN change_log cl ON cl.record_id = e.id AND cl.table_name = 'enrolment' "
                      "JOIN workshop w ON w.id = e.workshop_id WHERE e.participant_id = :id"),
    ],
    "workshop": [
        ("enrolment", f"SELECT {_LOG}, {_PERSON} FROM enrolment e "
                      "JOIN change_log cl ON cl.record_id = e.id AND cl.table_name = 'enrolment' "
                      "JOIN participant p ON p.id = e.participant_id WHERE e.workshop_id = :id"),
        ("outcome_workshop", f"SELECT {_LOG}, o.title AS name FROM outcome_workshop l "
                             "JOIN change_log cl ON cl.record_id = l.id AND cl.table_name = 'outcome_workshop' "
                             "JOIN outcome o ON o.id = l.outcome_id WHERE l.workshop_id = :id"),
    ],
    "agency": [
        ("outcome_agency", f"SELECT {_LOG}, o.title AS name FROM outcome_agency l "
                           "JOIN change_log cl ON cl.record_id = l.id AND cl.table_name = 'outcome_agency' "
                           "JOIN outcome o ON o.id = l.outcome_id WHERE l.agency_id = :id"),
    ],
    "outcome": [
        ("indicator", f"SELECT {_LOG}, i.name AS name FROM indicator i "
                      "JOIN change_log cl ON cl.record_id = i.id AND cl.table_name = 'indicator' "
                      "WHERE i.outcome_id = :id"),
        ("outcome_workshop", f"SELECT {_LOG}, w.title AS name FROM outcome_workshop l "
                             "JOIN change_log cl ON cl.record_id = l.id AND cl.table_name = 'outcome_workshop' "
                             "JOIN workshop w ON w.id = l.workshop_id WHERE l.outcome_id = :id"),
        ("outcome_agency", f"SELECT {_LOG}, a.name AS name FROM outcome_agency l "
                           "JOIN change_log cl ON cl.record_id = l.id AND cl.table_name = 'outcome_agency' "
                           "JOIN agency a ON a.id = l.agency_id WHERE l.outcome_id = :id"),
    ],
}
# Duplicate decisions the record took part in, either side, with the other record's name columns.
_DECISIONS = (
    f"SELECT {_LOG}, d.record_id AS merged, d.other_id AS into_id, d.decision, "
    "r.{first} AS r1, r.{second} AS r2, o.{first} AS o1, o.{second} AS o2 FROM duplicate_decision d "
    "JOIN change_log cl ON cl.record_id = d.id AND cl.table_name = 'duplicate_decision' "
    "LEFT JOIN {table} r ON r.id = d.record_id LEFT JOIN {table} o ON o.id = d.other_id "
    "WHERE d.table_name = :table AND d.id IN "
    "(SELECT id FROM duplicate_decision WHERE record_id = :id "
    "UNION SELECT id FROM duplicate_decision WHERE other_id = :id)"
)
_NAME_COLUMNS = {"participant": ("family_name", "given_names"), "agency": ("name", "acronym")}
_ATTENDANCE = (
    f"SELECT {_LOG}, a.day FROM enrolment e JOIN attendance a ON a.enrolment_id = e.id "
    "JOIN change_log cl ON cl.record_id = a.id AND cl.table_name = 'attendance' WHERE e.workshop_id = :id"
)
_LABELS = {
    "participant": "SELECT family_name, given_names FROM participant WHERE id = :id",
    "agency": "SELECT name, acronym FROM agency WHERE id = :id",
    "workshop": "SELECT title, '' FROM workshop WHERE id = :id",
    "outcome": "SELECT title, '' FROM outcome WHERE id = :id",
}


@dataclass(frozen=True)
class FieldChange:
    column: str
    label: str  # what the form calls the field, translated
    value: str  # the new value as a person reads it ("—" for none)


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime  # timezone-aware (UTC), from the HLC's wall-clock time
    office_id: str
    office_code: str
    office_name: str
    author: str  # "" when no name was given
    # created, changed, deleted or restored (the record itself); merge, attendance; or the table of
    # the record changed with it: enrolment, indicator, outcome_workshop, outcome_agency.
    action: str
    what: str  # what happened, translated
    changes: tuple[FieldChange, ...] = ()
    entries: int = 1  # change-log entries this line stands for (attendance marks are summed up)
    hlc: int = 0
    seq: int = 0

    @property
    def person(self) -> str:
        return self.author or "—"

    @property
    def office(self) -> str:
        return self.office_code or self.office_id[:8]


def person_name(family: str | None, given: str | None) -> str:
    return f"{(family or '').upper()} {given or ''}".strip()


def record_label(db: Database, *, table: str, record_id: str) -> str:
    """How a person recognises the record: "TRAORÉ Moussa", an agency's name, a title."""
    if table not in _LABELS:
        raise NotFound(_("No such record: {id}").format(id=record_id))
    with db.read() as session:
        row = session.execute(text(_LABELS[table]), {"id": record_id}).first()
    if row is None:
        raise NotFound(_("No such record: {id}").format(id=record_id))
    if table == "participant":
        return person_name(row[0], row[1])
    return f"{row[0]} ({row[1]})" if row[1] else row[0]


def record_history(db: Database, *, table: str, record_id: str) -> list[HistoryEntry]:
    """Every change to the record and to what belongs to it, newest first."""
    if table not in SYNCED_TABLES:
        raise NotFound(_("No such record: {id}").format(id=record_id))
    with db.read() as session:
        offices = {row[0]: (row[1], row[2]) for row in session.execute(text("SELECT id, code, name FROM office"))}
        params = {"id": record_id, "table": table}
        own = session.execute(text(_OWN), params).mappings().all()
        related = [
            (kind, session.execute(text(sql), params).mappings().all()) for kind, sql in _RELATED.get(table, [])
        ]
        decisions = []
        if table in _NAME_COLUMNS:
            first, second = _NAME_COLUMNS[table]
            sql = _DECISIONS.format(table=table, first=first, second=second)
            decisions = session.execute(text(sql), params).mappings().all()
        marks = session.execute(text(_ATTENDANCE), params).mappings().all() if table == "workshop" else []
        rows = [*own, *(row for _kind, found in related for row in found)]
        agencies = _agency_names(session, (json.loads(row["data"] or "{}") for row in rows))

    def entry(row, action: str, what: str, changes=(), *, entries: int = 1) -> HistoryEntry:
        code, name = offices.get(row["office_id"], ("", ""))
        return HistoryEntry(
            when=stamp_time(row["hlc"]), office_id=row["office_id"], office_code=code, office_name=name,
            author=row["author"] or "", action=action, what=what, changes=tuple(changes), entries=entries,
            hlc=row["hlc"], seq=row["seq"],
        )

    history = []
    for row in own:
        action, what, changes = _own_change(table, row, agencies)
        history.append(entry(row, action, what, changes))
    for kind, found in related:
        texts = RELATED_TEXTS[(kind, table)]
        for row in found:
            name = person_name(row["family_name"], row["given_names"]) if "family_name" in row else row["name"]
            template = texts.get(row["op"]) or texts["insert"]
            changes = _changes(kind, json.loads(row["data"] or "{}"), agencies, skip_empty=row["op"] == "insert")
            history.append(entry(row, kind, _(template).format(name=name or ""), changes))
    for row in decisions:
        history.append(entry(row, "merge", _decision_text(table, row, record_id)))
    for last_row, day, present, absent, count in _sittings(marks):
        what = _("Attendance of {day}: ✓ {present}  ✗ {absent}").format(
            day=format_date(parse_date(day)), present=format_number(present), absent=format_number(absent))
        history.append(entry(last_row, "attendance", what, entries=count))
    history.sort(key=lambda e: (e.hlc, e.office_id, e.seq), reverse=True)
    return history


def stamp_time(stamp: int) -> datetime:
    millis, _counter = unpack(stamp)
    return datetime.fromtimestamp(millis / 1000, tz=timezone.utc)


# --- describing one entry -------------------------------------------------------------------


def _own_change(table: str, row, agencies: dict[str, str]) -> tuple[str, str, list[FieldChange]]:
    op = row["op"]
    data = json.loads(row["data"] or "{}")
    changes = _changes(table, data, agencies, skip_empty=op == "insert")
    if op in OWN_TEXTS:
        action, text_id = OWN_TEXTS[op]
        return action, _(text_id), changes
    if not changes:
        return "changed", _("Changed"), changes
    return "changed", _("Changed: {fields}").format(fields=", ".join(change.label for change in changes)), changes


def _changes(
    table: str, data: dict[str, Any], agencies: dict[str, str], *, skip_empty: bool = False,
) -> list[FieldChange]:
    changes = []
    for column, value in data.items():
        if column in INTERNAL_COLUMNS or (table, column) in LINK_COLUMNS or (skip_empty and value in (None, "")):
            continue
        shown = _(FIELD_LABELS[column]) if column in FIELD_LABELS else column
        changes.append(FieldChange(column, shown, shown_value(table, column, value, agencies)))
    # In the order of the form.
    order = [column.name for column in SYNCED_TABLES[table].__table__.columns] if table in SYNCED_TABLES else []
    changes.sort(key=lambda change: order.index(change.column) if change.column in order else len(order))
    return changes


def shown_value(table: str, column: str, value: Any, agencies: dict[str, str] | None = None) -> str:
    """A stored value as a person reads it: words for codes, names for agencies, dates as typed."""
    if value is None or value == "":
        return "—"
    if column == "present" or isinstance(value, bool):
        return _("yes") if value else _("no")
    if column in AGENCY_COLUMNS:
        return (agencies or {}).get(value, str(value))
    if column == "country":
        return country_name(value)
    vocabulary = VOCABULARIES.get((table, column)) or VOCABULARIES.get(column)
    if vocabulary is not None and isinstance(value, str):
        return label(vocabulary, value)
    if column in DATE_COLUMNS:
        try:
            return format_date(parse_date(value))
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def _agency_names(session, datas: Iterable[dict[str, Any]]) -> dict[str, str]:
    wanted = sorted({d[c] for d in datas for c in AGENCY_COLUMNS if isinstance(d.get(c), str) and d[c]})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):  # SQLite's limit on bound values
        chunk = wanted[start:start + 500]
        marks = ", ".join(f":a{n}" for n in range(len(chunk)))
        found = session.execute(
            text(f"SELECT id, name FROM agency WHERE id IN ({marks})"), {f"a{n}": v for n, v in enumerate(chunk)}
        )
        names.update({row[0]: row[1] for row in found})
    return names


def _decision_text(table: str, row, record_id: str) -> str:
    merged_away = row["merged"] == record_id
    first, second = (row["o1"], row["o2"]) if merged_away else (row["r1"], row["r2"])
    if table == "participant":
        other = person_name(first, second)
    else:
        other = f"{first} ({second})" if second else (first or "")
    other = other or (row["into_id"] if merged_away else row["merged"])
    undone = row["op"] == "delete"
    if row["decision"] == "merge":
        if undone:
            return _("Merge with “{name}” undone").format(name=other)
        if merged_away:
            return _("Merged into “{name}”").format(name=other)
        return _("“{name}” merged into this record").format(name=other)
    if undone:
        return _("Not a duplicate of “{name}”: decision withdrawn").format(name=other)
    return _("Not a duplicate of “{name}”").format(name=other)


def _sittings(marks) -> list[tuple[Any, str, int, int, int]]:
    """Attendance entries grouped by office, person and day marked, one group per sitting:
    (its last entry, day, present, absent, entries), counting each mark's last value."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for row in sorted(marks, key=lambda r: (r["hlc"], r["office_id"], r["seq"])):
        key = (row["office_id"], row["author"] or "", str(row["day"]))
        sittings = groups.setdefault(key, [])
        millis = unpack(row["hlc"])[0]
        if not sittings or millis - unpack(sittings[-1]["last"]["hlc"])[0] > SITTING_GAP_MS:
            sittings.append({"last": row, "values": {}, "entries": 0})
        sitting = sittings[-1]
        sitting["last"] = row
        sitting["entries"] += 1
        data = json.loads(row["data"] or "{}")
        if "present" in data:
            sitting["values"][row["record_id"]] = bool(data["present"])
    result = []
    for (_office, _author, day), sittings in groups.items():
        for sitting in sittings:
            present = sum(1 for value in sitting["values"].values() if value)
            absent = len(sitting["values"]) - present
            result.append((sitting["last"], day, present, absent, sitting["entries"]))
    return result
