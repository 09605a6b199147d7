"""Enrolment of participants in a workshop, and day-by-day attendance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text

from fieldlog.database import Database
from fieldlog.dates import days_between, parse_date
from fieldlog.errors import FieldlogError, NotFound, ValidationError
from fieldlog.i18n import _
from fieldlog.ids import attendance_id
from fieldlog.models import Attendance, Enrolment, Participant, Workshop
from fieldlog.services.writer import writing
from fieldlog.vocabulary import ROLES


# `shown` when the caller does not say what the person saw: the mark is written whatever it was.
NOT_SHOWN = object()


class MarkChangedMeanwhile(FieldlogError):
    """The mark in the database is not the one the person saw: nothing was written."""


def mark_text(present: bool | None) -> str:
    if present is None:
        return _("not marked")
    return _("present") if present else _("absent")


@dataclass(frozen=True)
class DayMarks:
    """What marking a day did: the enrolments marked, and those left alone because their mark
    changed since the grid showed it (their mark now)."""

    marked: list[str]
    changed_meanwhile: dict[str, bool | None]


@dataclass(frozen=True)
class RosterRow:
    enrolment_id: str
    participant_id: str
    name: str
    sex: str
    agency: str
    role: str
    marks: dict[date, bool] = field(default_factory=dict)

    @property
    def days_present(self) -> int:
        return sum(1 for present in self.marks.values() if present)


@dataclass(frozen=True)
class Roster:
    workshop_id: str
    days: list[date]
    rows: list[RosterRow]


def _live_workshop(session, workshop_id: str) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or workshop.deleted:
        raise NotFound(_("No such workshop."))
    return workshop


# The enrolled person as the survivor of any merge of duplicates (docs/ARCHITECTURE.md §3.6): the
# enrolment of a record merged away is listed under the name of the record it was merged into.
_ROSTER = """SELECT e.id AS enrolment_id, p.id AS participant_id, p.family_name, p.given_names, p.sex,
    e.role, COALESCE(NULLIF(a.acronym, ''), a.name, '') AS agency
    FROM enrolment e
    JOIN participant enrolled ON enrolled.id = e.participant_id
    LEFT JOIN merge_map pm ON pm.table_name = 'participant' AND pm.record_id = e.participant_id
    JOIN participant p ON p.id = COALESCE(pm.into_id, e.participant_id)
    LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
    LEFT JOIN agency a ON a.id = COALESCE(am.into_id, p.agency_id)
    WHERE e.workshop_id = :w AND e.deleted = 0 AND enrolled.deleted = 0 AND p.deleted = 0
    ORDER BY p.sort_key, p.id, e.id"""

# A person and the duplicates merged into them, or the survivor of a record merged away.
_SAME_PERSON = """SELECT :p UNION SELECT record_id FROM merge_map WHERE table_name = 'participant' AND into_id = :p
    UNION SELECT into_id FROM merge_map WHERE table_name = 'participant' AND record_id = :p"""


def workshop_roster(db: Database, workshop_id: str) -> Roster:
    """Enrolled participants (live ones) with their marks per workshop day."""
    with db.read() as session:
        workshop = _live_workshop(session, workshop_id)
        days = days_between(workshop.start_date, workshop.end_date)
        people = session.execute(
            text(_ROSTER),
            {"w": workshop_id},
        ).all()
        marks: dict[str, dict[date, bool]] = {}
        for enrolment_id, day, present in session.execute(
            text(
                "SELECT t.enrolment_id, t.day, t.present FROM attendance t "
                "JOIN enrolment e ON e.id = t.enrolment_id "
                "WHERE e.workshop_id = :w AND e.deleted = 0 AND t.deleted = 0"
            ),
            {"w": workshop_id},
        ):
            marks.setdefault(enrolment_id, {})[date.fromisoformat(day)] = bool(present)
    rows = [
        RosterRow(
            enrolment_id=r.enrolment_id,
            participant_id=r.participant_id,
            name=f"{r.family_name.upper()} {r.given_names}".strip(),
            sex=r.sex,
            agency=r.agency,
            role=r.role,
            marks=marks.get(r.enrolment_id, {}),
        )
        for r in people
    ]
    return Roster(workshop_id=workshop_id, days=days, rows=rows)


def enrol_participant(db: Database, *, workshop_id: str, participant_id: str, role: str = "participant") -> str:
    """Enrol someone; enrolling the same person twice is refused."""
    if role not in ROLES:
        raise ValidationError({"role": _("Not one of the choices.")})
    with writing(db) as writer:
        session = writer.session
        _live_workshop(session, workshop_id)
        person = session.get(Participant, participant_id)
        if person is None or person.deleted:
            raise ValidationError({"participant_id": _("No such participant.")})
        existing = session.execute(
            select(Enrolment.id, Enrolment.deleted)
            .where(Enrolment.workshop_id == workshop_id, Enrolment.participant_id == participant_id)
            .order_by(Enrolment.deleted)
        ).first()
        duplicate = session.execute(
            text(f"SELECT 1 FROM enrolment WHERE workshop_id = :w AND deleted = 0 AND participant_id IN ({_SAME_PERSON})"),
            {"w": workshop_id, "p": participant_id},
        ).first()
        if duplicate is not None:
            raise ValidationError({"participant_id": _("This person is already enrolled in this workshop.")})
        if existing is not None:
            writer.update(Enrolment, existing.id, {"deleted": False, "role": role}, op="restore")
            return existing.id
        return writer.insert(Enrolment, {"workshop_id": workshop_id, "participant_id": participant_id, "role": role})


def change_role(db: Database, *, enrolment_id: str, role: str) -> None:
    if role not in ROLES:
        raise ValidationError({"role": _("Not one of the choices.")})
    with writing(db) as writer:
        writer.update(Enrolment, enrolment_id, {"role": role})


def _check_day(session, enrolment_id: str, day: date) -> None:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.deleted:
        raise NotFound(_("No such enrolment."))
    workshop = _live_workshop(session, enrolment.workshop_id)
    if not workshop.start_date <= day <= workshop.end_date:
        raise ValidationError({"day": _("This day is not a day of the workshop.")})


def _mark(writer, enrolment_id: str, day: date, present: bool) -> None:
    # One record per (enrolment, day), whichever office made it, tombstoned or not.
    existing = writer.session.get(Attendance, attendance_id(enrolment_id, day))
    if existing is not None:
        writer.update(Attendance, existing.id, {"present": present, "deleted": False})
    else:
        writer.insert(Attendance, {"enrolment_id": enrolment_id, "day": day, "present": present})


def _current_mark(session, enrolment_id: str, day: date) -> bool | None:
    existing = session.get(Attendance, attendance_id(enrolment_id, day))
    return None if existing is None or existing.deleted else existing.present


def set_attendance(
    db: Database, *, enrolment_id: str, day: date | str, present: bool, shown: bool | None | object = NOT_SHOWN
) -> None:
    """Mark one person on one day. Given `shown` (the mark the person saw: True, False or None
    for none), the mark is written only if it is still that one; otherwise nothing is written
    and MarkChangedMeanwhile says what it is now (docs/ARCHITECTURE.md §3.8)."""
    day = parse_date(day)
    with writing(db) as writer:
        _check_day(writer.session, enrolment_id, day)
        if shown is not NOT_SHOWN:
            now = _current_mark(writer.session, enrolment_id, day)
            if now != shown:
                raise MarkChangedMeanwhile(
                    _("This mark was changed meanwhile: it is now {mark}. Nothing was saved.").format(mark=mark_text(now))
                )
        _mark(writer, enrolment_id, day, present)


def set_day_attendance(db: Database, *, workshop_id: str, day: date | str, present: bool) -> int:
    """Mark every enrolled person present (or absent) on one day, in one transaction."""
    day = parse_date(day)
    with writing(db) as writer:
        workshop = _live_workshop(writer.session, workshop_id)
        if not workshop.start_date <= day <= workshop.end_date:
            raise ValidationError({"day": _("This day is not a day of the workshop.")})
        enrolments = writer.session.execute(
            select(Enrolment.id)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Enrolment.workshop_id == workshop_id, Enrolment.deleted == False, Participant.deleted == False)  # noqa: E712
        ).scalars().all()
        for enrolment_id in enrolments:
            _mark(writer, enrolment_id, day, present)
    return len(enrolments)


def mark_day(
    db: Database, *, workshop_id: str, day: date | str, present: bool, shown: Mapping[str, bool | None]
) -> DayMarks:
    """Mark on one day the people a grid showed (`shown`: enrolment id -> the mark seen), in one
    transaction. A mark that changed since (an absent mark another office recorded, say) is
    left as it is and reported; people enrolled since, whom the grid did not show, are not marked."""
    day = parse_date(day)
    marked, changed = [], {}
    with writing(db) as writer:
        workshop = _live_workshop(writer.session, workshop_id)
        if not workshop.start_date <= day <= workshop.end_date:
            raise ValidationError({"day": _("This day is not a day of the workshop.")})
        for enrolment_id, seen in shown.items():
            enrolment = writer.session.get(Enrolment, enrolment_id)
            if enrolment is None or enrolment.deleted or enrolment.workshop_id != workshop_id:
                continue
            now = _current_mark(writer.session, enrolment_id, day)
            if now != seen:
                changed[enrolment_id] = now
                continue
            if now != present:
                _mark(writer, enrolment_id, day, present)
            marked.append(enrolment_id)
    return DayMarks(marked, changed)


def enrolled_participant_ids(db: Database, workshop_id: str) -> set[str]:
    """Who is already enrolled (live enrolments), so a picker can say so before anyone asks;
    a duplicate merged away counts as its survivor."""
    with db.read() as session:
        return set(
            session.execute(
                text(
                    "SELECT e.participant_id FROM enrolment e WHERE e.workshop_id = :w AND e.deleted = 0 "
                    "UNION SELECT m.into_id FROM enrolment e JOIN merge_map m ON m.table_name = 'participant' "
                    "AND m.record_id = e.participant_id WHERE e.workshop_id = :w AND e.deleted = 0"
                ),
                {"w": workshop_id},
            ).scalars()
        )
