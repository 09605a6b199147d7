"""Import bundles: a file, or the `.fieldlog` files of a folder ticked one by one; applied in a
worker with a progress bar, then what each bundle changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from fieldlog.dates import format_moment
from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from screens.bundle_dialog import BundleDialog
from screens.sync_export import remember_folder, remembered_folder
from widgets.form_field import FormField

if TYPE_CHECKING:
    from fieldlog.keys.material import SecretKeys

BUNDLE_SUFFIX = ".fieldlog"


@dataclass(frozen=True)
class BundleFile:
    path: Path
    modified: datetime
    note: str = ""  # why it will be refused, if its readable part says so already


def find_bundles(path: Path, suffix: str = BUNDLE_SUFFIX) -> list[BundleFile]:
    """The file itself, or the folder's files ending in `suffix` (bundles, or key files), newest
    first. Raises OSError."""
    if path.is_file():
        candidates = [path]
    else:
        candidates = [p for p in path.iterdir() if p.name.lower().endswith(suffix) and p.is_file()]
    found = []
    for candidate in candidates:
        found.append(BundleFile(candidate, datetime.fromtimestamp(candidate.stat().st_mtime)))
    return sorted(found, key=lambda bundle: (bundle.modified, bundle.path.name), reverse=True)


def with_notes(bundles: list[BundleFile], db) -> list[BundleFile]:
    """What the unencrypted part of each file tells before any key is used: not a bundle, or
    encrypted for other offices only. Importing it anyway says why in one line."""
    from dataclasses import replace

    from fieldlog.keys.trust import OWN, list_keys
    from fieldlog.sync.bundle_file import BundleError
    from fieldlog.sync.sealed import read_envelope

    mine = next((key.fingerprint for key in list_keys(db) if key.status == OWN), None)
    noted = []
    for bundle in bundles:
        try:
            envelope = read_envelope(bundle.path)
        except BundleError:
            note = _("cannot be imported")
        else:
            note = "" if mine is None or mine in envelope.recipients else _("for other offices")
        noted.append(replace(bundle, note=note))
    return noted


class ImportDialog(BundleDialog):
    RESULT_ID = "import-result"
    """Dismisses with True when something was imported."""

    BINDINGS = [
        Binding("ctrl+s", "import_ticked", N_("Import"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    class Prepared(Message):
        def __init__(self, folder: str) -> None:
            super().__init__()
            self.folder = folder

    class Listed(Message):
        def __init__(self, bundles: list[BundleFile], problem: str, *, single_file: bool, focus: bool) -> None:
            super().__init__()
            self.bundles = bundles
            self.problem = problem
            self.single_file = single_file
            self.focus = focus

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

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Import bundles"), classes="dialog-title")
            yield FormField("path", _("File or folder"), Input(compact=True))
            yield Static(_("Enter: show the bundles · Space: tick · Ctrl+S: import the ticked ones"),
                         classes="dialog-hint")
            yield SelectionList[str](id="import-files", compact=True)
            yield ProgressBar(show_eta=False, id="import-progress")
            with VerticalScroll(id="import-result-box"):
                yield Static("", id="import-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import (Ctrl+S)"), id="import", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="close", compact=True)
        yield Footer()

    @property
    def path_input(self) -> Input:
        return self.query_one("#field-path", FormField).control

    @property
    def files(self) -> SelectionList[str]:
        return self.query_one("#import-files", SelectionList)

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.path_input.focus()
        self.prepare()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def prepare(self) -> None:
        self.post_message(self.Prepared(remembered_folder()))

    def on_import_dialog_prepared(self, message: Prepared) -> None:
        if not self.path_input.value:
            self.path_input.value = message.folder
            # Typing a path replaces the suggested folder rather than adding to it.
            self.path_input.select_all()
            self.list_bundles(message.folder, focus=False)

    # --- finding the files ---------------------------------------------------------------

    @on(Input.Submitted)
    def path_submitted(self, event: Input.Submitted) -> None:
        self.list_bundles(event.value, focus=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def list_bundles(self, text: str, *, focus: bool) -> None:
        path = Path(text.strip()).expanduser()
        problem = ""
        bundles: list[BundleFile] = []
        if not text.strip() or not path.exists():
            problem = _("No such file or folder.")
        else:
            try:
                bundles = find_bundles(path)
            except OSError:
                problem = _("This folder cannot be read.")
            else:
                if not bundles:
                    problem = _("No bundle (.fieldlog file) in this folder.")
                bundles = with_notes(bundles, self.app.db)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Listed(bundles, problem, single_file=path.is_file(), focus=focus))

    def on_import_dialog_listed(self, message: Listed) -> None:
        self.query_one("#field-path", FormField).set_error(message.problem or None)
        files = self.files
        files.clear_options()
        files.add_options([
            Selection(
                Text(f"{b.path.name}  {format_moment(b.modified)}") + (
                    Text(f"  ({b.note})", style="italic") if b.note else Text()),
                str(b.path), message.single_file,
            )
            for b in message.bundles
        ])
        if message.bundles:
            files.highlighted = 0
        if message.focus:
            (files if message.bundles else self.path_input).focus()

    # --- importing -----------------------------------------------------------------------

    @on(Button.Pressed, "#import")
    def import_pressed(self) -> None:
        self.action_import_ticked()

    def action_import_ticked(self) -> None:
        if self.busy:
            return
        ticked = [path for path in self.files.selected]
        if not ticked:
            self._say(_("Tick the bundles to import first (Space)."), error=True)
            return
        self.busy = True
        self._say(_("Checking and importing…"), error=False)
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_import([Path(path) for path in ticked])

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, paths: list[Path]) -> None:
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
        remember_folder(paths[0].parent)
        self.post_message(self.Imported([line for summary in summaries for line in summary_lines(summary)]))

    def on_bundle_dialog_progressed(self, message: BundleDialog.Progressed) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_import_dialog_imported(self, message: Imported) -> None:
        self.busy = False
        self.done = True
        self.query_one("#import-progress", ProgressBar).update(total=1, progress=1)
        self.files.deselect_all()
        self._say("\n".join(message.lines), error=False)
        self.query_one("#close", Button).focus()

    def on_import_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self.query_one("#import-progress").display = False
        self._say(message.reason, error=True)

    def on_import_dialog_locked(self, message: Locked) -> None:
        from screens.passphrase import PassphraseDialog

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
