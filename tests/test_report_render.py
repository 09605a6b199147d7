"""The report renderers: what a person finds in the PDF, HTML, CSV and XLSX of one document."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from fieldlog.errors import FieldlogError
from fieldlog.i18n import set_language
from fieldlog.reports import render_csv
from fieldlog.reports.document import Column, Document, Facts, Note, Part, Table
from fieldlog.reports.output import render, write_report
from fieldlog.reports.render_pdf import FONTS, column_slices

DAYS = [date(2021, 10, d) for d in range(1, 26)]
AGENCIES = ["Ministère de l’Agriculture", "ONG Tassaght", "Direction régionale de la santé de N’Djamena"]


def _long_table(rows: int = 150) -> Table:
    names = ["Aïssata MAÏGA", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "Moussa TRAORÉ"]
    return Table(
        title="Participants",
        columns=[Column("No.", "number", 0.4), Column("Name", "text", 2.5), Column("Agency", "text", 2.5),
                 Column("Registered", "date", 1.2), Column("Attendance", "percent", 1), Column("Allowance", "number", 1)],
        rows=[[n, names[n % 4] if n < 4 else f"Participant {n}", AGENCIES[n % 3], date(2021, 10, 13), 0.431, 1234]
              for n in range(rows)],
        footer=[[None, "Total", None, None, 0.5, 1234 * rows]],
    )


def _grid() -> Table:
    return Table(
        title="Attendance by day",
        columns=[Column("Name", "text", 3), Column("Agency", "text", 2)]
        + [Column(day.strftime("%d/%m"), "mark", 0.45) for day in DAYS] + [Column("Days", "number", 0.7)],
        rows=[[f"Aïssata MAÏGA {n}", AGENCIES[n % 3], *[None if d == 0 else (n + d) % 3 > 0 for d in range(25)], 16]
              for n in range(12)],
        footer=[["Present", "", *[8] * 25, 200]],
        key_columns=1,
    )


def _signin(rows: int = 30, tall: bool = True) -> Table:
    return Table(
        title="Attendance of 13/10/2021",
        columns=[Column("No.", "number", 0.35), Column("Name", "text", 2.2), Column("Signature", "signature", 1.6)],
        rows=[[n, f"Fatoumata N’DIAYE {n}", None] for n in range(1, rows + 1)],
        tall_rows=tall,
    )


def _document(*, landscape: bool = False) -> Document:
    return Document(
        title="Atelier de N’Djamena, 13–15 octobre 2021",
        parts=[
            Part("Attendance summary", "Atelier de N’Djamena",
                 [Facts([("Dates", "13–15 octobre 2021"), ("Facilitator", "Aïssata MAÏGA")]),
                  Note("Present ✓, absent –."), _long_table()]),
            Part("Attendance grid", "25 days", [_grid()]),
            Part("Sign-in sheet", "Day 1", [_signin(), Table("Outcomes", [Column("Outcome")],
                                                              empty_text="No outcome recorded.")]),
        ],
        file_stem="attendance-2021-10-13-atelier",
        footer="Printed 22/11/2026 14:05 by Bureau de Bamako",
        landscape=landscape,
    )


def _pdf(document: Document) -> PdfReader:
    binary = io.BytesIO()
    render(document, "pdf", binary)
    return PdfReader(io.BytesIO(binary.getvalue()))


def _pages(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages) if text in page]


@pytest.fixture(scope="module")
def english_pdf() -> PdfReader:
    """The sample document's PDF in English, rendered once for the tests that only read it."""
    set_language("en")
    return _pdf(_document())


# ---------------------------------------------------------------- PDF


def test_pdf_prints_accents_dashes_and_marks_exactly(english_pdf):
    pages = _pages(english_pdf)
    everything = "\n".join(pages)
    for text in ("Aïssata MAÏGA", "N’Djamena", "13–15 octobre 2021", "Ministère de l’Agriculture", "✓", "–",
                 "<script>alert(1)</script>", "Printed 22/11/2026 14:05 by Bureau de Bamako"):
        assert text in everything, text
    assert "43%" in everything and "1,234" in everything and "13/10/2021" in everything


def test_pdf_numbers_every_page_and_prints_the_title_on_each(english_pdf):
    pages = _pages(english_pdf)
    total = len(pages)
    assert total > 4
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} / {total}" in page
        assert "Atelier de N’Djamena, 13–15 octobre 2021" in page


def test_pdf_is_a4_in_either_orientation():
    for landscape, (width, height) in ((False, (595, 842)), (True, (842, 595))):
        reader = _pdf(_document(landscape=landscape))
        for page in reader.pages:
            assert float(page.mediabox.width) == pytest.approx(width, abs=1)
            assert float(page.mediabox.height) == pytest.approx(height, abs=1)


def test_pdf_repeats_the_header_row_on_every_page_of_a_long_table():
    document = Document("Participants", [Part("Participants", blocks=[_long_table(150)])], "participants")
    pages = _pages(_pdf(document))
    assert len(pages) >= 3
    for page in pages:
        assert re.search(r"No\.\s+Name\s+Agency\s+Registered\s+Attendance\s+Allowance", page), page[:300]
    assert "Participant 149" in pages[-1] and "Total" in pages[-1]


