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


# Search plans (DESIGN.md §7; bench/search.py measures them against raw FTS5 on 100,000 rows).
# SQLite left alone drives a MATCH join from the participant table and probes the FTS index
# once per participant (seconds at 100,000 rows), so every statement below fixes its plan:
# - the total counts FTS matches and subtracts those in the Trash (the FTS index mirrors the
#   participant table through the triggers of migration 0001, and `deleted` is 0 or 1);
# - few matches: FTS drives, only (sort_key, id) of the matches are sorted, and only the rows
#   of the page are joined to their agency;
# - many matches: walk the sort_key index in order and stop at the end of the page, testing
#   each row against the set of matches.
# No search: walk the sort_key index (never sort the whole table).
_SEARCH_TOTAL = """SELECT
    (SELECT count(*) FROM participant_fts WHERE participant_fts MATCH :match
        AND (NOT EXISTS (SELECT 1 FROM participant WHERE deleted = 1)
             OR rowid NOT IN (SELECT rowid FROM participant WHERE deleted = 1))),
    (SELECT max(rowid) FROM participant)"""
_FEW_MATCHES = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM participant_fts f CROSS JOIN participant p ON p.rowid = f.rowid
    WHERE participant_fts MATCH :match AND p.deleted = 0
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""
_MANY_MATCHES = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM participant p INDEXED BY ix_participant_sort_key
    WHERE p.rowid IN (SELECT rowid FROM participant_fts WHERE participant_fts MATCH :match)
        AND p.deleted = 0
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""
_ALL_TOTAL = """SELECT (SELECT count(*) FROM participant)
    - (SELECT count(*) FROM participant WHERE deleted = 1)"""
_ALL = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM participant p INDEXED BY ix_participant_sort_key
    WHERE p.deleted = 0
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""


def _page_sql(keys: str) -> str:
    """The page's rows and their agency, for the (rowid, sort_key, id) that `keys` selects."""
    return (
        f"SELECT {_COLUMNS} FROM ({keys}) s CROSS JOIN participant p ON p.rowid = s.r "
        "LEFT JOIN agency a ON a.id = p.agency_id ORDER BY s.k, s.i"
    )


def _many(matches: int, rows: int, end: int) -> bool:
    """Walk the name index rather than sort the matches? Sorting costs a table read per
    match. The walk stops after `end` matches: about end * rows / matches index entries when
    matches are spread through the alphabet, but up to the whole index when they are bunched
    (a family name). So walk only when the matches are at least an eighth of the table, where
    even a whole walk costs about what sorting them would, and the page is near the start."""
    return matches * 8 >= rows and end * rows * 2 <= matches * matches


def list_participants(
    db: Database, *, search: str = "", offset: int = 0, limit: int = PAGE_SIZE
) -> Page[ParticipantRow]:
    """A page in name order; `search` ignores case and accents ("traore" finds "Traoré")."""
    match = fts_query(search)
    params = {"match": match, "offset": offset, "limit": limit}
    with db.read() as session:
        connection = session.connection()
        if match:
            total, rows_estimate = connection.exec_driver_sql(_SEARCH_TOTAL, params).one()
            keys = _MANY_MATCHES if _many(total, rows_estimate or 0, offset + limit) else _FEW_MATCHES
        else:
            total = connection.exec_driver_sql(_ALL_TOTAL).scalar_one()
            keys = _ALL
        if offset >= total:
            rows = []
        else:
            rows = connection.exec_driver_sql(_page_sql(keys), params).all()
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
