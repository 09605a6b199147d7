"""Bring one record's row in line with its change log (see fold.py), parking it when a parent
it points to has not arrived yet. Runs on the raw sqlite3 cursor of the import transaction:
an import may touch a hundred thousand records."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from fieldlog.models import SYNCED_TABLES
from fieldlog.services.writer import DERIVED, defaults_of, write_conflicts
from fieldlog.sync.columns import table_columns
from fieldlog.sync.fold import Entry, Folded, fold, load_entries

NEW, UPDATED, UNCHANGED, PARKED = "new", "updated", "unchanged", "parked"

def entries_of_affected(connection, table: str) -> Iterator[tuple[str, list[Entry]]]:
    """(record id, its whole log) for every record of `table` in the import's `sync_affected`,
    in one streamed query rather than one per record."""
    rows = connection.cursor().execute(
        "SELECT c.record_id, c.office_id, c.seq, c.hlc, c.op, c.data, c.base, c.author "
        "FROM sync_affected a JOIN change_log c ON c.record_id = a.record_id AND c.table_name = a.table_name "
        "WHERE a.table_name = ? ORDER BY a.record_id",
        (table,),
    )
    for record_id, group in groupby(rows, key=itemgetter(0)):
        yield record_id, [Entry.from_log(*row[1:]) for row in group]


@lru_cache(maxsize=None)
def _columns(table: str) -> tuple[str, ...]:
    return tuple(column.name for column in SYNCED_TABLES[table].__table__.columns)


@lru_cache(maxsize=None)
def _upsert_sql(table: str) -> str:
    columns = _columns(table)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}'


@lru_cache(maxsize=None)
def _stored_defaults(table: str) -> dict:
    return {k: _stored(v) for k, v in defaults_of(SYNCED_TABLES[table]).items()}


def _stored(value):
    """A value as SQLite holds it (what a SELECT gives back)."""
    if isinstance(value, bool):
        return int(value)
    return value


def _row_values(table: str, record_id: str, folded: Folded) -> tuple[dict | None, tuple[str, str] | None]:
    """The row to store, or the (table, id) it is waiting for."""
    specs = table_columns(table)
    if folded.origin_office is None:
        return None, (table, record_id)  # its creation has not arrived
    row = dict(_stored_defaults(table))
    for column, value in folded.values.items():
        if column in specs:
            row[column] = _stored(value)
    for spec in specs.values():
        if spec.name in ("origin_office", "hlc"):
            continue
        if spec.name not in row and not spec.nullable:
            return None, (table, record_id)
    row.update(id=record_id, origin_office=folded.origin_office, hlc=folded.top[0])
    if table in DERIVED:
        row.update(DERIVED[table](row))
    return row, None


def _missing_parent(cursor, table: str, row: dict, arriving: frozenset = frozenset()) -> tuple[str, str] | None:
    for spec in table_columns(table).values():
        value = row.get(spec.name)
        if spec.foreign_table and value is not None and (spec.foreign_table, value) not in arriving:
            if cursor.execute(f'SELECT 1 FROM "{spec.foreign_table}" WHERE id = ?', (value,)).fetchone() is None:
                return spec.foreign_table, value
    return None


def materialise(
    cursor, table: str, record_id: str, *, entries: list[Entry] | None = None, was_parked: bool = True,
    had_conflicts: bool = True, arriving: frozenset = frozenset(),
) -> tuple[str, int]:
    """Returns what happened to the row (NEW, UPDATED, UNCHANGED or PARKED) and new conflicts.
    A caller streaming many records passes their `entries`, and `was_parked=False` or
    `had_conflicts=False` when it knows (each saves a statement per record). `arriving`: (table, id) of
    parents written in the same step, with foreign keys deferred (see importer._apply_together)."""
    folded = fold(entries if entries is not None else load_entries(cursor, table, record_id))
    row, waiting_for = _row_values(table, record_id, folded)
    if row is not None:
        waiting_for = _missing_parent(cursor, table, row, arriving)
    if waiting_for is not None:
        cursor.execute(
            "INSERT OR REPLACE INTO parked (table_name, record_id, missing_table, missing_id) VALUES (?, ?, ?, ?)",
            (table, record_id, *waiting_for),
        )
        return PARKED, 0
    if was_parked:
        cursor.execute("DELETE FROM parked WHERE table_name = ? AND record_id = ?", (table, record_id))
    columns = _columns(table)
    cursor.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{table}" WHERE id = ?', (record_id,))
    existing = cursor.fetchone()
    values = tuple(row.get(c) for c in columns)
    if existing is not None and tuple(existing) == values:
        outcome = UNCHANGED
    else:
        cursor.execute(_upsert_sql(table), values)
        outcome = NEW if existing is None else UPDATED
    return outcome, write_conflicts(cursor, table, record_id, folded, had_conflicts=had_conflicts)
