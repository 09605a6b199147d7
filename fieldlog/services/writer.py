"""The single path by which records are written (docs/ARCHITECTURE.md §3.3–3.5).

A `Writer` lives for one transaction: it stamps each change with this office, the next
per-office sequence number and a hybrid-logical-clock value, and appends it to the change log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import insert, select, update
from sqlmodel import Session

from fieldlog.database import Database
from fieldlog.errors import NotFound, NotInitialised
from fieldlog.hlc import HybridClock
from fieldlog.i18n import _
from fieldlog.ids import attendance_id, new_id
from fieldlog.models import LOCAL_COLUMNS, ChangeLog, LocalState, SyncColumns
from fieldlog.sync.fold import Folded, fold, load_entries, replaced_knowingly
from fieldlog.text import sort_key

SYNC_COLUMNS = ("id", "origin_office", "hlc", "deleted")

# Locally derived columns, recomputed from the full row after every change.
DERIVED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "participant": lambda row: {"sort_key": sort_key(row.get("family_name"), row.get("given_names"))},
    "agency": lambda row: {"sort_key": sort_key(row.get("name"), row.get("acronym"))},
}


@lru_cache(maxsize=None)
def defaults_of(model: type[SyncColumns]) -> dict[str, Any]:
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if field.default is not PydanticUndefined and field.default_factory is None
    }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _log_data(values: dict[str, Any]) -> str:
    return json.dumps(
        {k: _json_value(v) for k, v in values.items() if k not in LOCAL_COLUMNS and k != "id"},
        ensure_ascii=False,
        sort_keys=True,
    )


@dataclass
class Writer:
    session: Session
    office_id: str
    author: str
    clock: HybridClock
    seq: int

    def _stamp(self) -> tuple[int, int]:
        self.seq += 1
        return self.seq, self.clock.tick()

    def _log(self, seq: int, stamp: int, table: str, record_id: str, op: str, data: dict) -> dict:
        return {
            "office_id": self.office_id,
            "seq": seq,
            "hlc": stamp,
            "table_name": table,
            "record_id": record_id,
            "op": op,
            "data": _log_data(data),
            "author": self.author,
        }

    def _row(self, model: type[SyncColumns], values: dict[str, Any]) -> tuple[dict, dict]:
        table = model.__tablename__
        seq, stamp = self._stamp()
        row = {**defaults_of(model), **values}
        if "id" not in row:
            row["id"] = attendance_id(row["enrolment_id"], row["day"]) if table == "attendance" else new_id()
        row.update(origin_office=self.office_id, hlc=stamp, deleted=False)
        if table in DERIVED:
            row.update(DERIVED[table](row))
        return row, self._log(seq, stamp, table, row["id"], "insert", row)

    def insert(self, model: type[SyncColumns], values: dict[str, Any]) -> str:
        row, log = self._row(model, values)
        self.session.execute(insert(model.__table__).values(**row))
        self.session.execute(insert(ChangeLog.__table__).values(**log))
        return row["id"]

    def bulk_insert(self, model: type[SyncColumns], rows: Iterable[dict[str, Any]]) -> list[str]:
        """Many inserts through Core executemany: the same stamps and log, at bulk speed."""
        made = [self._row(model, values) for values in rows]
        if made:
            self.session.execute(insert(model.__table__), [r for r, _ in made])
            self.session.execute(insert(ChangeLog.__table__), [log for _, log in made])
        return [r["id"] for r, _ in made]

    def current(self, model: type[SyncColumns], record_id: str) -> dict[str, Any]:
        row = self.session.execute(
            select(model.__table__).where(model.__table__.c.id == record_id)
        ).mappings().first()
        if row is None:
            raise NotFound(_("No such record: {id}").format(id=record_id))
        return dict(row)

    def update(
        self, model: type[SyncColumns], record_id: str, values: dict[str, Any], op: str = "update",
        *, settles: dict[str, list[tuple[int, str]]] | None = None,
    ) -> dict:
        """Write the fields that differ; returns them (empty when nothing changed).

        `settles` names, per column, conflicting values a person has reviewed: the write is
        made even when the value is unchanged, and those conflicts are settled everywhere."""
        table = model.__tablename__
        old = self.current(model, record_id)
        changed = {k: v for k, v in values.items() if k not in SYNC_COLUMNS[:3] and old.get(k) != v}
        for column in settles or {}:
            changed.setdefault(column, values.get(column, old.get(column)))
        if not changed:
            return {}
        base = self._base(table, record_id, changed)
        for column, stamps in (settles or {}).items():
            base[column] = sorted({*map(tuple, base.get(column, [])), *map(tuple, stamps)})
        seq, stamp = self._stamp()
        new_row = {**old, **changed}
        derived = DERIVED[table](new_row) if table in DERIVED else {}
        self.session.execute(
            update(model.__table__)
            .where(model.__table__.c.id == record_id)
            .values(**changed, **derived, hlc=stamp)
        )
        log = self._log(seq, stamp, table, record_id, op, changed)
        log["base"] = json.dumps({c: [list(s) for s in stamps] for c, stamps in base.items()}, sort_keys=True)
        self.session.execute(insert(ChangeLog.__table__).values(**log))
        cursor = raw_cursor(self.session)
        if cursor.execute("SELECT 1 FROM conflict WHERE table_name = ? AND record_id = ? LIMIT 1", (table, record_id)).fetchone():
            # Some of the record's open conflicts may be settled by this write.
            write_conflicts(cursor, table, record_id, fold(load_entries(cursor, table, record_id)))
        return changed

    def _base(self, table: str, record_id: str, columns) -> dict[str, list[tuple[int, str]]]:
        """The stamps of the values each column held when this write was made (see sync/fold.py)."""
        return replaced_knowingly(load_entries(raw_cursor(self.session), table, record_id), columns)

    def set_deleted(self, model: type[SyncColumns], record_id: str, deleted: bool) -> bool:
        return bool(self.update(model, record_id, {"deleted": deleted}, op="delete" if deleted else "restore"))


def raw_cursor(session: Session):
    """The sqlite3 cursor of the session's transaction, for hot loops that SQLAlchemy would slow."""
    return session.connection().connection.driver_connection.cursor()


