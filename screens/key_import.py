"""Import other offices' public key files (`CODE.fieldlog-key`): a file, or those of a folder
ticked one by one, as bundles are imported. An imported key is not trusted until a person here
has compared its fingerprint with the office by phone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from screens.base import FieldlogModal
from screens.sync_export import remembered_folder
from screens.sync_import import find_bundles
from widgets.form_field import FormField

KEY_SUFFIX = ".fieldlog-key"  # fieldlog.keys.trust.PUBLIC_SUFFIX


@dataclass(frozen=True)
class KeyFile:
    path: Path
    office: str  # "NIA · Bureau de Niamey", or why it cannot be imported


@dataclass(frozen=True)
class KeysImported:
    key_id: str  # the last key imported, to show
    lines: list[str]  # what became of each file


class KeyImportDialog(FieldlogModal[KeysImported | None]):
    """Dismisses with what was imported, or None when nothing was."""

    CSS_PATH = "keys.tcss"
    BINDINGS = [
        Binding("ctrl+s", "import_ticked", N_("Import"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    class Prepared(Message):
        def __init__(self, folder: str) -> None:
            super().__init__()
            self.folder = folder

    class Listed(Message):
        def __init__(self, files: list[KeyFile], problem: str, *, single_file: bool, focus: bool) -> None:
            super().__init__()
            self.files = files
            self.problem = problem
            self.single_file = single_file
            self.focus = focus

    class Imported(Message):
        def __init__(self, lines: list[str], key_id: str | None, *, error: bool) -> None:
            super().__init__()
            self.lines = lines
            self.key_id = key_id
            self.error = error

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen key-import-dialog")
        self.imported: KeysImported | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Import an office's key"), classes="dialog-title")
            yield FormField("path", _("File or folder"), Input(compact=True))
            yield Static(_("Enter: show the key files · Space: tick · Ctrl+S: import the ticked ones"),
                         classes="dialog-hint")
            yield SelectionList[str](id="key-files", compact=True)
            with VerticalScroll(id="key-import-result-box"):
                yield Static("", id="key-import-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import (Ctrl+S)"), id="import", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="close", compact=True)
        yield Footer()

    @property
    def path_input(self) -> Input:
        return self.query_one("#field-path", FormField).control

    @property
    def files(self) -> SelectionList[str]:
        return self.query_one("#key-files", SelectionList)

    def on_mount(self) -> None:
        self.path_input.focus()
        self.prepare()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def prepare(self) -> None:
        self.post_message(self.Prepared(remembered_folder()))

    def on_key_import_dialog_prepared(self, message: Prepared) -> None:
        if not self.path_input.value:
            self.path_input.value = message.folder
            self.path_input.select_all()  # typing a path replaces the suggested folder
            self.list_keys(message.folder, focus=False)

    def _say(self, text: str, *, error: bool) -> None:
        note = self.query_one("#key-import-result", Static)
        note.update(Text(text))  # paths may hold brackets: not markup
        note.set_class(error, "-error")

    # --- finding the files ---------------------------------------------------------------

    @on(Input.Submitted)
    def path_submitted(self, event: Input.Submitted) -> None:
        self.list_keys(event.value, focus=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def list_keys(self, text: str, *, focus: bool) -> None:
        from fieldlog.keys.trust import read_card

        path = Path(text.strip()).expanduser()
        problem = ""
        found: list[KeyFile] = []
        if not text.strip() or not path.exists():
            problem = _("No such file or folder.")
        else:
            try:
                files = find_bundles(path, KEY_SUFFIX)
            except OSError:
                problem = _("This folder cannot be read.")
            else:
                if not files:
                    problem = _("No key file (.fieldlog-key) in this folder.")
                for file in files:
                    try:
                        card = read_card(file.path)
                    except FieldlogError:
                        office = _("not a key file")
                    else:
                        office = f"{card.code} · {card.name}"
                    found.append(KeyFile(file.path, office))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Listed(found, problem, single_file=path.is_file(), focus=focus))

    def on_key_import_dialog_listed(self, message: Listed) -> None:
        self.query_one("#field-path", FormField).set_error(message.problem or None)
        files = self.files
        files.clear_options()
        files.add_options([
            Selection(Text(f"{file.path.name}  {file.office}"), str(file.path), message.single_file)
            for file in message.files
        ])
        if message.files:
            files.highlighted = 0
        if message.focus:
            (files if message.files else self.path_input).focus()

    # --- importing -----------------------------------------------------------------------

    @on(Button.Pressed, "#import")
    def import_pressed(self) -> None:
        self.action_import_ticked()

    def action_import_ticked(self) -> None:
        if self.busy:
            return
        ticked = list(self.files.selected)
        if not ticked:
            self._say(_("Tick the key files to import first (Space)."), error=True)
            return
        self.busy = True
        self._say(_("Importing…"), error=False)
        self.import_keys([Path(path) for path in ticked])

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def import_keys(self, paths: list[Path]) -> None:
        from fieldlog.keys.trust import PENDING, describe_status, import_card

        lines: list[str] = []
        last: str | None = None
        error = False
        for path in paths:
            try:
                key, new = import_card(self.app.db, path)
            except FieldlogError as refused:  # each file alone: the others are still imported
                lines.append(str(refused))
                error = True
                continue
            last = key.key_id
            if not new and key.status != PENDING:
                lines.append(_("{office}: this key was already here ({status}).").format(
                    office=key.code, status=describe_status(key)))
            else:
                lines.append(_("Key of {office} ({name}) imported; not trusted yet. Fingerprint: {fingerprint}").format(
                    office=key.code, name=key.public.name, fingerprint=key.fingerprint))
        self.post_message(self.Imported(lines, last, error=error))

    def on_key_import_dialog_imported(self, message: Imported) -> None:
        self.busy = False
        if message.key_id is not None:
            self.imported = KeysImported(message.key_id, message.lines)
            self.files.deselect_all()
        if message.error:  # stay, with the reason; Esc goes back to the keys
            self._say("\n".join(message.lines), error=True)
        else:
            self.dismiss(self.imported)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.busy:
            return
        self.dismiss(self.imported)
