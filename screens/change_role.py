"""Pick the role someone has in a workshop (participant, trainer, facilitator…)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static

from fieldlog.i18n import N_, _
from fieldlog.vocabulary import ROLES, options
from fieldlog.screens.base import FieldlogModal


class ChangeRoleScreen(FieldlogModal[str | None]):
    """Dismisses with the chosen role code, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "choose", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, name: str, role: str) -> None:
        super().__init__(classes="dialog-screen")
        self.person = name
        self.role = role if role in ROLES else "participant"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(_("Role of {name} in this workshop:").format(name=self.person)), classes="dialog-question"
            )
            yield Select(options(ROLES), allow_blank=False, value=self.role, id="role", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="choose", variant="primary", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    @on(Select.Changed, "#role")
    def role_chosen(self) -> None:
        # Choosing in the menu with Enter is enough; Ctrl+S also works.
        if self.query_one("#role", Select).value != self.role:
            self.action_choose()

    @on(Button.Pressed, "#choose")
    def action_choose(self) -> None:
        value = self.query_one("#role", Select).value
        self.dismiss(None if value is Select.NULL else value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
