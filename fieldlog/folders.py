"""The folders a person writes into (a USB stick, a reports folder): whether a file can be
written there, and the one used last, suggested next time."""

from __future__ import annotations

import os
from pathlib import Path

from fieldlog.i18n import _


def folder_problem(folder: Path) -> str | None:
    """Why no file can be written into `folder`, in one line; None when one can."""
    if not folder.is_dir():
        return _("This folder does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        return _("This folder cannot be written to.")
    return None


def remembered_bundle_folder() -> str:
    """The folder last used for bundles and key files, else the home folder."""
    from fieldlog.settings import Settings

    # Kept even when absent: a USB stick not plugged in yet; the check on export says so.
    return Settings.load().bundle_folder or str(Path.home())


def remember_bundle_folder(folder: Path) -> None:
    from fieldlog.settings import Settings

    try:
        Settings.update(bundle_folder=str(folder))
    except OSError:
        pass  # only a convenience for next time


def remembered_report_folder() -> str:
    """The folder last written a report to, else Documents, else the home folder."""
    from fieldlog.settings import Settings

    if folder := Settings.load().report_folder:
        return folder
    documents = Path.home() / "Documents"
    return str(documents if documents.is_dir() else Path.home())


def remember_report_folder(folder: Path) -> None:
    from fieldlog.settings import Settings

    try:
        Settings.update(report_folder=str(folder))
    except OSError:
        pass  # only a convenience for next time
