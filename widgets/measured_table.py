"""Textual's DataTable, redrawn once its columns are measured.

Textual 8.2.8 measures new rows when the table is next idle, but keeps the cells it drew
before that: on a slow laptop the first screen of a list can come up with every column as
narrow as its heading ("Jan 1  Forma  Niame") and stay so until the next change. Each
measurement now clears those cells, so they are drawn again at the measured widths."""

from __future__ import annotations

from textual.widgets import DataTable


class MeasuredTable(DataTable):
    def _update_dimensions(self, new_rows) -> None:
        super()._update_dimensions(new_rows)
        self._clear_caches()
