"""Editable rows of quantitative indicators (name, value, unit), added and removed from the keyboard.

The widget holds text only: the screen turns rows into service objects and the service parses
the values ("13 500", "13,5"). Each row keeps the id of the indicator it was loaded from, so an
edit updates that indicator instead of replacing it.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from fieldlog.i18n import N_, _

PARTS = ("name", "value", "unit")


class IndicatorRow(Vertical):
    """One indicator: three inputs on a line, and the reasons it was refused just below."""

    DEFAULT_CSS = """
    IndicatorRow {
        height: auto;
    }
    IndicatorRow > Horizontal {
        height: auto;
    }
    IndicatorRow Input {
        background: $boost;
    }
    IndicatorRow .indicator-name {
        width: 1fr;
    }
    IndicatorRow .indicator-value, IndicatorRow .indicator-unit {
        width: 14;
        margin-left: 1;
    }
    IndicatorRow > .indicator-error {
        color: $text-error;
        height: auto;
        display: none;
    }
    IndicatorRow.-invalid > .indicator-error {
        display: block;
    }
    """

    def __init__(self, *, indicator_id: str | None = None, name: str = "", value: str = "", unit: str = "") -> None:
        super().__init__(classes="indicator-row")
        self.indicator_id = indicator_id
        # Inputs are made here, not in compose, so their values can be read before they are mounted.
        self.inputs = {
            "name": Input(name, placeholder=_("Indicator, e.g. firearms marked"), compact=True, classes="indicator-name"),
            "value": Input(value, placeholder=_("Value"), compact=True, classes="indicator-value"),
            "unit": Input(unit, placeholder=_("Unit"), compact=True, classes="indicator-unit"),
        }

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield from self.inputs.values()
        yield Static("", classes="indicator-error")

    @property
    def data(self) -> dict[str, Any]:
        return {"id": self.indicator_id, **{part: self.inputs[part].value for part in PARTS}}

    @property
    def is_blank(self) -> bool:
        return not any(self.inputs[part].value.strip() for part in PARTS)

    def set_errors(self, errors: dict[str, str]) -> None:
        labels = {"name": _("Name"), "value": _("Value"), "unit": _("Unit")}
        for part, control in self.inputs.items():
            control.set_class(part in errors, "-invalid")
        text = "  ".join(f"{labels.get(part, part)}: {reason}" for part, reason in errors.items())
        self.query_one(".indicator-error", Static).update(text)
        self.set_class(bool(errors), "-invalid")

    def first_invalid(self) -> Input | None:
        return next((control for control in self.inputs.values() if control.has_class("-invalid")), None)


class IndicatorEditor(Vertical):
    """`value` is the list of rows that hold something, as dicts of text; blank rows are ignored."""

    BINDINGS = [
        Binding("ctrl+n", "add_row", N_("Add indicator")),
        Binding("ctrl+r", "remove_row", N_("Remove indicator")),
    ]
    DEFAULT_CSS = """
    IndicatorEditor {
        height: auto;
        margin: 0 0 1 0;
    }
    IndicatorEditor > .indicators-title {
        color: $text-muted;
        height: 1;
    }
    IndicatorEditor > .indicators-empty {
        color: $text-muted;
        height: auto;
    }
    IndicatorEditor > #indicator-rows {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[IndicatorRow] = []

    def compose(self) -> ComposeResult:
        yield Static(_("Indicators (Ctrl+N adds a row, Ctrl+R removes the current row)"), classes="indicators-title")
        yield Static(_("No indicators yet."), classes="indicators-empty")
        yield Vertical(id="indicator-rows")
        yield Button(_("Add indicator"), id="add-indicator", compact=True)

    def on_mount(self) -> None:
        self._show_empty()

    @property
    def value(self) -> list[dict[str, Any]]:
        return [row.data for row in self.filled_rows()]

    def filled_rows(self) -> list[IndicatorRow]:
        return [row for row in self.rows if not row.is_blank]

    def load(self, indicators: list[dict[str, Any]]) -> None:
        for row in self.rows:
            row.remove()
        self.rows = [
            IndicatorRow(
                indicator_id=item.get("id"), name=item.get("name", ""),
                value=item.get("value", ""), unit=item.get("unit", ""),
            )
            for item in indicators
        ]
        if self.rows:
            self.query_one("#indicator-rows").mount_all(self.rows)
        self._show_empty()

    def _show_empty(self) -> None:
        self.query_one(".indicators-empty").display = not self.rows

    # --- keyboard ------------------------------------------------------------------------

    @on(Button.Pressed, "#add-indicator")
    async def add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_add_row()

    async def action_add_row(self) -> None:
        row = IndicatorRow()
        self.rows.append(row)
        self._show_empty()
        await self.query_one("#indicator-rows").mount(row)
        row.inputs["name"].focus()
        self.call_after_refresh(self.query_one("#add-indicator").scroll_visible)

    def _current_row(self) -> IndicatorRow | None:
        focused = self.screen.focused
        for row in self.rows:
            if focused is not None and focused in row.inputs.values():
                return row
        return None

    def action_remove_row(self) -> None:
        row = self._current_row()
        if row is None:  # only the row being edited is removed, never one out of sight
            return
        index = self.rows.index(row)
        part = next((p for p, control in row.inputs.items() if control.has_focus), "name")
        self.rows.remove(row)
        row.remove()
        self._show_empty()
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].inputs[part].focus()
        else:
            self.query_one("#add-indicator", Button).focus()

    # --- errors --------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> Input | None:
        """Errors keyed "indicators.N.part", N counting the filled rows as `value` gave them.
        Returns the first input to correct."""
        by_row: dict[int, dict[str, str]] = {}
        for key, reason in errors.items():
            _prefix, _dot, rest = key.partition(".")
            number, _dot, part = rest.partition(".")
            if number.isdigit():
                by_row.setdefault(int(number), {})[part] = reason
        first = None
        for n, row in enumerate(self.filled_rows()):
            row.set_errors(by_row.get(n, {}))
            if first is None:
                first = row.first_invalid()
        for row in self.rows:
            if row.is_blank:
                row.set_errors({})
        return first
