"""`import_bundles`: verify every file, then apply them all in one transaction (docs/ARCHITECTURE.md §4)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fieldlog.database import Database
from fieldlog.errors import NotInitialised
from fieldlog.hlc import HybridClock, wall_millis
from fieldlog.i18n import _, ngettext
from fieldlog.schema import REVISIONS
from fieldlog.services.writer import raw_cursor
from fieldlog.keys.keyring import Keyring, load_keyring
from fieldlog.keys.material import SecretKeys
from fieldlog.keys.trust import KnownKey
from fieldlog.sync.bundle_file import BundleError, iter_lines, read_manifest, verify_payload
from fieldlog.sync.clock_bound import BOUND_MS, refuse_if_ahead
from fieldlog.sync.sealed import open_sealed
from fieldlog.sync.entries import BadEntry, entry_from_wire
from fieldlog.sync.export import now_text
from fieldlog.sync.restores import Clashes, trusted_seen
from fieldlog.sync.materialise import NEW, PARKED, UNCHANGED, UPDATED, entries_of_affected, materialise
from fieldlog.sync.vectors import record_ack

Progress = Callable[[int, int], None]

# Parents before children, so that most records find their parent already in place.
TABLE_ORDER = (
    "office", "agency", "participant", "workshop", "enrolment", "attendance",
    "outcome", "outcome_workshop", "outcome_agency", "indicator", "duplicate_decision",
)

_STAGE = (
    "INSERT OR IGNORE INTO change_log (office_id, seq, hlc, table_name, record_id, op, data, author, base, restamp_of) "
    "VALUES (:office_id, :seq, :hlc, :table_name, :record_id, :op, :data, :author, :base, :restamp_of)"
)


@dataclass
class CheckedBundle:
    path: Path
    manifest: dict
    offset: int
    data: bytes  # the plain bundle, opened and verified
    signer: KnownKey

    @property
    def origin_code(self) -> str:
        return str(self.manifest.get("origin_code") or "?")

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class ImportSummary:
    path: Path
    bundle_id: str
    origin_code: str
    entries: int = 0
    new_entries: int = 0
    records: dict[str, int] = field(default_factory=lambda: {NEW: 0, UPDATED: 0, UNCHANGED: 0})
    conflicts: int = 0
    parked: int = 0
    future_stamps: int = 0
    seen_before: bool = False

    @property
    def changed_nothing(self) -> bool:
        return self.new_entries == 0


def check_bundle(path: Path | str, keyring: Keyring) -> CheckedBundle:
    """Everything that can refuse a file before the database is touched: the signature of a
    trusted office, then the manifest and payload it signed."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BundleError(_("No such bundle file: {path}").format(path=path))
    opened = open_sealed(path, keyring)
    data, name = opened.data, path.name
    manifest, offset = read_manifest(data, name)
    revision = manifest.get("schema_revision")
    if revision not in REVISIONS:
        raise BundleError(
            _("{name} was made by a newer fieldlog (schema {revision}): upgrade fieldlog to import it.").format(
                name=name, revision=revision
            )
        )
    for key in ("bundle_id", "origin_office"):
        if not isinstance(manifest.get(key), str):
            raise BundleError(_("{name} is corrupted: its manifest cannot be read.").format(name=name))
    if not isinstance(manifest.get("seen", {}), dict) or not isinstance(manifest.get("counts", {}), dict):
        raise BundleError(_("{name} is corrupted: its manifest cannot be read.").format(name=name))
    if manifest["origin_office"] != opened.signer.public.office_id:
        raise BundleError(_(
            "{name} claims to come from another office than {office}, which signed it: it is refused and nothing "
            "was imported."
        ).format(name=name, office=opened.signer.code))
    verify_payload(data, name, manifest, offset)
    return CheckedBundle(path=path, manifest=manifest, offset=offset, data=data, signer=opened.signer)


