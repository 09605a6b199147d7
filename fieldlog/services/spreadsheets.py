"""Records as spreadsheets: export a table to CSV, XLSX or JSON; import CSV or XLSX back.

This is how a coordinator fixes data in Excel and how a registration list arrives.

- Columns are `id` then the fields a person edits, headed by their stable codes (family_name…);
  enumerations stay codes (sex M/F, kinds, ISO countries). Records in the Trash are not exported.
- A row with an `id` updates that record, in the columns the file has only, through the same
  stamped writes as the interface, so the change syncs. A row without one creates a record.
- Blank cells: when a row updates a record, an empty cell clears a free-text field that may be
  empty (given names, function, phone, e-mail, acronym, venue, notes…); in any other column
  (required fields, codes, countries, dates, agency references) it keeps the current value.
  When a row creates a record, an empty cell takes the field's default.
- Every row is checked first, by the services' own validation, in the one write transaction
  that then applies them: if any row is invalid nothing is applied, unless `skip_invalid`.
  A row that updates a record is checked in the columns it gives, as a form's change is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TextIO

from sqlalchemy import select, text

from fieldlog.database import Database
from fieldlog.errors import FieldlogError, ValidationError
from fieldlog.files import write_atomically
from fieldlog.formula_guard import guard, unguard
from fieldlog.i18n import _, ngettext
from fieldlog.models import (
    Agency, AgencyBase, MergeMap, Outcome, OutcomeBase, Participant, ParticipantBase, SyncColumns, Workshop, WorkshopBase,
)
# The services' own validation, so that a file is held to exactly the rules of the forms.
from fieldlog.services import agencies, outcomes, participants, workshops
from fieldlog.log_vector import held_vector
from fieldlog.services.writer import Writer, raw_cursor, writing
from fieldlog.sync.fold import fold, load_entries
from fieldlog.xlsx_text import escape_xlsx_text, unescape_xlsx_text

FORMATS = ("csv", "xlsx", "json")
IMPORT_SUFFIXES = (".csv", ".xlsx")
VERSION = "version"  # the last column of an export: which changes of the record it shows
_ID_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


class InvalidRows(FieldlogError):
    """Rows that cannot be imported; nothing was applied. `rows` lists every reason."""

    def __init__(self, rows: list[InvalidRow]):
        self.rows = rows
        count = len({r.row for r in rows})
        super().__init__(
            ngettext("{n} row is not valid; nothing was imported.",
                     "{n} rows are not valid; nothing was imported.", count).format(n=count)
        )


@dataclass(frozen=True)
class InvalidRow:
    row: int  # as Excel numbers it: the header is row 1
    field: str  # a column code, or "" for the row as a whole
    reason: str


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: list[InvalidRow] = field(default_factory=list)  # skipped, with skip_invalid

    @property
    def skipped_rows(self) -> int:
        return len({r.row for r in self.invalid})


@dataclass
class _Context:
    """What the checks need, fetched once for the whole file rather than once per row."""

    db: Database
    agency_parent: dict[str, str | None]  # every agency id, tombstoned too, as the forms accept


# (context, the row's values, the record it updates or None) -> clean values
Validate = Callable[[_Context, dict[str, Any], dict[str, Any] | None], dict[str, Any]]


@dataclass(frozen=True)
class TableSpec:
    table: str
    model: type[SyncColumns]
    fields: tuple[str, ...]  # editable, in the model's order
    clearable: frozenset[str]  # optional free text: a blank cell clears it on update
    order_by: tuple[str, ...]
    validate: Validate

    @property
    def columns(self) -> tuple[str, ...]:
        return ("id", *self.fields)

    @property
    def exported_columns(self) -> tuple[str, ...]:
        return (*self.columns, VERSION)

    @property
    def date_fields(self) -> frozenset[str]:
        base = self.model.model_fields
        return frozenset(name for name in self.fields if base[name].annotation is date)


def _run_check(validate: Callable[[], dict], problems: dict[str, str]) -> dict:
    """A service validation plus checks made here; raises their reasons together."""
    try:
        clean = validate()
    except ValidationError as error:
        raise ValidationError({**error.errors, **problems}) from None
    if problems:
        raise ValidationError(problems)
    return clean


def _reference(ctx: _Context, values: dict, name: str, problems: dict[str, str]) -> str | None:
    target = (values.get(name) or "").strip() or None
    if target and target not in ctx.agency_parent:
        problems[name] = _("No such agency.")
    return target


def _with_reference(ctx: _Context, values: dict, current: dict | None, name: str,
                    validate: Callable[[dict], dict]) -> dict:
    """A service's validation of a row, but for the agency reference `name`, checked against
    the prefetched ids rather than by one query per row."""
    problems: dict[str, str] = {}
    target = _reference(ctx, values, name, problems)
    clean = _run_check(lambda: validate({k: v for k, v in values.items() if k != name}), problems)
    if current is None or name in values:
        clean[name] = target
    return clean


def _validate_participant(ctx: _Context, values: dict, current: dict | None) -> dict:
    def validate(given: dict) -> dict:
        return participants.validate_participant(ctx.db, given, current=current)

    return _with_reference(ctx, values, current, "agency_id", validate)


def _validate_agency(ctx: _Context, values: dict, current: dict | None) -> dict:
    # Cycles are checked once every row is known (see _without_agency_cycles): a file may
    # set A's parent to B on one row and B's to A on another.
    def validate(given: dict) -> dict:
        return agencies.validate_agency(ctx.db, given, current=current)

    return _with_reference(ctx, values, current, "parent_id", validate)


def _validate_workshop(ctx: _Context, values: dict, current: dict | None) -> dict:
    return workshops.validate_workshop(ctx.db, values, current=current)


def _validate_outcome(ctx: _Context, values: dict, current: dict | None) -> dict:
    return outcomes.validate_outcome(values, current=current)


_SPECS = (
    TableSpec("participant", Participant, tuple(ParticipantBase.model_fields),
              frozenset({"given_names", "function", "phone", "email"}), ("sort_key", "id"), _validate_participant),
    TableSpec("agency", Agency, tuple(AgencyBase.model_fields),
              frozenset({"acronym"}), ("sort_key", "id"), _validate_agency),
    TableSpec("workshop", Workshop, tuple(WorkshopBase.model_fields),
              frozenset(workshops.TEXT_FIELDS), ("start_date", "id"), _validate_workshop),
    TableSpec("outcome", Outcome, tuple(OutcomeBase.model_fields),
              frozenset({"description", "evidence"}), ("outcome_date", "id"), _validate_outcome),
)
_TABLE_NAMES = {
    "participant": "participant", "participants": "participant",
    "agency": "agency", "agencies": "agency",
    "workshop": "workshop", "workshops": "workshop",
    "outcome": "outcome", "outcomes": "outcome",
}


def table_spec(name: str) -> TableSpec:
    table = _TABLE_NAMES.get((name or "").strip().lower())
    if table is None:
        raise FieldlogError(
            _('Unknown table "{name}": choose participants, agencies, workshops or outcomes.').format(name=name)
        )
    return next(spec for spec in _SPECS if spec.table == table)


# ---------------------------------------------------------------- export


def _live_rows(db: Database, spec: TableSpec) -> Iterator[tuple]:
    """Each live record's columns, then its `version` (see _versions)."""
    table = spec.model.__table__
    # A record merged into its duplicate counts as that one everywhere (docs/ARCHITECTURE.md §3.6).
    merged_away = select(MergeMap.record_id).where(MergeMap.table_name == spec.table)
    query = (
        select(*(table.c[name] for name in spec.columns))
        .where(table.c.deleted == False, table.c.id.not_in(merged_away))  # noqa: E712
        .order_by(*(table.c[name] for name in spec.order_by))
    )
    with db.read() as session:
        versions = _versions(session, spec)
        for row in session.execute(query.execution_options(yield_per=1000)):
            yield (*row, versions.get(row[0], ""))


