"""Sync under random histories (docs/ARCHITECTURE.md §3–4), as a Hypothesis state machine.

Three offices (BKO, NIA, AGA) and a coordinator (HQ), each its own database, make random
records and edits (concurrent edits of one field, and opposite re-parentings of agencies,
included), delete, restore, merge and unmerge duplicates, resolve conflicts, and write delta or
full bundles into a pool; any bundle of the pool is imported into any replica any number of
times, in any order, or never (dropped), so deliveries are duplicated, reordered, lost and
relayed, and deltas reach offices they were not written for. Each office's wall clock is off by
up to six hours, and is reset at random; the simulated wall clock makes every run repeatable.

Checked along the way: re-importing a bundle changes nothing; integrity and foreign keys hold;
an office's own write is what it reads back; the HLC is past every stamp it holds. Checked at
the end, once everything is delivered (full bundles to the coordinator, deltas back, a new
office built from old bundles in a random order and then full bundles, a conflict settled at
the coordinator and delivered, and acknowledgements): every replica holds the same content and
merge map, nothing is left parked or unacknowledged, and every field holds the value of its
latest write by (HLC, office).

Runs 400 examples of up to 35 steps (about three minutes on one core of this 2-core machine,
while the other runs the rest of the suite); FIELDLOG_SYNC_EXAMPLES and FIELDLOG_SYNC_STEPS
change that (the README gives a nightly-size run), FIELDLOG_SYNC_STATS=1 (with pytest -s -n 0)
prints what they reached. In CI (the `ci` Hypothesis profile) every run tries the same examples.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import text

import fieldlog.hlc
import fieldlog.sync.importer
from fieldlog.database import Database
from fieldlog.errors import ValidationError
from fieldlog.keys.trust import set_own_role
from fieldlog.schema import open_database
from fieldlog.services.agencies import create_agency, get_agency, update_agency
from fieldlog.services.attendance import change_role, enrol_participant, set_attendance
from fieldlog.services.offices import initialise_office
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.services.trash import delete_record, restore_record
from fieldlog.services.workshops import create_workshop, get_workshop, update_workshop
from fieldlog.sync.conflicts import list_conflicts, resolve_conflict
from fieldlog.sync.export import export_bundle
from fieldlog.sync.fold import ENTRY_FIELDS
from fieldlog.sync.importer import import_bundles
from fieldlog.sync.status import peer_status
from fieldlog.sync.vectors import local_vector
from tests.sync_helpers import content_hash

try:  # written by another engineer at the same time as this test
    from fieldlog.services import duplicates
except ImportError:  # pragma: no cover
    duplicates = None

OFFICES = {"BKO": "ML", "NIA": "NE", "AGA": "NE", "HQ": "SN"}
FIELD_OFFICES = ("BKO", "NIA", "AGA")
LATE = "OUA"  # an office that joins at the end, from full bundles only
CODES = tuple(OFFICES)
HOUR = 3600 * 1000
START_MILLIS = 1_795_000_000_000  # November 2026: the simulated wall clock starts here

EXAMPLES = int(os.environ.get("FIELDLOG_SYNC_EXAMPLES", "400"))
STEPS = int(os.environ.get("FIELDLOG_SYNC_STEPS", "35"))

# Small pools of values, so that equal values, conflicts and look-alike duplicates are common.
VALUES = {
    "participant": {
        "family_name": ["Traoré", "Maïga", "Diallo", "Issoufou"],
        "given_names": ["", "Awa", "Moussa", "Hadiza"],
        "sex": ["F", "M"],
        "function": ["", "Commissaire", "Capitaine", "Juge"],
        "country": ["", "ML", "NE"],
        "phone": ["", "76 00 00 01", "90 11 22 33"],
        "email": ["", "awa@police.ml"],
    },
    "agency": {
        "name": ["Police nationale", "Gendarmerie", "Brigade spéciale"],
        "acronym": ["", "PN", "GN"],
        "country": ["", "ML", "NE"],
        "kind": ["police", "gendarmerie", "justice"],
    },
    "workshop": {
        "title": ["Atelier national", "Formation des formateurs", "Dialogue régional"],
        "city": ["", "Bamako", "Niamey"],
        "venue": ["", "Hôtel Salam"],
        "status": ["planned", "held", "cancelled"],
        "notes": ["", "Report de deux jours"],
    },
    "enrolment": {"role": ["participant", "trainer", "observer"]},
}
REFERENCES = {"participant": {"agency_id": "agency"}, "agency": {"parent_id": "agency"}}
EDITABLE = {table: [*VALUES[table], *REFERENCES.get(table, {})] for table in VALUES}
TRASHABLE = ("participant", "agency", "workshop", "enrolment")


# What the examples did, printed with FIELDLOG_SYNC_STATS=1 (pytest -s) to see that they reach
# the interesting cases: parked records, conflicts, merges, skewed clocks.
STATS: Counter[str] = Counter()


def note(what: str) -> None:
    event(what)
    STATS[what] += 1


def _fast_folder() -> str | None:
    """tmpfs when there is one: bundles are fsync'ed, and an example writes dozens of them."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def make_templates(folder: Path) -> dict[str, Path]:
    """Each office's database, migrated and initialised once, with keys that every other office
    trusts (all of them coordinators: any office may pass on any other's changes, and every
    bundle is encrypted to all); every example starts from copies."""
    from tests.sync_helpers import trust_each_other

    made, dbs = {}, []
    for code, country in {**OFFICES, LATE: "BF"}.items():
        path = folder / f"{code}.db"
        db = open_database(path)
        with mock.patch.object(fieldlog.hlc, "wall_millis", lambda: START_MILLIS - 24 * HOUR):
            initialise_office(db, code=code, name=f"Office {code}", country=country, author=f"user {code}")
        set_own_role(db, "coordinator")
        dbs.append(db)
        made[code] = path
    trust_each_other(*dbs)
    for db in dbs:
        db.close()  # checkpoints the WAL: the .db file is the whole database
        assert not Path(f"{db.path}-wal").exists()
    return made


def _raw(db: Database, sql: str, params: tuple | dict = ()) -> list[tuple]:
    """Rows as plain tuples: `params` as a dict for :named marks, a tuple for ? marks."""
    with db.read() as session:
        if isinstance(params, dict):
            result = session.execute(text(sql), params)
        else:
            result = session.connection().exec_driver_sql(sql, tuple(params))
        return [tuple(found) for found in result]


def _stored(value):
    return int(value) if isinstance(value, bool) else value


