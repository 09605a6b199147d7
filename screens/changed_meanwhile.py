"""Fields a person changed in a form that were also changed elsewhere since the form opened
(an import, the command line, another window): both values are shown and the person decides,
so that nothing is overwritten in either direction without being seen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from fieldlog.i18n import N_, _, ngettext
from fieldlog.screens.base import FieldlogModal

MINE = "mine"
THEIRS = "theirs"


@dataclass(frozen=True)
class ChangedField:
    name: str
    label: str
    theirs: str  # the value in the database now, as the form would show it
    mine: str  # the value typed in the form


def describe_changed(fields: list[ChangedField]) -> str:
    lines = [
        ngettext(
            "This field was changed meanwhile, since the form was opened:",
            "These fields were changed meanwhile, since the form was opened:",
            len(fields),
        )
    ]
    for item in fields:
        lines.append(
            _("{field}: changed meanwhile to {theirs}; yours: {mine}").format(
                field=item.label, theirs=item.theirs or _("(blank)"), mine=item.mine or _("(blank)")
            )
        )
    return "\n".join(lines)


class ChangedMeanwhileScreen(FieldlogModal[str | None]):
    """Dismisses with MINE (write the form's values over them), THEIRS (leave those fields as
    they now are and save the rest), or None (save nothing, keep editing)."""

    BINDINGS = [
        Binding("m", "answer('mine')", N_("Keep mine")),
        Binding("t", "answer('theirs')", N_("Keep theirs")),
        Binding("escape", "answer('')", N_("Keep editing")),
    ]

    def __init__(self, fields: list[ChangedField]) -> None:
        super().__init__(classes="dialog-screen changed-meanwhile")
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(describe_changed(self.fields), classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Keep mine (m)"), id="mine", variant="warning", compact=True)
                yield Button(_("Keep theirs (t)"), id="theirs", variant="primary", compact=True)
                yield Button(_("Keep editing (Esc)"), id="edit", compact=True)

    def on_mount(self) -> None:
        self.query_one("#theirs", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer({"mine": MINE, "theirs": THEIRS}.get(event.button.id or "", ""))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer or None)
