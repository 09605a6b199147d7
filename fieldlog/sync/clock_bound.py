"""Clocks are bounded (docs/ARCHITECTURE.md §4.10).

An import refuses a bundle holding a new change stamped more than BOUND_MS ahead of this
computer's clock (`refuse_if_ahead`); an office whose clock is wrong is told so when it starts
(`read_clock`, `clock_notice`); `repair_clock` brings back a clock pushed ahead before that check
existed, together with the changes that pushed it, the same way on every office that repairs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Date

import fieldlog.hlc as hlc
from fieldlog.database import Database
from fieldlog.dates import format_moment
from fieldlog.errors import FieldlogError, NotInitialised
from fieldlog.hlc import COUNTER_MASK, HybridClock, pack, unpack
from fieldlog.i18n import _, ngettext
from fieldlog.models import SYNCED_TABLES
from fieldlog.services.writer import raw_cursor, save_clock, writer_for
from fieldlog.sync.bundle_file import BundleError
from fieldlog.sync.fold import fold, load_entries
from fieldlog.sync.materialise import materialise

BOUND_MS = 24 * 3600 * 1000
# A computer that says it is before this has lost its date (a flat CMOS battery shows 2000 or 1970).
EARLIEST_PLAUSIBLE_MS = int(datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
DAY_MS = 24 * 3600 * 1000
# Parents before children when records are folded again (the importer's order).
_TABLE_ORDER = (
    "office", "agency", "participant", "workshop", "enrolment", "attendance",
    "outcome", "outcome_workshop", "outcome_agency", "indicator", "duplicate_decision",
)


class ClockAhead(BundleError):
    """A bundle holding a change stamped too far ahead of this computer's clock."""


def describe_ahead(millis: int) -> str:
    """How far ahead, in the unit a person would say: hours, days, then years."""
    hours = millis // (3600 * 1000)
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", max(hours, 1)).format(n=max(hours, 1))
    days = millis // DAY_MS
    if days < 730:
        return ngettext("{n} day", "{n} days", days).format(n=days)
    years = days // 365
    return ngettext("{n} year", "{n} years", years).format(n=years)


def office_code(cursor, office_id: str) -> str:
    """The code of an office known here (its records, or its key), else the start of its id."""
    for sql in ("SELECT code FROM office WHERE id = ?", "SELECT code FROM office_key WHERE office_id = ?"):
        found = cursor.execute(sql, (office_id,)).fetchone()
        if found and found[0]:
            return found[0]
    return office_id[:8]


def refuse_if_ahead(cursor, bundle, entry: dict, limit: int) -> None:
    """Called by the importer for each change new here; `limit` is this computer's clock plus
    BOUND_MS, in milliseconds. Raising rolls back the whole import."""
    millis = unpack(entry["hlc"])[0]
    if millis <= limit:
        return
    sender = bundle.signer.code
    made_by = sender if entry["office_id"] == bundle.signer.public.office_id else office_code(cursor, entry["office_id"])
    ahead = describe_ahead(millis - (limit - BOUND_MS))
    if made_by == sender:
        text = _("{name}: the bundle of {office} is refused: a change is stamped {ahead} ahead of this computer's "
                 "clock. Check the date and time of {office}'s computer, or of this one; nothing was imported.")
    else:
        text = _("{name}: the bundle of {sender} is refused: a change made by {office} is stamped {ahead} ahead of "
                 "this computer's clock. Check the date and time of {office}'s computer, or of this one; nothing "
                 "was imported.")
    raise ClockAhead(text.format(name=bundle.name, office=made_by, sender=sender, ahead=ahead))


# --- this office's own clock -------------------------------------------------------------


@dataclass(frozen=True)
class ClockState:
    wall: int  # this computer's clock, milliseconds
    hlc: int  # the persisted hybrid logical clock
    top: int  # the highest stamp held: the clock, or a change in the log
    ahead_entries: int  # changes held stamped more than BOUND_MS ahead of `wall`
    own_ahead: int  # of which made by this office

    @property
    def ahead_ms(self) -> int:
        return unpack(self.top)[0] - self.wall

    @property
    def wall_implausible(self) -> bool:
        return self.wall < EARLIEST_PLAUSIBLE_MS

    @property
    def wrong(self) -> bool:
        return self.wall_implausible or self.ahead_ms > BOUND_MS


def _threshold(wall: int) -> int:
    """The highest stamp within the bound."""
    return pack(wall + BOUND_MS, COUNTER_MASK)


def _state(cursor, wall: int) -> ClockState:
    local = cursor.execute("SELECT office_id, hlc_last FROM local_state WHERE key = 'local'").fetchone()
    if local is None:
        raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
    office_id, last = local
    top = cursor.execute("SELECT max(hlc) FROM change_log").fetchone()[0] or 0
    ahead, own = cursor.execute(
        "SELECT count(*), coalesce(sum(office_id = ?), 0) FROM change_log WHERE hlc > ?", (office_id, _threshold(wall))
    ).fetchone()
    return ClockState(wall=wall, hlc=last, top=max(last, top), ahead_entries=ahead, own_ahead=own)


def read_clock(db: Database, *, now_millis: int | None = None) -> ClockState:
    wall = hlc.wall_millis() if now_millis is None else now_millis
    with db.read() as session:
        return _state(raw_cursor(session), wall)


