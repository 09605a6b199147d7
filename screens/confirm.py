"""A yes/no question, answered from the keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from fieldlog.i18n import N_, _
from fieldlog.screens.base import FieldlogModal


# Translators: the key that answers "yes" in a confirmation (o, for oui).
YES_KEY = N_("y")


class ConfirmScreen(FieldlogModal[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes_label = yes or _("Yes")
        self.no_label = no or _("No")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} ({_(YES_KEY)})", id="yes", variant="warning")
                yield Button(f"{self.no_label} (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def on_key(self, event) -> None:
        # "y" always answers yes; the language's own key too (o for oui).
        if event.key == _(YES_KEY) != "y":
            event.stop()
            self.dismiss(True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
