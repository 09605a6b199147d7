"""The anonymous programme summary, for donors: every figure, and in no format a name (of a
participant, an agency, the person who recorded the data) nor anything typed about an outcome."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from html import unescape

import pytest
from sqlalchemy import text

from fieldlog.cli import main
from fieldlog.reports.document import Note, Table
from fieldlog.reports.figures import SummaryFilters
from fieldlog.reports.output import write_report
from fieldlog.reports.programme_summary import build_programme_summary
from fieldlog.reports.requests import ReportRequest, build_report
from fieldlog.services.agencies import create_agency
from fieldlog.services.outcomes import IndicatorValue, save_outcome
from fieldlog.text import fold
from tests.report_fixture import build_programme

NOW = datetime(2026, 11, 22, 9, 30)
PERIOD = SummaryFilters(first=date(2020, 1, 1), last=date(2026, 11, 22))
ANONYMOUS_LINE = "Anonymous figures: no names of people or agencies, no descriptions."
# Words a person typed that are also ordinary words of the report ("Expert meeting").
ORDINARY = {"expert"}


@pytest.fixture
def programme(db):
    """The hand-counted programme, and an outcome whose every typed field names someone."""
    built = build_programme(db)
    dgst = create_agency(db, name="Direction générale de la surveillance du territoire", acronym="DGST",
                         country="NE", kind="intelligence")
    save_outcome(db, title="Arrestation de Moussa Traoré à Gao", kind="arrest_seizure",
                 outcome_date=date(2022, 9, 15), country="ML", verification="disputed", workshop_ids=[built.workshops["W1"]], agency_ids=[dgst],
                 description="Après l’atelier, l’inspecteur Ibrahim Sow a transmis le dossier à la DGST.",
                 evidence="Procès-verbal no 118/2022 signé par Aïssata Maïga",
                 indicators=[IndicatorValue(name="Firearms seized", value=3, unit="firearms")])
    return built


def forbidden(db) -> list[str]:
    """Everything typed about a person, an agency, a workshop or an outcome, read from the database."""
    queries = [
        "SELECT family_name, given_names, function, phone, email FROM participant",
        "SELECT name, acronym FROM agency",
        "SELECT title, description, evidence FROM outcome",
        "SELECT title, venue FROM workshop",
        "SELECT author FROM local_state",
    ]
    values: set[str] = set()
    with db.read() as session:
        for query in queries:
            for row in session.execute(text(query)):
                values.update(value for value in row if value and value.strip())
    values = {value for value in values if fold(value) not in ORDINARY}
    assert {"Maïga", "Aïssata", "BIS", "Awa Diallo", "DGST"} <= values  # the fixture as expected
    return sorted(values)


def names_in(content: str, db) -> list[str]:
    """The forbidden values found in `content`, accents and case ignored, whole words only."""
    folded = fold(unescape(content))
    return [value for value in forbidden(db)
            if re.search(rf"(?<!\w){re.escape(fold(value))}(?!\w)", folded)]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    return "\n".join(page.extract_text() for page in reader.pages) + "\n" + metadata


def xlsx_text(data: bytes) -> str:
    """Every cell and every part of the workbook (properties, shared strings), as stored."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(cells + parts)


def rendered(document, fmt: str, tmp_path) -> str:
    path = write_report(document, fmt=fmt, out=tmp_path / f"{fmt}-{document.file_stem}.{fmt}")
    data = path.read_bytes()
    if fmt == "pdf":
        return pdf_text(data)
    if fmt == "xlsx":
        return xlsx_text(data)
    return data.decode("utf-8-sig")


def _tables(document) -> dict[str, Table]:
    return {table.title: table for table in document.tables()}


# --- the document -----------------------------------------------------------------------

def test_the_anonymous_summary_keeps_every_figure(db, programme):
    named = build_programme_summary(db, PERIOD, now=NOW)
    anonymous = build_programme_summary(db, PERIOD, anonymous=True, now=NOW)
    headline = next(b for b in named.parts[0].blocks if isinstance(b, Note) and b.headline)
    assert headline in anonymous.parts[0].blocks
    named_tables, anonymous_tables = _tables(named), _tables(anonymous)
    for title in ("Key figures", "Individuals trained by sex", "Workshops by kind", "Individuals trained by country",
                  "Individuals trained by kind of agency", "Indicators, added up over the outcomes"):
        assert anonymous_tables[title].rows == named_tables[title].rows, title
        assert anonymous_tables[title].footer == named_tables[title].footer, title
    # The outcomes, counted by kind and verification; their indicators added up by kind.
    assert "Outcomes" not in anonymous_tables
    by_kind = anonymous_tables["Outcomes by kind"]
    assert [c.label for c in by_kind.columns] == ["Kind", "Outcomes", "Reported", "Verified", "Disputed", "Indicators"]
    assert by_kind.rows == [
        ["Law or policy adopted", 1, 0, 1, 0, "Cases: 45 cases"],
        ["Specialised unit or cell created", 1, 1, 0, 0, "Cases: 10 cases; Officers trained as trainers: 12"],
        ["Arrest or seizure after cooperation", 1, 0, 0, 1, "Firearms seized: 3 firearms"],
    ]
    assert by_kind.footer == [["Total", 3, 1, 1, 1, None]]
    assert len(named_tables["Outcomes"].rows) == 3
    # It says so at the top of the page, and on every page's header.
    assert anonymous.parts[0].blocks[0] == Note(ANONYMOUS_LINE)
    assert anonymous.title == "Programme summary, anonymous figures"
    assert anonymous.file_stem == "summary-anonymous-2020-01-01-2026-11-22"
    assert named.title == "Programme summary" and ANONYMOUS_LINE not in str(named.parts)


