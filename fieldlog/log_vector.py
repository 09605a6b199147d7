"""What this database holds of each office's change log: per office, the highest sequence number
below which it holds every entry. An entry above a gap is held but not counted: a vector never
claims what is missing (bundles are made from it; so is a spreadsheet's `version`)."""

from __future__ import annotations

from sqlalchemy import text

Vector = dict[str, int]


def held_vector(session) -> Vector:
    vector: Vector = {}
    rows = session.execute(text("SELECT office_id, max(seq) AS top, count(*) AS n FROM change_log GROUP BY office_id"))
    for office_id, top, count in rows:
        vector[office_id] = top if top == count else _contiguous_top(session, office_id)
    return vector


def _contiguous_top(session, office_id: str) -> int:
    first_gap = session.execute(
        text(
            "SELECT c.seq FROM change_log c WHERE c.office_id = :office AND NOT EXISTS "
            "(SELECT 1 FROM change_log n WHERE n.office_id = c.office_id AND n.seq = c.seq + 1) "
            "ORDER BY c.seq LIMIT 1"
        ),
        {"office": office_id},
    ).scalar()
    has_first = session.execute(
        text("SELECT 1 FROM change_log WHERE office_id = :office AND seq = 1"), {"office": office_id}
    ).scalar()
    return first_gap if has_first else 0