def test_pdf_starts_each_part_on_a_new_page(english_pdf):
    pages = _pages(english_pdf)
    assert _pages_with(pages, "Attendance summary") == [0]
    grid_page = _pages_with(pages, "25 days")
    assert len(grid_page) == 1 and "Participant 149" not in pages[grid_page[0]]
    assert "Sign-in sheet" in pages[_pages_with(pages, "Attendance of 13/10/2021")[0]]


def test_pdf_splits_a_wide_grid_repeating_the_name_in_each_slice():
    reader = _pdf(Document("Grid", [Part("Attendance grid", blocks=[_grid()])], "grid"))
    text = "\n".join(_pages(reader))
    titles = re.findall(r"Attendance by day \((\d)/(\d)\)", text)
    assert len(titles) >= 2 and {total for _n, total in titles} == {str(len(titles))}
    slices = re.split(r"Attendance by day \(\d/\d\)", text)[1:]
    for piece in slices:
        assert "Name" in piece and "Aïssata MAÏGA 11" in piece
    assert "01/10" in slices[0] and "25/10" in slices[-1]
    assert "Agency" in slices[0] and "Agency" not in slices[-1]  # only the key column repeats
    assert "Days" in slices[-1] and "200" in slices[-1]


def test_column_slices_fit_the_page_and_keep_the_key_columns():
    columns = [Column("Name", "text", 3)] + [Column("d", "mark", 0.45)] * 25
    narrowest = [20] + [9] * 25
    slices = column_slices(columns, narrowest, 1, 186)
    assert len(slices) > 1
    assert all(indexes[0] == 0 for indexes in slices)
    assert sorted(i for indexes in slices for i in indexes[1:]) == list(range(1, 26))
    assert max(map(len, slices)) - min(map(len, slices)) <= 1  # even slices, no lone column at the end
    assert column_slices(columns[:8], narrowest[:8], 1, 186) == [list(range(8))]


def test_pdf_signature_rows_are_tall_enough_to_sign():
    def pages(tall: bool) -> int:
        return len(_pdf(Document("Sheet", [Part("Sheet", blocks=[_signin(30, tall)])], "sheet")).pages)

    assert pages(tall=False) == 1
    assert pages(tall=True) >= 2  # ~10 mm a row: 30 rows do not fit on one A4 page


def test_pdf_prints_the_empty_text_of_an_empty_table(english_pdf):
    text = "\n".join(_pages(english_pdf))
    assert "Outcomes" in text and "No outcome recorded." in text


