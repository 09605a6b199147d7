"""Pilot tests: the Reports screen (F9) — choosing a report and its parameters, the preview,
writing the file, the errors shown inline, and the ways in (workshop screen, palette)."""

from __future__ import annotations

from datetime import date

from textual import events
from textual.widgets import Input, Select, Static
from textual.widgets._select import SelectOverlay

from fieldlog.reports.document import Column, Document, Part, Table
from fieldlog.services.stats import trained
from fieldlog.services.workshops import workshop_choices
from fieldlog.settings import Settings
from fieldlog.reports.requests import default_day, nearest_workshop
from fieldlog.screens.reports import ReportsScreen
from fieldlog.screens.workshop_detail import WorkshopDetailScreen
from tests.ui_helpers import settle, type_text, wait_until
from fieldlog.widgets.report_preview import CELL_PADDING, ReportPreview, column_widths

SIZE = (80, 24)
BAMAKO_2021 = "13/10/2021 Atelier national sur le partage d'information entre services d'enquête"


def workshop_id(db, label: str) -> str:
    return dict(workshop_choices(db))[label]


def preview_text(screen: ReportsScreen) -> str:
    return screen.query_one("#preview", ReportPreview).shown_text()


def status_text(screen: ReportsScreen) -> str:
    status = screen.query_one("#report-status", Static)
    return str(status.content) if status.display else ""


async def open_reports(pilot) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def choose_report(pilot, screen: ReportsScreen, downs: int) -> None:
    """As a person does: focus the report menu, open it, move down, Enter."""
    screen.query_one("#report", Select).focus()
    await pilot.press("enter", *(["down"] * downs), "enter")
    await settle(pilot)


