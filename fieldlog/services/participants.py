"""Participants: the officers, magistrates and others who attend workshops."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, TypedDict, Unpack

from sqlalchemy import func, select, text

from fieldlog.database import Database
from fieldlog.i18n import _
from fieldlog.models import Agency, Participant, ParticipantBase
from fieldlog.services.common import Checker, Rule, checked_fields
# The listing lives apart, free of the ORM; it is part of this service's interface too.
from fieldlog.services.participant_search import ParticipantRow, list_participants  # noqa: F401
from fieldlog.services.participant_search import ROW_COLUMNS, participant_row
from fieldlog.services.records import create_record, read_public, update_record
from fieldlog.text import fold, words
from fieldlog.vocabulary import SEX

SIMILAR_THRESHOLD = 85


class ParticipantPublic(ParticipantBase):
    id: str
    deleted: bool = False


class ParticipantFields(TypedDict, total=False):
    """A participant's fields as a form or a file gives them; the service checks and cleans
    them. A new participant needs a family name and a sex."""

    family_name: str
    given_names: str
    sex: str | None
    agency_id: str | None
    function: str
    country: str | None
    phone: str
    email: str


RULES: dict[str, Rule] = {
    "family_name": partial(Checker.text, required=True, max_length=200),
    "given_names": partial(Checker.text, max_length=200),
    "sex": partial(Checker.choice, table=SEX),
    "agency_id": Checker.reference,
    "function": partial(Checker.text, max_length=200),
    "country": Checker.country,
    "phone": partial(Checker.text, max_length=60),
    "email": Checker.email,
}


def validate_participant(db: Database, values: Mapping[str, Any], *, current: Mapping[str, Any] | None = None) -> dict:
    """The clean values of a new participant, or, given the `current` record, of the changes
    `values` make to it (those fields only). Raises ValidationError, field by field."""
    check = Checker()
    clean = checked_fields(check, RULES, values, record="participant", partial=current is not None)
    if clean.get("agency_id"):
        with db.read() as session:
            if session.get(Agency, clean["agency_id"]) is None:
                check.fail("agency_id", _("No such agency."))
    check.check()
    return clean


def create_participant(db: Database, **values: Unpack[ParticipantFields]) -> str:
    return create_record(db, Participant, validate_participant(db, values))


def update_participant(db: Database, participant_id: str, **changes: Unpack[ParticipantFields]) -> dict:
    """Change the fields given, and no other; returns those that differed."""
    return update_record(db, Participant, participant_id,
                         lambda current: validate_participant(db, changes, current=current))


def get_participant(db: Database, participant_id: str) -> ParticipantPublic:
    return read_public(db, Participant, ParticipantPublic, participant_id, missing=_("No such participant."))


def similar_participants(
    db: Database, *, family_name: str, given_names: str = "", exclude_id: str | None = None, limit: int = 5
) -> list[tuple[ParticipantRow, float]]:
    """Live participants whose name looks like this one, ignoring accents, case and word
    order ("TRAORE Moussa" ~ "Moussa Traoré"), best first."""
    from rapidfuzz import fuzz

    tokens = words(f"{family_name} {given_names}")
    if not tokens:
        return []
    target = " ".join(tokens)
    match = " OR ".join(f'"{t}"' for t in tokens)
    with db.read() as session:
        rows = session.execute(
            text(  # CROSS JOIN: FTS drives (SQLite would probe it once per participant: 0.3 s at 100,000)
                f"SELECT {ROW_COLUMNS} FROM participant_fts f CROSS JOIN participant p ON p.rowid = f.rowid "
                "LEFT JOIN agency a ON a.id = p.agency_id "
                "WHERE participant_fts MATCH :match AND p.deleted = 0 AND NOT EXISTS "
                "(SELECT 1 FROM merge_map m WHERE m.table_name = 'participant' AND m.record_id = p.id) LIMIT 500"
            ),
            {"match": match},
        ).all()
    scored = []
    for r in rows:
        if r.id == exclude_id:
            continue
        score = fuzz.token_sort_ratio(target, fold(f"{r.family_name} {r.given_names}"))
        if score >= SIMILAR_THRESHOLD:
            scored.append((participant_row(r), score))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def count_participants(db: Database) -> int:
    with db.read() as session:
        return session.execute(
            select(func.count()).select_from(Participant).where(Participant.deleted == False)  # noqa: E712
        ).scalar_one()