def check_bundles(paths: Sequence[Path | str], keyring: Keyring) -> list[CheckedBundle]:
    """Check every file, in the order given. A file signed by an office that a coordinator's
    bundle among them vouches for is accepted whatever the order."""
    checked: dict[int, CheckedBundle] = {}
    waiting: dict[int, BundleError] = {}
    while True:
        for index, path in enumerate(paths):
            if index in checked:
                continue
            try:
                bundle = check_bundle(path, keyring)
            except BundleError as error:
                waiting[index] = error
                continue
            waiting.pop(index, None)
            checked[index] = bundle
            keyring.learn_from(bundle.signer, bundle.manifest.get("trusted_offices"))
            break
        else:
            if waiting:
                raise waiting[min(waiting)]
            return [checked[index] for index in range(len(paths))]


def import_bundles(
    db: Database, paths: Sequence[Path | str], *, secret: SecretKeys | None = None, progress: Progress | None = None
) -> list[ImportSummary]:
    """Verify all files first, then apply them in one transaction: one bad file (even one whose
    damage shows only once expanded, such as an oversized field) and nothing is imported.
    `secret`: this office's unlocked keys, when they are protected by a passphrase."""
    try:
        keyring = load_keyring(db, secret=secret)
        checked = check_bundles(paths, keyring)
        with db.write() as session:
            summaries = [_apply(session, bundle, progress=progress) for bundle in checked]
            keyring.save_learned(session)
            return summaries
    except OSError as error:  # a USB stick pulled out mid-read, a file without permission
        raise BundleError(
            _("Cannot read {path}: {reason}").format(path=error.filename or "", reason=error.strerror or error)
        ) from None


def _bad(bundle: CheckedBundle, error: BadEntry) -> BundleError:
    if error.oversized:
        return BundleError(
            _("{name} is refused: a field is longer than fieldlog allows ({field}).").format(
                name=bundle.name, field=error.args[0]
            )
        )
    return BundleError(
        _("{name} is corrupted: an entry cannot be read ({field}).").format(name=bundle.name, field=error.args[0])
    )


def _not_relayable(bundle: CheckedBundle) -> BundleError:
    return BundleError(_(
        "{name} carries changes made by other offices, and {office} is not a coordinator trusted to pass them "
        "on: it is refused and nothing was imported."
    ).format(name=bundle.name, office=bundle.signer.code))


def _stage(cursor, bundle: CheckedBundle, summary: ImportSummary, progress: Progress | None, clashes: Clashes) -> int:
    """Add the bundle's entries to the change log; returns the highest new stamp."""
    manifest = bundle.manifest
    total = manifest["entries"]
    counts: dict[str, int] = {}
    top_stamp = 0
    future = wall_millis() + BOUND_MS
    signer_office = bundle.signer.public.office_id
    may_relay = bundle.signer.is_coordinator
    for line in iter_lines(bundle.data, bundle.name, manifest, bundle.offset):
        try:
            entry = entry_from_wire(line)
        except BadEntry as error:
            raise _bad(bundle, error) from None
        if entry["office_id"] != signer_office and not may_relay:
            raise _not_relayable(bundle)
        summary.entries += 1
        if summary.entries > total:
            break
        counts[entry["table_name"]] = counts.get(entry["table_name"], 0) + 1
        cursor.execute(_STAGE, entry)
        if cursor.rowcount == 1:
            summary.new_entries += 1
            top_stamp = max(top_stamp, entry["hlc"])
            refuse_if_ahead(cursor, bundle, entry, future)  # clocks are bounded (sync/clock_bound.py)
            cursor.execute(
                "INSERT OR IGNORE INTO sync_affected (table_name, record_id) VALUES (?, ?)",
                (entry["table_name"], entry["record_id"]),
            )
            summary.new_entries -= clashes.arrived(cursor, entry)  # 1: an original re-stamped already, given up
        elif clashes.held(cursor, entry):  # the same number held for another entry (§4.11)
            summary.new_entries += 1
        if progress and summary.entries % 1000 == 0:
            progress(summary.entries, total * 2)
    if summary.entries != total or counts != manifest.get("counts", counts):
        raise BundleError(
            _("{name} is corrupted: it does not hold what its manifest states.").format(name=bundle.name)
        )
    return top_stamp


