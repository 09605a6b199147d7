"""Offices as sync knows them: this one and the others it has heard of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text

from fieldlog.errors import NotFound
from fieldlog.i18n import _


@dataclass(frozen=True)
class KnownOffice:
    id: str
    code: str
    name: str


def find_office(session, code_or_id: str, *, keys: Iterable = ()) -> KnownOffice:
    """An office whose records are here, or (for a first bundle) one whose key is trusted here."""
    wanted = code_or_id.strip()
    rows = session.execute(
        text("SELECT id, code, name FROM office WHERE deleted = 0 AND (id = :w OR upper(code) = upper(:w))"),
        {"w": wanted},
    ).all()
    if not rows:
        rows = list({
            key.public.office_id: KnownOffice(id=key.public.office_id, code=key.public.code, name=key.public.name)
            for key in keys
            if key.may_sign and wanted.upper() in (key.public.office_id.upper(), key.public.code.upper())
        }.values())
    if not rows:
        raise NotFound(
            _("No office {office} is known here: import its key file first (fieldlog keys import).").format(
                office=wanted
            )
        )
    if len(rows) > 1:
        raise NotFound(_("Several offices have the code {office}; give the office id instead.").format(office=wanted))
    return KnownOffice(id=rows[0].id, code=rows[0].code, name=rows[0].name)


def office_codes(session) -> dict[str, str]:
    return {row.id: row.code for row in session.execute(text("SELECT id, code FROM office"))}