def write_conflicts(cursor, table: str, record_id: str, folded: Folded, *, had_conflicts: bool = True) -> int:
    """Replace the record's conflicts by those its log now shows (`folded`); returns how many are
    new. Kept with the writer: a local write and an import both leave the conflict table so."""
    if not folded.conflicts:
        if had_conflicts:
            cursor.execute("DELETE FROM conflict WHERE table_name = ? AND record_id = ?", (table, record_id))
        return 0
    before = {
        (column, office, hlc)
        for column, office, hlc in cursor.execute(
            "SELECT column, loser_office, loser_hlc FROM conflict WHERE table_name = ? AND record_id = ?",
            (table, record_id),
        )
    }
    cursor.execute("DELETE FROM conflict WHERE table_name = ? AND record_id = ?", (table, record_id))
    new = 0
    for lost in folded.conflicts:
        cursor.execute(
            "INSERT INTO conflict (table_name, record_id, column, loser_office, loser_hlc, loser_value, loser_author) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (table, record_id, lost.column, lost.office_id, lost.hlc,
             json.dumps(lost.value, ensure_ascii=False), lost.author),
        )
        new += (lost.column, lost.office_id, lost.hlc) not in before
    return new


def writer_for(session: Session) -> Writer:
    state = session.get(LocalState, "local")
    if state is None:
        raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
    return Writer(
        session=session,
        office_id=state.office_id,
        author=state.author,
        clock=HybridClock(state.hlc_last),
        seq=state.seq_last,
    )


def save_clock(session: Session, writer: Writer) -> None:
    session.execute(
        update(LocalState.__table__)
        .where(LocalState.__table__.c.key == "local")
        .values(hlc_last=writer.clock.last, seq_last=writer.seq)
    )


@contextmanager
def writing(db: Database) -> Iterator[Writer]:
    """One write transaction with a Writer; nothing is kept if anything fails."""
    with db.write() as session:
        writer = writer_for(session)
        yield writer
        save_clock(session, writer)
