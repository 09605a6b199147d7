"""What each synced table's change-log data may hold, read off the models.

Used to refuse hostile bundles (wrong types, oversized fields, unknown columns) before anything
is applied, and to turn JSON values back into column values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from fieldlog.models import LOCAL_COLUMNS, SYNCED_TABLES

MAX_TEXT = 10_000  # for text columns without a declared length


class BadValue(ValueError):
    pass


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # "text", "int", "bool", "float", "date"
    nullable: bool
    max_length: int
    foreign_table: str | None


def _kind(column: sa.Column) -> str:
    python_type = column.type.python_type
    if python_type is bool:
        return "bool"
    if python_type is int:
        return "int"
    if python_type is float:
        return "float"
    if python_type is date:
        return "date"
    return "text"


@lru_cache(maxsize=None)
def table_columns(table_name: str) -> dict[str, ColumnSpec]:
    table = SYNCED_TABLES[table_name].__table__
    specs = {}
    for column in table.columns:
        if column.name in LOCAL_COLUMNS or column.name == "id":
            continue
        foreign = next(iter(column.foreign_keys), None)
        specs[column.name] = ColumnSpec(
            name=column.name,
            kind=_kind(column),
            nullable=bool(column.nullable),
            max_length=getattr(column.type, "length", None) or MAX_TEXT,
            foreign_table=foreign.column.table.name if foreign is not None else None,
        )
    return specs


def check_value(spec: ColumnSpec, value: Any) -> None:
    """Raise BadValue unless `value` is what this column may hold in a log entry."""
    if value is None:
        if spec.nullable:
            return
        raise BadValue(spec.name)
    if spec.kind == "text":
        if not isinstance(value, str):
            raise BadValue(spec.name)
        if len(value) > spec.max_length:
            raise BadValue(spec.name, "oversized")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise BadValue(spec.name)
    elif spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            raise BadValue(spec.name)
    elif spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) > 1e300:
            raise BadValue(spec.name)
    elif spec.kind == "date":
        if not isinstance(value, str) or len(value) != 10:
            raise BadValue(spec.name)
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise BadValue(spec.name) from error


def to_column_value(spec: ColumnSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind == "date":
        return date.fromisoformat(value)
    if spec.kind == "float":
        return float(value)
    return value
