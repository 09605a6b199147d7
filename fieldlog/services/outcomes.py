"""Outcomes: what followed a workshop — a law, a unit, seizures, cascaded trainings…"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, TypedDict, Unpack

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from fieldlog.database import Database
from fieldlog.errors import NotFound
from fieldlog.i18n import _
from fieldlog.models import Indicator, MergeMap, Outcome, OutcomeAgency, OutcomeBase, OutcomeWorkshop, SyncColumns
from fieldlog.services.common import PAGE_SIZE, Checker, Page, Rule, checked_fields
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
class LinkChanges:
    """The links a person added and removed, and only those: a link made or removed elsewhere
    meanwhile is left as it is (docs/ARCHITECTURE.md §3.8)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorEdit:
    """One indicator row a person added (`id` None: every part) or changed (the parts changed)."""

    position: int  # the row's number in the form, for its errors ("indicators.N.part")
    id: str | None
    parts: Mapping[str, Any]


@dataclass(frozen=True)
class IndicatorChanges:
    """The indicators a person added, changed or removed; the others are left as they are."""

    edits: tuple[IndicatorEdit, ...] = ()
    removed: tuple[str, ...] = ()


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


class OutcomeFields(TypedDict, total=False):
    """An outcome's fields as a form or a file gives them (its date as typed, or a date); the
    service checks and cleans them. A new outcome needs a title and a date."""

    title: str
    kind: str | None
    outcome_date: date | str | None
    country: str | None
    description: str
    evidence: str
    verification: str | None


RULES: dict[str, Rule] = {
    "title": partial(Checker.text, required=True, max_length=400),
    "kind": partial(Checker.choice, table=OUTCOME_KINDS, default="other"),
    "outcome_date": Checker.date,
    "country": Checker.country,
    "description": partial(Checker.text, max_length=8000),
    "evidence": partial(Checker.text, max_length=2000),
    "verification": partial(Checker.choice, table=VERIFICATION, default="reported"),
}


def _checked_indicators(check: Checker, indicators: Sequence[IndicatorValue]) -> list[IndicatorValue]:
    checked = []
    for n, item in enumerate(indicators):
        name = check.text(f"indicators.{n}.name", item.name, required=True, max_length=300)
        value = check.number(f"indicators.{n}.value", item.value)
        unit = check.text(f"indicators.{n}.unit", item.unit, max_length=80)
        checked.append(IndicatorValue(name=name, value=value, unit=unit, id=item.id))
    return checked


def _checked_edits(check: Checker, changes: IndicatorChanges) -> IndicatorChanges:
    rules = {
        "name": partial(Checker.text, required=True, max_length=300),
        "value": Checker.number,
        "unit": partial(Checker.text, max_length=80),
    }
    edits = []
    for edit in changes.edits:
        parts = {"name": "", "value": None, "unit": "", **edit.parts} if edit.id is None else edit.parts
        clean = {part: rules[part](check, f"indicators.{edit.position}.{part}", value) for part, value in parts.items()}
        edits.append(IndicatorEdit(edit.position, edit.id, clean))
    return IndicatorChanges(tuple(edits), tuple(changes.removed))


def validate_outcome(values: Mapping[str, Any], *, current: Mapping[str, Any] | None = None) -> dict:
    """The clean values of a new outcome, or, given the `current` record, of the changes
    `values` make to it (those fields only). Raises ValidationError, field by field."""
    check = Checker()
    clean = checked_fields(check, RULES, values, record="outcome", partial=current is not None)
    check.check()
    return clean


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


def _change_links(writer: Writer, model: type[SyncColumns], outcome_id: str, column: str, changes: LinkChanges) -> None:
    """Add and remove only the links named; a target is matched as stored or as the record it
    was merged into (the form shows a merged agency as its survivor)."""
    table = model.__table__
    rows = writer.session.execute(
        select(table.c.id, table.c[column], table.c.deleted, MergeMap.into_id)
        .outerjoin(MergeMap, and_(MergeMap.table_name == column.removesuffix("_id"), MergeMap.record_id == table.c[column]))
        .where(table.c.outcome_id == outcome_id)
    ).all()
    for target in dict.fromkeys(changes.removed):
        for row in rows:
            if target in (row[1], row.into_id) and not row.deleted:
                writer.set_deleted(model, row.id, True)
    for target in dict.fromkeys(changes.added):
        matching = [row for row in rows if target in (row[1], row.into_id)]
        if any(not row.deleted for row in matching):
            continue
        if matching:
            writer.set_deleted(model, matching[0].id, False)
        else:
            writer.insert(model, {"outcome_id": outcome_id, column: target})


def _change_indicators(writer: Writer, outcome_id: str, changes: IndicatorChanges) -> None:
    for edit in changes.edits:
        if edit.id is None:
            writer.insert(Indicator, {"outcome_id": outcome_id, **edit.parts})
        else:
            writer.update(Indicator, edit.id, dict(edit.parts))
    for gone in changes.removed:
        writer.set_deleted(Indicator, gone, True)


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
    workshop_ids: Sequence[str] | LinkChanges | None = None,
    agency_ids: Sequence[str] | LinkChanges | None = None,
    indicators: Sequence[IndicatorValue] | IndicatorChanges | None = None,
    **values: Unpack[OutcomeFields],
) -> str:
    """Create an outcome (no `outcome_id`) or change one, with its links and indicators, in
    one transaction. A change writes the fields given and no other; links or indicators not
    given (None) are left as they are; given as a list, they become exactly the list; given as
    `LinkChanges` or `IndicatorChanges`, only the links and indicators named are written."""
    check = Checker()
    clean = checked_fields(check, RULES, values, record="outcome", partial=outcome_id is not None)
    if indicators is None:
        indicator_values = None
    elif isinstance(indicators, IndicatorChanges):
        indicator_values = _checked_edits(check, indicators)
    else:
        indicator_values = _checked_indicators(check, indicators)
    check.check()
    with writing(db) as writer:
        if outcome_id is None:
            outcome_id = writer.insert(Outcome, clean)
        else:
            writer.update(Outcome, outcome_id, clean)
        for model, column, wanted in (
            (OutcomeWorkshop, "workshop_id", workshop_ids), (OutcomeAgency, "agency_id", agency_ids),
        ):
            if isinstance(wanted, LinkChanges):
                _change_links(writer, model, outcome_id, column, wanted)
            elif wanted is not None:
                _sync_links(writer, model, outcome_id, column, list(wanted))
        if isinstance(indicator_values, IndicatorChanges):
            _change_indicators(writer, outcome_id, indicator_values)
        elif indicator_values is not None:
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
