"""A report as an A4 PDF (fpdf2), in the DejaVu font shipped beside this module.

fpdf2's built-in fonts have no en dash, ✓ or typographic apostrophe, so the Unicode TTF is
embedded (only the glyphs used). Tables too wide for the page are cut into column slices
that each repeat the key columns (a participant's name), printed one after the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from fpdf import FPDF, FontFace

from fieldlog.i18n import _, current_language
from fieldlog.reports.document import Column, Document, Facts, Note, Part, Table, cell_text

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 12  # mm, left, right and below the page header
TOTAL_PAGES = "{nb}"  # fpdf2 replaces it with the page count once the document is complete

TEXT_SIZE = 9.5
TABLE_SIZE = 8.5
HEADINGS_SIZE = 8  # a little smaller, so that a day column's "13/10" fits in 10 mm
TABLE_LINE = 4.2  # mm for one line of table text
TALL_ROW = 10.0  # mm: room for a handwritten signature
PADDING = (0.7, 1.0)  # mm: above/below, left/right of the text in a cell
CHARACTERS_PER_MM = 15  # of column width: the most text a cell prints, about a third of a page

# Narrowest readable column, by kind (mm): below this a wide table is split.
MIN_WIDTH = {"text": 12, "number": 8, "date": 16, "percent": 10, "mark": 9, "signature": 20}
ALIGN = {"text": "LEFT", "number": "RIGHT", "percent": "RIGHT", "date": "LEFT", "mark": "CENTER",
         "signature": "LEFT"}

GREY_TEXT = 90
RULE = 170
HEADINGS = FontFace(emphasis="BOLD", size_pt=HEADINGS_SIZE, fill_color=(232, 232, 232))
BOLD = FontFace(emphasis="BOLD")


class _Pdf(FPDF):
    def __init__(self, document: Document):
        super().__init__(orientation="L" if document.landscape else "P", unit="mm", format="A4")
        self.document = document
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSansCondensed.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.alias_nb_pages(TOTAL_PAGES)
        self.set_line_width(0.2)

    def header(self) -> None:
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(GREY_TEXT)
        self.set_xy(MARGIN, 7)
        self.cell(self.epw, 4, _fit(self, self.document.title, self.epw))
        self.set_draw_color(RULE)
        self.line(MARGIN, 11.5, self.w - MARGIN, 11.5)
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(GREY_TEXT)
        self.set_draw_color(RULE)
        y = self.h - MARGIN
        self.line(MARGIN, y - 1, self.w - MARGIN, y - 1)
        page = _("Page {n} / {total}").format(n=self.page_no(), total=TOTAL_PAGES)
        page_width = self.get_string_width(page.replace(TOTAL_PAGES, "000")) + 2
        self.set_xy(MARGIN, y)
        self.cell(self.epw - page_width, 4, _fit(self, self.document.footer, self.epw - page_width - 4))
        self.cell(page_width, 4, page, align="R")
        self.set_text_color(0)


def write_pdf(document: Document, binary: IO[bytes]) -> None:
    pdf = _Pdf(document)
    pdf.set_title(document.title)
    pdf.set_creator("fieldlog")
    pdf.set_lang(current_language())
    for part in document.parts:
        _write_part(pdf, part)
    if not document.parts:
        pdf.add_page()
    binary.write(pdf.output())


def _write_part(pdf: _Pdf, part: Part) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 7, part.heading, new_x="LMARGIN", new_y="NEXT")
    if part.subheading:
        pdf.set_font(FAMILY, "", 11)
        pdf.set_text_color(GREY_TEXT - 40)
        pdf.multi_cell(0, 5.5, part.subheading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    pdf.ln(3)
    for block in part.blocks:
        if isinstance(block, Facts):
            _write_facts(pdf, block)
        elif isinstance(block, Note):
            _write_note(pdf, block)
        elif isinstance(block, Table):
            _write_table(pdf, block)


def _write_facts(pdf: _Pdf, facts: Facts) -> None:
    if not facts.items:
        return
    pdf.set_font(FAMILY, "B", TEXT_SIZE)
    widest = max(pdf.get_string_width(label) for label, _value in facts.items)
    label_width = min(widest + 4, pdf.epw * 0.4)
    pdf.set_font(FAMILY, "", TEXT_SIZE)
    with pdf.table(col_widths=(label_width, pdf.epw - label_width), first_row_as_headings=False,
                   borders_layout="NONE", text_align="LEFT", line_height=4.8,
                   padding=(0.4, 0)) as grid:
        for label, value in facts.items:
            row = grid.row()
            row.cell(label, style=BOLD)
            row.cell(value)
    pdf.ln(4)


def _write_note(pdf: _Pdf, note: Note) -> None:
    if note.headline:
        pdf.set_font(FAMILY, "B", TEXT_SIZE + 3)
        pdf.multi_cell(0, 6.5, note.text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font(FAMILY, "", TEXT_SIZE)
        pdf.multi_cell(0, 4.8, note.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _write_table(pdf: _Pdf, table: Table) -> None:
    if not table.rows and table.empty_text:
        _write_title(pdf, table.title, 12)
        pdf.set_font(FAMILY, "", TEXT_SIZE)
        pdf.set_text_color(GREY_TEXT)
        pdf.multi_cell(0, 4.8, table.empty_text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(4)
        return
    if not table.columns:
        return
    slices = column_slices(table.columns, _narrowest(pdf, table.columns), table.key_columns, pdf.epw)
    for n, indexes in enumerate(slices, start=1):
        title = table.title
        if len(slices) > 1:
            title = _("{title} ({n}/{total})").format(title=table.title, n=n, total=len(slices))
        _write_slice(pdf, table, indexes, title)


def _write_title(pdf: _Pdf, title: str, keep_with: float) -> None:
    """The title of a table, on the page where the table starts (`keep_with` mm of it)."""
    if pdf.will_page_break(6 + keep_with):
        pdf.add_page()
    if title:
        pdf.set_font(FAMILY, "B", TEXT_SIZE)
        pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _write_slice(pdf: _Pdf, table: Table, indexes: list[int], title: str) -> None:
    columns = [table.columns[i] for i in indexes]
    row_height = TALL_ROW if table.tall_rows else TABLE_LINE + 2 * PADDING[0]
    _write_title(pdf, title, 2 * row_height + 4)

    total = sum(max(c.width, 0.1) for c in columns)
    # fpdf2 cannot break a row across pages: a huge cell is cut to what fits well within one.
    longest = [int(pdf.epw * max(c.width, 0.1) / total * CHARACTERS_PER_MM) for c in columns]

    def texts(row: list) -> list[str]:
        cells = [cell_text(row[i] if i < len(row) else None, table.columns[i].kind) for i in indexes]
        return [text if len(text) <= most else text[:most - 1].rstrip() + "…" for text, most in zip(cells, longest)]

    pdf.set_font(FAMILY, "", TABLE_SIZE)
    pdf.set_draw_color(RULE - 40)
    with pdf.table(col_widths=[max(c.width, 0.1) for c in columns],
                   text_align=[ALIGN[c.kind] for c in columns],
                   line_height=TABLE_LINE, padding=PADDING, v_align="MIDDLE",
                   headings_style=HEADINGS, repeat_headings=1) as grid:
        grid.row([c.label for c in columns])
        for row in table.rows:
            grid.row(texts(row), min_height=TALL_ROW if table.tall_rows else None)
        for row in table.footer:
            grid.row(texts(row), style=BOLD)
    pdf.ln(5)


def column_slices(columns: list[Column], narrowest: list[float], key_columns: int,
                  width: float) -> list[list[int]]:
    """The column indexes of each page slice: all of them when every column gets at least its
    `narrowest` mm out of `width`, else the fewest even slices of the other columns, each
    after the key columns."""
    everything = list(range(len(columns)))

    def fits(indexes: list[int]) -> bool:
        scale = width / sum(max(columns[i].width, 0.1) for i in indexes)
        return all(max(columns[i].width, 0.1) * scale >= narrowest[i] for i in indexes)

    if fits(everything):
        return [everything]
    keys, others = everything[:key_columns], everything[key_columns:]
    for count in range(2, len(others) + 1):
        bounds = [round(i * len(others) / count) for i in range(count + 1)]
        slices = [keys + others[start:end] for start, end in zip(bounds, bounds[1:])]
        if all(fits(indexes) for indexes in slices):
            return slices
    return [keys + [i] for i in others] or [everything]


def _narrowest(pdf: FPDF, columns: list[Column]) -> list[float]:
    """The narrowest readable width of each column (mm): its kind's, or its label's longest word."""
    pdf.set_font(FAMILY, "B", HEADINGS_SIZE)
    return [max(MIN_WIDTH[c.kind],
                max((pdf.get_string_width(word) for word in c.label.split()), default=0) + 2 * PADDING[1] + 0.2)
            for c in columns]


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit on one line of `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