@dataclass
class Replica:
    code: str
    db: Database
    office_id: str
    seq_seen: int  # own change-log entries already in the model
    offset: int = 0  # its wall clock's error, in milliseconds
    imported: set[str] = field(default_factory=set)  # bundle ids imported here
    forgotten: set[str] = field(default_factory=set)  # its own bundles made after the backup it was restored from
    restored: bool = False  # restored from a backup: an import may bring back, or re-number, its own entries

    def exists(self, table: str, record_id: str, *, live: bool = False) -> bool:
        where = " AND deleted = 0" if live else ""
        return bool(_raw(self.db, f'SELECT 1 FROM "{table}" WHERE id = ?{where}', (record_id,)))

    def value(self, table: str, record_id: str, column: str):
        found = _raw(self.db, f'SELECT "{column}" FROM "{table}" WHERE id = ?', (record_id,))
        return found[0][0] if found else None


@dataclass(frozen=True)
class Bundle:
    path: Path
    bundle_id: str
    origin: str
    full: bool
    to: str | None
    entries: int


class SyncMachine(RuleBasedStateMachine):
    templates: dict[str, Path] = {}

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="fieldlog-sm-", dir=_fast_folder()))
        self.now = START_MILLIS
        self.replicas: dict[str, Replica] = {}
        self.late: Replica | None = None
        for code in CODES:
            self.replicas[code] = self._open(code)
        self.pool: list[Bundle] = []
        self.records: dict[str, list[str]] = {t: [] for t in ("agency", "participant", "workshop", "enrolment")}
        # Every local write: (table, record id, column) -> [((hlc, office id), value), ...]
        self.writes: dict[tuple[str, str, str], list[tuple[tuple[int, str], object]]] = {}
        self.bundle_names = 0
        self.seed = 0
        self.backups: list[tuple[str, Path, int, frozenset[str], int]] = []  # code, file, seq, imported, pool size
        self.may_vanish: set[tuple[str, int, str]] = set()  # (office, hlc, record): held only by a restored office

    def _open(self, code: str) -> Replica:
        path = self.folder / f"{code}.db"
        shutil.copy(self.templates[code], path)
        shutil.copytree(self.templates[code].parent / "keys", self.folder / "keys", dirs_exist_ok=True)
        db = open_database(path)
        office_id, seq = _raw(db, "SELECT office_id, seq_last FROM local_state")[0]
        return Replica(code=code, db=db, office_id=office_id, seq_seen=seq)

    def teardown(self):
        try:
            self._deliver_everything()
        finally:
            for replica in [*self.replicas.values(), *([self.late] if self.late else [])]:
                replica.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- clocks ---------------------------------------------------------------------------

    @contextmanager
    def acting(self, replica: Replica):
        """The replica's skewed wall clock, while it writes, exports or imports."""
        def wall() -> int:
            return self.now + replica.offset

        with mock.patch.object(fieldlog.hlc, "wall_millis", wall), \
                mock.patch.object(fieldlog.sync.importer, "wall_millis", wall):
            yield
        self.now += 1

    @initialize(offsets=st.lists(st.integers(-6 * HOUR, 6 * HOUR), min_size=len(CODES), max_size=len(CODES)),
                data=st.data(), seed=st.integers(0, 2**32 - 1))
    def skew_clocks_and_share_some_records(self, offsets, data, seed):
        for replica, offset in zip(self.replicas.values(), offsets):
            replica.offset = offset
        self.seed = seed  # which old bundles the late office receives, and the conflict settled at the end
        # Most histories start from records some offices already hold, so that their edits meet.
        origin = data.draw(st.none() | st.sampled_from(CODES), label="records shared at the start by")
        if origin is None:
            return
        self.create_an_agency(data, origin)
        self.create_an_agency(data, origin)
        self.create_a_participant(data, origin)
        self.create_a_participant(data, origin)
        self.create_a_workshop(data, origin, first_day=2, days=2)
        self.enrol(data, origin, role="participant")
        bundle = self._export(self.replicas[origin], to=None)
        others = [c for c in CODES if c != origin]
        # At least one office is left out: deltas forwarded to it later bring children without parents.
        receivers = data.draw(st.lists(st.sampled_from(others), min_size=1, max_size=len(others) - 1, unique=True),
                              label="offices that receive them")
        for code in receivers:
            self._import(self.replicas[code], [bundle])
            # ...and acknowledge them: later deltas to these offices leave the shared records out.
            self._import(self.replicas[origin], [self._export(self.replicas[code], to=origin)])

    @rule(millis=st.one_of(st.integers(0, 1000), st.integers(0, 3 * HOUR)))
    def time_passes(self, millis):
        self.now += millis

    # Beyond the bound too (a computer set days ahead or behind): bundles with changes stamped more
    # than a day ahead of the importer's clock are refused whole (_import expects it).
    @rule(code=st.sampled_from(CODES), offset=st.integers(-6 * HOUR, 6 * HOUR) | st.integers(20 * HOUR, 30 * HOUR)
          | st.sampled_from((-3 * 24 * HOUR, 3 * 24 * HOUR, 400 * 24 * HOUR)))
    def a_clock_is_reset(self, code, offset):
        self.replicas[code].offset = offset
        if abs(offset) > 24 * HOUR:
            note("a clock set more than a day off")

    def _refused_for_clock(self, replica: Replica, bundles: list[Bundle]) -> bool:
        """Whether a change new to the replica is stamped beyond the bound of its clock."""
        from fieldlog.sync.clock_bound import BOUND_MS
        from tests.sync_helpers import read_bundle

        held = set(_raw(replica.db, "SELECT office_id, seq FROM change_log"))
        limit = self.now + replica.offset + BOUND_MS
        for bundle in bundles:
            for line in read_bundle(bundle.path, replica.db)[1]:
                entry = json.loads(line)
                if (entry["office_id"], entry["seq"]) not in held and entry["hlc"] >> 16 > limit:
                    return True
                held.add((entry["office_id"], entry["seq"]))
        return False

    # --- the model of local writes --------------------------------------------------------

    def _new_writes(self, replica: Replica) -> list[dict]:
        """The replica's own change-log entries since the last look, added to the model."""
        rows = _raw(
            replica.db,
            "SELECT seq, hlc, table_name, record_id, op, data FROM change_log WHERE office_id = ? AND seq > ? ORDER BY seq",
            (replica.office_id, replica.seq_seen),
        )
        entries = []
        for seq, hlc, table, record_id, op, data in rows:
            assert seq == replica.seq_seen + 1, "own sequence numbers have a gap"
            replica.seq_seen = seq
            values = json.loads(data)
            for column, value in values.items():
                if column not in ENTRY_FIELDS:
                    self.writes.setdefault((table, record_id, column), []).append(((hlc, replica.office_id), value))
            entries.append({"table": table, "record_id": record_id, "op": op, "data": values, "hlc": hlc})
        return entries

    def _check_database(self, replica: Replica) -> None:
        connection = sqlite3.connect(replica.db.path)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            top, = connection.execute("SELECT max(hlc) FROM change_log").fetchone()
            last, = connection.execute("SELECT hlc_last FROM local_state").fetchone()
            assert last >= top, "the clock is not past every stamp it holds"
        finally:
            connection.close()

    def _edited(self, replica: Replica, table: str, record_id: str, column: str, value, before) -> None:
        """After a local edit: one entry with exactly that field, or none if it already held it."""
        entries = self._new_writes(replica)
        if _stored(before) == _stored(value):
            assert entries == []
        else:
            assert len(entries) == 1 and entries[0]["record_id"] == record_id
            assert entries[0]["data"] == {column: value}
        assert replica.value(table, record_id, column) == _stored(value)

    # --- choosing records ----------------------------------------------------------------

    def _present(self, replica: Replica, table: str, *, live: bool = False) -> list[str]:
        return [r for r in self.records[table] if replica.exists(table, r, live=live)]

    def _draw_record(self, data, replica: Replica, table: str, *, live: bool = False) -> str | None:
        present = self._present(replica, table, live=live)
        return data.draw(st.sampled_from(present), label=f"{table} on {replica.code}") if present else None

    # --- creating ------------------------------------------------------------------------

    @rule(data=st.data(), code=st.sampled_from(CODES))
    def create_an_agency(self, data, code):
        replica = self.replicas[code]
        values = {column: data.draw(st.sampled_from(choices), label=column)
                  for column, choices in VALUES["agency"].items()}
        parent = data.draw(st.none() | st.just("pick"), label="has parent")
        if parent:
            parent = self._draw_record(data, replica, "agency")
        if parent and self._makes_a_cycle(replica, "a new agency", parent):
            # Its parents form a cycle (two offices reorganised at once): the service refuses it.
            with self.acting(replica), pytest.raises(ValidationError):
                create_agency(replica.db, **values, parent_id=parent)
            assert self._new_writes(replica) == []
            note("an agency refused under parents that form a cycle")
            return
        with self.acting(replica):
            agency = create_agency(replica.db, **values, parent_id=parent)
        self.records["agency"].append(agency)
        entries = self._new_writes(replica)
        assert [e["op"] for e in entries] == ["insert"]
        assert replica.value("agency", agency, "name") == values["name"]

    @rule(data=st.data(), code=st.sampled_from(CODES))
    def create_a_participant(self, data, code):
        replica = self.replicas[code]
        values = {column: data.draw(st.sampled_from(choices), label=column)
                  for column, choices in VALUES["participant"].items()}
        agency = self._draw_record(data, replica, "agency") if data.draw(st.booleans(), label="in an agency") else None
        with self.acting(replica):
            person = create_participant(replica.db, **values, agency_id=agency)
        self.records["participant"].append(person)
        assert [e["op"] for e in self._new_writes(replica)] == ["insert"]
        assert replica.value("participant", person, "agency_id") == agency

    @rule(data=st.data(), code=st.sampled_from(CODES), first_day=st.integers(1, 5), days=st.integers(1, 3))
    def create_a_workshop(self, data, code, first_day, days):
        replica = self.replicas[code]
        values = {column: data.draw(st.sampled_from(choices), label=column)
                  for column, choices in VALUES["workshop"].items()}
        start = date(2026, 3, first_day)
        with self.acting(replica):
            workshop = create_workshop(replica.db, **values, kind="training", start_date=start,
                                       end_date=start + timedelta(days=days - 1))
        self.records["workshop"].append(workshop)
        assert [e["op"] for e in self._new_writes(replica)] == ["insert"]

    @rule(data=st.data(), code=st.sampled_from(CODES), role=st.sampled_from(VALUES["enrolment"]["role"]))
    def enrol(self, data, code, role):
        replica = self.replicas[code]
        workshop = self._draw_record(data, replica, "workshop", live=True)
        person = self._draw_record(data, replica, "participant", live=True)
        if workshop is None or person is None:
            return
        same_person_enrolled = _raw(
            replica.db,
            "SELECT 1 FROM enrolment WHERE workshop_id = :w AND deleted = 0 AND participant_id IN ("
            "SELECT :p UNION SELECT record_id FROM merge_map WHERE table_name = 'participant' AND into_id = :p "
            "UNION SELECT into_id FROM merge_map WHERE table_name = 'participant' AND record_id = :p)",
            {"w": workshop, "p": person},
        )
        with self.acting(replica):
            if same_person_enrolled:
                with pytest.raises(ValidationError):
                    enrol_participant(replica.db, workshop_id=workshop, participant_id=person, role=role)
                assert self._new_writes(replica) == []
                return
            enrolment = enrol_participant(replica.db, workshop_id=workshop, participant_id=person, role=role)
        if enrolment not in self.records["enrolment"]:
            self.records["enrolment"].append(enrolment)
        entries = self._new_writes(replica)
        assert entries and {e["record_id"] for e in entries} == {enrolment}
        assert replica.exists("enrolment", enrolment, live=True)

    @rule(data=st.data(), code=st.sampled_from(CODES), day=st.integers(0, 2), present=st.booleans())
    def mark_attendance(self, data, code, day, present):
        replica = self.replicas[code]
        candidates = [
            (enrolment, start, end)
            for enrolment, start, end in _raw(
                replica.db,
                "SELECT e.id, w.start_date, w.end_date FROM enrolment e JOIN workshop w ON w.id = e.workshop_id "
                "WHERE e.deleted = 0 AND w.deleted = 0 ORDER BY e.id",
            )
        ]
        if not candidates:
            return
        enrolment, start, end = data.draw(st.sampled_from(candidates), label="enrolment")
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        day = min(first + timedelta(days=day), last)
        with self.acting(replica):
            set_attendance(replica.db, enrolment_id=enrolment, day=day, present=present)
        self._new_writes(replica)
        assert _raw(replica.db, "SELECT present, deleted FROM attendance WHERE enrolment_id = ? AND day = ?",
                    (enrolment, day.isoformat())) == [(int(present), 0)]

    # --- editing -------------------------------------------------------------------------

    def _draw_value(self, data, replica: Replica, table: str, column: str, record_id: str, *, other_than=()):
        if column in VALUES[table]:
            choices = VALUES[table][column]
        else:
            target = REFERENCES[table][column]
            choices = [None, *(r for r in self._present(replica, target) if not (table == "agency" and r == record_id))]
        choices = [c for c in choices if c not in other_than] or choices
        return data.draw(st.sampled_from(choices), label=column)

    def _makes_a_cycle(self, replica: Replica, agency: str, parent: str | None) -> bool:
        """What the agency service refuses: a parent chain that comes back to a record already seen."""
        seen = {agency}
        while parent:
            if parent in seen:
                return True
            seen.add(parent)
            parent = replica.value("agency", parent, "parent_id")
        return False

    def _edit(self, replica: Replica, table: str, record_id: str, column: str, value) -> None:
        before = replica.value(table, record_id, column)
        with self.acting(replica):
            if table == "enrolment":
                change_role(replica.db, enrolment_id=record_id, role=value)
            elif table == "participant":
                current = get_participant(replica.db, record_id).model_dump(exclude={"id", "deleted"})
                update_participant(replica.db, record_id, **{**current, column: value})
            elif table == "agency":
                current = get_agency(replica.db, record_id).model_dump(exclude={"id", "deleted"})
                current[column] = value
                if self._makes_a_cycle(replica, record_id, current["parent_id"]):
                    with pytest.raises(ValidationError) as refused:
                        update_agency(replica.db, record_id, **current)
                    assert set(refused.value.errors) == {"parent_id"}
                    assert self._new_writes(replica) == []
                    note("an agency edit refused: its parents would form a cycle")
                    return
                update_agency(replica.db, record_id, **current)
            else:
                current = get_workshop(replica.db, record_id).model_dump(exclude={"id", "deleted"})
                update_workshop(replica.db, record_id, **{**current, column: value})
        self._edited(replica, table, record_id, column, value, before)

    @rule(data=st.data(), code=st.sampled_from(CODES), table=st.sampled_from(tuple(EDITABLE)))
    def edit_a_field(self, data, code, table):
        replica = self.replicas[code]
        record_id = self._draw_record(data, replica, table)
        if record_id is None:
            return
        column = data.draw(st.sampled_from(EDITABLE[table]), label="column")
        self._edit(replica, table, record_id, column, self._draw_value(data, replica, table, column, record_id))

    @rule(data=st.data(), codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True),
          table=st.sampled_from(tuple(EDITABLE)))
    def edit_one_field_on_two_offices_at_once(self, data, codes, table):
        first, second = (self.replicas[c] for c in codes)
        shared = [r for r in self._present(first, table) if second.exists(table, r)]
        if not shared:
            return
        record_id = data.draw(st.sampled_from(shared), label="record")
        column = data.draw(st.sampled_from(EDITABLE[table]), label="column")
        one = self._draw_value(data, first, table, column, record_id)
        same = data.draw(st.sampled_from((False, False, True)), label="the same value on both")
        valid_on_second = column in VALUES[table] or one is None or second.exists(REFERENCES[table][column], one)
        if same and valid_on_second:
            other = one
        else:
            other = self._draw_value(data, second, table, column, record_id, other_than=(one,))
        self._edit(first, table, record_id, column, one)
        self._edit(second, table, record_id, column, other)
        note("one field edited on two offices at once")
        if data.draw(st.booleans(), label="then they exchange bundles"):
            self.send_and_receive([first.code, second.code], full=False)
            self.send_and_receive([second.code, first.code], full=False)
            if data.draw(st.booleans(), label="then someone reviews the conflicts"):
                self.resolve_a_conflict(data)

    @rule(data=st.data(), codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True))
    def reorganise_agencies_on_two_offices_at_once(self, data, codes):
        """One office puts agency A under B while another puts B under A: each is valid where it is made."""
        first, second = (self.replicas[c] for c in codes)
        shared = [r for r in self._present(first, "agency") if second.exists("agency", r)]
        if len(shared) < 2:
            return
        one = data.draw(st.sampled_from(shared), label="agency A")
        other = data.draw(st.sampled_from([r for r in shared if r != one]), label="agency B")
        self._edit(first, "agency", one, "parent_id", other)
        self._edit(second, "agency", other, "parent_id", one)
        note("agencies reorganised on two offices at once")

    @precondition(lambda self: duplicates is not None)
    @rule(data=st.data(), codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True),
          table=st.sampled_from(("participant", "agency")))
    def merge_on_two_offices_at_once(self, data, codes, table):
        """Two offices merge the same records, in opposite directions or into different survivors."""
        first, second = (self.replicas[c] for c in codes)
        mergeable = [r for r in self._present(first, table, live=True) if second.exists(table, r, live=True)
                     and r not in self._merged(first, table) and r not in self._merged(second, table)]
        if len(mergeable) < 2:
            return
        source = data.draw(st.sampled_from(mergeable), label="merged away")
        into = data.draw(st.sampled_from([r for r in mergeable if r != source]), label="into, on the first")
        elsewhere = data.draw(st.sampled_from([r for r in mergeable if r != into]), label="into, on the second")
        pairs = [(first, source, into), (second, into, source) if elsewhere == source else (second, source, elsewhere)]
        for replica, merged_away, survivor in pairs:
            with self.acting(replica):
                duplicates.merge_records(replica.db, table=table, from_id=merged_away, into_id=survivor)
            assert len(self._new_writes(replica)) == 1
        note("duplicates merged on two offices at once")

    @rule(data=st.data(), code=st.sampled_from(CODES), table=st.sampled_from(TRASHABLE), deleted=st.booleans())
    def delete_or_restore(self, data, code, table, deleted):
        replica = self.replicas[code]
        record_id = self._draw_record(data, replica, table)
        if record_id is None:
            return
        before = replica.value(table, record_id, "deleted")
        with self.acting(replica):
            (delete_record if deleted else restore_record)(replica.db, table=table, record_id=record_id)
        self._edited(replica, table, record_id, "deleted", deleted, before)

    @rule(data=st.data())
    def resolve_a_conflict(self, data):
        having = [r for r in self.replicas.values() if _raw(r.db, "SELECT 1 FROM conflict LIMIT 1")]
        if not having:
            return
        replica = data.draw(st.sampled_from(having), label="office with conflicts")
        conflicts = list_conflicts(replica.db)
        assert conflicts
        conflict = data.draw(st.sampled_from(conflicts), label="conflict")
        choice = data.draw(st.sampled_from(conflict.choices), label="kept value")
        target = REFERENCES.get(conflict.table, {}).get(conflict.column)
        value = choice.value
        if target and value is not None and not replica.exists(target, value):
            # The losing value names a record this office has not received: refused, cleanly.
            with self.acting(replica), pytest.raises(ValidationError):
                resolve_conflict(replica.db, table=conflict.table, record_id=conflict.record_id,
                                 column=conflict.column, value=value)
            assert self._new_writes(replica) == []
            note("keeping a value that names a record not received was refused")
            return
        with self.acting(replica):
            resolve_conflict(replica.db, table=conflict.table, record_id=conflict.record_id,
                             column=conflict.column, value=value)
        entries = self._new_writes(replica)
        assert len(entries) == 1 and entries[0]["data"] == {conflict.column: value}
        assert not any(c.table == conflict.table and c.record_id == conflict.record_id and c.column == conflict.column
                       for c in list_conflicts(replica.db)), "a resolved conflict is still listed"
        note("a conflict resolved")

    # --- duplicates ------------------------------------------------------------------------

    def _merged(self, replica: Replica, table: str) -> dict[str, str]:
        return dict(_raw(replica.db, "SELECT record_id, into_id FROM merge_map WHERE table_name = ?", (table,)))

    @precondition(lambda self: duplicates is not None)
    @rule(data=st.data(), code=st.sampled_from(CODES), table=st.sampled_from(("participant", "agency")))
    def merge_duplicates(self, data, code, table):
        replica = self.replicas[code]
        live = self._present(replica, table, live=True)
        merged = self._merged(replica, table)
        sources = [r for r in live if r not in merged]
        if len(sources) < 2:
            return
        source = data.draw(st.sampled_from(sources), label="merged away")
        into = data.draw(st.sampled_from([r for r in sources if r != source]), label="into")
        with self.acting(replica):
            duplicates.merge_records(replica.db, table=table, from_id=source, into_id=into)
        entries = self._new_writes(replica)
        assert [(e["table"], e["op"]) for e in entries] == [("duplicate_decision", "insert")]
        assert self._merged(replica, table)[source] == into
        note("duplicates merged")

    @precondition(lambda self: duplicates is not None)
    @rule(data=st.data())
    def undo_a_merge(self, data):
        having = [(r, t) for r in self.replicas.values() for t in ("participant", "agency") if self._merged(r, t)]
        if not having:
            return
        replica, table = data.draw(st.sampled_from(having), label="office and table with merges")
        merged = self._merged(replica, table)
        source = data.draw(st.sampled_from(sorted(merged)), label="merged record")
        with self.acting(replica):
            undone = duplicates.unmerge_records(replica.db, table=table, from_id=source)
        assert undone >= 1 and len(self._new_writes(replica)) == undone
        assert source not in self._merged(replica, table)
        note("a merge undone")

    # --- bundles -------------------------------------------------------------------------

    def _export(self, replica: Replica, *, to: str | None) -> Bundle:
        self.bundle_names += 1
        path = self.folder / f"{self.bundle_names:04d}-{replica.code}-to-{to or 'all'}.fieldlog"
        with self.acting(replica):
            summary = export_bundle(replica.db, out=path, to=to, full=to is None)
        assert self._new_writes(replica) == []
        bundle = Bundle(path=path, bundle_id=summary.bundle_id, origin=replica.code, full=to is None, to=to,
                        entries=summary.entries)
        self.pool.append(bundle)
        return bundle

    def _knows(self, replica: Replica, code: str) -> bool:
        return bool(_raw(replica.db, "SELECT 1 FROM office WHERE code = ? AND deleted = 0", (code,)))

    @rule(code=st.sampled_from(CODES))
    def export_a_full_bundle(self, code):
        self._export(self.replicas[code], to=None)

    @rule(codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True))
    def export_a_delta_bundle(self, codes):
        # Offices whose keys are trusted can be written to before any record of theirs arrived.
        self._export(self.replicas[codes[0]], to=codes[1])

    def _import(self, replica: Replica, bundles: list[Bundle]):
        known = all(b.bundle_id in replica.imported or b.origin == replica.code and b.bundle_id not in replica.forgotten
                    for b in bundles)
        before = content_hash(replica.db) if known else None
        if self._refused_for_clock(replica, bundles):
            from fieldlog.sync.clock_bound import ClockAhead
            from tests.sync_helpers import database_dump

            dump = database_dump(replica.db)
            with self.acting(replica), pytest.raises(ClockAhead):
                import_bundles(replica.db, [b.path for b in bundles])
            assert database_dump(replica.db) == dump, "a refused bundle changed the database"
            note("a bundle refused: a change stamped more than a day ahead")
            return []
        with self.acting(replica):
            summaries = import_bundles(replica.db, [b.path for b in bundles])
        assert len(summaries) == len(bundles)
        if replica.restored:  # its own entries come back, or are re-numbered: none is a new write
            self._returned_own(replica)
        assert self._new_writes(replica) == [], "an import wrote entries in this office's name"
        if known:
            note("a bundle imported again")
            assert all(s.changed_nothing for s in summaries)
            assert content_hash(replica.db) == before, "re-importing a bundle changed the content"
        replica.imported.update(b.bundle_id for b in bundles)
        for summary in summaries:
            if summary.parked:
                note("an import left records waiting for their parent")
            if summary.conflicts:
                note("an import found conflicting writes")
            if summary.future_stamps:
                note("an import saw clocks more than a day ahead")
        return summaries

    # Mostly deltas: full bundles spread everything at once and leave little to park or reorder.
    @rule(codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True),
          full=st.sampled_from((False, False, False, True)))
    def send_and_receive(self, codes, full):
        """The common case: a bundle written and imported straight away (the pool keeps it too)."""
        sender, receiver = self.replicas[codes[0]], self.replicas[codes[1]]
        to = None if full else receiver.code
        summaries = self._import(receiver, [self._export(sender, to=to)])
        if summaries and summaries[0].new_entries:
            note("a bundle sent and received with new changes")

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), code=st.sampled_from(CODES))
    def import_a_bundle(self, data, code):
        bundle = data.draw(st.sampled_from(self.pool), label="bundle")
        self._import(self.replicas[code], [bundle])

    @precondition(lambda self: any(not b.full and b.entries for b in self.pool))
    @rule(data=st.data())
    def import_a_delta_meant_for_another_office(self, data):
        """A delta holds only what its addressee lacked: elsewhere, children may come without parents."""
        bundle = data.draw(st.sampled_from([b for b in self.pool if not b.full and b.entries]), label="delta bundle")
        code = data.draw(st.sampled_from([c for c in CODES if c not in (bundle.to, bundle.origin)]), label="office")
        self._import(self.replicas[code], [bundle])

    @rule(data=st.data(), code=st.sampled_from(CODES))
    def forward_a_fresh_delta_to_the_wrong_office(self, data, code):
        """A delta written for one office and imported by another (a coordinator forwarding mail)."""
        sender = self.replicas[code]
        addressee = data.draw(st.sampled_from([c for c in CODES if c != code]), label="addressee")
        other = data.draw(st.sampled_from([c for c in CODES if c not in (code, addressee)]), label="imported by")
        self._import(self.replicas[other], [self._export(sender, to=addressee)])

    @precondition(lambda self: len(self.pool) >= 2)
    @rule(data=st.data(), code=st.sampled_from(CODES))
    def import_several_bundles_at_once(self, data, code):
        bundles = data.draw(st.lists(st.sampled_from(self.pool), min_size=2, max_size=4), label="bundles")
        self._import(self.replicas[code], bundles)

    @precondition(lambda self: any(r.imported for r in self.replicas.values()))
    @rule(data=st.data())
    def import_a_bundle_again(self, data):
        replica = data.draw(st.sampled_from([r for r in self.replicas.values() if r.imported]), label="replica")
        bundle = data.draw(st.sampled_from([b for b in self.pool if b.bundle_id in replica.imported]), label="bundle")
        self._import(replica, [bundle])

    # --- restores (docs/ARCHITECTURE.md §4.11) ---------------------------------------------

    @precondition(lambda self: len(self.backups) < 4)
    @rule(code=st.sampled_from(CODES))
    def back_up_a_database(self, code):
        replica = self.replicas[code]
        path = self.folder / f"backup-{len(self.backups)}-{code}.db"
        source, target = sqlite3.connect(replica.db.path), sqlite3.connect(path)
        try:
            source.backup(target)  # a consistent copy, WAL included
        finally:
            source.close()
            target.close()
        seq = _raw(replica.db, "SELECT seq_last FROM local_state")[0][0]
        self.backups.append((code, path, seq, frozenset(replica.imported), len(self.pool)))

    @precondition(lambda self: self.backups)
    @rule(data=st.data())
    def restore_a_backup(self, data):
        """An office restores its database from an older copy and keeps working."""
        self._restore(data.draw(st.sampled_from(self.backups), label="backup"))

    @rule(data=st.data(), codes=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True))
    def lose_work_to_a_restore(self, data, codes):
        """The case that matters: an office backs up, works, sends that work, restores the backup,
        and works again with the same sequence numbers."""
        code, peer = codes
        self.back_up_a_database(code)
        backup = self.backups[-1]
        self.create_a_participant(data, code)
        self.edit_a_field(data, code, "participant")
        self.send_and_receive([code, peer], full=data.draw(st.sampled_from((False, False, True)), label="full"))
        self._restore(backup)
        self.create_a_participant(data, code)
        self.edit_a_field(data, code, data.draw(st.sampled_from(tuple(EDITABLE)), label="table"))

    def _restore(self, backup) -> None:
        code, path, seq, imported, pool_size = backup
        replica = self.replicas[code]
        others = [r for r in self.replicas.values() if r is not replica]
        for entry in _raw(replica.db, "SELECT office_id, hlc, record_id FROM change_log"):
            if not any(_raw(r.db, "SELECT 1 FROM change_log WHERE office_id = ? AND hlc = ? AND record_id = ?", entry)
                       for r in others):
                self.may_vanish.add(entry)
        if any(_raw(r.db, "SELECT 1 FROM change_log WHERE office_id = ? AND seq > ?", (replica.office_id, seq))
               for r in others):
            note("a restore lost changes of its own that other offices hold")
        replica.db.close()
        for companion in ("-wal", "-shm"):
            Path(f"{replica.db.path}{companion}").unlink(missing_ok=True)
        shutil.copy(path, replica.db.path)
        replica.db = open_database(replica.db.path)
        replica.seq_seen, replica.imported, replica.restored = seq, set(imported), True
        replica.forgotten |= {b.bundle_id for b in self.pool[pool_size:] if b.origin == code}
        note("a database restored from a backup")

    def _returned_own(self, replica: Replica) -> None:
        """After an import into a restored office: its own entries that came back or were given a
        fresh number are writes the model knows (same office, stamp and record), never new ones."""
        last = _raw(replica.db, "SELECT seq_last FROM local_state")[0][0]
        known = {(stamp, table, record) for (table, record, _column), writes in self.writes.items()
                 for stamp, _value in writes}
        for hlc, table, record, restamp_of in _raw(
            replica.db, "SELECT hlc, table_name, record_id, restamp_of FROM change_log WHERE office_id = ? AND seq > ?",
            (replica.office_id, replica.seq_seen),
        ):
            assert ((hlc, replica.office_id), table, record) in known or table == "office", \
                "an import wrote a new change in this office's name"
            note("an entry re-numbered after a restore" if restamp_of else "a lost entry came back to its office")
        replica.seq_seen = max(replica.seq_seen, last)

    @invariant()
    def databases_are_sound(self):
        for replica in self.replicas.values():
            self._check_database(replica)

    # --- the end: everything delivered ---------------------------------------------------

    def _deliver_everything(self) -> None:
        from fieldlog.sync.clock_bound import BOUND_MS

        # Every clock is set right, and time passes until no stamp held is beyond the bound.
        for replica in self.replicas.values():
            replica.offset = 0
            top = _raw(replica.db, "SELECT max(hlc) FROM change_log")[0][0] or 0
            self.now = max(self.now, (top >> 16) - BOUND_MS)
        hq = self.replicas["HQ"]
        fields = [self.replicas[c] for c in FIELD_OFFICES]
        restored = any(r.restored for r in self.replicas.values())
        rounds = self._rounds(hq, fields, restored)
        if restored:
            STATS[f"examples with a restore, delivered in {rounds} rounds"] += 1
        final = content_hash(hq.db)
        for office in fields:
            assert content_hash(office.db) == final, f"{office.code} differs from HQ after a delta from HQ"
        # A new office, given some old bundles (in a random order, one by one) and then everyone's
        # full bundle, gets the same content.
        self.late = self._open(LATE)
        old = random.Random(self.seed).sample(self.pool, min(len(self.pool), 6))
        for bundle in old:  # some old bundles first, one by one: deltas bring children without parents
            self._import(self.late, [bundle])
        fulls = [self._export(r, to=None) for r in self.replicas.values()]
        self._import(self.late, fulls[::-1])
        late_bundle = self._export(self.late, to=None)
        for replica in self.replicas.values():
            self._import(replica, [late_bundle])
        if restored:  # old bundles may hold versions a restored office has yet to re-number
            self._rounds(hq, [*fields, self.late], restored)
        # The coordinator reviews a conflict; its choice settles it on every office.
        settled = self._resolve_one_at_the_end(hq)
        if settled:
            for office in [*fields, self.late]:
                self._import(office, [self._export(hq, to=office.code)])
        # Each office's reply acknowledges what it received: the coordinator owes nobody anything.
        self._import(hq, [self._export(office, to="HQ") for office in [*fields, self.late]])
        everyone = [*self.replicas.values(), self.late]
        hashes = {r.code: content_hash(r.db) for r in everyone}
        assert len(set(hashes.values())) == 1, f"replicas differ after full delivery: {hashes}"
        vectors = {r.code: local_vector_of(r.db) for r in everyone}
        assert all(v == vectors["HQ"] for v in vectors.values()), vectors
        for replica in everyone:
            self._check_database(replica)
            assert _raw(replica.db, "SELECT table_name, record_id, missing_table, missing_id FROM parked") == []
            assert _raw(replica.db, "SELECT office_id, seq FROM clash_entry") == [], "a clash is left unsettled"
            assert _raw(replica.db, "SELECT * FROM merge_map ORDER BY 1, 2") == \
                _raw(hq.db, "SELECT * FROM merge_map ORDER BY 1, 2")
        assert {p.code: p.pending for p in peer_status(hq.db)} == {c: 0 for c in [*FIELD_OFFICES, LATE]}
        self._no_write_lost(hq)
        for replica in everyone:
            assert not any((c.table, c.record_id, c.column) == settled for c in list_conflicts(replica.db)), \
                f"the conflict settled at HQ is still listed at {replica.code}"
        STATS["examples delivered and checked"] += 1
        STATS["fields checked against their latest write"] += len(self.writes)
        STATS["examples ending with conflicts"] += bool(_raw(hq.db, "SELECT 1 FROM conflict LIMIT 1"))
        STATS["examples ending with merges"] += bool(_raw(hq.db, "SELECT 1 FROM merge_map LIMIT 1"))
        STATS["examples ending with an agency cycle"] += any(
            self._makes_a_cycle(hq, a, hq.value("agency", a, "parent_id")) for a in self.records["agency"])

    def _rounds(self, hq: Replica, offices: list[Replica], restored: bool) -> int:
        """Every office sends everything to the coordinator, which sends each one what it has not
        acknowledged (a delta, relayed entries included). After a restore, entries re-numbered on
        detection travel in the next rounds; how many are needed is returned."""
        for rounds in range(1, 6):
            self._import(hq, [self._export(office, to=None) for office in offices])
            for office in offices:
                self._import(office, [self._export(hq, to=office.code)])
            final, vector = content_hash(hq.db), local_vector_of(hq.db)
            if not restored or all(content_hash(o.db) == final and local_vector_of(o.db) == vector for o in offices):
                break
        return rounds

    def _resolve_one_at_the_end(self, hq: Replica) -> tuple[str, str, str] | None:
        conflicts = list_conflicts(hq.db)
        if not conflicts:
            return None
        choose = random.Random(self.seed)
        conflict = choose.choice(conflicts)
        value = choose.choice(conflict.choices).value
        with self.acting(hq):
            resolve_conflict(hq.db, table=conflict.table, record_id=conflict.record_id, column=conflict.column,
                             value=value)
        assert [e["data"] for e in self._new_writes(hq)] == [{conflict.column: value}]
        STATS["conflicts settled at the end and delivered"] += 1
        return conflict.table, conflict.record_id, conflict.column

    def _no_write_lost(self, replica: Replica) -> None:
        """Each field holds the value of its latest write by (HLC, office id), whoever wrote it."""
        held_log = set(_raw(replica.db, "SELECT office_id, hlc, record_id FROM change_log")) if self.may_vanish else None
        for (table, record_id, column), writes in self.writes.items():
            if held_log is not None:
                # A write only a restored office held, in no bundle delivered, is gone with its backup.
                for (hlc, office), _value in writes:
                    assert (office, hlc, record_id) in held_log or (office, hlc, record_id) in self.may_vanish, \
                        f"a write to {table}.{column} of {record_id} is lost"
                writes = [w for w in writes if (w[0][1], w[0][0], record_id) in held_log]
                if not writes:
                    continue
            stamp, value = max(writes, key=lambda w: w[0])
            assert replica.exists(table, record_id), f"{table} {record_id} was written but is missing"
            held = replica.value(table, record_id, column)
            # After a restore, a clock set back may stamp two different writes alike: either may win.
            assert held in {_stored(v) for s, v in writes if s == stamp}, (
                f"{table}.{column} of {record_id} holds {held!r}; the latest write {stamp} was {value!r}"
            )


