"""What the export and import dialogs share: a progress message, a status line saying how it
went, and no leaving while a bundle is being written or applied."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import Button

from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.status_line import StatusLine


class BundleDialog(FieldlogModal[bool]):
    """Dismisses with `done`: True when a bundle was written or something was imported.
    Subclasses compose one StatusLine."""

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, *, classes: str) -> None:
        super().__init__(classes=classes)
        self.done = False
        self.busy = False

    def busy_message(self) -> str:
        raise NotImplementedError

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if self.busy:
            self.query_one(StatusLine).say(self.busy_message())
            return
        self.dismiss(self.done)