def test_pdf_metadata_and_shipped_font(english_pdf):
    reader = english_pdf
    assert reader.metadata.title == "Atelier de N’Djamena, 13–15 octobre 2021"
    assert reader.metadata.creator == "fieldlog"
    fonts = {str(font["/BaseFont"]) for page in reader.pages[:1]
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSansCondensed" in name for name in fonts)
    assert (FONTS / "DejaVuSansCondensed.ttf").is_file() and (FONTS / "LICENSE-DejaVu.txt").is_file()
    assert FONTS.parent == Path(render_csv.__file__).parent


def test_pdf_in_french_formats_numbers_the_french_way():
    set_language("fr")
    text = "\n".join(_pages(_pdf(_document())))
    assert "1\u202f234" in text  # Babel's French group separator: a narrow no-break space
    assert re.search("43[ \u00a0]%", text)  # fpdf2 prints the no-break space as a space that does not break
    assert "Aïssata MAÏGA" in text


# ---------------------------------------------------------------- HTML


def _html(document: Document) -> str:
    binary = io.BytesIO()
    render(document, "html", binary)
    return binary.getvalue().decode("utf-8")


def test_html_is_one_self_contained_printable_page():
    html = _html(_document(landscape=True))
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html and '<meta charset="utf-8">' in html
    assert "<script" not in html.lower() and "http" not in html.replace("HYPERLINK(&quot;http", "")
    assert "@page { size: A4 landscape; margin: 12mm; }" in html
    assert "thead { display: table-header-group; }" in html and "break-before: page" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Aïssata MAÏGA" in html and "13–15 octobre 2021" in html and "✓" in html
    assert '<td class="num">1,234</td>' in html
    assert '<table class="tall">' in html and "No outcome recorded." in html
    assert html.count('<section class="part">') == 3


def test_html_takes_the_language_of_the_reader():
    set_language("fr")
    html = _html(_document())
    assert '<html lang="fr">' in html and "A4 portrait" in html and "1\u202f234" in html


# ---------------------------------------------------------------- CSV


def _csv_rows(document: Document) -> tuple[bytes, list[list[str]]]:
    binary = io.BytesIO()
    render(document, "csv", binary)
    raw = binary.getvalue()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_holds_values_as_data():
    raw, rows = _csv_rows(_document())
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert rows[0] == ["Attendance summary", "Atelier de N’Djamena"]
    assert ["Dates", "13–15 octobre 2021"] in rows
    header = rows.index(["No.", "Name", "Agency", "Registered", "Attendance", "Allowance"])
    assert rows[header - 1] == ["Participants"]
    assert rows[header + 1] == ["0", "Aïssata MAÏGA", AGENCIES[0], "2021-10-13", "0.431", "1234"]
    assert rows[header + 2][1] == "<script>alert(1)</script>"
    assert rows[header + 3][1] == "'=HYPERLINK(\"http://x\")"
    assert ["", "Total", "", "", "0.5", str(1234 * 150)] in rows
    grid = rows[rows.index(["Attendance by day"]) + 1:]
    assert grid[0][:3] == ["Name", "Agency", "01/10"]
    assert grid[1][2:6] == ["", "1", "1", "0"]  # not recorded, present, absent
    assert grid[13] == ["Present", "", *["8"] * 25, "200"]  # a count under the marks stays a count
    signin = rows[rows.index(["Attendance of 13/10/2021"]) + 2]
    assert signin == ["1", "Fatoumata N’DIAYE 1", ""]
    assert ["No outcome recorded."] in rows


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_guards_against_formulas(text):
    document = Document("T", [Part("P", blocks=[Table("T", [Column("Name")], rows=[[text]])])], "t")
    _raw, rows = _csv_rows(document)
    assert rows[3] == ["'" + text]


# ---------------------------------------------------------------- XLSX


def _xlsx(document: Document) -> openpyxl.Workbook:
    binary = io.BytesIO()
    render(document, "xlsx", binary)
    return openpyxl.load_workbook(io.BytesIO(binary.getvalue()))


def _find(sheet, value):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not in {sheet.title}")


def test_xlsx_keeps_numbers_dates_and_percentages():
    book = _xlsx(_document())
    assert book.sheetnames == ["Attendance summary", "Attendance grid", "Sign-in sheet"]
    sheet = book["Attendance summary"]
    assert sheet["A1"].value == "Attendance summary" and sheet["A1"].font.b
    assert _find(sheet, "Dates").font.b
    header = _find(sheet, "Registered")
    assert header.font.b and header.fill.fgColor.rgb.endswith("E8E8E8")
    first = [cell for cell in sheet[header.row + 1]]
    assert first[0].value == 0 and isinstance(first[0].value, int)
    assert first[1].value == "Aïssata MAÏGA"
    assert first[3].value == datetime(2021, 10, 13) and first[3].number_format == "DD/MM/YYYY"
    assert first[4].value == pytest.approx(0.431) and first[4].number_format == "0%"
    assert first[5].value == 1234 and isinstance(first[5].value, int)
    formula = sheet.cell(header.row + 3, 2)
    assert formula.value == "=HYPERLINK(\"http://x\")" and formula.data_type == "s"
    total = _find(sheet, "Total")
    assert total.font.b and sheet.cell(total.row, 6).value == 1234 * 150
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_xlsx_marks_are_ones_and_zeros():
    sheet = _xlsx(_document())["Attendance grid"]
    header = _find(sheet, "01/10")
    row = [cell.value for cell in sheet[header.row + 1]]
    assert row[:6] == ["Aïssata MAÏGA 0", AGENCIES[0], None, 1, 1, 0]
    present = _find(sheet, "Present")
    assert [cell.value for cell in sheet[present.row]][2:5] == [8, 8, 8]


def test_xlsx_sheet_titles_are_valid_and_unique():
    long = "Sign-in sheet: 13/10/2021 [day 1] — Atelier national*?"
    document = Document("T", [Part(long), Part(long), Part("")], "t")
    titles = _xlsx(document).sheetnames
    assert len(set(titles)) == 3
    for title in titles:
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert titles[0].startswith("Sign-in sheet 13 10 2021")


def test_xlsx_escapes_control_characters():
    document = Document("T", [Part("P", blocks=[Table("T", [Column("Name")], rows=[["a\x01b"]])])], "t")
    sheet = _xlsx(document).worksheets[0]
    assert _find(sheet, "a_x0001_b")


# ---------------------------------------------------------------- writing the file


def test_write_report_names_the_file_in_a_folder(tmp_path):
    for fmt in ("pdf", "html", "csv", "xlsx"):
        path = write_report(_document(), fmt=fmt, out=tmp_path)
        assert path == tmp_path / f"attendance-2021-10-13-atelier.{fmt}" and path.stat().st_size > 0
    assert PdfReader(tmp_path / "attendance-2021-10-13-atelier.pdf").pages


def test_write_report_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(FieldlogError, match="does not exist"):
        write_report(_document(), fmt="pdf", out=tmp_path / "nowhere" / "report.pdf")
    assert not (tmp_path / "nowhere").exists() and list(tmp_path.iterdir()) == []


def test_a_failed_render_leaves_no_file(tmp_path, monkeypatch):
    def broken(document, binary):
        binary.write(b"half a report")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(render_csv, "write_csv", broken)
    with pytest.raises(RuntimeError):
        write_report(_document(), fmt="csv", out=tmp_path / "report.csv")
    assert list(tmp_path.iterdir()) == []
