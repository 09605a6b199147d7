"""The `fieldlog` command. Without a sub-command it opens the terminal interface.

Textual is imported only when the interface opens, so scripts stay fast and terminal-free.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fieldlog import __version__
from fieldlog.cli_common import open_from_args, whole_number
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _, ngettext, set_language
from fieldlog.settings import Settings, adopt_office_language, resolve_db_path, resolve_language


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar=_("PATH"), default=default,
                        help=_("database file (default: $FIELDLOG_DB, then the user data folder)"))
    parser.add_argument("--lang", choices=("fr", "en"), default=default,
                        help=_("interface language (default: settings, then the system locale)"))


def speak_argparse() -> None:
    """argparse says "usage:", "options:", "error:"… through the module names `_` and `ngettext`,
    looked up each time it speaks: point them at fieldlog's translations (the strings are listed
    in fieldlog/foreign_strings.py)."""
    argparse._ = _
    argparse.ngettext = ngettext


def build_parser() -> argparse.ArgumentParser:
    speak_argparse()
    parser = argparse.ArgumentParser(
        prog="fieldlog",
        description=_("Record capacity-building workshops, participants, attendance and outcomes."),
    )
    parser.add_argument("--version", action="version", version=f"fieldlog {__version__}",
                        help=_("show program's version number and exit"))
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))

    init = commands.add_parser("init", help=_("give this database its office identity"))
    _common(init, top=False)
    init.add_argument("--office", required=True, metavar=_("CODE"), help=_("office code, such as BKO"))
    init.add_argument("--name", required=True, metavar=_("NAME"), help=_("office name, such as \"Bureau de Bamako\""))
    init.add_argument("--country", required=True, metavar=_("COUNTRY"), help=_("ISO 3166 country code, such as ML"))
    init.add_argument("--user", default="", metavar=_("USER"), help=_("your name, recorded on every change you make"))
    init.add_argument("--coordinator", action="store_true",
                      help=_("this office merges other offices' bundles and sends them back"))
    init.add_argument("--passphrase", action="store_true",
                      help=_("protect the office's private keys with a passphrase (asked twice)"))

    demo = commands.add_parser("demo", help=_("create a demonstration database (unless it exists) and open it"))
    _common(demo, top=False)
    demo.add_argument("--scale", type=whole_number, metavar="N", help=_("generate N synthetic participants instead"))
    demo.add_argument("--create-only", action="store_true", help=_("create the database without opening it"))

    stats = commands.add_parser("stats", help=_("print counts"))
    _common(stats, top=False)
    stats.add_argument("--json", action="store_true", help=_("one JSON object, for scripts"))

    tui = commands.add_parser("open", help=_("open the terminal interface (the default)"))
    _common(tui, top=False)

    init.set_defaults(handler=cmd_init)
    demo.set_defaults(handler=cmd_demo)
    stats.set_defaults(handler=cmd_stats)
    # Command groups defined in their own modules; each sets `handler` on its parsers.
    from fieldlog import cli_bundle

    cli_bundle.register(commands, _common)
    from fieldlog import cli_records
    cli_records.register(commands, _common)
    from fieldlog import cli_duplicates
    cli_duplicates.register(commands, _common)
    from fieldlog import cli_report
    cli_report.register(commands, _common)
    from fieldlog import cli_keys
    cli_keys.register(commands, _common)
    from fieldlog import cli_clock
    cli_clock.register(commands, _common)
    return parser


def _open(db_path: Path):
    from fieldlog.schema import open_database

    return open_database(db_path)


def cmd_init(args) -> int:
    from fieldlog.services.offices import initialise_office, local_office

    db = _open(resolve_db_path(args.db))
    new = local_office(db) is None
    office = initialise_office(db, code=args.office, name=args.name, country=args.country, author=args.user)
    own = _make_keys(db, args)
    # A new office in a French-speaking country speaks French, unless a language was chosen.
    adopted = adopt_office_language(office.country, chosen=args.lang) if new else None
    if adopted:
        set_language(adopted)
    print(_("Office {code} ({name}) is set up in {path}.").format(code=office.code, name=office.name, path=db.path))
    print(_("Its keys: fingerprint {fingerprint}. Other offices need its public key: fieldlog keys export --out "
            "FOLDER").format(fingerprint=own.fingerprint))
    if adopted:
        print(_("The interface will be in French, a language of the office's country. "
                "To change it: Settings (Ctrl+O) in the interface."))
    return 0


def _make_keys(db, args):
    """The office's key pairs, made at init; the passphrase is asked only for new keys."""
    from fieldlog.cli_keys import new_passphrase
    from fieldlog.keys.files import read_secret_file
    from fieldlog.keys.trust import ensure_own_keys, own_keys_folder, set_own_role

    role = "coordinator" if args.coordinator else None
    if read_secret_file(own_keys_folder(db)) is None:
        passphrase = new_passphrase() if args.passphrase else None
        return ensure_own_keys(db, passphrase=passphrase, role=role)
    return set_own_role(db, role) if role else ensure_own_keys(db)


