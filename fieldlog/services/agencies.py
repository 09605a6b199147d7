"""Agencies: police, gendarmerie, ministries, courts, civil society, UN entities…"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from fieldlog.database import Database
from fieldlog.i18n import _
from fieldlog.models import Agency, AgencyBase, MergeMap
from fieldlog.services.common import PAGE_SIZE, Checker, Page
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


def _validate(db: Database, values: dict, agency_id: str | None = None) -> dict:
    check = Checker()
    clean = {
        "name": check.text("name", values.get("name"), required=True, max_length=300),
        "acronym": check.text("acronym", values.get("acronym"), max_length=40),
        "country": check.country("country", values.get("country")),
        "kind": check.choice("kind", values.get("kind") or "other", AGENCY_KINDS),
        "parent_id": values.get("parent_id") or None,
    }
    if clean["parent_id"]:
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


def create_agency(db: Database, **values) -> str:
    return create_record(db, Agency, _validate(db, values))


def update_agency(db: Database, agency_id: str, **values) -> dict:
    return update_record(db, Agency, agency_id, _validate(db, values, agency_id))


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