def local_vector_of(db: Database) -> dict[str, int]:
    with db.read() as session:
        return local_vector(session)


SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,  # no .hypothesis folder in the shared tree; a failure prints its steps to reproduce
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_sync_state_machine(tmp_path_factory):
    SyncMachine.templates = make_templates(tmp_path_factory.mktemp("templates"))
    STATS.clear()
    run_state_machine_as_test(SyncMachine, settings=SETTINGS)
    if os.environ.get("FIELDLOG_SYNC_STATS"):
        print("\n".join(f"{count:8d}  {what}" for what, count in sorted(STATS.items())))


# --- histories the machine found, kept as plain examples ---------------------------------


def _agency_values(db, agency_id: str, **changes) -> dict:
    return {**get_agency(db, agency_id).model_dump(exclude={"id", "deleted"}), **changes}


def test_agencies_put_under_each_other_by_two_offices_reach_a_new_office(tmp_path):
    """BKO puts A under B while NIA puts B under A: each edit is valid where it is made, and
    after sync both hold the cycle. A new office built from a full bundle must hold it too,
    rather than park both agencies forever, each waiting for the other."""
    from tests.sync_helpers import Office, exchange, row

    bko, nia, oua = Office(tmp_path, "BKO"), Office(tmp_path, "NIA", "NE"), Office(tmp_path, "OUA", "BF")
    first = create_agency(bko.db, name="Police nationale", country="ML", kind="police")
    second = create_agency(bko.db, name="Brigade spéciale", country="ML", kind="police")
    person = create_participant(bko.db, family_name="Traoré", given_names="Awa", sex="F", agency_id=second)
    exchange(bko, nia)
    update_agency(bko.db, first, **_agency_values(bko.db, first, parent_id=second))
    update_agency(nia.db, second, **_agency_values(nia.db, second, parent_id=first))
    exchange(bko, nia)
    assert content_hash(bko.db) == content_hash(nia.db)
    assert row(bko.db, "agency", first)["parent_id"] == second and row(bko.db, "agency", second)["parent_id"] == first

    summary, = oua.receive(bko.send(full=True))
    assert summary.parked == 0
    assert row(oua.db, "agency", first)["parent_id"] == second
    assert row(oua.db, "agency", second)["parent_id"] == first
    assert row(oua.db, "participant", person)["agency_id"] == second
    bko.receive(oua.send(full=True))
    oua.receive(bko.send(full=True))
    assert content_hash(oua.db) == content_hash(bko.db)
    for office in (bko, nia, oua):
        office.close()


