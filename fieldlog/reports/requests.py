"""What the Reports screen asks for, as plain data, and the defaults a trainer expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldlog.database import Database
from fieldlog.reports.document import Document
from fieldlog.reports.figures import SummaryFilters
from fieldlog.reports.signin_sheet import WALK_IN_LINES


@dataclass(frozen=True)
class ReportRequest:
    report: str
    workshop_id: str = ""
    day: date | None = None
    walk_ins: int = WALK_IN_LINES
    filters: SummaryFilters = field(default_factory=SummaryFilters)
    # The programme summary without any name or free text, for donors.
    anonymous: bool = False


def build_report(db: Database, request: ReportRequest) -> Document:
    if request.report == "signin":
        from fieldlog.reports.signin_sheet import build_signin_sheet

        return build_signin_sheet(db, request.workshop_id, day=request.day, walk_ins=request.walk_ins)
    if request.report == "attendance":
        from fieldlog.reports.attendance_summary import build_attendance_summary

        return build_attendance_summary(db, request.workshop_id)
    from fieldlog.reports.programme_summary import build_programme_summary

    return build_programme_summary(db, request.filters, anonymous=request.anonymous)


def default_day(days: list[date], today: date) -> date:
    """Today if the workshop is on, else its next day, else (all past) its first day."""
    if today in days:
        return today
    return next((day for day in days if day > today), days[0])


def nearest_workshop(ranges: list[tuple[str, date, date]], today: date) -> str | None:
    """The workshop on today, else the one that starts or ended closest to today."""

    def distance(item: tuple[str, date, date]) -> int:
        _id, first, last = item
        if first <= today <= last:
            return 0
        return (first - today).days if first > today else (today - last).days

    return min(ranges, key=distance)[0] if ranges else None
