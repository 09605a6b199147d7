"""A labelled form control on one line, with its error shown just below it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField {
        height: auto;
        margin: 0 0 1 0;
    }
    FormField > Horizontal {
        height: auto;
    }
    FormField > Horizontal > Label {
        width: 20;
        color: $text-muted;
    }
    FormField > Horizontal > Input, FormField > Horizontal > Select {
        width: 1fr;
    }
    FormField > Horizontal > Input {
        background: $boost;
    }
    FormField > .field-error {
        color: $text-error;
        height: auto;
        margin-left: 20;
        display: none;
    }
    FormField.-invalid > .field-error {
        display: block;
    }
    FormField.-invalid > Horizontal > Label {
        color: $text-error;
    }
    """

    def __init__(self, name: str, label: str, control: Widget, *, required: bool = False) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label_text = f"{label} *" if required else label
        self.control = control

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label_text)
            yield self.control
        yield Static("", classes="field-error")

    @property
    def value(self):
        control = self.control
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        if isinstance(control, Input):
            return control.value
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, SelectionList):
            # In the order shown, so that choosing the same items compares equal.
            chosen = control.selected
            shown = [option.value for option in control.options if option.value in chosen]
            return shown + [value for value in chosen if value not in shown]
        return getattr(control, "value", None)

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")
