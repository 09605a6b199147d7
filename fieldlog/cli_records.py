"""`fieldlog records export|import`: records as spreadsheets (CSV, XLSX, JSON)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fieldlog.errors import FieldlogError
from fieldlog.i18n import _, ngettext
from fieldlog.cli_common import open_from_args

FORMATS = ("csv", "xlsx", "json")


def register(commands, common) -> None:
    records = commands.add_parser("records", help=_("export or import records as spreadsheets"))
    common(records, top=False)
    actions = records.add_subparsers(dest="records_command", metavar=_("ACTION"), required=True)

    export = actions.add_parser(
        "export", help=_("write a table as CSV, XLSX or JSON (records in the Trash are left out)"))
    common(export, top=False)
    export.add_argument("table", metavar=_("TABLE"), help=_("participants, agencies, workshops or outcomes"))
    export.add_argument("--format", dest="fmt", choices=FORMATS,
                        help=_("file format (default: from the --out file name, else csv)"))
    export.add_argument("--out", metavar=_("PATH"), type=Path,
                        help=_("file to write (default: standard output; XLSX needs a file)"))
    export.set_defaults(handler=cmd_export)

    load = actions.add_parser(
        "import", help=_("apply a CSV or XLSX file: rows with an id update, rows without one create"))
    common(load, top=False)
    load.add_argument("table", metavar=_("TABLE"), help=_("participants, agencies, workshops or outcomes"))
    load.add_argument("file", metavar=_("FILE"), type=Path, help=_("a .csv or .xlsx file"))
    load.add_argument("--skip-invalid", action="store_true",
                      help=_("apply the valid rows and list the others (by default nothing is applied)"))
    load.set_defaults(handler=cmd_import)


def _format(args) -> str:
    if args.fmt:
        return args.fmt
    suffix = args.out.suffix.lower().lstrip(".") if args.out else ""
    return suffix if suffix in FORMATS else "csv"


def cmd_export(args) -> int:
    from fieldlog.services.spreadsheets import export_records, print_records, table_spec

    table_spec(args.table)  # an unknown table is refused before the database is opened
    fmt = _format(args)
    if fmt == "xlsx" and args.out is None:
        raise FieldlogError(_("An XLSX export is a file: give its path with --out PATH."))
    db = open_from_args(args)
    try:
        if args.out is None:
            try:
                print_records(db, table=args.table, fmt=fmt, stream=sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader (`| head`) has what it wanted; Python must not complain at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        count = export_records(db, table=args.table, fmt=fmt, out=args.out)
    finally:
        db.close()
    print(ngettext("{n} record written to {path}.", "{n} records written to {path}.", count)
          .format(n=count, path=args.out), file=sys.stderr)
    return 0


def _print_invalid(rows) -> None:
    for row in rows:
        if row.field:
            line = _("row {n}: {field}: {reason}").format(n=row.row, field=row.field, reason=row.reason)
        else:
            line = _("row {n}: {reason}").format(n=row.row, reason=row.reason)
        print(line, file=sys.stderr)


def cmd_import(args) -> int:
    from fieldlog.services.spreadsheets import InvalidRows, import_records, table_spec

    table_spec(args.table)
    db = open_from_args(args)
    try:
        summary = import_records(db, table=args.table, path=args.file, skip_invalid=args.skip_invalid)
    except InvalidRows as error:
        _print_invalid(error.rows)
        raise  # cli.main adds the one-line verdict and exits 1
    finally:
        db.close()
    _print_invalid(summary.invalid)
    parts = [
        ngettext("{n} created", "{n} created", summary.created).format(n=summary.created),
        ngettext("{n} updated", "{n} updated", summary.updated).format(n=summary.updated),
        ngettext("{n} unchanged", "{n} unchanged", summary.unchanged).format(n=summary.unchanged),
    ]
    if summary.invalid:
        skipped = summary.skipped_rows
        parts.append(ngettext("{n} invalid row skipped", "{n} invalid rows skipped", skipped).format(n=skipped))
    print(_("{parts}.").format(parts=", ".join(parts)))
    return 0
