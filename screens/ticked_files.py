"""What the two import dialogs share (bundles, and other offices' key files): a path prefilled
with the remembered folder; Enter lists the file, or the folder's files of one kind, newest first;
Space ticks them; Ctrl+S imports the ticked ones. Each dialog says what its files are, how one is
described in the list, and what importing does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ScreenResultType
from textual.widgets import Button, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from fieldlog.i18n import N_, _
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.form_field import FormField
from fieldlog.widgets.status_line import StatusLine


@dataclass(frozen=True)
class FoundFile:
    path: Path
    modified: datetime


def find_files(path: Path, suffix: str) -> list[FoundFile]:
    """The file itself, or the folder's files ending in `suffix`, newest first. Raises OSError."""
    if path.is_file():
        candidates = [path]
    else:
        candidates = [p for p in path.iterdir() if p.name.lower().endswith(suffix) and p.is_file()]
    found = [FoundFile(candidate, datetime.fromtimestamp(candidate.stat().st_mtime)) for candidate in candidates]
    return sorted(found, key=lambda file: (file.modified, file.path.name), reverse=True)


class TickedFilesDialog(FieldlogModal[ScreenResultType]):
    """Subclasses set the texts, the suffix and the ids below, describe the files found
    (`describe`, in the worker), import the ticked ones (`import_files`) and close."""

    HEADING = ""  # each marked N_(): translated when shown
    HINT = ""
    NO_FILES = ""  # the folder has none of these files
    TICK_FIRST = ""  # Ctrl+S with nothing ticked
    IMPORTING = ""  # said while importing
    SUFFIX = ""
    FILES_ID = ""  # the SelectionList
    RESULT_ID = ""  # the status line, which scrolls in "RESULT_ID-box"

    BINDINGS = [
        Binding("ctrl+s", "import_ticked", N_("Import"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    class Prepared(Message):
        def __init__(self, folder: str) -> None:
            super().__init__()
            self.folder = folder

    class Listed(Message):
        def __init__(self, choices: list[tuple[Text, str]], problem: str, *, single_file: bool, focus: bool) -> None:
            super().__init__()
            self.choices = choices  # each file as shown, and its path
            self.problem = problem
            self.single_file = single_file
            self.focus = focus

    def __init__(self, *, classes: str) -> None:
        super().__init__(classes=classes)
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_(self.HEADING), classes="dialog-title")
            yield FormField("path", _("File or folder"), Input(compact=True))
            yield Static(_(self.HINT), classes="dialog-hint")
            yield SelectionList[str](id=self.FILES_ID, compact=True)
            yield from self.compose_progress()
            with VerticalScroll(id=f"{self.RESULT_ID}-box"):
                yield StatusLine(id=self.RESULT_ID)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import (Ctrl+S)"), id="import", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="close", compact=True)
        yield FittingFooter()

    def compose_progress(self) -> ComposeResult:
        """Between the list and the result line: none, unless importing takes a while."""
        yield from ()

    @property
    def path_input(self) -> Input:
        return self.query_one("#field-path", FormField).control

    @property
    def files(self) -> SelectionList[str]:
        return self.query_one(f"#{self.FILES_ID}", SelectionList)

    def on_mount(self) -> None:
        self.path_input.focus()
        self.prepare()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def prepare(self) -> None:
        from fieldlog.folders import remembered_bundle_folder

        self.post_message(self.Prepared(remembered_bundle_folder()))

    def on_ticked_files_dialog_prepared(self, message: Prepared) -> None:
        if not self.path_input.value:
            self.path_input.value = message.folder
            self.path_input.select_all()  # typing a path replaces the suggested folder
            self.list_files(message.folder, focus=False)

    # --- finding the files ---------------------------------------------------------------

    @on(Input.Submitted)
    def path_submitted(self, event: Input.Submitted) -> None:
        self.list_files(event.value, focus=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def list_files(self, text: str, *, focus: bool) -> None:
        path = Path(text.strip()).expanduser()
        problem = ""
        choices: list[tuple[Text, str]] = []
        if not text.strip() or not path.exists():
            problem = _("No such file or folder.")
        else:
            try:
                found = find_files(path, self.SUFFIX)
            except OSError:
                problem = _("This folder cannot be read.")
            else:
                if not found:
                    problem = _(self.NO_FILES)
                choices = [(label, str(file.path)) for file, label in zip(found, self.describe(found))]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Listed(choices, problem, single_file=path.is_file(), focus=focus))

    def describe(self, found: list[FoundFile]) -> list[Text]:
        """Each file as the list shows it, in order. Runs in the worker: it may read the files."""
        raise NotImplementedError

    def on_ticked_files_dialog_listed(self, message: Listed) -> None:
        self.query_one("#field-path", FormField).set_error(message.problem or None)
        files = self.files
        files.clear_options()
        files.add_options([Selection(label, path, message.single_file) for label, path in message.choices])
        if message.choices:
            files.highlighted = 0
        if message.focus:
            (files if message.choices else self.path_input).focus()

    # --- importing -----------------------------------------------------------------------

    @on(Button.Pressed, "#import")
    def import_pressed(self) -> None:
        self.action_import_ticked()

    def action_import_ticked(self) -> None:
        if self.busy:
            return
        ticked = list(self.files.selected)
        if not ticked:
            self.query_one(StatusLine).say(_(self.TICK_FIRST), error=True)
            return
        self.busy = True
        self.query_one(StatusLine).say(_(self.IMPORTING))
        self.import_files([Path(path) for path in ticked])

    def import_files(self, paths: list[Path]) -> None:
        """Import the ticked files (in a worker); the answer sets `busy` back to False."""
        raise NotImplementedError