async def replace_text(pilot, selector: str, text: str) -> None:
    """Empty an input and paste into it (a long path typed key by key takes seconds)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    field.post_message(events.Paste(text))
    await pilot.pause()


async def shows(pilot, screen: ReportsScreen, text: str) -> None:
    await wait_until(pilot, pilot.app, lambda: text in preview_text(screen), f"the preview shows {text!r}")


# --- defaults ---------------------------------------------------------------------------

def test_the_day_offered_is_today_else_the_next_day_else_the_first():
    days = [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    assert default_day(days, date(2026, 11, 24)) == date(2026, 11, 24)
    assert default_day(days, date(2026, 11, 22)) == date(2026, 11, 23)  # tomorrow's sheet
    assert default_day(days, date(2026, 12, 1)) == date(2026, 11, 23)


def test_the_workshop_offered_is_the_one_nearest_today():
    today = date(2026, 11, 22)
    ranges = [
        ("next-year", date(2027, 1, 18), date(2027, 1, 20)),
        ("ended-yesterday", date(2026, 11, 19), date(2026, 11, 21)),
        ("long-ago", date(2021, 10, 13), date(2021, 10, 15)),
    ]
    assert nearest_workshop(ranges, today) == "ended-yesterday"
    assert nearest_workshop([*ranges, ("on-today", today, today)], today) == "on-today"
    assert nearest_workshop([], today) is None


# --- the preview widget -----------------------------------------------------------------

def test_a_wide_table_narrows_its_text_columns_to_whole_words():
    headers = ["No.", "Name", "Function", "Days attended"]
    texts = [["1", "COULIBALY Aminata", "Officier de police judiciaire", "3"]]
    room = 50
    widths = column_widths(headers, texts, [None, 2.2, 1.5, None], room)
    assert sum(widths) + CELL_PADDING * len(widths) <= room
    assert widths[1] >= len("COULIBALY") and widths[2] >= len("judiciaire")  # no word broken
    assert widths[1] / 2.2 >= widths[2] / 1.5 - 1  # the name keeps more, by its weight
    assert column_widths(headers, texts, [None, 2.2, 1.5, None], 200) == [3, 17, 29, 13]  # room enough


async def test_the_preview_of_200_people_over_5_days_draws_only_what_is_in_view():
    """The 200 rows go into one DataTable, which draws only the rows in view, rather than into
    a widget per row: building the preview does not hold the screen (bench/reports.py times it)."""
    from textual.app import App
    from textual.widgets import DataTable

    days = 5
    columns = [Column("No.", "number"), Column("Name", "text", 2.2), Column("Agency"), Column("Sex", "text", 0.7),
               *(Column(f"{13 + d}/10", "mark", 0.45) for d in range(days)), Column("Days attended", "number")]
    rows = [[n, f"TRAORÉ{n} Moussa Ibrahim", "Brigade d'investigation spécialisée", "Male",
             *([True] * days), days] for n in range(1, 201)]
    part = Part("Attendance summary", "Atelier", [Table("Participants", columns, rows)])
    document = Document("Attendance summary", [part], file_stem="attendance")

    class PreviewApp(App):
        def compose(self):
            yield ReportPreview()

    app = PreviewApp()
    async with app.run_test(size=SIZE) as pilot:
        preview = app.query_one(ReportPreview)
        await preview.show(document)
        await pilot.pause()
        assert "TRAORÉ200" in preview.shown_text()
        table, = preview.query(DataTable)
        assert table.row_count == 200
        assert len(list(preview.query("*"))) < 20, "a widget per row would be slow to build"


# --- the sign-in sheet ------------------------------------------------------------------

async def test_sign_in_sheet_preview_lists_the_workshop_participants(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert screen.query_one("#report", Select).value == "signin"
        screen.query_one("#workshop", Select).value = workshop_id(demo_db, BAMAKO_2021)
        await shows(pilot, screen, "MAÏGA Aïssata")
        # Every day of 2021 is past: the first day is offered.
        assert screen.query_one("#day", Select).value == date(2021, 10, 13)
        text = preview_text(screen)
        assert "Sign-in sheet" in text and "Attendance of 13/10/2021" in text
        assert "Signature" in text

        screen.query_one("#day", Select).value = ""  # every day, a page each
        await shows(pilot, screen, "And 2 more pages")
        assert "Friday, October 15, 2021 (day 3 of 3)" in preview_text(screen)


async def test_blank_lines_for_walk_ins_follow_the_number_typed(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#workshop", Select).value = workshop_id(demo_db, BAMAKO_2021)
        await shows(pilot, screen, "MAÏGA Aïssata")
        rows = preview_text(screen).count("\n")
        await replace_text(pilot, "#walk-ins", "2")
        await wait_until(pilot, app, lambda: preview_text(screen).count("\n") == rows - 8, "8 lines fewer")


# --- the attendance summary -------------------------------------------------------------

async def test_attendance_summary_preview_shows_the_days_and_counts(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await choose_report(pilot, screen, 1)
        assert screen.query_one("#report", Select).value == "attendance"
        assert not screen.query_one("#row-day").display
        screen.query_one("#workshop", Select).value = workshop_id(demo_db, BAMAKO_2021)
        await shows(pilot, screen, "MAÏGA Aïssata")
        text = preview_text(screen)
        assert "Attendance summary" in text
        assert "13/10 | 14/10 | 15/10 | Days attended" in text
        assert "By sex" in text and "By country" in text


# --- the programme summary --------------------------------------------------------------

async def test_programme_summary_counts_the_individuals_trained(demo_db, make_test_app):
    expected = trained(demo_db, first=date(2020, 1, 1), last=date(2021, 12, 31)).people
    assert expected > 0
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await choose_report(pilot, screen, 2)
        assert screen.query_one("#report", Select).value == "summary"
        assert screen.query_one("#first", Input).value == "01/01/2026"  # this year, to today
        assert screen.query_one("#last", Input).value == "22/11/2026"
        assert app.focused is screen.query_one("#report")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#first")
        await replace_text(pilot, "#first", "01/01/2020")
        await replace_text(pilot, "#last", "31/12/2021")
        await shows(pilot, screen, f"{expected} individuals trained")
        assert f"Individuals trained, each counted once | {expected}" in preview_text(screen)


async def test_the_summary_can_be_limited_to_the_workshops_of_one_office(tmp_path, make_test_app):
    """Offices that recorded workshops are offered; choosing one counts only its workshops."""
    from fieldlog.services.attendance import enrol_participant, set_attendance
    from fieldlog.services.participants import create_participant
    from fieldlog.services.workshops import create_workshop
    from tests.sync_helpers import Office, exchange

    bamako, niamey = Office(tmp_path, "BKO"), Office(tmp_path, "NIA", "NE")
    for office, people, country in ((bamako, 2, "ML"), (niamey, 3, "NE")):
        day = date(2026, 3, 2)
        workshop = create_workshop(office.db, title=f"Formation {office.code}", kind="training", start_date=day,
                                   end_date=day, city="Ville", country=country, status="held")
        for n in range(people):
            person = create_participant(office.db, family_name=f"Nom{n}", given_names=office.code, sex="F",
                                        country="ML")
            enrolment = enrol_participant(office.db, workshop_id=workshop, participant_id=person)
            set_attendance(office.db, enrolment_id=enrolment, day=day, present=True)
    exchange(niamey, bamako)
    app = make_test_app(bamako.db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await choose_report(pilot, screen, 2)
        await shows(pilot, screen, "5 individuals trained, 2 workshops organised")
        offices = screen.query_one("#office", Select)
        offices.focus()
        await pilot.press("enter")
        await settle(pilot)
        listed = offices.query_one(SelectOverlay)
        assert [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)] == [
            "All offices", "BKO · Office BKO", "NIA · Office NIA"]  # as the list drops down
        await pilot.press("down", "down", "enter")
        await shows(pilot, screen, "3 individuals trained, 1 workshop organised")
        assert "Office: Office NIA" in preview_text(screen)
    bamako.close()
    niamey.close()


async def test_a_period_ending_before_it_starts_is_refused_inline(demo_db, make_test_app, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await choose_report(pilot, screen, 2)
        await replace_text(pilot, "#folder", str(out))
        await replace_text(pilot, "#first", "31/12/2021")
        await replace_text(pilot, "#last", "01/01/2021")
        await wait_until(pilot, app, lambda: "before its start" in status_text(screen), "the error")
        assert screen.query_one("#last").has_class("-invalid")
        assert "Correct what is marked above" in preview_text(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The end of the period is before its start." in status_text(screen)
        assert list(out.iterdir()) == []

        await replace_text(pilot, "#first", "32/01/2021")
        await wait_until(pilot, app, lambda: "Start of the period: type a date as dd/mm/yyyy." in status_text(screen),
                         "the date error")
        assert screen.query_one("#first").has_class("-invalid")
        await replace_text(pilot, "#first", "01/01/2021")
        await wait_until(pilot, app, lambda: not status_text(screen), "the error gone")
        assert not screen.query_one("#first").has_class("-invalid")


# --- writing ----------------------------------------------------------------------------

async def test_writes_a_pdf_then_an_xlsx_and_says_where(demo_db, make_test_app, tmp_path):
    import openpyxl

    out = tmp_path / "out"
    out.mkdir()
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#workshop", Select).value = workshop_id(demo_db, BAMAKO_2021)
        await shows(pilot, screen, "MAÏGA Aïssata")
        await replace_text(pilot, "#folder", str(out))
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: "Written:" in status_text(screen), "the file written")
        [pdf] = out.glob("signin-2021-10-13-atelier-national-*.pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        assert str(pdf) in status_text(screen)
        assert any(str(pdf) in n.message for n in app._notifications)
        assert Settings.load().report_folder == str(out)

        await choose_report(pilot, screen, 2)
        screen.query_one("#format", Select).value = "xlsx"
        await replace_text(pilot, "#first", "01/01/2020")
        await replace_text(pilot, "#last", "31/12/2021")
        await shows(pilot, screen, "individuals trained")
        await pilot.press("ctrl+s")
        xlsx = out / "summary-2020-01-01-2021-12-31.xlsx"
        await wait_until(pilot, app, lambda: str(xlsx) in status_text(screen), "the spreadsheet written")
        workbook = openpyxl.load_workbook(xlsx)
        assert workbook.sheetnames
        assert sorted(p.name for p in out.iterdir()) == sorted([pdf.name, xlsx.name])  # no leftovers


async def test_a_missing_folder_is_refused_and_nothing_written(demo_db, make_test_app, tmp_path):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await settle(pilot)
        await replace_text(pilot, "#folder", str(tmp_path / "no-such-folder"))
        await pilot.press("enter")  # Enter in the folder writes, as Ctrl+S does
        await wait_until(pilot, app, lambda: "does not exist" in status_text(screen), "the folder refused")
        assert screen.query_one("#folder").has_class("-invalid")
        assert app.focused is screen.query_one("#folder")
        assert not (tmp_path / "no-such-folder").exists()
        assert not list(tmp_path.glob("*.pdf"))


async def test_the_folder_last_written_to_is_offered_again(demo_db, make_test_app, tmp_path):
    Settings(report_folder=str(tmp_path)).save()
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert screen.query_one("#folder", Input).value == str(tmp_path)


# --- the ways in ------------------------------------------------------------------------

async def test_p_on_a_workshop_opens_its_sign_in_sheet(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, WorkshopDetailScreen)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.query_one("#report", Select).value == "signin"
        assert screen.query_one("#workshop", Select).value == detail.workshop_id
        assert app.focused is screen.query_one("#day")
        await shows(pilot, screen, detail.workshop.title)

        # Again from another workshop, the Reports screen being open already.
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("escape", "down", "enter")
        await settle(pilot)
        other = app.screen
        assert isinstance(other, WorkshopDetailScreen) and other.workshop_id != detail.workshop_id
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#workshop", Select).value == other.workshop_id


async def test_palette_opens_a_report(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Reports: attendance")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.query_one("#report", Select).value == "attendance"
        await shows(pilot, screen, "Attendance summary")


async def test_without_workshops_the_sheet_says_how_to_start(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await shows(pilot, screen, "No workshop is recorded yet")
        assert not status_text(screen)