def cmd_demo(args) -> int:
    from fieldlog import demo

    path = resolve_db_path(args.db, demo=True)
    if args.scale is not None and args.scale < 1:
        raise FieldlogError(_("--scale must be a positive number."))
    if path.exists() and path.stat().st_size > 0:
        db = _open(path)
        print(_("Using the existing database {path}.").format(path=path), file=sys.stderr)
    else:
        db = _open(path)
        try:
            if args.scale:
                demo.create_scale(db, args.scale)
            else:
                demo.create_demo(db)
        except BaseException:
            db.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        print(_("Demonstration database created in {path}.").format(path=path), file=sys.stderr)
    db.close()
    if args.create_only:
        return 0
    # The interface opens the file itself, with its own patient wait for other writers.
    return run_tui(db_path=path, lang_option=args.lang)


def cmd_stats(args) -> int:
    from fieldlog.services.stats import stats

    figures = stats(open_from_args(args))
    if args.json:
        print(json.dumps(figures))
    else:
        labels = {
            "workshops": _("Workshops"), "participants": _("Participants"), "agencies": _("Agencies"),
            "outcomes": _("Outcomes"), "attendance_marks": _("Attendance marks"),
            "individuals_trained": _("Individuals trained"), "women_trained": _("Women trained"),
        }
        width = max(len(label) for label in labels.values())
        for key, label in labels.items():
            print(f"{label:<{width}}  {figures[key]:>8}")
    return 0


def run_tui(db=None, *, db_path: Path | None = None, lang_option: str | None = None) -> int:
    from fieldlog.screens.app import make_app

    app = make_app(db=db, db_path=db_path, lang_option=lang_option)
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    settings = Settings.load()
    # Language first, so that --help is translated too.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(argv)
    set_language(resolve_language(known.lang, settings))
    args = build_parser().parse_args(argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args)
        from fieldlog.schema import check_database_file

        # Refuse a bad file with one line before the interface starts; open it after the first paint.
        path, _revision = check_database_file(resolve_db_path(args.db))
        return run_tui(db_path=path, lang_option=args.lang)
    except FieldlogError as error:
        print(_("fieldlog: {message}").format(message=error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("fieldlog: interrupted; nothing was half-written."), file=sys.stderr)
        return 130
    except Exception as error:  # the machine (a full disk, a locked database) or a bug
        print(bug_report(error), file=sys.stderr)
        return 1


def bug_report(error: BaseException) -> str:
    """An unexpected error in one line, or in a few if it is a bug. SQLite's and the system's
    own messages ("database is locked", "No space left on device") say no more than a path; any
    other message may quote the data being handled (a name, a phone number) and is left out:
    the kind of error and where it happened are enough to find the bug."""
    import sqlite3
    import traceback

    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps SQLite's errors
    if isinstance(cause, (OSError, sqlite3.OperationalError)):
        return _("fieldlog: {message}").format(message=cause)
    frames = traceback.extract_tb(error.__traceback__)
    lines = [_("fieldlog: unexpected error ({kind}). This is a bug: please report it with the lines below, "
               "which name no one.").format(kind=type(error).__name__)]
    lines += [f"  {frame.filename}:{frame.lineno} {frame.name}" for frame in frames]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
