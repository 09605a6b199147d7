"""A status line: how the last action went (a file written, a refusal to correct), or what is
being done meanwhile, in a line or a few."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """Plain text, never markup: paths, file names and names may hold brackets. Marked `-error`
    for a refusal to correct and `-done` for a success, which the screen's CSS colours.
    With `hide_when_empty`, it takes no room while it says nothing."""

    def __init__(self, *, id: str | None = None, classes: str | None = None, hide_when_empty: bool = False) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.hide_when_empty = hide_when_empty
        self._kind = ""

    def say(self, text: str, *, error: bool = False, done: bool = False) -> None:
        """Show `text`, replacing what was said before; "" says nothing."""
        self.update(Text(text))
        self.set_class(error, "-error")
        self.set_class(done, "-done")
        if self.hide_when_empty:
            self.display = bool(text)
        self._kind = "error" if error else "done" if done else ""

    @property
    def says_error(self) -> bool:
        return self._kind == "error"

    @property
    def says_done(self) -> bool:
        return self._kind == "done"
