"""What the export and import dialogs share: a progress message, a result line, and no leaving
while a bundle is being written or applied."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import Button, Static

from screens.base import FieldlogModal


class BundleDialog(FieldlogModal[bool]):
    """Dismisses with `done`: True when a bundle was written or something was imported."""

    RESULT_ID = ""  # the Static that shows the outcome

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

    def _say(self, text: str, *, error: bool) -> None:
        note = self.query_one(f"#{self.RESULT_ID}", Static)
        note.update(Text(text))  # paths and file names may hold brackets: not markup
        note.set_class(error, "-error")

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if self.busy:
            self._say(self.busy_message(), error=False)
            return
        self.dismiss(self.done)
