"""A report as CSV for a spreadsheet: values as data (ISO dates, plain numbers, 1/0 marks).

UTF-8 with a BOM so that Excel reads "Aïssata" right; CRLF line ends. Each part is its
heading, its facts as label,value rows, then each table (title, header, rows, totals),
separated by blank rows.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import IO

from fieldlog.formula_guard import guard
from fieldlog.reports.document import Cell, Document, Facts, Kind, Note, Table


def write_csv(document: Document, binary: IO[bytes]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for part in document.parts:
        writer.writerow([guard(part.heading)] + ([guard(part.subheading)] if part.subheading else []))
        for block in part.blocks:
            if isinstance(block, Facts):
                writer.writerows([guard(label), guard(value)] for label, value in block.items)
                writer.writerow([])
            elif isinstance(block, Note):
                writer.writerow([guard(block.text)])
                writer.writerow([])
            elif isinstance(block, Table):
                _write_table(writer, block)
    binary.write(text.getvalue().encode("utf-8-sig"))


def _write_table(writer, table: Table) -> None:
    writer.writerow([guard(table.title)])
    writer.writerow([guard(column.label) for column in table.columns])
    if not table.rows and table.empty_text:
        writer.writerow([guard(table.empty_text)])
    for row in table.rows + table.footer:
        writer.writerow([_value(row[i] if i < len(row) else None, column.kind)
                         for i, column in enumerate(table.columns)])
    writer.writerow([])


def _value(value: Cell, kind: Kind) -> str:
    if value is None or kind == "signature":
        return ""
    if isinstance(value, bool):  # a mark; a count in a mark column (a footer total) stays a number
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return guard(value)

