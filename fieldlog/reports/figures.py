"""Programme figures for a period, computed by SQL aggregates (never row by row in Python).

Who counts as trained is the rule of `services/stats.py` (docs/ARCHITECTURE.md §3.7): a day present, as a
participant (a trainer is not a trainee), at a live workshop that was not cancelled; a person
counts once however many workshops they attended; records merged as duplicates count once,
under the record they were merged into; tombstoned people, enrolments and marks not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _
from fieldlog.text import fold
from fieldlog.vocabulary import PILLARS, is_country

EARLIEST, LATEST = date(1, 1, 1), date(9999, 12, 31)


@dataclass(frozen=True)
class SummaryFilters:
    first: date | None = None
    last: date | None = None
    country: str = ""  # where the workshop was held (ISO code)
    programme: str = ""  # words of the programme name, accents and case ignored
    funder: str = ""
    theme: str = ""
    pillar: str = ""  # I, II, III or IV
    office: str = ""  # code or id of the office that recorded the workshop

    def checked(self) -> SummaryFilters:
        if self.first and self.last and self.last < self.first:
            raise FieldlogError(_("The end of the period is before its start."))
        if self.country and not is_country(self.country):
            raise FieldlogError(_("Unknown country code {code}.").format(code=self.country))
        if self.pillar and self.pillar not in PILLARS:
            raise FieldlogError(_("Unknown pillar {pillar}: choose I, II, III or IV.").format(pillar=self.pillar))
        return self


@dataclass(frozen=True)
class Breakdown:
    """Individuals trained in one group (a country, a kind of agency, a sex)."""

    key: str
    people: int = 0
    women: int = 0
    men: int = 0
    days: int = 0

    @property
    def women_share(self) -> float:
        return self.women / self.people if self.people else 0.0


@dataclass(frozen=True)
class WorkshopCount:
    kind: str
    held: int
    planned: int

    @property
    def total(self) -> int:
        return self.held + self.planned


@dataclass(frozen=True)
class OutcomeLine:
    id: str
    outcome_date: date
    kind: str
    title: str
    country: str
    verification: str
    indicators: list[tuple[str, float, str]] = field(default_factory=list)


@dataclass(frozen=True)
class IndicatorTotal:
    name: str
    unit: str
    total: float
    outcomes: int


@dataclass(frozen=True)
class ProgrammeFigures:
    filters: SummaryFilters
    office_name: str
    workshops: list[WorkshopCount]
    cancelled: int
    trained: Breakdown
    several_workshops: int
    by_country: list[Breakdown]
    by_agency_kind: list[Breakdown]
    trainers: int
    outcomes: list[OutcomeLine]
    indicators: list[IndicatorTotal]

    @property
    def workshops_organised(self) -> int:
        return sum(w.total for w in self.workshops)

    @property
    def sex_unknown(self) -> int:
        return self.trained.people - self.trained.women - self.trained.men


def _workshop_filters(filters: SummaryFilters, office_id: str) -> tuple[str, dict]:
    """SQL conditions on workshop `w` (without the period) and their parameters."""
    where, params = ["w.deleted = 0"], {}
    if filters.country:
        where.append("w.country = :country")
        params["country"] = filters.country.upper()
    for name in ("programme", "funder", "theme"):
        wanted = fold(getattr(filters, name)).strip()
        if wanted:
            column = {"programme": "programme", "funder": "funders", "theme": "themes"}[name]
            where.append(f"fl_fold(w.{column}) LIKE :{name}")
            params[name] = f"%{wanted}%"
    if filters.pillar:
        where.append("w.pillar = :pillar")
        params["pillar"] = filters.pillar
    if office_id:
        where.append("w.origin_office = :office")
        params["office"] = office_id
    return " AND ".join(where), params


# The present days of trainees, one row per (person, workshop, day), the person being the
# survivor of any merge: two merged records marked present the same day make one day.
# GROUP BY, not DISTINCT: SQLite then walks enrolments by workshop and sorts, instead of
# probing a temporary B-tree per mark (3 s against 7 s over a million marks); the workshop's
# dates let it skip the workshops outside the period.
_MARKS = """SELECT coalesce(pm.into_id, e.participant_id) AS person, e.workshop_id AS workshop, t.day AS day
  FROM attendance t
  JOIN enrolment e ON e.id = t.enrolment_id
  JOIN workshop w ON w.id = e.workshop_id
  JOIN participant enrolled ON enrolled.id = e.participant_id
  LEFT JOIN merge_map pm ON pm.table_name = 'participant' AND pm.record_id = e.participant_id
  WHERE t.present = 1 AND t.deleted = 0 AND e.deleted = 0 AND e.role = 'participant'
    AND enrolled.deleted = 0 AND w.status != 'cancelled' AND t.day BETWEEN :first AND :last
    AND w.start_date <= :last AND w.end_date >= :first AND {workshops}
  GROUP BY 1, 2, 3"""

# Individuals trained, grouped by everything the summary breaks them down by; Python then
# adds up these few groups (countries × sexes × agency kinds), never the people themselves.
_TRAINED = """WITH marks AS ({marks}),
people AS (SELECT person, count(*) AS days, count(DISTINCT workshop) AS workshops FROM marks GROUP BY person)
SELECT p.country AS country, p.sex AS sex, coalesce(a.kind, '') AS agency_kind,
       count(*) AS people, sum(people.days) AS days, sum(people.workshops > 1) AS several
  FROM people
  JOIN participant p ON p.id = people.person
  LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
  LEFT JOIN agency a ON a.id = coalesce(am.into_id, p.agency_id)
  WHERE p.deleted = 0
  GROUP BY 1, 2, 3"""

# Trainers, facilitators, speakers…: people who came in another role than participant.
_TRAINERS = """SELECT count(DISTINCT coalesce(pm.into_id, e.participant_id))
  FROM enrolment e
  JOIN workshop w ON w.id = e.workshop_id
  JOIN participant enrolled ON enrolled.id = e.participant_id
  LEFT JOIN merge_map pm ON pm.table_name = 'participant' AND pm.record_id = e.participant_id
  JOIN participant p ON p.id = coalesce(pm.into_id, e.participant_id)
  WHERE e.deleted = 0 AND e.role != 'participant' AND enrolled.deleted = 0 AND p.deleted = 0
    AND w.status != 'cancelled' AND w.start_date <= :last AND w.end_date >= :first
    AND EXISTS (SELECT 1 FROM attendance t WHERE t.enrolment_id = e.id AND t.present = 1 AND t.deleted = 0
                AND t.day BETWEEN :first AND :last)
    AND {workshops}"""

_WORKSHOPS = """SELECT w.kind, w.status, count(*) AS n FROM workshop w
  WHERE w.start_date <= :last AND w.end_date >= :first AND {workshops}
  GROUP BY 1, 2"""

# Outcomes of the period: the programme, funder, theme and pillar filters apply through the
# workshops an outcome is linked to; the country is the outcome's own.
_OUTCOME_WHERE = """o.deleted = 0 AND o.outcome_date BETWEEN :first AND :last {country} {office} {linked}"""
_LINKED = """AND EXISTS (SELECT 1 FROM outcome_workshop ow JOIN workshop w ON w.id = ow.workshop_id
    WHERE ow.outcome_id = o.id AND ow.deleted = 0 AND {workshops})"""
_OUTCOMES = """SELECT o.id, o.outcome_date, o.kind, o.title, o.country, o.verification FROM outcome o
  WHERE {where} ORDER BY o.outcome_date, o.title, o.id"""
_INDICATORS = """SELECT i.outcome_id, i.name, i.value, i.unit FROM indicator i JOIN outcome o ON o.id = i.outcome_id
  WHERE i.deleted = 0 AND {where} ORDER BY i.outcome_id, i.name, i.id"""
_INDICATOR_TOTALS = """SELECT i.name, i.unit, sum(i.value) AS total, count(DISTINCT i.outcome_id) AS outcomes
  FROM indicator i JOIN outcome o ON o.id = i.outcome_id
  WHERE i.deleted = 0 AND {where} GROUP BY i.name, i.unit ORDER BY i.name, i.unit"""


def _office(session, wanted: str) -> tuple[str, str]:
    if not wanted:
        return "", ""
    rows = session.execute(
        text("SELECT id, name FROM office WHERE deleted = 0 AND (id = :w OR upper(code) = upper(:w))"),
        {"w": wanted.strip()},
    ).all()
    if len(rows) != 1:
        raise FieldlogError(_("No office {office} is known here.").format(office=wanted))
    return rows[0].id, rows[0].name


def _add(groups: dict[str, dict[str, int]], key: str, row) -> None:
    group = groups.setdefault(key, {"people": 0, "women": 0, "men": 0, "days": 0})
    group["people"] += row.people
    group["days"] += row.days
    if row.sex == "F":
        group["women"] += row.people
    elif row.sex == "M":
        group["men"] += row.people


def _breakdowns(groups: dict[str, dict[str, int]]) -> list[Breakdown]:
    """Largest group first; ties by code so the order is stable."""
    return sorted((Breakdown(key=k, **v) for k, v in groups.items()), key=lambda b: (-b.people, b.key))


def programme_figures(db: Database, filters: SummaryFilters) -> ProgrammeFigures:
    filters = filters.checked()
    with db.read() as session:
        office_id, office_name = _office(session, filters.office)
        workshops, params = _workshop_filters(filters, office_id)
        params |= {"first": (filters.first or EARLIEST).isoformat(), "last": (filters.last or LATEST).isoformat()}

        trained_rows = session.execute(
            text(_TRAINED.format(marks=_MARKS.format(workshops=workshops))), params
        ).all()
        trainers = session.execute(text(_TRAINERS.format(workshops=workshops)), params).scalar_one()
        counts: dict[str, dict[str, int]] = {}
        cancelled = 0
        for kind, status, n in session.execute(text(_WORKSHOPS.format(workshops=workshops)), params):
            if status == "cancelled":
                cancelled += n
                continue
            counts.setdefault(kind, {"held": 0, "planned": 0})["held" if status == "held" else "planned"] += n

        linked = _LINKED.format(workshops=workshops) if any(
            (filters.programme, filters.funder, filters.theme, filters.pillar)) else ""
        where = _OUTCOME_WHERE.format(
            country="AND o.country = :country" if filters.country else "",
            office="AND o.origin_office = :office" if office_id else "",
            linked=linked,
        )
        indicators: dict[str, list[tuple[str, float, str]]] = {}
        for outcome_id, name, value, unit in session.execute(text(_INDICATORS.format(where=where)), params):
            indicators.setdefault(outcome_id, []).append((name, value, unit))
        outcomes = [
            OutcomeLine(
                id=r.id, outcome_date=date.fromisoformat(r.outcome_date), kind=r.kind, title=r.title,
                country=r.country, verification=r.verification, indicators=indicators.get(r.id, []),
            )
            for r in session.execute(text(_OUTCOMES.format(where=where)), params)
        ]
        totals = [IndicatorTotal(*r) for r in session.execute(text(_INDICATOR_TOTALS.format(where=where)), params)]

    everyone: dict[str, dict[str, int]] = {}
    by_country: dict[str, dict[str, int]] = {}
    by_kind: dict[str, dict[str, int]] = {}
    several = 0
    for row in trained_rows:
        _add(everyone, "", row)
        _add(by_country, row.country, row)
        _add(by_kind, row.agency_kind, row)
        several += row.several
    return ProgrammeFigures(
        filters=filters,
        office_name=office_name,
        workshops=sorted((WorkshopCount(kind=k, **v) for k, v in counts.items()), key=lambda w: (-w.total, w.kind)),
        cancelled=cancelled,
        trained=Breakdown(key="", **everyone.get("", {})),
        several_workshops=several,
        by_country=_breakdowns(by_country),
        by_agency_kind=_breakdowns(by_kind),
        trainers=trainers,
        outcomes=outcomes,
        indicators=totals,
    )
