"""Import other offices' public key files (`CODE.fieldlog-key`): a file, or those of a folder
ticked one by one, as bundles are imported. An imported key is not trusted until a person here
has compared its fingerprint with the office by phone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Button

from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from fieldlog.screens.ticked_files import FoundFile, TickedFilesDialog
from fieldlog.widgets.status_line import StatusLine

KEY_SUFFIX = ".fieldlog-key"  # fieldlog.keys.trust.PUBLIC_SUFFIX


@dataclass(frozen=True)
class KeysImported:
    key_id: str  # the last key imported, to show
    lines: list[str]  # what became of each file


class KeyImportDialog(TickedFilesDialog[KeysImported | None]):
    """Dismisses with what was imported, or None when nothing was."""

    CSS_PATH = "keys.tcss"
    HEADING = N_("Import an office's key")
    HINT = N_("Enter: show the key files · Space: tick · Ctrl+S: import the ticked ones")
    NO_FILES = N_("No key file (.fieldlog-key) in this folder.")
    TICK_FIRST = N_("Tick the key files to import first (Space).")
    IMPORTING = N_("Importing…")
    SUFFIX = KEY_SUFFIX
    FILES_ID = "key-files"
    RESULT_ID = "key-import-result"

    class Imported(Message):
        def __init__(self, lines: list[str], key_id: str | None, *, error: bool) -> None:
            super().__init__()
            self.lines = lines
            self.key_id = key_id
            self.error = error

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen key-import-dialog")
        self.imported: KeysImported | None = None

    def describe(self, found: list[FoundFile]) -> list[Text]:
        """The name, then the office the file says it is from."""
        from fieldlog.keys.trust import read_card

        labels = []
        for file in found:
            try:
                card = read_card(file.path)
            except FieldlogError:
                office = _("not a key file")
            else:
                office = f"{card.code} · {card.name}"
            labels.append(Text(f"{file.path.name}  {office}"))
        return labels

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def import_files(self, paths: list[Path]) -> None:
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
            self.query_one(StatusLine).say("\n".join(message.lines), error=True)
        else:
            self.dismiss(self.imported)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.busy:
            return
        self.dismiss(self.imported)
