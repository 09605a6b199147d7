"""What the sheets of one workshop print: its header, the people enrolled and their marks.

A person is the survivor of any merge of duplicates (docs/ARCHITECTURE.md §3.6): two records of one
person both enrolled make one line, present on a day if either record was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.dates import days_between
from fieldlog.errors import NotFound
from fieldlog.i18n import _


@dataclass(frozen=True)
class WorkshopHeader:
    id: str
    title: str
    kind: str
    start_date: date
    end_date: date
    city: str
    country: str
    venue: str
    programme: str
    organisers: str
    partners: str
    funders: str
    status: str

    @property
    def days(self) -> list[date]:
        return days_between(self.start_date, self.end_date)


@dataclass
class Person:
    id: str
    name: str
    sex: str
    agency: str
    function: str
    country: str
    role: str
    marks: dict[date, bool] = field(default_factory=dict)

    @property
    def days_present(self) -> int:
        return sum(self.marks.values())


@dataclass(frozen=True)
class GroupCount:
    key: str
    enrolled: int
    attended: int


@dataclass(frozen=True)
class WorkshopData:
    workshop: WorkshopHeader
    people: list[Person]
    # Participants only (trainers and facilitators are not trainees), counted in SQL.
    present_per_day: dict[date, int]
    by_sex: list[GroupCount]
    by_agency: list[GroupCount]
    by_country: list[GroupCount]

    @property
    def participants(self) -> list[Person]:
        return [p for p in self.people if p.role == "participant"]

    @property
    def staff(self) -> list[Person]:
        return [p for p in self.people if p.role != "participant"]


_HEADER = """SELECT id, title, kind, start_date, end_date, city, country, venue, programme, organisers,
    partners, funders, status FROM workshop WHERE id = :w AND deleted = 0"""

# One row per enrolment, under the survivor's identity; a person enrolled under two merged
# records comes twice and is folded into one line in Python (a handful of rows at most).
_PEOPLE = """SELECT p.id, p.family_name, p.given_names, p.sex, p.function, p.country, e.role, e.id AS enrolment_id,
    coalesce(nullif(a.acronym, ''), a.name, '') AS agency
  FROM enrolment e
  JOIN participant enrolled ON enrolled.id = e.participant_id
  LEFT JOIN merge_map pm ON pm.table_name = 'participant' AND pm.record_id = e.participant_id
  JOIN participant p ON p.id = coalesce(pm.into_id, e.participant_id)
  LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
  LEFT JOIN agency a ON a.id = coalesce(am.into_id, p.agency_id)
  WHERE e.workshop_id = :w AND e.deleted = 0 AND enrolled.deleted = 0 AND p.deleted = 0
  ORDER BY e.role != 'participant', p.sort_key, p.id, e.id"""

_MARKS = """SELECT t.enrolment_id, t.day, t.present FROM attendance t JOIN enrolment e ON e.id = t.enrolment_id
  WHERE e.workshop_id = :w AND e.deleted = 0 AND t.deleted = 0"""

# Participants (role participant) of the workshop as survivors, with the days they were present.
_TRAINEES = """SELECT coalesce(pm.into_id, e.participant_id) AS person, e.id AS enrolment_id
  FROM enrolment e
  JOIN participant enrolled ON enrolled.id = e.participant_id
  LEFT JOIN merge_map pm ON pm.table_name = 'participant' AND pm.record_id = e.participant_id
  WHERE e.workshop_id = :w AND e.deleted = 0 AND e.role = 'participant' AND enrolled.deleted = 0"""

_PRESENT_PER_DAY = f"""SELECT t.day, count(DISTINCT tr.person) FROM ({_TRAINEES}) tr
  JOIN attendance t ON t.enrolment_id = tr.enrolment_id AND t.present = 1 AND t.deleted = 0
  JOIN participant p ON p.id = tr.person AND p.deleted = 0
  GROUP BY t.day"""

_GROUPS = f"""WITH trainees AS (
    SELECT tr.person, max(coalesce(t.present, 0)) AS attended FROM ({_TRAINEES}) tr
    LEFT JOIN attendance t ON t.enrolment_id = tr.enrolment_id AND t.deleted = 0
    GROUP BY tr.person)
  SELECT {{key}} AS key, count(*) AS enrolled, sum(trainees.attended) AS attended
  FROM trainees JOIN participant p ON p.id = trainees.person AND p.deleted = 0
  LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
  LEFT JOIN agency a ON a.id = coalesce(am.into_id, p.agency_id)
  GROUP BY 1 ORDER BY count(*) DESC, 1"""

_AGENCY_KEY = "coalesce(nullif(a.acronym, ''), a.name, '')"


def workshop_data(db: Database, workshop_id: str) -> WorkshopData:
    with db.read() as session:
        header = session.execute(text(_HEADER), {"w": workshop_id}).first()
        if header is None:
            raise NotFound(_("No workshop {id} here (is it in the Trash?).").format(id=workshop_id))
        workshop = WorkshopHeader(
            **{**header._asdict(), "start_date": date.fromisoformat(header.start_date),
               "end_date": date.fromisoformat(header.end_date)}
        )
        marks: dict[str, dict[date, bool]] = {}
        for enrolment_id, day, present in session.execute(text(_MARKS), {"w": workshop_id}):
            marks.setdefault(enrolment_id, {})[date.fromisoformat(day)] = bool(present)
        people: dict[tuple[str, bool], Person] = {}
        for r in session.execute(text(_PEOPLE), {"w": workshop_id}):
            key = (r.id, r.role == "participant")
            person = people.get(key)
            if person is None:
                person = people[key] = Person(
                    id=r.id, name=f"{r.family_name.upper()} {r.given_names}".strip(), sex=r.sex,
                    agency=r.agency, function=r.function, country=r.country, role=r.role,
                )
            for day, present in marks.get(r.enrolment_id, {}).items():
                person.marks[day] = person.marks.get(day, False) or present
        present_per_day = {
            date.fromisoformat(day): n for day, n in session.execute(text(_PRESENT_PER_DAY), {"w": workshop_id})
        }

        def groups(key: str) -> list[GroupCount]:
            return [GroupCount(*row) for row in session.execute(text(_GROUPS.format(key=key)), {"w": workshop_id})]

        by_sex, by_agency, by_country = groups("p.sex"), groups(_AGENCY_KEY), groups("p.country")
    return WorkshopData(
        workshop=workshop, people=list(people.values()), present_per_day=present_per_day,
        by_sex=by_sex, by_agency=by_agency, by_country=by_country,
    )
