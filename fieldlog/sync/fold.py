"""A record's state is a function of its change-log entries, whatever order they arrived in.

Each column takes the value of the latest write to it, ordered by (HLC, office id). A losing
write is a conflict when no later write to that column saw it: neither a later write by the
same office (an office always sees its own earlier writes) nor one that named it in its base.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Stamp = tuple[int, str]  # (hlc, office_id): unique, and totally ordered

# Carried in an insert entry's data but taken from the entry itself, not folded as columns.
ENTRY_FIELDS = frozenset({"origin_office", "hlc"})


@dataclass(frozen=True)
class Entry:
    office_id: str
    seq: int
    hlc: int
    op: str
    data: dict[str, Any]
    base: dict[str, list[Stamp]]
    author: str = ""

    @property
    def stamp(self) -> Stamp:
        return (self.hlc, self.office_id)

    @classmethod
    def from_log(cls, office_id: str, seq: int, hlc: int, op: str, data: str, base: str, author: str) -> Entry:
        """From a change_log row, columns in the order of LOG_COLUMNS."""
        stamps = json.loads(base) if base and base != "{}" else {}  # most entries have no base
        return cls(
            office_id=office_id, seq=seq, hlc=hlc, op=op, data=json.loads(data or "{}"),
            base={column: [(int(h), str(o)) for h, o in pairs] for column, pairs in stamps.items()},
            author=author or "",
        )


LOG_COLUMNS = "office_id, seq, hlc, op, data, base, author"


def load_entries(cursor, table: str, record_id: str) -> list[Entry]:
    """A record's whole change log, read on a sqlite3 cursor."""
    rows = cursor.execute(
        f"SELECT {LOG_COLUMNS} FROM change_log WHERE record_id = ? AND table_name = ?", (record_id, table)
    )
    return [Entry.from_log(*row) for row in rows]


@dataclass(frozen=True)
class LostWrite:
    column: str
    office_id: str
    hlc: int
    value: Any
    author: str


@dataclass
class Folded:
    values: dict[str, Any] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    origin_office: str | None = None  # office of the earliest insert; None when no insert yet
    top: Stamp = (0, "")
    conflicts: list[LostWrite] = field(default_factory=list)


def _order(entry: Entry) -> tuple[int, str, int]:
    # The seq breaks a tie that only an office restored from a backup can make (§4.11): its clock,
    # set back too, may stamp two different writes alike.
    return entry.hlc, entry.office_id, entry.seq


def fold(entries: Iterable[Entry]) -> Folded:
    ordered = sorted(entries, key=_order)
    result = Folded()
    writes: dict[str, list[tuple[Entry, Any]]] = {}
    for entry in ordered:
        if entry.op == "insert" and result.origin_office is None:
            result.origin_office = entry.office_id
        for column, value in entry.data.items():
            if column not in ENTRY_FIELDS:
                writes.setdefault(column, []).append((entry, value))
        result.top = entry.stamp
    for column, column_writes in writes.items():
        winner, value = column_writes[-1]
        result.values[column] = value
        result.stamps[column] = winner.stamp
        result.authors[column] = winner.author
        for position, (loser, lost_value) in enumerate(column_writes[:-1]):
            if lost_value == value or _seen_later(loser, column, column_writes[position + 1:]):
                continue
            result.conflicts.append(
                LostWrite(column=column, office_id=loser.office_id, hlc=loser.hlc, value=lost_value, author=loser.author)
            )
    return result


def _seen_later(loser: Entry, column: str, later: list[tuple[Entry, Any]]) -> bool:
    return any(
        entry.office_id == loser.office_id or loser.stamp in entry.base.get(column, ())
        for entry, _value in later
    )


def replaced_knowingly(entries: Iterable[Entry], columns) -> dict[str, list[Stamp]]:
    """Per column, the stamps a new write to it replaces knowingly (its `base`): every write of the
    value in force that no later write saw, the latest one and any other office's concurrent
    write of the same value. Those of losing values are left out: they stay conflicts until a
    person settles them (Writer.update's `settles`)."""
    writes: dict[str, list[tuple[Entry, Any]]] = {}
    for entry in sorted(entries, key=_order):
        for column, value in entry.data.items():
            if column in columns and column not in ENTRY_FIELDS:
                writes.setdefault(column, []).append((entry, value))
    base = {}
    for column, column_writes in writes.items():
        value = column_writes[-1][1]
        base[column] = [
            entry.stamp for position, (entry, written) in enumerate(column_writes)
            if written == value and not _seen_later(entry, column, column_writes[position + 1:])
        ]
    return base