def _versions(session, spec: TableSpec) -> dict[str, str]:
    """Per record, which of its change-log entries the export shows: for each office that wrote
    it, how much of that office's log this database held ("office:seq", office ids without
    dashes). On import, a cell equal to the value it had then was not edited in the file."""
    held = held_vector(session)
    offices: dict[str, list[str]] = {}
    for record_id, office_id in session.execute(
        text("SELECT DISTINCT record_id, office_id FROM change_log WHERE table_name = :table"), {"table": spec.table}
    ):
        offices.setdefault(record_id, []).append(office_id)
    return {
        record_id: " ".join(f"{office.replace('-', '')}:{held.get(office, 0)}" for office in sorted(ids))
        for record_id, ids in offices.items()
    }


def _parse_version(token: Any) -> dict[str, int] | None:
    """{office id without dashes: seq} from a `version` cell; None if fieldlog did not write it."""
    parts = {}
    for part in str(token).split():
        office, _colon, seq = part.partition(":")
        if not (len(office) == 32 and all(c in "0123456789abcdef" for c in office) and seq.isdigit()):
            return None
        parts[office] = int(seq)
    return parts or None


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else guard(str(value))


def _write_csv(stream: TextIO, spec: TableSpec, rows: Iterable[tuple], *, lineterminator: str) -> int:
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow(spec.exported_columns)
    count = 0
    for row in rows:
        writer.writerow([_text_cell(v) for v in row])
        count += 1
    return count


