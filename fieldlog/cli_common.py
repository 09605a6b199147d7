"""What the command groups share."""

from __future__ import annotations

import argparse

from fieldlog.i18n import _


def open_from_args(args):
    """The database named by --db (or $FIELDLOG_DB, then the user data folder), opened and
    upgraded. It must exist: only init, demo and the interface make a new one, so that a
    mistyped --db is refused instead of answering from a new, empty database."""
    from fieldlog.errors import FieldlogError
    from fieldlog.schema import open_database
    from fieldlog.settings import resolve_db_path

    path = resolve_db_path(args.db)
    if not path.exists():
        raise FieldlogError(_("There is no database at {path}: check --db, or make one with "
                              "\"fieldlog init\" or \"fieldlog demo\".").format(path=path))
    return open_database(path)


def whole_number(text: str) -> int:
    """An argparse type: a count of 0 or more, refused in the interface language (argparse's own
    message names the Python type, "invalid int value")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("give a whole number, not {value!r}").format(value=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("give a number of 0 or more, not {value}").format(value=value))
    return value
