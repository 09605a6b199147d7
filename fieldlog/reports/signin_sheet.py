"""The sign-in sheet of a workshop day: everyone enrolled, a box to sign, blank lines for
people who turn up unannounced. One part (page) per day."""

from __future__ import annotations

from datetime import date, datetime

from fieldlog.database import Database
from fieldlog.dates import format_date
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _
from fieldlog.reports.document import Column, Document, Facts, Part, Table
from fieldlog.reports.headers import file_stem, long_date, printed_footer, workshop_facts
from fieldlog.reports.workshop_data import workshop_data
from fieldlog.vocabulary import ROLES, label

WALK_IN_LINES = 10
MAX_WALK_IN_LINES = 200


def _columns() -> list[Column]:
    return [
        Column(_("No."), "number", 0.35),
        Column(_("Name"), "text", 2.2),
        Column(_("Agency"), "text", 1.2),
        Column(_("Function"), "text", 1.5),
        Column(_("Role"), "text", 0.9),
        Column(_("Signature"), "signature", 1.6),
    ]


def build_signin_sheet(
    db: Database, workshop_id: str, *, day: date | None = None, walk_ins: int = WALK_IN_LINES,
    now: datetime | None = None,
) -> Document:
    """The sheet for `day`, or for every day of the workshop when `day` is None."""
    if not 0 <= walk_ins <= MAX_WALK_IN_LINES:
        raise FieldlogError(_("Blank lines: give a number from 0 to {n}.").format(n=MAX_WALK_IN_LINES))
    data = workshop_data(db, workshop_id)
    workshop = data.workshop
    if day is not None and day not in workshop.days:
        raise FieldlogError(_("{day} is not a day of this workshop ({first} to {last}).").format(
            day=format_date(day), first=format_date(workshop.start_date), last=format_date(workshop.end_date)))
    days = [day] if day is not None else workshop.days
    rows = [
        [n, person.name, person.agency, person.function, label(ROLES, person.role), None]
        for n, person in enumerate(data.people, start=1)
    ]
    rows += [[n, "", "", "", "", None] for n in range(len(rows) + 1, len(rows) + 1 + walk_ins)]
    parts = []
    for number, sheet_day in enumerate(days, start=1):
        facts = [(_("Day"), _("{day} (day {n} of {total})").format(
            day=long_date(sheet_day), n=workshop.days.index(sheet_day) + 1, total=len(workshop.days)))]
        parts.append(Part(
            heading=_("Sign-in sheet"),
            subheading=workshop.title,
            blocks=[
                Facts(facts + workshop_facts(workshop)),
                Table(title=_("Attendance of {day}").format(day=format_date(sheet_day)), columns=_columns(),
                      rows=[list(row) for row in rows], key_columns=2, tall_rows=True),
            ],
        ))
    return Document(
        title=_("Sign-in sheet"),
        parts=parts,
        file_stem=file_stem("signin", day.isoformat() if day else "all-days", workshop.title),
        footer=printed_footer(db, now),
    )