def test_resolving_a_conflict_settles_it_when_two_offices_had_written_the_winning_value(tmp_path):
    """BKO and NIA both correct a function to "Capitaine" while AGA writes "Juge": one conflict
    (Juge against Capitaine). Once HQ keeps "Juge", no conflict may remain listed: a person has
    seen both values."""
    from tests.sync_helpers import Office

    bko, nia, aga, hq = (Office(tmp_path, code) for code in ("BKO", "NIA", "AGA", "HQ"))
    person = create_participant(bko.db, family_name="Diallo", given_names="Awa", sex="F")
    shared = bko.send(full=True)
    for office in (nia, aga, hq):
        office.receive(shared)

    def edit(office, value):
        current = get_participant(office.db, person).model_dump(exclude={"id", "deleted"})
        update_participant(office.db, person, **{**current, "function": value})

    edit(aga, "Juge")
    edit(bko, "Capitaine")
    edit(nia, "Capitaine")  # the latest write: Capitaine wins, Juge is the conflict
    hq.receive(*(office.send(full=True) for office in (bko, nia, aga)))
    conflicts = list_conflicts(hq.db)
    assert [(c.column, c.current.value, [o.value for o in c.others]) for c in conflicts] == \
        [("function", "Capitaine", ["Juge"])]

    resolve_conflict(hq.db, table="participant", record_id=person, column="function", value="Juge")
    assert list_conflicts(hq.db) == []
    for office in (bko, nia, aga):
        office.receive(hq.send(full=True))
        assert list_conflicts(office.db) == []
    for office in (bko, nia, aga, hq):
        office.close()


