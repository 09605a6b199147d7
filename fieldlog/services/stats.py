"""Counts for Home and for `fieldlog stats --json`, computed by SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.services.workshops import WorkshopRow, list_workshops

# A person is "trained" by a day present, as a participant (a trainer is not a trainee),
# at a live workshop that was not cancelled; tombstoned people and enrolments count not at all.
# Asked per person (EXISTS) so each person counts once without a DISTINCT over every mark.
# Merged duplicates count once (docs/ARCHITECTURE.md §3.7): a record merged away (merge_map) is not a
# person; its survivor is trained by its own days or by those of a live record merged into it.
_TRAINED_BY = """SELECT 1 FROM enrolment e
  JOIN workshop w ON w.id = e.workshop_id
  JOIN attendance t ON t.enrolment_id = e.id
  WHERE e.participant_id = {who} AND e.deleted = 0 AND e.role = 'participant'
    AND w.deleted = 0 AND w.status != 'cancelled'
    AND t.present = 1 AND t.deleted = 0 AND t.day BETWEEN :first AND :last"""
_TRAINED = f"""
SELECT count(*) AS people,
       coalesce(sum(p.sex = 'F'), 0) AS women,
       coalesce(sum(p.sex = 'M'), 0) AS men
FROM participant p
WHERE p.deleted = 0
  AND p.id NOT IN (SELECT record_id FROM merge_map WHERE table_name = 'participant')
  AND (EXISTS ({_TRAINED_BY.format(who="p.id")})
       OR EXISTS (SELECT 1 FROM merge_map m JOIN participant d ON d.id = m.record_id
                  WHERE m.table_name = 'participant' AND m.into_id = p.id AND d.deleted = 0
                    AND EXISTS ({_TRAINED_BY.format(who="d.id")})))
"""

# Records merged away are not counted: the lists do not show them either.
_MERGED_AWAY = """(SELECT count(*) FROM merge_map m CROSS JOIN {table} r ON r.id = m.record_id
    WHERE m.table_name = '{table}' AND r.deleted = 0)"""
_RECORDS = f"""
SELECT
  (SELECT count(*) FROM workshop WHERE deleted = 0) AS workshops,
  (SELECT count(*) FROM participant WHERE deleted = 0) - {_MERGED_AWAY.format(table="participant")} AS participants,
  (SELECT count(*) FROM agency WHERE deleted = 0) - {_MERGED_AWAY.format(table="agency")} AS agencies,
  (SELECT count(*) FROM outcome WHERE deleted = 0) AS outcomes
"""

_MARKS = """
SELECT count(*) FROM attendance t
JOIN enrolment e ON e.id = t.enrolment_id
JOIN workshop w ON w.id = e.workshop_id
JOIN participant p ON p.id = e.participant_id
WHERE t.deleted = 0 AND e.deleted = 0 AND w.deleted = 0 AND p.deleted = 0
"""

# This office's own entries are numbered 1, 2, 3… with no gap, so the count is a subtraction.
_UNEXPORTED = "SELECT seq_last - exported_seq FROM local_state WHERE key = 'local'"


@dataclass(frozen=True)
class Trained:
    people: int
    women: int
    men: int


@dataclass(frozen=True)
class HomeCounts:
    workshops: int
    participants: int
    agencies: int
    outcomes: int
    latest: list[WorkshopRow]
    unexported: int


@dataclass(frozen=True)
class HomeTrained:
    year: int
    this_year: Trained
    ever: Trained


def trained(db: Database, *, first: date = date.min, last: date = date.max) -> Trained:
    with db.read() as session:
        row = session.execute(text(_TRAINED), {"first": first.isoformat(), "last": last.isoformat()}).one()
    return Trained(people=row.people, women=row.women, men=row.men)


def record_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return dict(session.execute(text(_RECORDS)).one()._asdict())


def stats(db: Database) -> dict[str, int]:
    """The stable contract of `fieldlog stats --json`."""
    with db.read() as session:
        marks = session.execute(text(_MARKS)).scalar_one()
    everyone = trained(db)
    return {
        **record_counts(db),
        "attendance_marks": marks,
        "individuals_trained": everyone.people,
        "women_trained": everyone.women,
    }


def unexported_changes(db: Database) -> int:
    with db.read() as session:
        return session.execute(text(_UNEXPORTED)).scalar_one_or_none() or 0


def home_counts(db: Database) -> HomeCounts:
    """What Home shows at once: record counts, the latest workshops, changes not exported."""
    return HomeCounts(**record_counts(db), latest=list_workshops(db, limit=5).rows, unexported=unexported_changes(db))


def home_trained(db: Database, *, today: date) -> HomeTrained:
    """The slower figures, computed after Home has painted its counts."""
    return HomeTrained(
        year=today.year,
        this_year=trained(db, first=date(today.year, 1, 1), last=date(today.year, 12, 31)),
        ever=trained(db),
    )
