"""A report as plain data, independent of its format.

A `Document` is a list of `Part`s; each part starts on a new page and repeats its own
heading (a sign-in sheet per day is one part per day). A part holds `Facts` (label/value
lines under the heading), `Table`s and `Note`s. Cell values keep their type — `int`,
`float`, `date`, `bool` for an attendance mark, `None` for nothing — so that a spreadsheet
stores numbers as numbers and dates as dates, and each renderer formats them its way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Union

# text: free text; number: int or float; date; percent: a float 0..1; mark: True present,
# False absent, None not recorded (a footer may hold a count there, an int); signature:
# always empty, a box to sign in.
Kind = Literal["text", "number", "date", "percent", "mark", "signature"]
Cell = Union[str, int, float, date, bool, None]


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = "text"
    # Relative width on paper; numbers and marks are narrow, names and signatures wide.
    width: float = 1.0


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    # Totals, printed in bold under the rows (and kept apart in spreadsheets).
    footer: list[list[Cell]] = field(default_factory=list)
    # Columns repeated on every page slice when a wide table (many days) is split across pages.
    key_columns: int = 1
    # Taller rows leave room for a handwritten signature.
    tall_rows: bool = False
    # Shown instead of an empty table.
    empty_text: str = ""


@dataclass
class Facts:
    items: list[tuple[str, str]]


@dataclass
class Note:
    text: str
    # The sentence a reader quotes ("234 individuals trained, 11 workshops organised").
    headline: bool = False


Block = Union[Facts, Table, Note]


@dataclass
class Part:
    heading: str
    subheading: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    parts: list[Part]
    # A short name for files: "signin-2026-11-23-atelier-bamako".
    file_stem: str
    # "Printed 22/11/2026 14:05 by Bamako office" — printed at the foot of every page.
    footer: str = ""
    # Portrait unless the widest table needs the width of a landscape page.
    landscape: bool = False

    def tables(self) -> list[Table]:
        return [block for part in self.parts for block in part.blocks if isinstance(block, Table)]


PRESENT, ABSENT = "✓", "–"


def cell_text(value: Cell, kind: Kind) -> str:
    """A cell as printed on paper or shown on screen, in the person's language."""
    from fieldlog.dates import format_date
    from fieldlog.formatting import format_number, format_percent

    if value is None or kind == "signature":
        return ""
    if kind == "mark" and isinstance(value, bool):
        return PRESENT if value else ABSENT
    if kind == "percent":
        return format_percent(float(value))
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)
