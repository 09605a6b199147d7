"""What the command groups share."""

from __future__ import annotations


def open_from_args(args):
    """The database named by --db (or $FIELDLOG_DB, then the user data folder), opened and upgraded."""
    from fieldlog.schema import open_database
    from fieldlog.settings import resolve_db_path

    return open_database(resolve_db_path(args.db))
