"""Participants: the officers, magistrates and others who attend workshops."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from fieldlog.database import Database
from fieldlog.errors import NotFound
from fieldlog.i18n import _
from fieldlog.models import Agency, Participant, ParticipantBase
from fieldlog.services.common import PAGE_SIZE, Checker, Page
from fieldlog.services.writer import writing
from fieldlog.text import fold, fts_query, words
from fieldlog.vocabulary import SEX

SIMILAR_THRESHOLD = 85


@dataclass(frozen=True)
class ParticipantRow:
    id: str
    family_name: str
    given_names: str
    sex: str
    agency: str
    function: str
    country: str

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()} {self.given_names}".strip()


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
    clean = _validate(db, values)
    with writing(db) as writer:
        return writer.insert(Participant, clean)


def update_participant(db: Database, participant_id: str, **values) -> dict:
    clean = _validate(db, values)
    with writing(db) as writer:
        return writer.update(Participant, participant_id, clean)


def get_participant(db: Database, participant_id: str) -> ParticipantPublic:
    with db.read() as session:
        row = session.get(Participant, participant_id)
        if row is None:
            raise NotFound(_("No such participant."))
        return ParticipantPublic.model_validate(row, from_attributes=True)


_COLUMNS = """p.id, p.family_name, p.given_names, p.sex, p.function, p.country,
    COALESCE(NULLIF(a.acronym, ''), a.name, '') AS agency"""


def _row(r) -> ParticipantRow:
    return ParticipantRow(r.id, r.family_name, r.given_names, r.sex, r.agency, r.function, r.country)


def list_participants(
    db: Database, *, search: str = "", offset: int = 0, limit: int = PAGE_SIZE
) -> Page[ParticipantRow]:
    """A page in name order; `search` ignores case and accents ("traore" finds "Traoré")."""
    match = fts_query(search)
    params = {"offset": offset, "limit": limit}
    if match:
        source = "participant_fts f JOIN participant p ON p.rowid = f.rowid"
        where = "participant_fts MATCH :match AND p.deleted = 0"
        params["match"] = match
    else:
        source = "participant p"
        where = "p.deleted = 0"
    with db.read() as session:
        total = session.execute(text(f"SELECT count(*) FROM {source} WHERE {where}"), params).scalar_one()
        rows = session.execute(
            text(
                f"SELECT {_COLUMNS} FROM {source} LEFT JOIN agency a ON a.id = p.agency_id "
                f"WHERE {where} ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
    return Page(rows=[_row(r) for r in rows], total=total, offset=offset, limit=limit)


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
            text(
                f"SELECT {_COLUMNS} FROM participant_fts f JOIN participant p ON p.rowid = f.rowid "
                "LEFT JOIN agency a ON a.id = p.agency_id "
                "WHERE participant_fts MATCH :match AND p.deleted = 0 LIMIT 500"
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
