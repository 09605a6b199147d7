"""Counts for Home and for `fieldlog stats --json`, computed by SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.services.workshops import WorkshopRow, list_workshops

# A person is "trained" by a day present, as a participant (a trainer is not a trainee),
# at a live workshop that was not cancelled; tombstoned people and enrolments count not at all.
_TRAINED = """
SELECT count(DISTINCT p.id) AS people,
       count(DISTINCT CASE WHEN p.sex = 'F' THEN p.id END) AS women,
       count(DISTINCT CASE WHEN p.sex = 'M' THEN p.id END) AS men
FROM attendance t
JOIN enrolment e ON e.id = t.enrolment_id
JOIN participant p ON p.id = e.participant_id
JOIN workshop w ON w.id = e.workshop_id
WHERE t.present = 1 AND t.deleted = 0 AND e.deleted = 0 AND p.deleted = 0
  AND w.deleted = 0 AND w.status != 'cancelled' AND e.role = 'participant'
  AND t.day BETWEEN :first AND :last
"""

_COUNTS = """
SELECT
  (SELECT count(*) FROM workshop WHERE deleted = 0) AS workshops,
  (SELECT count(*) FROM participant WHERE deleted = 0) AS participants,
  (SELECT count(*) FROM agency WHERE deleted = 0) AS agencies,
  (SELECT count(*) FROM outcome WHERE deleted = 0) AS outcomes,
  (SELECT count(*) FROM attendance t JOIN enrolment e ON e.id = t.enrolment_id
     JOIN workshop w ON w.id = e.workshop_id JOIN participant p ON p.id = e.participant_id
     WHERE t.deleted = 0 AND e.deleted = 0 AND w.deleted = 0 AND p.deleted = 0) AS attendance_marks
"""

_UNEXPORTED = """
SELECT count(*) FROM change_log c JOIN local_state s ON s.office_id = c.office_id
WHERE s.key = 'local' AND c.seq > s.exported_seq
"""


@dataclass(frozen=True)
class Trained:
    people: int
    women: int
    men: int


@dataclass(frozen=True)
class HomeSummary:
    workshops: int
    participants: int
    agencies: int
    outcomes: int
    year: int
    trained: Trained
    trained_ever: Trained
    latest: list[WorkshopRow]
    unexported: int


def trained(db: Database, *, first: date = date.min, last: date = date.max) -> Trained:
    with db.read() as session:
        row = session.execute(text(_TRAINED), {"first": first.isoformat(), "last": last.isoformat()}).one()
    return Trained(people=row.people, women=row.women, men=row.men)


def stats(db: Database) -> dict[str, int]:
    """The stable contract of `fieldlog stats --json`."""
    with db.read() as session:
        counts = session.execute(text(_COUNTS)).one()._asdict()
    everyone = trained(db)
    return {**counts, "individuals_trained": everyone.people, "women_trained": everyone.women}


def unexported_changes(db: Database) -> int:
    with db.read() as session:
        return session.execute(text(_UNEXPORTED)).scalar_one()


def home_summary(db: Database, *, today: date | None = None) -> HomeSummary:
    today = today or date.today()
    with db.read() as session:
        counts = session.execute(text(_COUNTS)).one()
    return HomeSummary(
        workshops=counts.workshops,
        participants=counts.participants,
        agencies=counts.agencies,
        outcomes=counts.outcomes,
        year=today.year,
        trained=trained(db, first=date(today.year, 1, 1), last=date(today.year, 12, 31)),
        trained_ever=trained(db),
        latest=list_workshops(db, limit=5).rows,
        unexported=unexported_changes(db),
    )
