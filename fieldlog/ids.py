"""Primary keys: UUIDv7, made where the record is created (DESIGN.md §3.1)."""

from uuid6 import uuid7


def new_id() -> str:
    return str(uuid7())
