"""Trash: deleted records, most recent first; Enter or r restores."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.message import Message

from fieldlog.i18n import N_, _
from fieldlog.services.trash import TrashRow, list_trash, restore_record
from fieldlog.screens.list_screen import ListScreen


class TrashScreen(ListScreen):
    TITLE = N_("Trash")
    COLUMNS = [N_("Record"), N_("Kind")]
    BINDINGS = [Binding("r", "restore", N_("Restore"))]

    class Restored(Message):
        pass

    def compose_filters(self):
        return iter(())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "focus_search":
            return False
        return True

    def fetch(self, *, search: str, offset: int, limit: int):
        return list_trash(self.app.db, offset=offset, limit=limit)

    def cells(self, row: TrashRow) -> list:
        return [row.label, row.kind]

    def open_record(self, record_id: str) -> None:
        self.action_restore()

    def action_restore(self) -> None:
        record_id = self.selected_id
        row = self.rows_by_id.get(record_id)
        if row is not None:
            self.restore(row.table, row.id)

    @work(thread=True, exit_on_error=False, group="write")
    def restore(self, table: str, record_id: str) -> None:
        restore_record(self.app.db, table=table, record_id=record_id)
        self.post_message(self.Restored())

    def on_trash_screen_restored(self) -> None:
        self.notify(_("Restored."))
        self.reload()
