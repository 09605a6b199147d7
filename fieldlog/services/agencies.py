"""Agencies: police, gendarmerie, ministries, courts, civil society, UN entities…"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypedDict, Unpack

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from fieldlog.database import Database
from fieldlog.i18n import _
from fieldlog.models import Agency, AgencyBase, MergeMap
from fieldlog.services.common import PAGE_SIZE, Checker, Page, Rule, checked_fields
from fieldlog.services.records import create_record, read_public, update_record
from fieldlog.text import fold
from fieldlog.vocabulary import AGENCY_KINDS


@dataclass(frozen=True)
class AgencyRow:
    id: str
    name: str
    acronym: str
    country: str
    kind: str
    parent_name: str


class AgencyPublic(AgencyBase):
    id: str
    deleted: bool = False


class AgencyFields(TypedDict, total=False):
    """An agency's fields as a form or a file gives them; the service checks and cleans them.
    A new agency needs a name."""

    name: str
    acronym: str
    country: str | None
    kind: str | None
    parent_id: str | None


RULES: dict[str, Rule] = {
    "name": partial(Checker.text, required=True, max_length=300),
    "acronym": partial(Checker.text, max_length=40),
    "country": Checker.country,
    "kind": partial(Checker.choice, table=AGENCY_KINDS, default="other"),
    "parent_id": Checker.reference,
}


def validate_agency(db: Database, values: Mapping[str, Any], *, current: Mapping[str, Any] | None = None) -> dict:
    """The clean values of a new agency, or, given the `current` record, of the changes
    `values` make to it (those fields only). Raises ValidationError, field by field."""
    check = Checker()
    clean = checked_fields(check, RULES, values, record="agency", partial=current is not None)
    if clean.get("parent_id"):
        agency_id = current["id"] if current is not None else None
        with db.read() as session:
            if parent_makes_a_cycle(agency_id, clean["parent_id"], lambda agency: session.execute(
                    select(Agency.parent_id).where(Agency.id == agency)).scalar_one_or_none()):
                check.fail("parent_id", _("An agency cannot be its own parent."))
    check.check()
    return clean


def parent_makes_a_cycle(agency_id: str | None, parent: str, parent_of) -> bool:
    """Whether giving `agency_id` this parent would make it its own ancestor; `parent_of(id)`
    reads an agency's parent. A cycle already among the ancestors (two offices each set the
    other's agency as parent) counts too: it is refused rather than followed forever."""
    seen = {agency_id}
    while parent:
        if parent in seen:
            return True
        seen.add(parent)
        parent = parent_of(parent)
    return False


def create_agency(db: Database, **values: Unpack[AgencyFields]) -> str:
    return create_record(db, Agency, validate_agency(db, values))


def update_agency(db: Database, agency_id: str, **changes: Unpack[AgencyFields]) -> dict:
    """Change the fields given, and no other; returns those that differed."""
    return update_record(db, Agency, agency_id, lambda current: validate_agency(db, changes, current=current))


def get_agency(db: Database, agency_id: str) -> AgencyPublic:
    return read_public(db, Agency, AgencyPublic, agency_id, missing=_("No such agency."))


def list_agencies(db: Database, *, search: str = "", offset: int = 0, limit: int = PAGE_SIZE) -> Page[AgencyRow]:
    """A page in name order; agencies merged into another (duplicates) are hidden, and a
    parent merged away shows as the agency it was merged into."""
    parent = aliased(Agency)
    parent_merge = aliased(MergeMap)
    merged_away = select(MergeMap.record_id).where(MergeMap.table_name == "agency")
    where = [Agency.deleted == False, Agency.id.not_in(merged_away)]  # noqa: E712
    if search.strip():
        needle = f"%{fold(search.strip())}%"
        where.append(or_(Agency.sort_key.like(needle), func.fl_fold(Agency.acronym).like(needle)))
    with db.read() as session:
        total = session.execute(select(func.count()).select_from(Agency).where(*where)).scalar_one()
        rows = session.execute(
            select(Agency.id, Agency.name, Agency.acronym, Agency.country, Agency.kind, parent.name.label("parent_name"))
            .outerjoin(parent_merge, and_(parent_merge.table_name == "agency", parent_merge.record_id == Agency.parent_id))
            .outerjoin(parent, parent.id == func.coalesce(parent_merge.into_id, Agency.parent_id))
            .where(*where)
            .order_by(Agency.sort_key, Agency.id)
            .offset(offset)
            .limit(limit)
        ).all()
    return Page(
        rows=[AgencyRow(r.id, r.name, r.acronym, r.country, r.kind, r.parent_name or "") for r in rows],
        total=total, offset=offset, limit=limit,
    )


def agency_choices(db: Database, *, exclude: str | None = None, keep: str | None = None) -> list[tuple[str, str]]:
    """(label, id) for every live agency not merged into another, for a picker; `keep` (the
    value a form already holds) stays offered even when merged away."""
    merged_away = (
        select(MergeMap.record_id).where(MergeMap.table_name == "agency", MergeMap.record_id != (keep or ""))
    )
    with db.read() as session:
        rows = session.execute(
            select(Agency.id, Agency.name, Agency.acronym, Agency.country)
            .where(Agency.deleted == False, Agency.id.not_in(merged_away))  # noqa: E712
            .order_by(Agency.sort_key, Agency.id)
        ).all()
    return [
        (f"{r.name} ({r.acronym})" if r.acronym else r.name, r.id)
        for r in rows
        if r.id != exclude
    ]