def test_an_edit_after_two_offices_wrote_the_same_value_leaves_no_conflict_anywhere(tmp_path):
    """BKO and NIA both write "Capitaine" (no conflict: the same value); NIA, having seen both,
    changes it to "Juge". No office may list a conflict, and all hold the same content."""
    from tests.sync_helpers import Office, exchange

    bko, nia = Office(tmp_path, "BKO"), Office(tmp_path, "NIA", "NE")
    person = create_participant(bko.db, family_name="Diallo", given_names="Awa", sex="F")
    exchange(bko, nia)

    def edit(office, value):
        current = get_participant(office.db, person).model_dump(exclude={"id", "deleted"})
        update_participant(office.db, person, **{**current, "function": value})

    edit(bko, "Capitaine")
    edit(nia, "Capitaine")
    exchange(bko, nia)
    edit(nia, "Juge")
    exchange(bko, nia)
    assert list_conflicts(bko.db) == list_conflicts(nia.db) == []
    assert content_hash(bko.db) == content_hash(nia.db)
    bko.close()
    nia.close()


def test_keeping_a_losing_value_that_names_an_agency_not_received_is_refused_clearly(tmp_path):
    """A conflict on a participant's agency whose losing value is an agency this office has not
    received (a delta meant for HQ, forwarded to NIA): keeping it is refused with a message,
    not an SQLite foreign-key error, and nothing is written."""
    from fieldlog.errors import FieldlogError
    from tests.sync_helpers import Office, change_log_count, row

    bko, nia, hq = Office(tmp_path, "BKO"), Office(tmp_path, "NIA", "NE"), Office(tmp_path, "HQ", "SN")
    person = create_participant(bko.db, family_name="Keïta", given_names="Modibo", sex="M")
    for office in (nia, hq):
        office.receive(bko.send(full=True))
        bko.receive(office.send(bko))
    gendarmerie = create_agency(bko.db, name="Gendarmerie", country="ML", kind="gendarmerie")
    hq.receive(bko.send(hq))
    bko.receive(hq.send(bko))  # HQ acknowledges the gendarmerie
    current = get_participant(bko.db, person).model_dump(exclude={"id", "deleted"})
    update_participant(bko.db, person, **{**current, "agency_id": gendarmerie})
    police = create_agency(nia.db, name="Police nationale", country="NE", kind="police")
    current = get_participant(nia.db, person).model_dump(exclude={"id", "deleted"})
    update_participant(nia.db, person, **{**current, "agency_id": police})
    nia.receive(bko.send(hq))  # meant for HQ: the edit, without the gendarmerie HQ already has
    assert row(nia.db, "participant", person)["agency_id"] == police
    conflict, = list_conflicts(nia.db)
    assert [o.value for o in conflict.others] == [gendarmerie]

    before = (content_hash(nia.db), change_log_count(nia.db))
    with pytest.raises(FieldlogError):
        resolve_conflict(nia.db, table="participant", record_id=person, column="agency_id", value=gendarmerie)
    assert (content_hash(nia.db), change_log_count(nia.db)) == before
    for office in (bko, nia, hq):
        office.close()


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.integers(0, 2**40),
    events=st.lists(st.tuples(st.sampled_from(("tick", "observe")), st.integers(-10**7, 10**7),
                              st.integers(0, 2**40 << 16)), max_size=50),
)
def test_the_clock_only_moves_forward(start, events):
    """Whatever the wall clock does (set back by hours, a dead CMOS battery) and whatever stamps
    arrive, each stamp the clock hands out is above every stamp it has seen or made."""
    from fieldlog.hlc import HybridClock

    clock = HybridClock(start << 16)
    wall = start
    highest = clock.last
    for kind, step, remote in events:
        wall = max(0, wall + step)
        stamp = clock.tick(wall) if kind == "tick" else clock.observe(remote, wall)
        assert stamp > highest
        highest = max(stamp, remote if kind == "observe" else stamp)


def test_more_writes_in_one_millisecond_than_the_counter_holds():
    """70,000 local writes while the wall clock stands behind the last stamp (a spreadsheet
    import after receiving a bundle from an office whose clock is ahead): every stamp is new."""
    from fieldlog.hlc import HybridClock, pack

    clock = HybridClock(pack(START_MILLIS + HOUR, 0))
    stamps = [clock.tick(START_MILLIS) for _ in range(70_000)]
    assert all(later > earlier for earlier, later in zip(stamps, stamps[1:]))
