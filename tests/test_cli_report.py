"""`fieldlog report …` as a trainer and a programme manager use it: files that hold the
hand-counted figures and the accented names, and one clear line for bad input."""

from __future__ import annotations

import datetime

import pytest

from fieldlog.cli import main
from tests.report_fixture import build_programme


@pytest.fixture
def programme_db(db):
    programme = build_programme(db)
    return db, programme


def _report(db, *args: str) -> int:
    return main(["report", *args, "--db", str(db.path)])


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_summary_as_xlsx_holds_numbers_a_manager_can_add_up(programme_db, tmp_path, capsys):
    db, _programme = programme_db
    out = tmp_path / "figures.xlsx"
    assert _report(db, "summary", "--from", "01/01/2020", "--to", "2026-11-22", "--out", str(out)) == 0
    assert f"Report written to {out}." in capsys.readouterr().err
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Individuals trained, each counted once"][0] == 4
    assert cells["Participant-days"][0] == 10
    assert cells["Workshops organised (not cancelled)"][0] == 3
    outcome_dates = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], datetime.datetime)]
    assert outcome_dates == [datetime.datetime(2021, 12, 1), datetime.datetime(2022, 6, 1)]


def test_summary_as_pdf_in_french_has_the_figures_and_accents(programme_db, tmp_path, capsys):
    db, _programme = programme_db
    assert _report(db, "summary", "--lang", "fr", "--from", "01/01/2020", "--out", str(tmp_path), "--format", "pdf") == 0
    files = list(tmp_path.glob("summary-2020-01-01-*.pdf"))
    assert len(files) == 1
    text = _pdf_text(files[0])
    assert "Cellule d’enquêtes financières créée" in text
    assert "Niger" in text and "Mali" in text


def test_attendance_summary_pdf_lists_accented_names(programme_db, tmp_path, capsys):
    db, programme = programme_db
    # The end of an id is its random part: enough to name a workshop.
    assert _report(db, "attendance", "--workshop", programme.workshops["W1"][-8:], "--out", str(tmp_path)) == 0
    (pdf,) = tmp_path.glob("attendance-2021-10-13-*.pdf")
    text = _pdf_text(pdf)
    for name in ("MAÏGA Aïssata", "TRAORÉ Moussa", "DIALLO Mariam", "FALL Abdoul"):
        assert name in text
    assert "CISSÉ" not in text  # in the Trash
    assert "Atelier national sur le partage d’information" in text


def test_signin_sheet_of_one_day_in_french(programme_db, tmp_path, capsys):
    db, programme = programme_db
    out = tmp_path / "jour2.pdf"
    assert _report(db, "signin", "--lang", "fr", "--workshop", "partage d'INFORMATION", "--day", "14/10/2021",
                   "--out", str(out)) == 0
    from pypdf import PdfReader

    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "jeudi 14 octobre 2021" in text
    assert "13–15 octobre 2021" in text
    assert "MAÏGA Aïssata" in text and "Hôtel de l’Amitié" in text


def test_every_format_is_written(programme_db, tmp_path, capsys):
    db, programme = programme_db
    for fmt in ("pdf", "html", "csv", "xlsx"):
        assert _report(db, "signin", "--workshop", programme.workshops["W2"], "--format", fmt, "--out", str(tmp_path)) == 0
    assert sorted(p.suffix for p in tmp_path.glob("signin-all-days-*")) == [".csv", ".html", ".pdf", ".xlsx"]
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert "MAÏGA Aïssata" in html


@pytest.mark.parametrize("args, message", [
    (["attendance", "--workshop", "0000000000"], "No workshop 0000000000 here"),
    (["attendance", "--workshop", "Formation"], "Several workshops match Formation; give more of its title"),
    (["summary", "--from", "2022-02-01", "--to", "2022-01-01"], "The end of the period is before its start."),
    (["summary", "--from", "31/02/2022"], "--from: 31/02/2022 is not a date"),
    (["summary", "--country", "XX"], "Unknown country code XX."),
    (["signin", "--workshop", "{W1}", "--day", "2021-10-16"], "16/10/2021 is not a day of this workshop"),
    (["signin", "--workshop", "{W1}", "--blank", "1000"], "Blank lines: give a number from 0 to 200."),
])
def test_bad_input_is_one_line_and_no_file(programme_db, tmp_path, capsys, args, message):
    db, programme = programme_db
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(W1=programme.workshops["W1"]) for a in args]
    assert _report(db, *args, "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("fieldlog: ")
    assert list(out.iterdir()) == []


def test_an_output_that_cannot_be_written_leaves_nothing(programme_db, tmp_path, capsys):
    db, programme = programme_db
    missing = tmp_path / "no" / "such" / "folder" / "x.pdf"
    assert _report(db, "attendance", "--workshop", programme.workshops["W1"], "--out", str(missing)) == 1
    assert "the folder" in capsys.readouterr().err
    # /proc refuses every new file, for root too.
    assert _report(db, "attendance", "--workshop", programme.workshops["W1"], "--out", "/proc/x.pdf") == 1
    err = capsys.readouterr().err
    assert err.startswith("fieldlog: Cannot write /proc/x.pdf") and err.count("\n") == 1
    assert not (tmp_path / "no").exists()


def test_summary_pdf_prints_the_hand_count(programme_db, tmp_path, capsys):
    db, _programme = programme_db
    out = tmp_path / "figures.pdf"
    assert _report(db, "summary", "--to", "31/12/2022", "--out", str(out)) == 0
    text = _pdf_text(out)
    assert "4 individuals trained, 2 workshops organised" in text
    assert "Individuals trained, each counted once 4" in text
    assert "Participant-days 10" in text
    assert "Women 3 75%" in text
