"""The create / update / read steps every record service shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from fieldlog.database import Database
from fieldlog.errors import NotFound
from fieldlog.models import SyncColumns
from fieldlog.services.writer import writing

PublicT = TypeVar("PublicT", bound=BaseModel)


def create_record(db: Database, model: type[SyncColumns], values: dict[str, Any]) -> str:
    """Insert validated values in one stamped transaction; returns the new id."""
    with writing(db) as writer:
        return writer.insert(model, values)


def update_record(
    db: Database, model: type[SyncColumns], record_id: str, check: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict:
    """Write the changes `check(current)` validates against the record's current values, read
    in the same transaction; only those that differ are written and returned."""
    with writing(db) as writer:
        return writer.update(model, record_id, check(writer.current(model, record_id)))


def read_public(db: Database, model: type[SyncColumns], public: type[PublicT], record_id: str, *, missing: str) -> PublicT:
    """The record as plain data for the interface, never a live ORM object."""
    with db.read() as session:
        row = session.get(model, record_id)
        if row is None:
            raise NotFound(missing)
        return public.model_validate(row, from_attributes=True)