def test_a_report_request_asks_for_the_anonymous_summary(db, programme):
    document = build_report(db, ReportRequest("summary", filters=PERIOD, anonymous=True))
    assert "Outcomes by kind" in _tables(document)


# --- every format -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "html", "csv", "xlsx"])
def test_no_name_in_any_format(db, programme, tmp_path, fmt):
    named = rendered(build_programme_summary(db, PERIOD, now=NOW), fmt, tmp_path)
    anonymous = rendered(build_programme_summary(db, PERIOD, anonymous=True, now=NOW), fmt, tmp_path)
    # The check finds what the ordinary summary prints: the outcomes' titles.
    assert "Arrestation de Moussa Traoré à Gao" in names_in(named, db)
    assert names_in(anonymous, db) == []
    assert "Anonymous figures" in anonymous
    assert "4 individuals trained, 3 workshops organised" in anonymous
    assert "4 individuals trained, 3 workshops organised" in named


def _key_figures(rows: list[list]) -> dict[str, object]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Key figures")
    figures = {}
    for row in rows[start + 2:]:
        if not row or not row[0]:
            break
        figures[row[0]] = row[1]
    return figures


def test_spreadsheets_hold_the_same_key_figures(db, programme, tmp_path):
    from openpyxl import load_workbook

    figures = {}
    for anonymous in (False, True):
        document = build_programme_summary(db, PERIOD, anonymous=anonymous, now=NOW)
        xlsx = write_report(document, fmt="xlsx", out=tmp_path / f"{anonymous}.xlsx")
        csv_path = write_report(document, fmt="csv", out=tmp_path / f"{anonymous}.csv")
        sheet = load_workbook(xlsx).worksheets[0]
        xlsx_figures = _key_figures([list(row) for row in sheet.iter_rows(values_only=True)])
        csv_figures = _key_figures(list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig")))))
        assert xlsx_figures["Individuals trained, each counted once"] == 4
        assert xlsx_figures["Participant-days"] == 10
        assert xlsx_figures["Outcomes recorded"] == 3
        assert {k: str(v) for k, v in xlsx_figures.items()} == csv_figures
        figures[anonymous] = xlsx_figures
    assert figures[True] == figures[False]


# --- the command ------------------------------------------------------------------------

def test_the_command_writes_the_anonymous_summary(db, programme, tmp_path, capsys):
    assert main(["report", "summary", "--anonymous", "--from", "01/01/2020", "--to", "22/11/2026",
                 "--format", "html", "--out", str(tmp_path), "--db", str(db.path)]) == 0
    path = tmp_path / "summary-anonymous-2020-01-01-2026-11-22.html"
    assert f"Report written to {path}." in capsys.readouterr().err
    content = path.read_text(encoding="utf-8")
    assert ANONYMOUS_LINE in content and "Outcomes by kind" in content
    assert names_in(content, db) == []


def test_without_the_flag_the_command_writes_the_summary_as_before(db, programme, tmp_path, capsys):
    assert main(["report", "summary", "--from", "01/01/2020", "--to", "22/11/2026", "--format", "csv",
                 "--out", str(tmp_path), "--db", str(db.path)]) == 0
    content = (tmp_path / "summary-2020-01-01-2026-11-22.csv").read_text(encoding="utf-8-sig")
    assert "Anonymous" not in content and "Arrestation de Moussa Traoré à Gao" in content


# --- the Reports screen -----------------------------------------------------------------

async def test_the_reports_screen_writes_an_anonymous_summary(db, programme, make_test_app, tmp_path):
    from textual.widgets import Checkbox, Select

    from tests.test_ui_reports import (
        SIZE, choose_report, open_reports, preview_text, replace_text, shows, status_text,
    )
    from tests.ui_helpers import settle, wait_until

    out = tmp_path / "out"
    out.mkdir()
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert not screen.query_one("#row-office").display  # a sign-in sheet names its participants
        await choose_report(pilot, screen, 2)
        assert screen.query_one("#row-office").display
        await replace_text(pilot, "#first", "01/01/2020")
        await shows(pilot, screen, "Arrestation de Moussa Traoré")
        screen.query_one("#anonymous", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert screen.query_one("#anonymous", Checkbox).value
        await shows(pilot, screen, "Anonymous figures")
        assert names_in(preview_text(screen), db) == []
        screen.query_one("#format", Select).value = "csv"
        await replace_text(pilot, "#folder", str(out))
        await pilot.press("ctrl+s")
        written = out / "summary-anonymous-2020-01-01-2026-11-22.csv"
        await wait_until(pilot, app, lambda: str(written) in status_text(screen), "the anonymous summary written")
        content = written.read_text(encoding="utf-8-sig")
        assert ANONYMOUS_LINE in content and "4 individuals trained" in content
        assert names_in(content, db) == []


# --- in French --------------------------------------------------------------------------

def test_the_anonymous_summary_in_french_has_no_english_label(db, programme):
    """Passes once the French catalogue has this change's strings."""
    from tests.test_report_french import _english_left

    assert _english_left(lambda: build_programme_summary(db, PERIOD, anonymous=True, now=NOW)) == []
