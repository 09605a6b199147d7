"""Textual's footer, made to fit: at 80 columns the French descriptions are longer, and the
footer cut off its last keys (F1 Help first). When the keys do not fit, it closes up the
spaces between them, then leaves out the palette key (Ctrl+P stays listed under F1); if they
still do not fit, F1 Help comes first, so that the keys cut off can be found under it."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittingFooter(Footer):
    _fitted: tuple[bool, bool, bool] | None = None  # what the last compose decided
    def _widths(self) -> tuple[int, int]:
        """Cells the keys take, spaced as usual and closed up; one key per action, as the
        footer shows them (no binding groups are used in fieldlog)."""
        first: dict[str, tuple[str, str]] = {}
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in first:
                first[binding.action] = (self.app.get_key_display(binding), binding.description)
        cells = sum(cell_len(key) + cell_len(description) for key, description in first.values())
        return cells + 3 * len(first), cells + 2 * len(first)

    def _palette_cells(self) -> int:
        """"▏^p palette ": the border, the key, its description and a space around them."""
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is None or not self.app.ENABLE_COMMAND_PALETTE:
            return 0
        binding = palette[1]
        return cell_len(self.app.get_key_display(binding)) + cell_len(binding.description) + 3

    def _fit(self, width: int) -> tuple[bool, bool, bool]:
        """(compact, show the palette key, every key fits) for this width."""
        spaced, closed = self._widths()
        palette = self._palette_cells()
        if spaced + palette <= width:
            return False, True, True
        if closed + palette <= width:
            return True, True, True
        return True, False, closed <= width

    @property
    def _width(self) -> int:
        return self.size.width or self.app.size.width  # the footer's own, once laid out

    def compose(self):
        if not self._bindings_ready:
            return
        self._fitted = self._fit(self._width)
        compact, palette, fits = self._fitted
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        self.set_reactive(Footer.show_command_palette, palette)
        keys = list(super().compose())
        if not fits:
            keys.sort(key=lambda key: not (isinstance(key, FooterKey) and key.action == "help"))
        yield from keys

    def on_resize(self, _event: events.Resize) -> None:
        if self._bindings_ready and self._fit(self._width) != self._fitted:
            self.call_after_refresh(self.recompose)
