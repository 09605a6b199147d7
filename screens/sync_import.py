"""Import bundles: a file, or the `.fieldlog` files of a folder ticked one by one; applied in a
worker with a progress bar, then what each bundle changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button, ProgressBar

from fieldlog.dates import format_moment
from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from fieldlog.screens.bundle_dialog import BundleDialog
from fieldlog.screens.ticked_files import FoundFile, TickedFilesDialog
from fieldlog.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from fieldlog.keys.material import SecretKeys

BUNDLE_SUFFIX = ".fieldlog"


def refusal_notes(bundles: list[FoundFile], db) -> list[str]:
    """What the unencrypted part of each file tells before any key is used: not a bundle, or
    encrypted for other offices only ("" when neither). Importing it anyway says why in one line."""
    from fieldlog.keys.trust import OWN, list_keys
    from fieldlog.sync.bundle_file import BundleError
    from fieldlog.sync.sealed import read_envelope

    mine = next((key.fingerprint for key in list_keys(db) if key.status == OWN), None)
    notes = []
    for bundle in bundles:
        try:
            envelope = read_envelope(bundle.path)
        except BundleError:
            note = _("cannot be imported")
        else:
            note = "" if mine is None or mine in envelope.recipients else _("for other offices")
        notes.append(note)
    return notes


class ImportDialog(TickedFilesDialog[bool], BundleDialog):
    """Dismisses with True when something was imported."""

    HEADING = N_("Import bundles")
    HINT = N_("Enter: show the bundles · Space: tick · Ctrl+S: import the ticked ones")
    NO_FILES = N_("No bundle (.fieldlog file) in this folder.")
    TICK_FIRST = N_("Tick the bundles to import first (Space).")
    IMPORTING = N_("Checking and importing…")
    SUFFIX = BUNDLE_SUFFIX
    FILES_ID = "import-files"
    RESULT_ID = "import-result"

    class Imported(Message):
        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Locked(Message):
        """A passphrase protects this office's keys, and they are not unlocked yet."""

        def __init__(self, paths: list[Path]) -> None:
            super().__init__()
            self.paths = paths

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen import-dialog")

    def compose_progress(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, id="import-progress")

    def on_mount(self) -> None:  # before TickedFilesDialog.on_mount, which Textual calls too
        self.query_one("#import-progress").display = False

    def describe(self, found: list[FoundFile]) -> list[Text]:
        """The name, when it was written, and why it will be refused if that shows already."""
        return [
            Text(f"{bundle.path.name}  {format_moment(bundle.modified)}") + (
                Text(f"  ({note})", style="italic") if note else Text())
            for bundle, note in zip(found, refusal_notes(found, self.app.db))
        ]

    # --- importing -----------------------------------------------------------------------

    def import_files(self, paths: list[Path]) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_import(paths)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, paths: list[Path]) -> None:
        from fieldlog.folders import remember_bundle_folder
        from fieldlog.keys.material import PassphraseRequired
        from fieldlog.sync.importer import import_bundles, summary_lines

        try:
            summaries = import_bundles(
                self.app.db, paths, secret=self.app.unlocked_keys,
                progress=lambda done, total: self.post_message(self.Progressed(done, total)),
            )
        except PassphraseRequired:  # before any file is opened
            self.post_message(self.Locked(paths))
            return
        except FieldlogError as error:  # a bad bundle: one line, and nothing was imported
            self.post_message(self.Refused(str(error)))
            return
        except OSError as error:
            self.post_message(self.Refused(
                _("The bundle could not be read: {reason}").format(reason=error.strerror or error)
            ))
            return
        except BaseException:
            self.post_message(self.Refused(_("Nothing was imported.")))
            raise
        remember_bundle_folder(paths[0].parent)
        self.post_message(self.Imported([line for summary in summaries for line in summary_lines(summary)]))

    def on_bundle_dialog_progressed(self, message: BundleDialog.Progressed) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_import_dialog_imported(self, message: Imported) -> None:
        self.busy = False
        self.done = True
        self.query_one("#import-progress", ProgressBar).update(total=1, progress=1)
        self.files.deselect_all()
        self.query_one(StatusLine).say("\n".join(message.lines))
        self.query_one("#close", Button).focus()

    def on_import_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self.query_one("#import-progress").display = False
        self.query_one(StatusLine).say(message.reason, error=True)

    def on_import_dialog_locked(self, message: Locked) -> None:
        from fieldlog.screens.passphrase import PassphraseDialog

        def unlocked(secret: SecretKeys | None) -> None:
            if secret is None:
                self.post_message(self.Refused(_("No passphrase given: nothing was imported.")))
                return
            self.app.unlocked_keys = secret
            self.run_import(message.paths)

        self.app.push_screen(PassphraseDialog(
            _("This office's keys are protected by a passphrase. Type it to open and check the bundles; it is "
              "asked once until fieldlog is closed.")), unlocked)

    def busy_message(self) -> str:
        return _("Wait until the import is finished: it applies whole or not at all.")