def _write_json(stream: TextIO, spec: TableSpec, rows: Iterable[tuple]) -> int:
    records = [
        {name: (v.isoformat() if isinstance(v, date) else v) for name, v in zip(spec.exported_columns, row)}
        for row in rows
    ]
    json.dump(records, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    return len(records)


def _write_xlsx(binary: IO[bytes], spec: TableSpec, rows: Iterable[tuple]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.table)
    sheet.freeze_panes = "A2"
    for n, name in enumerate(spec.exported_columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = 38 if name == "id" else 20
    sheet.append(list(spec.exported_columns))

    def cell(value: Any) -> Any:
        if isinstance(value, date):
            made = WriteOnlyCell(sheet, value=value)
            made.number_format = "yyyy-mm-dd"
            return made
        if isinstance(value, str):
            value = escape_xlsx_text(value)
            if value.startswith("="):  # text, shown as typed: never a formula that runs
                made = WriteOnlyCell(sheet, value=value)
                made.data_type = "s"
                return made
        return value

    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    book.save(binary)
    return count


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise FieldlogError(_('Unknown format "{fmt}": choose csv, xlsx or json.').format(fmt=fmt))
    return fmt


def print_records(db: Database, *, table: str, fmt: str, stream: TextIO) -> int:
    """Write live records as CSV (without the BOM a file gets) or JSON to a text stream."""
    spec = table_spec(table)
    if _check_format(fmt) == "xlsx":
        raise FieldlogError(_("An XLSX export is a file: give its path."))
    if fmt == "csv":
        return _write_csv(stream, spec, _live_rows(db, spec), lineterminator="\n")
    return _write_json(stream, spec, _live_rows(db, spec))


def export_records(db: Database, *, table: str, fmt: str, out: Path) -> int:
    """Write the live records of `table` to the file `out`; returns how many."""
    spec = table_spec(table)
    fmt = _check_format(fmt)
    out = Path(out)

    def write(binary: IO[bytes]) -> int:
        if fmt == "xlsx":
            return _write_xlsx(binary, spec, _live_rows(db, spec))
        # The BOM tells Excel a CSV file is UTF-8, so "Aïssata" stays "Aïssata"; JSON must not have one.
        text = io.TextIOWrapper(binary, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        try:
            if fmt == "csv":
                return _write_csv(text, spec, _live_rows(db, spec), lineterminator="\r\n")
            return _write_json(text, spec, _live_rows(db, spec))
        finally:
            text.flush()
            text.detach()

    return write_atomically(out, write)


# ---------------------------------------------------------------- reading a file


def _cannot_read(path: Path, reason: Any) -> FieldlogError:
    return FieldlogError(_("Cannot read {path}: {reason}").format(path=path, reason=reason))


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (semicolon separated)" is written in the Windows code page, not UTF-8.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _cannot_read(path, _("the text is neither UTF-8 nor Windows-1252.")) from None


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = _decode(path, path.read_bytes())
    except OSError as error:
        raise _cannot_read(path, f"{error.strerror or error}.") from None
    header = text.split("\n", 1)[0]
    # French Excel separates with ";" (the comma is its decimal mark).
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return [[unguard(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise _cannot_read(path, f"{error}.") from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise _cannot_read(path, f"{error.strerror or error}.") from None
    except Exception:  # openpyxl and zipfile raise many kinds on a damaged file
        raise _cannot_read(path, _("it is not a readable XLSX workbook.")) from None
    try:
        sheet = book.active or book.worksheets[0]
        return [
            [unescape_xlsx_text(v) if isinstance(v, str) else v for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    except Exception:
        raise _cannot_read(path, _("it is not a readable XLSX workbook.")) from None
    finally:
        book.close()


def _read_table(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise _cannot_read(path, _("fieldlog imports .csv and .xlsx files."))
    return _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_value(value: Any, *, is_date: bool) -> Any:
    """A cell as the validation expects it: text, or a date in a date column."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if is_date else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns a typed phone number into 76123456.0
    return "" if value is None else str(value).strip()


def _header(path: Path, spec: TableSpec, cells: list[Any]) -> list[str]:
    names = [_cell_value(c, is_date=False).lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise FieldlogError(_("{path} has no header: its first row must name the columns.").format(path=path))
    seen = set()
    for n, name in enumerate(names, start=1):
        if not name:
            raise FieldlogError(_("Column {n} of {path} has no name in the first row.").format(n=n, path=path))
        if name not in spec.exported_columns:
            raise FieldlogError(
                _('Unknown column "{name}" in {path}; the columns of {table} are: {columns}.').format(
                    name=name, path=path, table=spec.table, columns=", ".join(spec.exported_columns))
            )
        if name in seen:
            raise FieldlogError(_('The column "{name}" appears twice in {path}.').format(name=name, path=path))
        seen.add(name)
    return names


# ---------------------------------------------------------------- import


@dataclass
class _Plan:
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[str, dict]] = field(default_factory=list)
    unchanged: int = 0
    invalid: list[InvalidRow] = field(default_factory=list)


def _current_rows(writer: Writer, spec: TableSpec, ids: list[str]) -> dict[str, dict]:
    table = spec.model.__table__
    found = {}
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start:start + _ID_CHUNK]
        for row in writer.session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            found[row["id"]] = dict(row)
    return found


def _row_values(spec: TableSpec, names: list[str], cells: list[Any]) -> tuple[dict[str, Any], bool]:
    """{column: value} for one row, and whether a value stands beyond the named columns."""
    dates = spec.date_fields
    values = {name: _cell_value(cells[n] if n < len(cells) else None, is_date=name in dates)
              for n, name in enumerate(names)}
    stray = any(not _is_blank(c) for c in cells[len(names):])
    return values, stray


def _changes_for_update(spec: TableSpec, values: dict) -> dict:
    """The fields a row changes (see the blank-cell rule at the top): its columns, but for
    blank cells that keep the current value."""
    return {name: value for name, value in values.items()
            if name != "id" and (not _is_blank(value) or name in spec.clearable)}


Checked = list[tuple[int, str | None, dict]]  # (row number, id to update or None, clean values or changes)
# (record id, its `version` cell, the row's changes, the record now) -> (the changes made in the
# file, the fields changed both in the file and in fieldlog since the export)
SinceExport = Callable[[str, dict[str, int], dict[str, Any], dict[str, Any]], tuple[dict[str, Any], list[str]]]


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _since_export(cursor, table: str) -> SinceExport:
    """A file exported with its `version` column is compared with what the record held when it
    was exported: a cell left as exported is not an edit, even if fieldlog's value changed since
    (another office's correction, a form) — writing it back would revert that change."""

    def edits(record_id: str, version: dict[str, int], proposed: dict[str, Any], now_row: dict[str, Any]):
        entries = load_entries(cursor, table, record_id)
        then = fold(e for e in entries if e.seq <= version.get(e.office_id.replace("-", ""), 0))
        now = fold(entries)
        changes, clashes = {}, []
        for name, value in proposed.items():
            if _shown(value) == _shown(now_row.get(name)) or now.stamps.get(name) == then.stamps.get(name):
                changes[name] = value  # unchanged, or fieldlog's value is still the one exported
            elif _shown(value) != _shown(then.values.get(name)):
                clashes.append(name)  # edited in the file, and changed in fieldlog since
        return changes, clashes

    return edits


def _check_rows(
    ctx: _Context, spec: TableSpec, rows: list[tuple[int, dict, bool]], current: dict[str, dict],
    invalid: list[InvalidRow], since_export: SinceExport,
) -> Checked:
    checked: Checked = []
    first_row_of: dict[str, int] = {}
    for number, values, stray in rows:
        record_id = values.get("id") or None
        cell = values.pop(VERSION, None)
        version = None if _is_blank(cell) else _parse_version(cell)
        reason = None
        if version is None and not _is_blank(cell) and record_id:
            reason = (VERSION, _("Not a version fieldlog wrote: leave it as exported, or empty the cell."))
        elif stray:
            reason = ("", _("A value stands in a column without a name in the first row."))
        elif record_id in first_row_of:
            reason = ("id", _("The same record is already on row {n}.").format(n=first_row_of[record_id]))
        elif record_id and record_id not in current:
            reason = ("id", _("No such record."))
        elif record_id and current[record_id]["deleted"]:
            reason = ("id", _("This record is in the Trash: restore it first."))
        if reason:
            invalid.append(InvalidRow(number, *reason))
            continue
        if record_id:
            first_row_of[record_id] = number
            proposed = _changes_for_update(spec, values)
            if version is not None:
                proposed, clashes = since_export(record_id, version, proposed, current[record_id])
                if clashes:
                    invalid.extend(InvalidRow(number, name, _("Changed in fieldlog since this file was exported."))
                                   for name in clashes)
                    continue
        else:
            proposed = {k: v for k, v in values.items() if k != "id" and not _is_blank(v)}
        try:
            checked.append((number, record_id, spec.validate(ctx, proposed, current.get(record_id))))
        except ValidationError as error:
            invalid.extend(InvalidRow(number, name, why) for name, why in error.errors.items())
    return checked


def _without_agency_cycles(ctx: _Context, checked: Checked, invalid: list[InvalidRow]) -> Checked:
    """The forms' rule, "an agency cannot be its own parent", over the agencies as the whole
    file would leave them: one row may set A's parent to B and another B's to A. A row that
    does not set a parent is not checked, as a form's change that leaves it is not."""
    parent_of = dict(ctx.agency_parent)
    parent_of.update((record_id, clean["parent_id"]) for _n, record_id, clean in checked
                     if record_id and "parent_id" in clean)
    kept = []
    for number, record_id, clean in checked:
        if "parent_id" not in clean:
            kept.append((number, record_id, clean))
            continue
        parent, seen = clean["parent_id"], {record_id}
        while parent and parent not in seen:
            seen.add(parent)
            parent = parent_of.get(parent)
        if parent:
            invalid.append(InvalidRow(number, "parent_id", _("An agency cannot be its own parent.")))
        else:
            kept.append((number, record_id, clean))
    return kept


def _plan(ctx: _Context, writer: Writer, spec: TableSpec, names: list[str], data: list[tuple[int, list]]) -> _Plan:
    plan = _Plan()
    rows = [(number, *_row_values(spec, names, cells)) for number, cells in data]
    current = _current_rows(writer, spec, list({values["id"] for _n, values, _s in rows if values.get("id")}))
    checked = _check_rows(ctx, spec, rows, current, plan.invalid, _since_export(raw_cursor(writer.session), spec.table))
    if spec.table == "agency":
        checked = _without_agency_cycles(ctx, checked, plan.invalid)
    for _number, record_id, clean in checked:
        if record_id is None:
            plan.creates.append(clean)
            continue
        changed = {k: v for k, v in clean.items() if v != current[record_id][k]}
        if changed:
            plan.updates.append((record_id, changed))
        else:
            plan.unchanged += 1
    return plan


def import_records(db: Database, *, table: str, path: Path, skip_invalid: bool = False) -> ImportSummary:
    """Apply a CSV or XLSX file to `table` in one transaction. Raises InvalidRows, applying
    nothing, if any row is invalid, unless `skip_invalid`: then the valid rows are applied and
    the others listed in the summary."""
    spec = table_spec(table)
    path = Path(path)
    grid = _read_table(path)
    if not grid:
        raise FieldlogError(_("{path} has no header: its first row must name the columns.").format(path=path))
    names = _header(path, spec, grid[0])
    data = [(number, cells) for number, cells in enumerate(grid[1:], start=2)
            if not all(_is_blank(c) for c in cells)]
    with writing(db) as writer:
        agency_parent = {r.id: r.parent_id for r in writer.session.execute(select(Agency.id, Agency.parent_id))}
        plan = _plan(_Context(db=db, agency_parent=agency_parent), writer, spec, names, data)
        invalid = sorted(plan.invalid, key=lambda r: r.row)
        if invalid and not skip_invalid:
            raise InvalidRows(invalid)
        writer.bulk_insert(spec.model, plan.creates)
        for record_id, changed in plan.updates:
            writer.update(spec.model, record_id, changed)
    return ImportSummary(created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged, invalid=invalid)
