"""What every report prints around its tables: the workshop's particulars, the page footer,
and a file name."""

from __future__ import annotations

import re
from datetime import date, datetime

from fieldlog.database import Database
from fieldlog.dates import format_moment, format_range
from fieldlog.i18n import _, current_language
from fieldlog.reports.workshop_data import WorkshopHeader
from fieldlog.text import fold
from fieldlog.vocabulary import WORKSHOP_KINDS, WORKSHOP_STATUSES, label, place


def long_date(day: date) -> str:
    """"lundi 23 novembre 2026" / "Monday, November 23, 2026"."""
    from babel.dates import format_date

    return format_date(day, format="full", locale=current_language())


def workshop_facts(workshop: WorkshopHeader) -> list[tuple[str, str]]:
    """The particulars a trainer and a donor expect at the top of a sheet; empty ones left out."""
    facts = [
        (_("Programme"), workshop.programme),
        (_("Kind"), label(WORKSHOP_KINDS, workshop.kind)),
        (_("Dates"), format_range(workshop.start_date, workshop.end_date, long=True)),
        (_("Venue"), workshop.venue),
        (_("Place"), place(workshop.city, workshop.country)),
        (_("Organisers"), workshop.organisers),
        (_("Partners"), workshop.partners),
        (_("Funders"), workshop.funders),
    ]
    if workshop.status == "cancelled":
        facts.append((_("Status"), label(WORKSHOP_STATUSES, workshop.status)))
    return [(name, value) for name, value in facts if value]


def printed_footer(db: Database, now: datetime | None = None) -> str:
    from fieldlog.services.offices import local_office

    office = local_office(db)
    moment = format_moment(now or datetime.now().astimezone())
    if office is None:
        return _("Printed {moment} with fieldlog").format(moment=moment)
    return _("Printed {moment} by {office} with fieldlog").format(moment=moment, office=office.name)


def file_stem(*parts: str) -> str:
    """"signin", "2026-11-23", "Atelier national…" → "signin-2026-11-23-atelier-national"."""
    words = [re.sub(r"[^a-z0-9]+", "-", fold(part)).strip("-") for part in parts if part]
    stem = "-".join(w for w in words if w)
    if len(stem) > 80:
        stem = stem[:81].rsplit("-", 1)[0]  # whole words only
    return stem or "report"
