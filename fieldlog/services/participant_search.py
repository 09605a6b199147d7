"""Listing and searching participants: a page in name order from SQL, for the screen that
types as it searches. Kept free of the ORM and the models so the list paints quickly at start."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fieldlog.database import Database
from fieldlog.services.common import PAGE_SIZE, Page
from fieldlog.text import fts_query, words


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


# The columns of a ParticipantRow, in its field order, from participant p and agency a.
ROW_COLUMNS = """p.id, p.family_name, p.given_names, p.sex,
    COALESCE(NULLIF(a.acronym, ''), a.name, '') AS agency, p.function, p.country"""


def participant_row(r) -> ParticipantRow:
    return ParticipantRow(r.id, r.family_name, r.given_names, r.sex, r.agency, r.function, r.country)


# Search (docs/ARCHITECTURE.md §7; bench/search.py measures it against the raw FTS5 query on 100,000 rows).
# The FTS index holds the live participants only (migration 0001's triggers keep it so). FTS5
# answers a prefix query by first merging the lists of every term that starts with it, however
# few rows are then read: that merge is most of the raw query's time for "a" or "coulibaly a".
# So a search queries the index once, into a temporary table of the matching rowids (one per
# connection, emptied by the next search), and reads the total (its row count) and the page from
# there. SQLite left alone would drive a join from the participant table, so every statement
# below fixes its plan:
# - few matches: read (sort_key, id) of each match and sort them;
# - many matches: walk the sort_key index in order, testing each entry against the table of
#   matches, and stop at the end of the page;
# - no search: walk the sort_key index (never sort the whole table).
# Only the rows of the page are joined to their agency.
# Duplicates merged away (merge_map, docs/ARCHITECTURE.md §3.6) are hidden but not deleted: they are taken
# out of the matches after the search, and the whole list skips them as it walks; both cost
# work per merge, not per participant. A person's agency shows as the agency it was merged into.
_MATCHES_TABLE = "CREATE TEMP TABLE IF NOT EXISTS participant_match (r INTEGER PRIMARY KEY)"
_CLEAR_MATCHES = "DELETE FROM temp.participant_match"
_FILL_MATCHES = """INSERT INTO temp.participant_match (r)
    SELECT rowid FROM participant_fts WHERE participant_fts MATCH :match"""
_HIDE_MERGED_MATCHES = """DELETE FROM temp.participant_match WHERE r IN (SELECT p.rowid
    FROM merge_map m CROSS JOIN participant p ON p.id = m.record_id WHERE m.table_name = 'participant')"""
_SEARCH_TOTAL = "SELECT count(*) FROM temp.participant_match"
_FEW_MATCHES = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM temp.participant_match m CROSS JOIN participant p ON p.rowid = m.r
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""
_MANY_MATCHES = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM participant p INDEXED BY ix_participant_sort_key
    WHERE p.rowid IN temp.participant_match
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""
# Every participant (counted on the smallest index) less those in the Trash (its partial index)
# and those merged away.
_ALL_TOTAL = """SELECT (SELECT count(*) FROM participant)
    - (SELECT count(*) FROM participant WHERE deleted = 1)
    - (SELECT count(*) FROM merge_map m CROSS JOIN participant p ON p.id = m.record_id
       WHERE m.table_name = 'participant' AND p.deleted = 0)"""
_ALL = """SELECT p.rowid AS r, p.sort_key AS k, p.id AS i
    FROM participant p INDEXED BY ix_participant_sort_key
    WHERE p.deleted = 0 AND p.id NOT IN (SELECT record_id FROM merge_map WHERE table_name = 'participant')
    ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset"""
# For the choice of plan: the table's size, and how many names start with the text typed.
_ROWS = "SELECT max(rowid) FROM participant"
_NAMES_STARTING = """SELECT count(*) FROM (SELECT 1 FROM participant INDEXED BY ix_participant_sort_key
    WHERE sort_key >= :start AND sort_key < :start || char(1114111) LIMIT :cap)"""


def _page_sql(keys: str) -> str:
    """The page's rows and their agency, for the (rowid, sort_key, id) that `keys` selects."""
    return (
        f"SELECT {ROW_COLUMNS} FROM ({keys}) s CROSS JOIN participant p ON p.rowid = s.r "
        "LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id "
        "LEFT JOIN agency a ON a.id = COALESCE(am.into_id, p.agency_id) ORDER BY s.k, s.i"
    )


def _many(cursor: sqlite3.Cursor, typed: list[str], matches: int, end: int) -> bool:
    """Walk the name index rather than sort the matches? Sorting reads the row of every match
    (~0.6 µs each); the walk tests index entries against the matches (~0.25 µs each) and stops
    once it has met `end` of them. Matches whose name starts with the text typed (a family
    name) are bunched in one stretch of the index; the others (given names, emails) are spread
    through it, and about end * rows / spread entries hold `end` of them. Walk when that is
    under twice the matches. The guess can be wrong ("ahmed" finds the family "Ould Ahmed"), so
    walk only when the matches are a twelfth of the table or more: a whole walk then costs at
    most about five times the sort."""
    rows = cursor.execute(_ROWS).fetchone()[0] or 0
    if matches * 12 < rows:
        return False
    params = {"start": " ".join(typed), "cap": matches}
    spread = matches - cursor.execute(_NAMES_STARTING, params).fetchone()[0]
    return end * rows <= 2 * matches * spread


@contextmanager
def read_snapshot(db: Database) -> Iterator[sqlite3.Cursor]:
    """A plain sqlite3 cursor in one read transaction (the total and the page agree), on a
    connection of the engine's pool. Typing runs a search per key: this path skips the ORM
    session and SQLAlchemy's result rows, a fifth of a millisecond a call."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.driver_connection.cursor()
        cursor.execute("BEGIN")
        yield cursor
        cursor.execute("COMMIT")
    finally:
        connection.close()  # back to the pool, which rolls back a transaction left open


def list_participants(
    db: Database, *, search: str = "", offset: int = 0, limit: int = PAGE_SIZE
) -> Page[ParticipantRow]:
    """A page in name order; `search` ignores case and accents ("traore" finds "Traoré")."""
    match = fts_query(search)
    params = {"match": match, "offset": offset, "limit": limit}
    with read_snapshot(db) as cursor:
        if match:
            cursor.execute(_MATCHES_TABLE)
            cursor.execute(_CLEAR_MATCHES)
            cursor.execute(_FILL_MATCHES, params)
            cursor.execute(_HIDE_MERGED_MATCHES)
            total = cursor.execute(_SEARCH_TOTAL).fetchone()[0]
        else:
            total = cursor.execute(_ALL_TOTAL).fetchone()[0]
        rows = []
        if offset < total:
            if not match:
                keys = _ALL
            elif _many(cursor, words(search), total, offset + limit):
                keys = _MANY_MATCHES
            else:
                keys = _FEW_MATCHES
            rows = cursor.execute(_page_sql(keys), params).fetchall()
    return Page(rows=[ParticipantRow(*r) for r in rows], total=total, offset=offset, limit=limit)
