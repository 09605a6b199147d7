"""Workshops (activities): trainings, national workshops, dialogues, missions…"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypedDict, Unpack

from sqlalchemy import and_, func, or_, select

from fieldlog.database import Database
from fieldlog.dates import format_date
from fieldlog.errors import NotFound
from fieldlog.i18n import _
from fieldlog.models import Attendance, Enrolment, MergeMap, Office, Workshop, WorkshopBase
from fieldlog.services.common import PAGE_SIZE, Checker, Page, Rule, checked_fields
from fieldlog.services.records import create_record, read_public, update_record
from fieldlog.text import fold
from fieldlog.vocabulary import PILLARS, WORKSHOP_KINDS, WORKSHOP_STATUSES

MAX_DAYS = 62


@dataclass(frozen=True)
class WorkshopRow:
    id: str
    title: str
    kind: str
    start_date: date
    end_date: date
    city: str
    country: str
    status: str
    enrolled: int


class WorkshopPublic(WorkshopBase):
    id: str
    deleted: bool = False


class WorkshopFields(TypedDict, total=False):
    """A workshop's fields as a form or a file gives them (dates as typed, "13/10/2021", or
    dates); the service checks and cleans them. A new workshop needs a title and its days."""

    title: str
    kind: str | None
    start_date: date | str | None
    end_date: date | str | None
    city: str
    country: str | None
    venue: str
    programme: str
    organisers: str
    partners: str
    funders: str
    themes: str
    pillar: str | None
    status: str | None
    notes: str


TEXT_FIELDS = {
    "city": 120, "venue": 300, "programme": 300, "organisers": 600,
    "partners": 600, "funders": 600, "themes": 600, "notes": 4000,
}
RULES: dict[str, Rule] = {
    "title": partial(Checker.text, required=True, max_length=400),
    "kind": partial(Checker.choice, table=WORKSHOP_KINDS, default="national_workshop"),
    "start_date": Checker.date,
    "end_date": Checker.date,
    "country": Checker.country,
    "pillar": partial(Checker.choice, table=PILLARS, required=False),
    "status": partial(Checker.choice, table=WORKSHOP_STATUSES, default="planned"),
    **{name: partial(Checker.text, max_length=limit) for name, limit in TEXT_FIELDS.items()},
}


def validate_workshop(db: Database, values: Mapping[str, Any], *, current: Mapping[str, Any] | None = None) -> dict:
    """The clean values of a new workshop, or, given the `current` record, of the changes
    `values` make to it (those fields only; new dates are checked against the dates it keeps).
    Raises ValidationError, field by field."""
    check = Checker()
    clean = checked_fields(check, RULES, values, record="workshop", partial=current is not None)
    if "start_date" in clean or "end_date" in clean:
        kept = current or {}
        first, last = clean.get("start_date", kept.get("start_date")), clean.get("end_date", kept.get("end_date"))
        _check_days(db, check, first, last, kept.get("id"))
    check.check()
    return clean


def _check_days(db: Database, check: Checker, first: date | None, last: date | None, workshop_id: str | None) -> None:
    """The rules over a workshop's first and last day together (unchecked while either is missing
    or not a date)."""
    if not (first and last):
        return
    if last < first:
        check.fail("end_date", _("The last day is before the first day."))
    elif (last - first).days >= MAX_DAYS:
        check.fail("end_date", _("A workshop lasts at most {n} days.").format(n=MAX_DAYS))
    elif workshop_id:
        with db.read() as session:
            outside = session.execute(
                select(func.count())
                .select_from(Attendance)
                .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
                .where(
                    Enrolment.workshop_id == workshop_id,
                    Attendance.deleted == False,  # noqa: E712
                    Enrolment.deleted == False,  # noqa: E712
                    or_(Attendance.day < first, Attendance.day > last),
                )
            ).scalar_one()
        if outside:
            check.fail("end_date", _("Attendance is recorded on days outside these dates."))


def create_workshop(db: Database, **values: Unpack[WorkshopFields]) -> str:
    return create_record(db, Workshop, validate_workshop(db, values))


def update_workshop(db: Database, workshop_id: str, **changes: Unpack[WorkshopFields]) -> dict:
    """Change the fields given, and no other; returns those that differed."""
    return update_record(db, Workshop, workshop_id, lambda current: validate_workshop(db, changes, current=current))


def get_workshop(db: Database, workshop_id: str) -> WorkshopPublic:
    return read_public(db, Workshop, WorkshopPublic, workshop_id, missing=_("No such workshop."))


def list_workshops(
    db: Database,
    *,
    search: str = "",
    year: int | None = None,
    country: str = "",
    status: str = "",
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page[WorkshopRow]:
    """Newest first, with the number of people enrolled."""
    where = [Workshop.deleted == False]  # noqa: E712
    if search.strip():
        needle = f"%{fold(search.strip())}%"
        where.append(or_(func.fl_fold(Workshop.title).like(needle), func.fl_fold(Workshop.city).like(needle)))
    if year:
        where.append(and_(Workshop.start_date <= date(year, 12, 31), Workshop.end_date >= date(year, 1, 1)))
    if country:
        where.append(Workshop.country == country)
    if status:
        where.append(Workshop.status == status)
    # The page is chosen first; enrolments are then counted for its rows only.
    page = (
        select(
            Workshop.id, Workshop.title, Workshop.kind, Workshop.start_date, Workshop.end_date,
            Workshop.city, Workshop.country, Workshop.status,
        )
        .where(*where)
        .order_by(Workshop.start_date.desc(), Workshop.id)
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    # A person enrolled twice under two records later merged as duplicates counts once.
    person = func.coalesce(MergeMap.into_id, Enrolment.participant_id)
    enrolled = (
        select(func.count(person.distinct()))
        .select_from(Enrolment)
        .outerjoin(MergeMap, and_(MergeMap.table_name == "participant", MergeMap.record_id == Enrolment.participant_id))
        .where(Enrolment.workshop_id == page.c.id, Enrolment.deleted == False)  # noqa: E712
        .correlate(page)
        .scalar_subquery()
    )
    with db.read() as session:
        total = session.execute(select(func.count()).select_from(Workshop).where(*where)).scalar_one()
        rows = session.execute(
            select(*page.c, enrolled.label("enrolled")).order_by(page.c.start_date.desc(), page.c.id)
        ).all()
    return Page(rows=[WorkshopRow(*r) for r in rows], total=total, offset=offset, limit=limit)


def workshop_years(db: Database) -> list[int]:
    with db.read() as session:
        rows = session.execute(
            select(func.distinct(func.substr(Workshop.start_date, 1, 4))).where(Workshop.deleted == False)  # noqa: E712
        ).scalars().all()
    return sorted((int(y) for y in rows if y), reverse=True)


def workshop_choices(db: Database) -> list[tuple[str, str]]:
    """(label, id) for every live workshop, newest first, for a picker."""
    with db.read() as session:
        rows = session.execute(
            select(Workshop.id, Workshop.title, Workshop.start_date)
            .where(Workshop.deleted == False)  # noqa: E712
            .order_by(Workshop.start_date.desc(), Workshop.id)
        ).all()
    return [(f"{format_date(r.start_date)} {r.title}", r.id) for r in rows]


def workshop_countries(db: Database) -> list[str]:
    """Country codes that live workshops are held in, for a filter."""
    with db.read() as session:
        rows = session.execute(
            select(func.distinct(Workshop.country)).where(Workshop.deleted == False, Workshop.country != "")  # noqa: E712
        ).scalars().all()
    return sorted(rows)


def workshop_offices(db: Database) -> list[tuple[str, str]]:
    """(label, office id) of the offices that recorded live workshops, for a filter."""
    with db.read() as session:
        rows = session.execute(
            select(Office.id, Office.code, Office.name)
            .where(Office.deleted == False, Office.id.in_(  # noqa: E712
                select(Workshop.origin_office).where(Workshop.deleted == False)))  # noqa: E712
            .order_by(Office.code, Office.id)
        ).all()
    return [(f"{r.code} · {r.name}", r.id) for r in rows]


def find_workshop_id(db: Database, wanted: str) -> str:
    """A live workshop named by its id, a piece of its id (at least 8 characters: the end of
    a UUIDv7 is its random part, the beginning only a time), or words of its title."""
    wanted = (wanted or "").strip()
    if not wanted:
        raise NotFound(_("Give the workshop's id or words of its title."))
    live = Workshop.deleted == False  # noqa: E712
    with db.read() as session:
        ids = session.execute(select(Workshop.id).where(live, Workshop.id == wanted.lower())).scalars().all()
        if not ids and len(wanted) >= 8:
            ids = session.execute(
                select(Workshop.id).where(live, Workshop.id.contains(wanted.lower(), autoescape=True)).limit(2)
            ).scalars().all()
        if not ids:
            ids = session.execute(
                select(Workshop.id).where(live, func.fl_fold(Workshop.title).contains(fold(wanted), autoescape=True))
                .limit(2)
            ).scalars().all()
    if not ids:
        raise NotFound(_("No workshop {id} here (is it in the Trash?).").format(id=wanted))
    if len(ids) > 1:
        raise NotFound(_("Several workshops match {id}; give more of its title, or its id.").format(id=wanted))
    return ids[0]
