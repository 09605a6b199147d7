"""Offices as sync knows them: this one and the others it has heard of."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from fieldlog.errors import NotFound
from fieldlog.i18n import _


@dataclass(frozen=True)
class KnownOffice:
    id: str
    code: str
    name: str


def find_office(session, code_or_id: str) -> KnownOffice:
    wanted = code_or_id.strip()
    rows = session.execute(
        text("SELECT id, code, name FROM office WHERE deleted = 0 AND (id = :w OR upper(code) = upper(:w))"),
        {"w": wanted},
    ).all()
    if not rows:
        raise NotFound(
            _("No office {office} is known here: import a bundle from it first, or make a full bundle (--full).").format(
                office=wanted
            )
        )
    if len(rows) > 1:
        raise NotFound(_("Several offices have the code {office}; give the office id instead.").format(office=wanted))
    return KnownOffice(id=rows[0].id, code=rows[0].code, name=rows[0].name)


def office_codes(session) -> dict[str, str]:
    return {row.id: row.code for row in session.execute(text("SELECT id, code FROM office"))}
