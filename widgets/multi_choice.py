"""A list of checkable choices (Space or Enter ticks one) that is ready for the keyboard on focus."""

from __future__ import annotations

from textual.widgets import SelectionList


class MultiChoice(SelectionList):
    """SelectionList highlights nothing when it gets focus, so the first Space did nothing:
    here the first option is highlighted as soon as the list is focused."""

    DEFAULT_CSS = """
    MultiChoice {
        height: auto;
        max-height: 5;
    }
    """

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0
