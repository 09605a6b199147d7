"""Participants: the officers, magistrates and others who attend workshops."""

from __future__ import annotations

from sqlalchemy import func, select, text

from fieldlog.database import Database
from fieldlog.i18n import _
from fieldlog.models import Agency, Participant, ParticipantBase
from fieldlog.services.common import Checker
# The listing lives apart, free of the ORM; it is part of this service's interface too.
from fieldlog.services.participant_search import _COLUMNS, ParticipantRow, _row, list_participants  # noqa: F401
from fieldlog.services.records import create_record, read_public, update_record
from fieldlog.text import fold, words
from fieldlog.vocabulary import SEX

SIMILAR_THRESHOLD = 85


class ParticipantPublic(ParticipantBase):
    id: str
    deleted: bool = False


def _validate(db: Database, values: dict) -> dict:
    check = Checker()
    clean = {
        "family_name": check.text("family_name", values.get("family_name"), required=True, max_length=200),
        "given_names": check.text("given_names", values.get("given_names"), max_length=200),
        "sex": check.choice("sex", values.get("sex"), SEX),
        "agency_id": values.get("agency_id") or None,
        "function": check.text("function", values.get("function"), max_length=200),
        "country": check.country("country", values.get("country")),
        "phone": check.text("phone", values.get("phone"), max_length=60),
        "email": check.email("email", values.get("email")),
    }
    if clean["agency_id"]:
        with db.read() as session:
            if session.get(Agency, clean["agency_id"]) is None:
                check.fail("agency_id", _("No such agency."))
    check.check()
    return clean


def create_participant(db: Database, **values) -> str:
    return create_record(db, Participant, _validate(db, values))


def update_participant(db: Database, participant_id: str, **values) -> dict:
    return update_record(db, Participant, participant_id, _validate(db, values))


def get_participant(db: Database, participant_id: str) -> ParticipantPublic:
    return read_public(db, Participant, ParticipantPublic, participant_id, missing=_("No such participant."))


# The columns of a ParticipantRow, in its field order.
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
                f"SELECT {_COLUMNS} FROM participant_fts f CROSS JOIN participant p ON p.rowid = f.rowid "
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
            scored.append((_row(r), score))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def count_participants(db: Database) -> int:
    with db.read() as session:
        return session.execute(
            select(func.count()).select_from(Participant).where(Participant.deleted == False)  # noqa: E712
        ).scalar_one()
