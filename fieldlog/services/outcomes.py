"""Outcomes: what followed a workshop — a law, a unit, seizures, cascaded trainings…"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from fieldlog.database import Database
from fieldlog.errors import NotFound
from fieldlog.i18n import _
from fieldlog.models import Indicator, MergeMap, Outcome, OutcomeAgency, OutcomeBase, OutcomeWorkshop, SyncColumns
from fieldlog.services.common import PAGE_SIZE, Checker, Page
from fieldlog.services.writer import Writer, writing
from fieldlog.text import fold
from fieldlog.vocabulary import OUTCOME_KINDS, VERIFICATION


@dataclass(frozen=True)
class IndicatorValue:
    name: str
    value: float
    unit: str = ""
    id: str | None = None


@dataclass(frozen=True)
class OutcomeRow:
    id: str
    title: str
    kind: str
    outcome_date: date
    country: str
    verification: str


class OutcomePublic(OutcomeBase):
    id: str
    deleted: bool = False


@dataclass(frozen=True)
class OutcomeDetail:
    outcome: OutcomePublic
    workshop_ids: list[str] = field(default_factory=list)
    agency_ids: list[str] = field(default_factory=list)
    indicators: list[IndicatorValue] = field(default_factory=list)


def _validate(values: dict) -> tuple[dict, list[IndicatorValue]]:
    check = Checker()
    clean = {
        "title": check.text("title", values.get("title"), required=True, max_length=400),
        "kind": check.choice("kind", values.get("kind") or "other", OUTCOME_KINDS),
        "outcome_date": check.date("outcome_date", values.get("outcome_date")),
        "country": check.country("country", values.get("country")),
        "description": check.text("description", values.get("description"), max_length=8000),
        "evidence": check.text("evidence", values.get("evidence"), max_length=2000),
        "verification": check.choice("verification", values.get("verification") or "reported", VERIFICATION),
    }
    indicators = []
    for n, item in enumerate(values.get("indicators") or []):
        name = check.text(f"indicators.{n}.name", item.name, required=True, max_length=300)
        value = check.number(f"indicators.{n}.value", item.value)
        unit = check.text(f"indicators.{n}.unit", item.unit, max_length=80)
        indicators.append(IndicatorValue(name=name, value=value, unit=unit, id=item.id))
    check.check()
    return clean, indicators


def _sync_links(writer: Writer, model: type[SyncColumns], outcome_id: str, column: str, wanted: list[str]) -> None:
    """Make the live links equal `wanted`: tombstone the others, restore or add the missing."""
    table = model.__table__
    existing = writer.session.execute(
        select(table.c.id, table.c[column], table.c.deleted).where(table.c.outcome_id == outcome_id)
    ).all()
    by_target = {}
    for row in existing:
        if row[1] not in by_target or not row.deleted:
            by_target[row[1]] = row
    for target, row in by_target.items():
        if target not in wanted and not row.deleted:
            writer.set_deleted(model, row.id, True)
    for target in dict.fromkeys(wanted):
        row = by_target.get(target)
        if row is None:
            writer.insert(model, {"outcome_id": outcome_id, column: target})
        elif row.deleted:
            writer.set_deleted(model, row.id, False)


def _sync_indicators(writer: Writer, outcome_id: str, indicators: list[IndicatorValue]) -> None:
    live = set(
        writer.session.execute(
            select(Indicator.id).where(Indicator.outcome_id == outcome_id, Indicator.deleted == False)  # noqa: E712
        ).scalars()
    )
    kept = set()
    for item in indicators:
        values = {"name": item.name, "value": item.value, "unit": item.unit}
        if item.id and item.id in live:
            writer.update(Indicator, item.id, values)
            kept.add(item.id)
        else:
            writer.insert(Indicator, {"outcome_id": outcome_id, **values})
    for gone in live - kept:
        writer.set_deleted(Indicator, gone, True)


def save_outcome(
    db: Database,
    *,
    outcome_id: str | None = None,
    workshop_ids: list[str] = (),
    agency_ids: list[str] = (),
    indicators: list[IndicatorValue] = (),
    **values,
) -> str:
    """Create or update an outcome with its links and indicators, in one transaction."""
    clean, indicator_values = _validate({**values, "indicators": list(indicators)})
    with writing(db) as writer:
        if outcome_id is None:
            outcome_id = writer.insert(Outcome, clean)
        else:
            writer.update(Outcome, outcome_id, clean)
        _sync_links(writer, OutcomeWorkshop, outcome_id, "workshop_id", list(workshop_ids))
        _sync_links(writer, OutcomeAgency, outcome_id, "agency_id", list(agency_ids))
        _sync_indicators(writer, outcome_id, indicator_values)
    return outcome_id


def get_outcome(db: Database, outcome_id: str) -> OutcomeDetail:
    with db.read() as session:
        row = session.get(Outcome, outcome_id)
        if row is None:
            raise NotFound(_("No such outcome."))

        def live(model):
            return model.outcome_id == outcome_id, model.deleted == False  # noqa: E712

        workshops = session.execute(select(OutcomeWorkshop.workshop_id).where(*live(OutcomeWorkshop))).scalars().all()
        # An agency merged as a duplicate is shown, and saved again, as the one it was merged into.
        survivor = aliased(MergeMap)
        agencies = dict.fromkeys(session.execute(
            select(func.coalesce(survivor.into_id, OutcomeAgency.agency_id))
            .select_from(OutcomeAgency)
            .outerjoin(survivor, and_(survivor.table_name == "agency", survivor.record_id == OutcomeAgency.agency_id))
            .where(*live(OutcomeAgency))
        ).scalars().all())
        indicators = session.execute(
            select(Indicator).where(*live(Indicator)).order_by(Indicator.id)
        ).scalars().all()
        return OutcomeDetail(
            outcome=OutcomePublic.model_validate(row, from_attributes=True),
            workshop_ids=list(workshops),
            agency_ids=list(agencies),
            indicators=[IndicatorValue(name=i.name, value=i.value, unit=i.unit, id=i.id) for i in indicators],
        )


def list_outcomes(db: Database, *, search: str = "", offset: int = 0, limit: int = PAGE_SIZE) -> Page[OutcomeRow]:
    where = [Outcome.deleted == False]  # noqa: E712
    if search.strip():
        needle = f"%{fold(search.strip())}%"
        where.append(or_(func.fl_fold(Outcome.title).like(needle), func.fl_fold(Outcome.description).like(needle)))
    with db.read() as session:
        total = session.execute(select(func.count()).select_from(Outcome).where(*where)).scalar_one()
        rows = session.execute(
            select(Outcome.id, Outcome.title, Outcome.kind, Outcome.outcome_date, Outcome.country, Outcome.verification)
            .where(*where)
            .order_by(Outcome.outcome_date.desc(), Outcome.id)
            .offset(offset)
            .limit(limit)
        ).all()
    return Page(rows=[OutcomeRow(*r) for r in rows], total=total, offset=offset, limit=limit)
