"""The attendance summary of a workshop: who came on which day, totals per day, and counts by
sex, agency and country. Trainers and facilitators are listed apart: they are not trainees."""

from __future__ import annotations

from datetime import datetime

from fieldlog.database import Database
from fieldlog.i18n import _
from fieldlog.reports.document import Column, Document, Facts, Part, Table
from fieldlog.reports.headers import file_stem, printed_footer, workshop_facts
from fieldlog.reports.workshop_data import GroupCount, Person, WorkshopData, workshop_data
from fieldlog.vocabulary import ROLES, SEX, country_name, label

# Name, agency, sex and the days-attended column take ~120 mm; a day column needs ~10 mm:
# beyond this many days the grid is printed on landscape pages.
PORTRAIT_DAYS = 7


def _day_label(day) -> str:
    return day.strftime("%d/%m")


def _grid(title: str, people: list[Person], data: WorkshopData, *, with_role: bool) -> Table:
    days = data.workshop.days
    columns = [Column(_("No."), "number", 0.35), Column(_("Name"), "text", 2.2), Column(_("Agency"), "text", 1.0)]
    columns.append(Column(_("Role"), "text", 1.0) if with_role else Column(_("Sex"), "text", 0.7))
    columns += [Column(_day_label(day), "mark", 0.45) for day in days]
    columns.append(Column(_("Days attended"), "number", 0.7))
    rows = []
    for n, person in enumerate(people, start=1):
        fourth = label(ROLES, person.role) if with_role else label(SEX, person.sex)
        rows.append([n, person.name, person.agency, fourth, *(person.marks.get(day) for day in days),
                     person.days_present])
    footer = []
    if not with_role:
        per_day = [data.present_per_day.get(day, 0) for day in days]
        footer.append(["", _("Present"), "", "", *per_day, sum(per_day)])
    return Table(title=title, columns=columns, rows=rows, footer=footer, key_columns=2,
                 empty_text=_("Nobody is enrolled in this role."))


def _counts(title: str, first: str, groups: list[GroupCount], name) -> Table:
    rows = [[name(g.key) or _("Not recorded"), g.enrolled, g.attended] for g in groups]
    footer = [[_("Total"), sum(g.enrolled for g in groups), sum(g.attended for g in groups)]]
    return Table(
        title=title,
        columns=[Column(first, "text", 2.5), Column(_("Enrolled"), "number", 1.0),
                 Column(_("Attended at least one day"), "number", 1.4)],
        rows=rows, footer=footer, empty_text=_("No participants."),
    )


def build_attendance_summary(db: Database, workshop_id: str, *, now: datetime | None = None) -> Document:
    data = workshop_data(db, workshop_id)
    workshop = data.workshop
    participants = data.participants
    facts = workshop_facts(workshop) + [
        (_("Participants"), str(len(participants))),
        (_("Trainers and facilitators"), str(len(data.staff))),
    ]
    blocks = [
        Facts(facts),
        _grid(_("Participants"), participants, data, with_role=False),
        _grid(_("Trainers, facilitators and other roles (not counted as trained)"), data.staff, data, with_role=True),
        _counts(_("By sex"), _("Sex"), data.by_sex, lambda code: label(SEX, code)),
        _counts(_("By agency"), _("Agency"), data.by_agency, lambda name: name),
        _counts(_("By country"), _("Country"), data.by_country, country_name),
    ]
    return Document(
        title=_("Attendance summary"),
        parts=[Part(heading=_("Attendance summary"), subheading=workshop.title, blocks=blocks)],
        file_stem=file_stem("attendance", workshop.start_date.isoformat(), workshop.title),
        footer=printed_footer(db, now),
        landscape=len(workshop.days) > PORTRAIT_DAYS,
    )
