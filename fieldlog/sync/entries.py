"""Change-log entries as they travel in bundles, and their checks on arrival."""

from __future__ import annotations

import json
from typing import Any

from fieldlog.models import SYNCED_TABLES
from fieldlog.sync.columns import BadValue, check_value, table_columns

OPS = frozenset({"insert", "update", "delete", "restore"})
MAX_ID = 36
MAX_AUTHOR = 200
MAX_BASE = 1024  # stamps named in one column's base (normally one or two)
# HLC stamps from about the year 4200 on: a clock that observed one would outgrow SQLite's integers.
MAX_HLC = 1 << 62


class BadEntry(ValueError):
    """Why an entry is refused; `oversized` when a field is longer than its column allows."""

    def __init__(self, reason: str, *, oversized: bool = False):
        super().__init__(reason)
        self.oversized = oversized


def entry_to_wire(row) -> dict[str, Any]:
    wire = {
        "office_id": row.office_id, "seq": row.seq, "hlc": row.hlc, "table": row.table_name,
        "record_id": row.record_id, "op": row.op, "data": json.loads(row.data),
        "base": json.loads(row.base or "{}"), "author": row.author,
    }
    if getattr(row, "restamp_of", 0):  # only entries re-stamped after a restore carry it (§4.11)
        wire["restamp_of"] = row.restamp_of
    return wire


def _text(value: Any, limit: int, name: str) -> str:
    if not isinstance(value, str) or not value and name != "author":
        raise BadEntry(name)
    if len(value) > limit:
        raise BadEntry(name, oversized=True)
    return value


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise BadEntry(name)
    return value


def _stamp(value: Any) -> int:
    if _count(value, "hlc") >= MAX_HLC:
        raise BadEntry("hlc")
    return value


def entry_from_wire(line: bytes) -> dict[str, Any]:
    """Parse and check one line; returns the values of a change_log row."""
    try:
        raw = json.loads(line)
    except ValueError:
        raise BadEntry("json") from None
    if not isinstance(raw, dict):
        raise BadEntry("entry")
    table = raw.get("table")
    if table not in SYNCED_TABLES:
        raise BadEntry("table")
    op = raw.get("op")
    if op not in OPS:
        raise BadEntry("op")
    data, base = raw.get("data"), raw.get("base", {})
    if not isinstance(data, dict) or not isinstance(base, dict):
        raise BadEntry("data")
    columns = table_columns(table)
    for name, value in data.items():
        spec = columns.get(name)
        if spec is None:
            raise BadEntry(f"{table}.{name}")
        try:
            check_value(spec, value)
        except BadValue as error:
            raise BadEntry(f"{table}.{name}", oversized=len(error.args) > 1) from None
    for name, stamps in base.items():
        if name not in columns or not isinstance(stamps, list) or len(stamps) > MAX_BASE:
            raise BadEntry("base")
        for stamp in stamps:
            if not (isinstance(stamp, list) and len(stamp) == 2):
                raise BadEntry("base")
            _count(stamp[0], "base")
            _text(stamp[1], MAX_ID, "base")
    return {
        "office_id": _text(raw.get("office_id"), MAX_ID, "office_id"),
        "seq": _count(raw.get("seq"), "seq"),
        "hlc": _stamp(raw.get("hlc")),
        "table_name": table,
        "record_id": _text(raw.get("record_id"), MAX_ID, "record_id"),
        "op": op,
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        "author": _text(raw.get("author", ""), MAX_AUTHOR, "author"),
        "base": json.dumps(base, sort_keys=True) if base else "{}",
        "restamp_of": _count(raw.get("restamp_of", 0), "restamp_of"),
    }