def format_millis(millis: int) -> str:
    try:
        return format_moment(datetime.fromtimestamp(millis / 1000, timezone.utc))
    except (OverflowError, ValueError, OSError):
        return str(millis)


def clock_notice(state: ClockState) -> str | None:
    """The one line an office is shown at start when its clock is wrong; None when it is right."""
    if state.wall_implausible:
        return _("This computer's clock says {now}: its date is wrong. Correct the date and time of this computer "
                 "before recording anything or exchanging bundles.").format(now=format_millis(state.wall))
    if not state.wrong:
        return None
    return _("This computer's clock says {now}, but this office has already seen changes stamped {ahead} later. "
             "If this computer's date is wrong, correct it. If it is right, run 'fieldlog clock repair': until "
             "then other offices refuse this office's bundles.").format(
        now=format_millis(state.wall), ahead=describe_ahead(state.ahead_ms))


# --- the repair -------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairResult:
    restamped: int  # changes moved back to before every honest stamp
    rewritten: int  # values this office wrote again with a sound stamp
    clock: int  # the clock afterwards


def _python_value(model, column: str, value):
    """A logged (JSON) value as the Writer takes it: dates are logged as ISO text."""
    spec = model.__table__.columns.get(column)
    if spec is not None and isinstance(spec.type, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _restamp_bases(cursor, moved: dict[tuple[int, str], int]) -> None:
    """A write that names a moved stamp in its base (it saw that value) names the new stamp."""
    for office_id, seq, base in cursor.execute(
        "SELECT office_id, seq, base FROM change_log WHERE base IS NOT NULL AND base != '{}'"
    ).fetchall():
        stamps = json.loads(base)
        changed = False
        for pairs in stamps.values():
            for pair in pairs:
                new = moved.get((int(pair[0]), str(pair[1])))
                if new is not None:
                    pair[0], changed = new, True
        if changed:
            cursor.execute("UPDATE change_log SET base = ? WHERE office_id = ? AND seq = ?",
                           (json.dumps(stamps, sort_keys=True), office_id, seq))


def repair_clock(db: Database, *, now_millis: int | None = None) -> RepairResult:
    """Every change held stamped more than BOUND_MS ahead of this computer's clock is given the
    stamp `seq` (its own sequence number: before every honest stamp, in its office's order), a
    rule that gives the same log on every office that repairs; this office then writes again,
    with sound stamps, the values its own such changes held that no longer win; and the clock
    comes back to this computer's."""
    wall = hlc.wall_millis() if now_millis is None else now_millis
    if wall < EARLIEST_PLAUSIBLE_MS:
        raise FieldlogError(_("This computer's clock says {now}: correct its date and time first; nothing was "
                              "changed.").format(now=format_millis(wall)))
    with db.write() as session:
        cursor = raw_cursor(session)
        office_id = cursor.execute("SELECT office_id FROM local_state WHERE key = 'local'").fetchone()
        if office_id is None:
            raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
        office_id = office_id[0]
        ahead = cursor.execute(
            "SELECT office_id, seq, hlc, table_name, record_id FROM change_log WHERE hlc > ?", (_threshold(wall),)
        ).fetchall()
        records = sorted({(table, record_id) for _o, _s, _h, table, record_id in ahead},
                         key=lambda key: (_TABLE_ORDER.index(key[0]) if key[0] in _TABLE_ORDER else 99, key[1]))
        own_stamps = {(stamp, office) for office, _seq, stamp, _t, _r in ahead if office == office_id}
        # What this office's own far-ahead changes make each record hold, before they move.
        intended: dict[tuple[str, str], dict] = {}
        for table, record_id in records:
            folded = fold(load_entries(cursor, table, record_id))
            kept = {column: value for column, value in folded.values.items() if folded.stamps[column] in own_stamps}
            if kept:
                intended[(table, record_id)] = kept
        for office, seq, _stamp, _table, _record in ahead:
            cursor.execute("UPDATE change_log SET hlc = ? WHERE office_id = ? AND seq = ?", (seq, office, seq))
        _restamp_bases(cursor, {(stamp, office): seq for office, seq, stamp, _t, _r in ahead})
        for table, record_id in records:
            materialise(cursor, table, record_id)
        if {table for table, _record in records} & {"duplicate_decision", "participant", "agency"}:
            from fieldlog.services.duplicates import rebuild_merge_map

            rebuild_merge_map(session)
        top = cursor.execute("SELECT max(hlc) FROM change_log").fetchone()[0] or 0
        clock = max(top, pack(wall, 0))
        cursor.execute("UPDATE local_state SET hlc_last = ? WHERE key = 'local'", (clock,))
        writer = writer_for(session)
        writer.clock = HybridClock(clock)
        rewritten = 0
        for (table, record_id), values in intended.items():
            model = SYNCED_TABLES[table]
            if cursor.execute(f'SELECT 1 FROM "{table}" WHERE id = ?', (record_id,)).fetchone() is None:
                continue  # parked, waiting for its parent: its own entries already say it all
            deleted = values.pop("deleted", None)
            changes = {column: _python_value(model, column, value) for column, value in values.items()}
            rewritten += len(writer.update(model, record_id, changes)) if changes else 0
            if deleted is not None:
                rewritten += writer.set_deleted(model, record_id, bool(deleted))
        save_clock(session, writer)
        return RepairResult(restamped=len(ahead), rewritten=rewritten, clock=writer.clock.last)