def _apply_affected(cursor, summary: ImportSummary, progress: Progress | None) -> set[str]:
    total = summary.entries
    done = 0
    touched: set[str] = set()
    # Both are small: most records are neither parked nor in conflict, which saves two statements each.
    parked = {(t, r) for t, r in cursor.execute("SELECT table_name, record_id FROM parked")}
    conflicted = {(t, r) for t, r in cursor.execute("SELECT DISTINCT table_name, record_id FROM conflict")}
    for table in TABLE_ORDER:
        for record_id, entries in entries_of_affected(cursor.connection, table):
            key = (table, record_id)
            outcome, conflicts = materialise(
                cursor, table, record_id, entries=entries, was_parked=key in parked, had_conflicts=key in conflicted
            )
            summary.conflicts += conflicts
            if outcome != PARKED:
                summary.records[outcome] += 1
                touched.add(table)
            done += 1
            if progress and done % 1000 == 0:
                progress(total + min(done, total), total * 2)
    touched |= _retry_parked(cursor, summary)
    summary.parked = cursor.execute("SELECT count(*) FROM parked").fetchone()[0]
    return touched


def _retry_parked(cursor, summary: ImportSummary) -> set[str]:
    """Apply parked records whose parent is now here, until nothing more can be applied."""
    touched: set[str] = set()
    while True:
        ready = []
        for table, record_id, missing_table, missing_id in cursor.execute(
            "SELECT table_name, record_id, missing_table, missing_id FROM parked"
        ).fetchall():
            if (table, record_id) != (missing_table, missing_id) and cursor.execute(
                f'SELECT 1 FROM "{missing_table}" WHERE id = ?', (missing_id,)
            ).fetchone():
                ready.append((table, record_id))
        progressed = False
        for table, record_id in ready:
            outcome, conflicts = materialise(cursor, table, record_id)
            summary.conflicts += conflicts
            if outcome != PARKED:
                progressed = True
                touched.add(table)
                summary.records[outcome] += 1
        if not progressed:
            for cycle in _waiting_for_each_other(cursor):
                progressed |= _apply_together(cursor, cycle, summary, touched)
        if not progressed:
            return touched


def _waiting_for_each_other(cursor) -> list[list[tuple[str, str]]]:
    """Parked records that wait for one another around a cycle, none able to come first: agency A
    put under B by one office while another put B under A, each edit valid where it was made."""
    waits = {
        (table, record_id): (missing_table, missing_id)
        for table, record_id, missing_table, missing_id in cursor.execute(
            "SELECT table_name, record_id, missing_table, missing_id FROM parked"
        )
    }
    cycles, visited = [], set()
    for start in waits:
        path: dict[tuple[str, str], int] = {}
        node = start
        # A record waiting for itself is waiting for its own creation: no cycle through it.
        while node in waits and node not in visited and waits[node] != node:
            visited.add(node)
            path[node] = len(path)
            node = waits[node]
        if node in path:
            cycles.append(list(path)[path[node]:])
    return cycles


def _apply_together(cursor, cycle: list[tuple[str, str]], summary: ImportSummary, touched: set[str]) -> bool:
    """Write the records of a cycle with foreign keys checked at the end of the step, when every
    one of them is in place; undone if any still lacks a parent from outside the cycle."""
    arriving = frozenset(cycle)
    cursor.execute("SAVEPOINT parked_cycle")
    cursor.execute("PRAGMA defer_foreign_keys = ON")
    try:
        results = [(table, *materialise(cursor, table, record_id, arriving=arriving)) for table, record_id in cycle]
        if any(outcome == PARKED for _table, outcome, _conflicts in results):
            cursor.execute("ROLLBACK TO parked_cycle")
            return False
    finally:
        cursor.execute("PRAGMA defer_foreign_keys = OFF")
        cursor.execute("RELEASE parked_cycle")
    for table, outcome, conflicts in results:
        summary.conflicts += conflicts
        summary.records[outcome] += 1
        touched.add(table)
    return True


