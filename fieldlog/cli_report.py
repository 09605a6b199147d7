"""`fieldlog report signin|attendance|summary`: printable reports as PDF, HTML, CSV or XLSX."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from fieldlog.cli_common import open_from_args, whole_number
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _


def register(commands, common) -> None:
    from fieldlog.reports.output import FORMATS

    report = commands.add_parser("report", help=_("print sign-in sheets, attendance and programme summaries"))
    common(report, top=False)
    kinds = report.add_subparsers(dest="report_kind", metavar=_("REPORT"), required=True)

    def output(parser) -> None:
        common(parser, top=False)
        parser.add_argument("--format", dest="fmt", choices=FORMATS,
                            help=_("file format (default: from the --out file name, else pdf)"))
        parser.add_argument("--out", metavar=_("PATH"), type=Path, default=Path("."),
                            help=_("file to write, or a folder to name it in (default: the current folder)"))

    signin = kinds.add_parser("signin", help=_("sign-in sheet of a workshop day, or of every day"))
    output(signin)
    signin.add_argument("--workshop", required=True, metavar=_("WORKSHOP"), help=_("the workshop's id, its last 8 characters, or words of its title"))
    signin.add_argument("--day", metavar=_("DATE"), help=_("one day (dd/mm/yyyy or yyyy-mm-dd); default: every day"))
    signin.add_argument("--blank", type=whole_number, default=10, metavar="N", help=_("blank lines for walk-ins (default: 10)"))
    signin.set_defaults(handler=cmd_signin)

    attendance = kinds.add_parser("attendance", help=_("attendance summary of a workshop"))
    output(attendance)
    attendance.add_argument("--workshop", required=True, metavar=_("WORKSHOP"), help=_("the workshop's id, its last 8 characters, or words of its title"))
    attendance.set_defaults(handler=cmd_attendance)

    summary = kinds.add_parser("summary", help=_("programme figures for a period, for donors"))
    output(summary)
    summary.add_argument("--from", dest="first", metavar=_("DATE"), help=_("first day of the period (default: the beginning)"))
    summary.add_argument("--to", dest="last", metavar=_("DATE"), help=_("last day of the period (default: today)"))
    summary.add_argument("--country", default="", metavar=_("CODE"), help=_("workshops held in this country (ISO code, such as ML)"))
    summary.add_argument("--programme", default="", help=_("workshops of this programme (words of its name)"))
    summary.add_argument("--funder", default="", help=_("workshops with this funder"))
    summary.add_argument("--theme", default="", help=_("workshops with this thematic area"))
    summary.add_argument("--pillar", default="", choices=("", "I", "II", "III", "IV"), metavar=_("PILLAR"),
                         help=_("UN Global Counter-Terrorism Strategy pillar: I, II, III or IV"))
    summary.add_argument("--office", default="", metavar=_("OFFICE"), help=_("workshops recorded by this office (code)"))
    summary.add_argument("--anonymous", action="store_true",
                         help=_("every figure but no names and no descriptions: outcomes counted by kind, for donors"))
    summary.set_defaults(handler=cmd_summary)


def _date(value: str | None, option: str) -> date | None:
    from fieldlog.dates import parse_date

    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise FieldlogError(_("{option}: {value} is not a date; write it dd/mm/yyyy.").format(
            option=option, value=value)) from None


def _write(args, build) -> int:
    """Checks the output first, so nothing is computed for a file that cannot be written."""
    from fieldlog.reports.output import checked_output, format_from_path, write_report

    fmt = format_from_path(args.out if args.out.suffix else None, args.fmt)
    checked_output(args.out)
    db = open_from_args(args)
    try:
        path = write_report(build(db), fmt=fmt, out=args.out)
    finally:
        db.close()
    print(_("Report written to {path}.").format(path=path), file=sys.stderr)
    return 0


def cmd_signin(args) -> int:
    from fieldlog.reports.signin_sheet import build_signin_sheet
    from fieldlog.services.workshops import find_workshop_id

    day = _date(args.day, "--day")
    return _write(args, lambda db: build_signin_sheet(
        db, find_workshop_id(db, args.workshop), day=day, walk_ins=args.blank))


def cmd_attendance(args) -> int:
    from fieldlog.reports.attendance_summary import build_attendance_summary
    from fieldlog.services.workshops import find_workshop_id

    return _write(args, lambda db: build_attendance_summary(db, find_workshop_id(db, args.workshop)))


def cmd_summary(args) -> int:
    from fieldlog.reports.figures import SummaryFilters
    from fieldlog.reports.programme_summary import build_programme_summary

    filters = SummaryFilters(
        first=_date(args.first, "--from"), last=_date(args.last, "--to") or date.today(),
        country=args.country.upper(), programme=args.programme, funder=args.funder, theme=args.theme,
        pillar=args.pillar, office=args.office,
    ).checked()
    return _write(args, lambda db: build_programme_summary(db, filters, anonymous=args.anonymous))
