"""Primary keys: UUIDv7, made where the record is created (docs/ARCHITECTURE.md §3.1).

Attendance is the exception: its key is derived from (enrolment, day), so that two offices
marking the same person on the same day write to one record and merge per field (§4).
"""

from datetime import date
from uuid import UUID, uuid5

from uuid6 import uuid7

_ATTENDANCE = UUID("6f1c2a52-3d0e-4f7b-9d55-2f5a8c1e7b90")


def new_id() -> str:
    return str(uuid7())


def attendance_id(enrolment_id: str, day: date | str) -> str:
    day_text = day.isoformat() if isinstance(day, date) else str(day)
    return str(uuid5(_ATTENDANCE, f"{enrolment_id}/{day_text}"))