def _apply(session, bundle: CheckedBundle, *, progress: Progress | None = None) -> ImportSummary:
    """Apply one checked bundle inside the caller's write transaction."""
    manifest = bundle.manifest
    summary = ImportSummary(path=bundle.path, bundle_id=manifest["bundle_id"], origin_code=bundle.origin_code)
    cursor = raw_cursor(session)
    local = cursor.execute("SELECT office_id, hlc_last, seq_last FROM local_state WHERE key = 'local'").fetchone()
    if local is None:
        raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
    office_id, hlc_last, seq_last = local
    summary.seen_before = cursor.execute(
        "SELECT 1 FROM bundle_import WHERE bundle_id = ?", (summary.bundle_id,)
    ).fetchone() is not None
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS sync_affected "
        "(table_name TEXT, record_id TEXT, PRIMARY KEY (table_name, record_id)) WITHOUT ROWID"
    )
    cursor.execute("DELETE FROM sync_affected")
    clashes = Clashes.start(cursor, office_id)
    top_stamp = _stage(cursor, bundle, summary, progress, clashes)
    seen = _vector(manifest.get("seen", {}))
    seq_last = clashes.finish(cursor, seq_last, seen)  # restores: move past every own number seen (§4.11)
    top_stamp = max(top_stamp, clashes.top)
    touched = _apply_affected(cursor, summary, progress)
    if touched & {"duplicate_decision", "participant", "agency"}:
        _rebuild_merges(session)
    clock = HybridClock(hlc_last)
    if top_stamp:
        clock.observe(top_stamp)
    # Our own entries can come back (a restored backup): never hand out their numbers again.
    own_top = cursor.execute("SELECT max(seq) FROM change_log WHERE office_id = ?", (office_id,)).fetchone()[0] or 0
    cursor.execute(
        "UPDATE local_state SET hlc_last = ?, seq_last = ? WHERE key = 'local'",
        (clock.last, max(seq_last, own_top)),
    )
    now = now_text()
    if manifest["origin_office"] != office_id:
        record_ack(session, manifest["origin_office"], trusted_seen(cursor, manifest, seen, office_id, local[2]),
                   now=now, replace=not summary.seen_before)
    cursor.execute(
        "INSERT OR REPLACE INTO bundle_import (bundle_id, origin_office, imported_at, entries, new_entries) "
        "VALUES (?, ?, ?, ?, ?)",
        (summary.bundle_id, manifest["origin_office"], now, summary.entries, summary.new_entries),
    )
    cursor.execute("DELETE FROM sync_affected")
    if progress:
        progress(1, 1)
    return summary


def _vector(raw: dict) -> dict[str, int]:
    return {str(k): v for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0}


def _rebuild_merges(session) -> None:
    try:
        from fieldlog.services.duplicates import rebuild_merge_map
    except ImportError:  # pragma: no cover - the duplicates service arrives separately
        return
    rebuild_merge_map(session)


def summary_lines(summary: ImportSummary) -> list[str]:
    records = summary.records
    if summary.entries == 0:
        first = _("{name}: no changes from {office}, only what it has received (an acknowledgement).")
    elif summary.changed_nothing:
        first = ngettext(
            "{name}: nothing new; the change from {office} was already here.",
            "{name}: nothing new; all {entries} changes from {office} were already here.",
            summary.entries,
        )
    else:
        first = ngettext(
            "{name}: {new} new change from {office} ({entries} in the bundle).",
            "{name}: {new} new changes from {office} ({entries} in the bundle).",
            summary.new_entries,
        )
    lines = [first.format(name=summary.path.name, office=summary.origin_code, entries=summary.entries,
                          new=summary.new_entries)]
    if not summary.changed_nothing:
        lines.append(
            # Counts after colons: no word has to agree with a number (French plurals).
            _("Records — new: {new}, updated: {updated}, unchanged: {unchanged}; conflicts to review: {conflicts}; "
              "waiting for their parent record: {parked}.").format(
                new=records[NEW], updated=records[UPDATED], unchanged=records[UNCHANGED],
                conflicts=summary.conflicts, parked=summary.parked,
            )
        )
    if summary.future_stamps:
        lines.append(
            _("Warning: {count} changes carry a clock more than a day ahead of this computer's; check the clocks of the offices.").format(
                count=summary.future_stamps
            )
        )
    return lines


def as_json(summary: ImportSummary) -> dict:
    return {
        "file": str(summary.path), "bundle_id": summary.bundle_id, "origin": summary.origin_code,
        "entries": summary.entries, "new_entries": summary.new_entries, **summary.records,
        "conflicts": summary.conflicts, "parked": summary.parked, "future_stamps": summary.future_stamps,
        "already_imported": summary.changed_nothing,
    }


