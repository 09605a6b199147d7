"""Report figures against a programme counted by hand (tests/report_fixture.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fieldlog.errors import FieldlogError
from fieldlog.reports.attendance_summary import build_attendance_summary
from fieldlog.reports.document import Facts, Note, Table, cell_text
from fieldlog.reports.figures import SummaryFilters, programme_figures
from fieldlog.reports.programme_summary import build_programme_summary
from fieldlog.reports.signin_sheet import build_signin_sheet
from fieldlog.services.duplicates import unmerge_records
from fieldlog.services.stats import trained
from tests.report_fixture import build_programme

NOW = datetime(2026, 11, 22, 9, 30)


@pytest.fixture
def programme(db):
    return build_programme(db)


def _table(document, title: str) -> Table:
    return next(t for t in document.tables() if t.title == title)


def _printed(table: Table, rows=None) -> list[list[str]]:
    return [[cell_text(v, c.kind) for v, c in zip(row, table.columns)] for row in (rows or table.rows)]


def test_everyone_is_counted_once_and_only_trainees_count(db, programme):
    f = programme_figures(db, SummaryFilters())
    # P1, P2, P3 (with her duplicate P4) and P9; not the trainer, the absentee, the person in
    # the Trash nor the one whose only workshop was cancelled.
    assert (f.trained.people, f.trained.women, f.trained.men, f.sex_unknown) == (4, 3, 1, 0)
    assert f.trained.days == 10  # 5 + 1 + 3 + 1
    assert f.several_workshops == 2  # P1 (W1, W2) and P3 (W2, and W1 as P4)
    assert f.trainers == 1
    assert {(w.kind, w.held, w.planned) for w in f.workshops} == {
        ("national_workshop", 1, 0), ("training", 1, 0), ("expert_meeting", 0, 1)}
    assert (f.workshops_organised, f.cancelled) == (3, 1)


def test_breakdowns_by_country_and_by_survivor_agency_kind(db, programme):
    f = programme_figures(db, SummaryFilters())
    assert [(b.key, b.people, b.women, b.men, b.days) for b in f.by_country] == [
        ("ML", 3, 2, 1, 7), ("NE", 1, 1, 0, 3)]
    # P3's agency was merged into a gendarmerie: she counts under the survivor's kind.
    assert [(b.key, b.people, b.days) for b in f.by_agency_kind] == [
        ("police", 2, 6), ("gendarmerie", 1, 3), ("womens_organisation", 1, 1)]


def test_the_summary_agrees_with_the_home_figures(db, programme):
    for first, last in ((None, None), (date(2022, 1, 1), date(2022, 12, 31)), (date(2021, 10, 14), date(2021, 10, 14))):
        f = programme_figures(db, SummaryFilters(first=first, last=last))
        home = trained(db, first=first or date.min, last=last or date.max)
        assert (f.trained.people, f.trained.women, f.trained.men) == (home.people, home.women, home.men)


def test_a_period_counts_only_its_days(db, programme):
    f = programme_figures(db, SummaryFilters(first=date(2022, 1, 1), last=date(2022, 12, 31)))
    assert (f.trained.people, f.trained.women, f.trained.men, f.trained.days) == (3, 3, 0, 4)
    assert f.several_workshops == 0
    assert [(w.kind, w.held) for w in f.workshops] == [("training", 1)]
    assert f.cancelled == 1
    assert [o.title for o in f.outcomes] == ["Cellule d’enquêtes financières créée"]
    # One day of W1: P1, P2 and P3 (as P4) were there.
    day = programme_figures(db, SummaryFilters(first=date(2021, 10, 13), last=date(2021, 10, 13)))
    assert day.trained.people == 3


def test_filters_on_programme_country_funder_and_pillar(db, programme):
    sahel = programme_figures(db, SummaryFilters(programme="sahel PROGRAMME"))
    assert (sahel.trained.people, sahel.trained.days, sahel.trainers) == (3, 6, 1)
    assert [o.title for o in sahel.outcomes] == ["Loi sur la lutte contre le terrorisme adoptée"]
    niger = programme_figures(db, SummaryFilters(country="NE"))
    assert niger.trained.people == 3 and niger.workshops_organised == 1
    assert [i.name for i in niger.indicators] == ["Cases", "Officers trained as trainers"]
    assert programme_figures(db, SummaryFilters(funder="denmark")).workshops_organised == 2
    assert programme_figures(db, SummaryFilters(pillar="IV")).trained.people == 0
    assert programme_figures(db, SummaryFilters(office="BKO")).trained.people == 4


def test_outcomes_and_indicators_leave_out_the_trash(db, programme):
    f = programme_figures(db, SummaryFilters())
    assert [o.title for o in f.outcomes] == [
        "Loi sur la lutte contre le terrorisme adoptée", "Cellule d’enquêtes financières créée"]
    assert [(i.name, i.total, i.outcomes) for i in f.indicators] == [
        ("Cases", 55, 2), ("Officers trained as trainers", 12, 1)]


def test_undoing_a_merge_counts_two_people_again(db, programme):
    unmerge_records(db, table="participant", from_id=programme.people["P4"])
    f = programme_figures(db, SummaryFilters())
    assert f.trained.people == 5 and f.trained.women == 4


@pytest.mark.parametrize("filters, message", [
    (SummaryFilters(first=date(2022, 1, 2), last=date(2022, 1, 1)), "The end of the period is before its start."),
    (SummaryFilters(country="XX"), "Unknown country code XX."),
    (SummaryFilters(pillar="V"), "Unknown pillar V"),
    (SummaryFilters(office="NIA"), "No office NIA is known here."),
])
def test_bad_filters_are_refused_with_one_line(db, programme, filters, message):
    with pytest.raises(FieldlogError, match=message.replace(".", r"\.")):
        programme_figures(db, filters)


def test_programme_summary_document_prints_the_hand_counted_figures(db, programme):
    doc = build_programme_summary(db, SummaryFilters(first=date(2020, 1, 1), last=date(2026, 11, 22)), now=NOW)
    blocks = doc.parts[0].blocks
    assert Note("4 individuals trained, 3 workshops organised", headline=True) in blocks
    key = dict(_table(doc, "Key figures").rows)
    assert key["Individuals trained, each counted once"] == 4
    assert key["Participant-days"] == 10
    sexes = _table(doc, "Individuals trained by sex")
    assert _printed(sexes) == [["Women", "3", "75%"], ["Men", "1", "25%"]]
    countries = _table(doc, "Individuals trained by country")
    assert _printed(countries) == [["Mali", "3", "2", "1", "67%", "7"], ["Niger", "1", "1", "0", "100%", "3"]]
    assert Note("1 cancelled workshop is not counted.") in blocks
    assert doc.file_stem == "summary-2020-01-01-2026-11-22"
    assert "Bureau de Bamako" in doc.footer and "22/11/2026 09:30" in doc.footer


def test_attendance_summary_of_a_workshop(db, programme):
    doc = build_attendance_summary(db, programme.workshops["W1"], now=NOW)
    grid = _table(doc, "Participants")
    assert [c.label for c in grid.columns] == ["No.", "Name", "Agency", "Sex", "13/10", "14/10", "15/10", "Days attended"]
    # The duplicate P4 is listed under the survivor's name; the person in the Trash is not listed.
    assert _printed(grid) == [
        ["1", "DIALLO Mariam", "GN", "Female", "✓", "✓", "–", "2"],
        ["2", "KANE Fatou", "BIS", "Female", "–", "–", "–", "0"],
        ["3", "MAÏGA Aïssata", "BIS", "Female", "✓", "✓", "✓", "3"],
        ["4", "TRAORÉ Moussa", "BIS", "Male", "✓", "–", "–", "1"],
    ]
    assert _printed(grid, grid.footer) == [["", "Present", "", "", "3", "2", "1", "6"]]
    staff = _table(doc, "Trainers, facilitators and other roles (not counted as trained)")
    assert _printed(staff) == [["1", "FALL Abdoul", "", "Trainer", "✓", "✓", "✓", "3"]]
    assert _printed(_table(doc, "By sex")) == [["Female", "3", "2"], ["Male", "1", "1"]]
    assert _printed(_table(doc, "By agency")) == [["BIS", "3", "2"], ["GN", "1", "1"]]
    assert not doc.landscape
    facts = dict(doc.parts[0].blocks[0].items)
    assert facts["Dates"] == "October 13\u2009–\u200915, 2021"  # thin spaces, from the CLDR
    assert facts["Place"] == "Bamako, Mali"


def test_signin_sheet_for_one_day_and_for_every_day(db, programme):
    one = build_signin_sheet(db, programme.workshops["W1"], day=date(2021, 10, 14), walk_ins=3, now=NOW)
    assert len(one.parts) == 1
    facts = one.parts[0].blocks[0]
    assert isinstance(facts, Facts) and facts.items[0] == ("Day", "Thursday, October 14, 2021 (day 2 of 3)")
    sheet = one.tables()[0]
    assert sheet.tall_rows and sheet.columns[-1].kind == "signature"
    assert [row[:5] for row in sheet.rows] == [
        [1, "DIALLO Mariam", "GN", "Maréchal des logis", "Participant"],
        [2, "KANE Fatou", "BIS", "", "Participant"],
        [3, "MAÏGA Aïssata", "BIS", "Officier de police judiciaire", "Participant"],
        [4, "TRAORÉ Moussa", "BIS", "Inspecteur", "Participant"],
        [5, "FALL Abdoul", "", "Expert", "Trainer"],
        [6, "", "", "", ""], [7, "", "", "", ""], [8, "", "", "", ""],
    ]
    every = build_signin_sheet(db, programme.workshops["W1"], now=NOW)
    assert [part.blocks[1].title for part in every.parts] == [
        "Attendance of 13/10/2021", "Attendance of 14/10/2021", "Attendance of 15/10/2021"]
    assert every.file_stem.startswith("signin-all-days-atelier-national")


def test_signin_sheet_refuses_a_day_outside_the_workshop(db, programme):
    with pytest.raises(FieldlogError, match="16/10/2021 is not a day of this workshop"):
        build_signin_sheet(db, programme.workshops["W1"], day=date(2021, 10, 16))


def test_a_workshop_in_the_trash_has_no_reports(db, programme):
    from fieldlog.services.trash import delete_record

    delete_record(db, table="workshop", record_id=programme.workshops["W2"])
    with pytest.raises(FieldlogError, match="No workshop"):
        build_attendance_summary(db, programme.workshops["W2"])
