"""A report as an Excel workbook: one sheet per part, values kept as numbers and dates.

Each sheet: the part's heading and subheading, its facts, then each table (title, header,
rows, totals) with a blank row between them. Marks are 1/0 so that a column sums to the days
attended; percentages are fractions shown as percent.
"""

from __future__ import annotations

import re
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fieldlog.i18n import _
from fieldlog.reports.document import Cell, Document, Facts, Kind, Note, Part, Table, cell_text
from fieldlog.xlsx_text import escape_xlsx_text

_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
HEADING = Font(bold=True, size=14)
SUBHEADING = Font(size=12, color="444444")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
FORMATS = {"date": "DD/MM/YYYY", "percent": "0%"}


def write_xlsx(document: Document, binary: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    book.properties.title = document.title
    book.properties.creator = "fieldlog"
    book.properties.description = document.footer or None
    titles: set[str] = set()
    for part in document.parts:
        sheet = book.create_sheet(sheet_title(part.heading, titles))
        _write_part(sheet, part)
    if not document.parts:
        book.create_sheet(sheet_title(document.title, titles))
    book.save(binary)


def sheet_title(heading: str, taken: set[str]) -> str:
    """`heading` as Excel allows a sheet name: at most 31 characters, none of []:*?/\\, not
    starting or ending with an apostrophe, unique in the workbook (case-insensitively)."""
    base = " ".join(_NOT_IN_SHEET_TITLE.sub(" ", heading).split()).strip("'") or _("Sheet")
    title, n = base[:31], 1
    while title.casefold() in taken or title.casefold() == "history":  # Excel reserves History
        n += 1
        suffix = f" ({n})"
        title = base[:31 - len(suffix)].rstrip() + suffix
    taken.add(title.casefold())
    return title


def _write_part(sheet: WriteOnlyWorksheet, part: Part) -> None:
    # A write-only sheet takes its column widths before its first row.
    for n, width in enumerate(_column_widths(part), start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.append([_cell(sheet, part.heading, font=HEADING)])
    if part.subheading:
        sheet.append([_cell(sheet, part.subheading, font=SUBHEADING)])
    sheet.append([])
    for block in part.blocks:
        if isinstance(block, Facts):
            for label, value in block.items:
                sheet.append([_cell(sheet, label, font=BOLD), _cell(sheet, value)])
            sheet.append([])
        elif isinstance(block, Note):
            sheet.append([_cell(sheet, block.text, font=BOLD) if block.headline else _cell(sheet, block.text)])
            sheet.append([])
        elif isinstance(block, Table):
            _write_table(sheet, block)


def _write_table(sheet: WriteOnlyWorksheet, table: Table) -> None:
    if table.title:
        sheet.append([_cell(sheet, table.title, font=BOLD)])
    sheet.append([_cell(sheet, column.label, font=BOLD, fill=HEADER_FILL) for column in table.columns])
    if not table.rows and table.empty_text:
        sheet.append([_cell(sheet, table.empty_text)])
    for rows, font in ((table.rows, None), (table.footer, BOLD)):
        for row in rows:
            sheet.append([
                _cell(sheet, _value(row[i] if i < len(row) else None, column.kind), font=font,
                      number_format=FORMATS.get(column.kind))
                for i, column in enumerate(table.columns)])
    sheet.append([])


def _value(value: Cell, kind: Kind) -> Any:
    if value is None or kind == "signature":
        return None
    if isinstance(value, bool):  # a mark; a count in a mark column (a footer total) stays a number
        return 1 if value else 0
    if kind == "percent" and isinstance(value, int):
        return float(value)
    return value


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
          number_format: str | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = escape_xlsx_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):  # text, shown as typed: never a formula that runs
        cell.data_type = "s"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if number_format and isinstance(value, (int, float, date)) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def _column_widths(part: Part) -> list[float]:
    """Characters wide, from the longest text printed in each column (within reason)."""
    widths: list[float] = []

    def widen(n: int, text: str, most: int = 50) -> None:
        while len(widths) <= n:
            widths.append(6)
        widths[n] = max(widths[n], min(len(text) + 2, most))

    for block in part.blocks:
        if isinstance(block, Facts):
            for label, value in block.items:
                widen(0, label, 30)
                widen(1, value, 40)
        elif isinstance(block, Table):
            for n, column in enumerate(block.columns):
                longest_word = max((len(word) for word in column.label.split()), default=0)
                widen(n, column.label, max(longest_word + 2, 14))
                for row in block.rows + block.footer:
                    if n < len(row):
                        widen(n, cell_text(row[n], column.kind))
    return widths
