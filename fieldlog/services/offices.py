"""This database's office and the person using it."""

from __future__ import annotations

from dataclasses import dataclass

from fieldlog.database import Database
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _
from fieldlog.services.common import Checker
from fieldlog.ids import new_id


@dataclass(frozen=True)
class OfficeInfo:
    id: str
    code: str
    name: str
    country: str
    author: str


def validate_office(*, code: str, name: str, country: str, author: str) -> dict:
    check = Checker()
    values = {
        "code": check.text("code", code, required=True, max_length=16).upper(),
        "name": check.text("name", name, required=True, max_length=200),
        "country": check.country("country", country, required=True),
    }
    author = check.text("author", author, max_length=200)
    check.check()
    return {**values, "author": author}


def local_office(db: Database) -> OfficeInfo | None:
    # Plain SQL: this runs at every start, before any screen needs the ORM.
    with db.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT o.id, o.code, o.name, o.country, s.author FROM local_state s "
            "JOIN office o ON o.id = s.office_id WHERE s.key = 'local'"
        ).first()
    if row is None:
        return None
    return OfficeInfo(id=row.id, code=row.code, name=row.name, country=row.country, author=row.author)


def initialise_office(db: Database, *, code: str, name: str, country: str, author: str = "") -> OfficeInfo:
    """Give this database its office identity; re-running with the same code is harmless."""
    values = validate_office(code=code, name=name, country=country, author=author)
    existing = local_office(db)
    if existing is not None:
        if existing.code != values["code"]:
            raise FieldlogError(
                _("This database already belongs to office {code}.").format(code=existing.code)
            )
        return existing
    from sqlalchemy import insert

    from fieldlog.models import LocalState, Office
    from fieldlog.services.writer import save_clock, writer_for

    office_id = new_id()
    with db.write() as session:
        session.execute(
            insert(LocalState.__table__).values(key="local", office_id=office_id, author=values["author"])
        )
        writer = writer_for(session)
        writer.insert(
            Office,
            {"id": office_id, "code": values["code"], "name": values["name"], "country": values["country"]},
        )
        save_clock(session, writer)
    return OfficeInfo(id=office_id, author=values["author"], code=values["code"], name=values["name"], country=values["country"])


def set_author(db: Database, *, author: str) -> OfficeInfo:
    """The name recorded with the changes made on this computer from now on; changes made
    before keep the name they were made with. Local, never synced: not a Writer change."""
    check = Checker()
    author = check.text("author", author, max_length=200)
    check.check()
    from sqlalchemy import text

    from fieldlog.errors import NotInitialised

    with db.write() as session:
        session.execute(text("UPDATE local_state SET author = :author WHERE key = 'local'"), {"author": author})
    office = local_office(db)
    if office is None:
        raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
    return office
