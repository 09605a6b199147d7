"""Probable duplicate pairs of participants or agencies, scored 0–100 with their reasons.

Reads only the columns matching needs, on a plain sqlite3 cursor (100,000 rows), pairs them
with `duplicate_matching`, and reads names for the pairs it returns only.

Score: 70% name similarity, plus up to 30 points of evidence, less penalties:
- people: same phone or e-mail +30, same agency +20, same country +10; both sexes recorded
  and different −30;
- agencies: same acronym +30, same country +10; both countries recorded and different −40.
A pair is proposed from MIN_SCORE (70): the same name alone ("TRAORE Moussa", "Moussa Traoré")
is proposed; a similar name ("Traoré Mousa") needs some evidence, if only the same country; a
shared phone or e-mail needs names somewhat alike (57 or more), so that colleagues given the
office's number are not proposed.
"""

from __future__ import annotations

import gc
import heapq
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from fieldlog.database import Database
from fieldlog.i18n import N_
from fieldlog.services.duplicate_matching import (
    NAME_CUTOFF, Entry, candidate_indices, email_key, folded_name_key, name_key, phone_key,
)
from fieldlog.services.participant_search import read_snapshot
from fieldlog.text import words

MIN_SCORE = 70
DEFAULT_LIMIT = 200

# Stable codes (for scripts), shown translated.
REASONS = {
    "same_name": N_("same name"),
    "similar_name": N_("similar name"),
    "same_phone": N_("same phone"),
    "same_email": N_("same e-mail"),
    "same_agency": N_("same agency"),
    "same_acronym": N_("same acronym"),
    "same_country": N_("same country"),
    "different_sex": N_("different sex"),
    "different_country": N_("different country"),
}


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that may be one. `first_id` is the older record (ids grow with time)."""

    table: str
    first_id: str
    second_id: str
    first_name: str
    second_name: str
    score: int
    reasons: tuple[str, ...]
    first_detail: str = ""  # agency of a person, acronym of an agency
    second_detail: str = ""
    first_country: str = ""
    second_country: str = ""


# --- participants ------------------------------------------------------------------------

_PARTICIPANTS = """SELECT id, sort_key, sex, agency_id, country, phone, email FROM participant
    WHERE deleted = 0 AND id NOT IN (SELECT record_id FROM merge_map WHERE table_name = 'participant')"""
_PARTICIPANT_NAMES = """SELECT p.id, p.family_name, p.given_names, p.country,
    COALESCE(NULLIF(a.acronym, ''), a.name, '') AS agency
    FROM participant p
    LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
    LEFT JOIN agency a ON a.id = COALESCE(am.into_id, p.agency_id)
    WHERE p.id IN (SELECT value FROM json_each(?))"""

# Indices into a participant record: (id, key, sex, agency, country, phone, email).
_ID, _KEY, _SEX, _AGENCY, _COUNTRY, _PHONE, _EMAIL = range(7)


def _participant_records(cursor) -> tuple[list[tuple], list[Entry]]:
    agency_into = dict(cursor.execute("SELECT record_id, into_id FROM merge_map WHERE table_name = 'agency'"))
    keys: dict[str, str] = {}  # names repeat: make each key once
    records, entries = [], []
    for record_id, sort_key, sex, agency, country, phone, email in cursor.execute(_PARTICIPANTS):
        key = keys.get(sort_key)
        if key is None:
            key = keys[sort_key] = folded_name_key(sort_key or "")
        if agency in agency_into:
            agency = agency_into[agency]
        contacts: tuple[str, ...] = ()
        if phone or email:
            phone, email = phone_key(phone), email_key(email)
            contacts = tuple(c for c in ("phone:" + phone if phone else "", "email:" + email if email else "") if c)
        records.append((record_id, key, sex, agency, country, phone, email))
        entries.append(Entry(key, contacts, agency))
    return records, entries


def _score_participants(a: tuple, b: tuple, name: float) -> tuple[int, tuple[str, ...]]:
    reasons = _name_reasons(name)
    evidence = 0
    if a[_PHONE] and a[_PHONE] == b[_PHONE]:
        reasons.append("same_phone")
        evidence += 30
    if a[_EMAIL] and a[_EMAIL] == b[_EMAIL]:
        reasons.append("same_email")
        evidence += 30
    if a[_AGENCY] and a[_AGENCY] == b[_AGENCY]:
        reasons.append("same_agency")
        evidence += 20
    if a[_COUNTRY] and a[_COUNTRY] == b[_COUNTRY]:
        reasons.append("same_country")
        evidence += 10
    penalty = 0
    if a[_SEX] and b[_SEX] and a[_SEX] != b[_SEX]:
        reasons.append("different_sex")
        penalty = 30
    return _score(name, evidence, penalty), tuple(reasons)


def _participant_details(cursor, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    return {
        r[0]: (f"{r[1].upper()} {r[2]}".strip(), r[4], r[3])
        for r in cursor.execute(_PARTICIPANT_NAMES, (json.dumps(ids),))
    }


# --- agencies ----------------------------------------------------------------------------

_AGENCIES = """SELECT id, name, acronym, country FROM agency
    WHERE deleted = 0 AND id NOT IN (SELECT record_id FROM merge_map WHERE table_name = 'agency')"""
_AGENCY_NAMES = "SELECT id, name, acronym, country FROM agency WHERE id IN (SELECT value FROM json_each(?))"

# Indices into an agency record: (id, key, acronym, country).
_A_ACRONYM, _A_COUNTRY = 2, 3


def _agency_records(cursor) -> tuple[list[tuple], list[Entry]]:
    records, entries = [], []
    for record_id, name, acronym, country in cursor.execute(_AGENCIES):
        key, acronym = name_key(name), "".join(words(acronym or ""))
        records.append((record_id, key, acronym, country))
        entries.append(Entry(key, ("acronym:" + acronym,) if len(acronym) >= 2 else (), country))
    return records, entries


def _score_agencies(a: tuple, b: tuple, name: float) -> tuple[int, tuple[str, ...]]:
    reasons = _name_reasons(name)
    evidence = penalty = 0
    if a[_A_ACRONYM] and a[_A_ACRONYM] == b[_A_ACRONYM]:
        reasons.append("same_acronym")
        evidence += 30
    if a[_A_COUNTRY] and b[_A_COUNTRY]:
        if a[_A_COUNTRY] == b[_A_COUNTRY]:
            reasons.append("same_country")
            evidence += 10
        else:
            reasons.append("different_country")
            penalty = 40
    return _score(name, evidence, penalty), tuple(reasons)


def _agency_details(cursor, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    return {r[0]: (r[1], r[2], r[3]) for r in cursor.execute(_AGENCY_NAMES, (json.dumps(ids),))}


# --- both --------------------------------------------------------------------------------


def _name_reasons(name: float) -> list[str]:
    if name >= 100:
        return ["same_name"]
    return ["similar_name"] if name >= NAME_CUTOFF else []


def _score(name: float, evidence: int, penalty: int) -> int:
    return max(0, min(100, round(0.7 * name + min(evidence, 30) - penalty)))


@dataclass(frozen=True)
class _Kind:
    records: Callable[..., tuple[list[tuple], list[Entry]]]
    score: Callable[[tuple, tuple, float], tuple[int, tuple[str, ...]]]
    details: Callable[..., dict[str, tuple[str, str, str]]]


KINDS = {
    "participant": _Kind(_participant_records, _score_participants, _participant_details),
    "agency": _Kind(_agency_records, _score_agencies, _agency_details),
}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Matching makes a few hundred thousand small tuples, none in a cycle; the cyclic garbage
    collector would walk them all again and again as they pile up (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def find_candidates(db: Database, *, table: str, limit: int = DEFAULT_LIMIT) -> list[DuplicatePair]:
    """The `limit` most probable pairs of live records of `table` ('participant' or 'agency')
    not merged away and not already decided, best first."""
    kind = KINDS[table]
    with read_snapshot(db) as cursor, _collector_paused():
        records, entries = kind.records(cursor)
        decided = {
            (a, b) if a < b else (b, a)
            for a, b in cursor.execute(
                "SELECT record_id, other_id FROM duplicate_decision WHERE deleted = 0 AND table_name = ?", (table,)
            )
        }
        best = heapq.nsmallest(limit, _scored(records, entries, kind, decided))
        ids = list({record_id for *_order, first, second, _r in best for record_id in (first, second)})
        details = kind.details(cursor, ids) if ids else {}
    return [_pair(table, first, second, -negated, reasons, details) for negated, _n, _k, first, second, reasons in best]


def _scored(records: Sequence[tuple], entries: Sequence[Entry], kind: _Kind, decided: set[tuple[str, str]]):
    """(−score, −reasons, name key, first id, second id, reasons) of every pair worth
    proposing: at equal scores, more in common first, then in name order."""
    for (i, j), name in candidate_indices(entries).items():
        a, b = records[i], records[j]
        if a[_ID] > b[_ID]:
            a, b = b, a
        if (a[_ID], b[_ID]) in decided:
            continue
        score, reasons = kind.score(a, b, name)
        if score >= MIN_SCORE:
            yield (-score, -len(reasons), a[_KEY], a[_ID], b[_ID], reasons)


def _pair(table: str, first: str, second: str, score: int, reasons, details) -> DuplicatePair:
    first_name, first_detail, first_country = details.get(first, ("", "", ""))
    second_name, second_detail, second_country = details.get(second, ("", "", ""))
    return DuplicatePair(
        table=table, first_id=first, second_id=second, first_name=first_name, second_name=second_name,
        score=score, reasons=reasons, first_detail=first_detail, second_detail=second_detail,
        first_country=first_country, second_country=second_country,
    )
