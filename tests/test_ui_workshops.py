"""Workshop screens driven from the keyboard at 80x24, checked through the services."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Select, Static

from fieldlog.services.attendance import workshop_roster
from fieldlog.services.workshops import create_workshop, get_workshop, list_workshops
from fieldlog.screens.confirm import ConfirmScreen
from fieldlog.screens.enrol import EnrolScreen
from fieldlog.screens.workshop_detail import WorkshopDetailScreen
from fieldlog.screens.workshop_form import WorkshopFormScreen
from fieldlog.screens.workshops import WorkshopsScreen
from fieldlog.widgets.attendance_grid import ABSENT, PRESENT, UNMARKED, AttendanceGrid
from fieldlog.widgets.form_field import FormField

SIZE = (80, 24)
CARCERAL = "Sécurité dynamique en milieu carcéral"  # a demo workshop with no one enrolled


# --- helpers ---------------------------------------------------------------------------------


async def settle(pilot) -> None:
    """Let messages, timers and workers run until the app is quiet."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition, tries: int = 100) -> None:
    """Wait for what a person would wait for on screen (a debounced search, a save)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    assert condition()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def clear_input(pilot) -> None:
    await pilot.press("ctrl+a", "ctrl+k")


def field(app, name: str) -> FormField:
    return app.screen.query_one(f"#field-{name}", FormField)


def field_error(app, name: str) -> str:
    return str(field(app, name).query_one(".field-error", Static).render())


def list_titles(app) -> list[str]:
    return [row.title for row in app.screen.rows_by_id.values()]


async def open_workshops(pilot) -> WorkshopsScreen:
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WorkshopsScreen)
    return pilot.app.screen


async def open_detail(pilot, search: str) -> WorkshopDetailScreen:
    """From the workshops list: search, go down to the list, Enter."""
    screen = await open_workshops(pilot)
    await pilot.press("slash")
    await type_text(pilot, search)
    await until(pilot, lambda: len(screen.rows_by_id) == 1)
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WorkshopDetailScreen)
    return pilot.app.screen


# --- the form --------------------------------------------------------------------------------


async def test_create_three_day_workshop_by_typing(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_workshops(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopFormScreen)
        assert field(app, "country").value == "ML"  # the office's country
        assert field(app, "status").value == "planned"
        assert field(app, "kind").value == "national_workshop"
        assert app.screen.focused is field(app, "title").control

        await type_text(pilot, "Atelier sur les armes à feu")
        await pilot.press("tab", "tab")  # past the kind
        await type_text(pilot, "13/10/2025")
        await pilot.press("tab")
        await type_text(pilot, "15/10/2025")
        await pilot.press("tab")
        await type_text(pilot, "Ségou")
        await pilot.press("ctrl+s")
        await settle(pilot)

        # Saved, and the new workshop's own screen is open, with the hint to enrol people.
        assert isinstance(app.screen, WorkshopDetailScreen)
        hint = app.screen.query_one("#empty-hint", Static)
        assert hint.display and "press i to enrol" in str(hint.render())
        assert not app.screen.query_one(AttendanceGrid).display

    page = list_workshops(db)
    assert page.total == 1
    saved = get_workshop(db, page.rows[0].id)
    assert saved.title == "Atelier sur les armes à feu"
    assert (saved.start_date, saved.end_date) == (date(2025, 10, 13), date(2025, 10, 15))
    assert (saved.city, saved.country, saved.status, saved.kind) == ("Ségou", "ML", "planned", "national_workshop")
    assert len(workshop_roster(db, saved.id).days) == 3


async def test_invalid_dates_are_shown_beside_the_field_and_nothing_is_saved(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_workshops(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Atelier mal daté")
        await pilot.press("tab", "tab")
        await type_text(pilot, "15/10/2025")
        await pilot.press("tab")
        await type_text(pilot, "13/10/2025")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, WorkshopFormScreen)
        assert field(app, "end_date").has_class("-invalid")
        assert "before the first day" in field_error(app, "end_date")
        assert not field(app, "start_date").has_class("-invalid")
        assert app.screen.focused is field(app, "end_date").control

        # A date that is not one: said beside the first day.
        await pilot.press("shift+tab")
        await clear_input(pilot)
        await type_text(pilot, "32/13/2025")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopFormScreen)
        assert field(app, "start_date").has_class("-invalid")
        assert "Not a date" in field_error(app, "start_date")
        assert "dd/mm/yyyy" in field_error(app, "start_date")

    assert list_workshops(db).total == 0


async def test_edit_a_workshop(db, make_test_app):
    workshop_id = create_workshop(db, title="Atelier de Mopti", start_date="2025-03-03", end_date="2025-03-04", country="ML")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_workshops(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopFormScreen)
        assert field(app, "start_date").value == "03/03/2025"  # shown the way it is typed
        await clear_input(pilot)
        await type_text(pilot, "Mopti [session 2]")
        await pilot.press("tab", "tab", "tab")  # kind, first day, last day
        await clear_input(pilot)
        await type_text(pilot, "05/03/2025")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopsScreen)
        assert list_titles(app) == ["Mopti [session 2]"]
        # Brackets are text, not markup.
        table = app.screen.query_one("#rows DataTable", DataTable)
        assert table.get_row_at(0)[1].plain == "Mopti [session 2]"

    saved = get_workshop(db, workshop_id)
    assert saved.title == "Mopti [session 2]"
    assert saved.end_date == date(2025, 3, 5)


async def test_escape_on_a_changed_form_asks_before_discarding(db, make_test_app):
    workshop_id = create_workshop(db, title="Atelier de Kayes", start_date="2025-03-03", end_date="2025-03-04")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_workshops(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end")  # a focused field starts with its text selected
        await type_text(pilot, " modifié")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, WorkshopFormScreen)
        assert field(app, "title").value == "Atelier de Kayes modifié"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert isinstance(app.screen, WorkshopsScreen)

        # An unchanged form closes at once.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopsScreen)

    assert get_workshop(db, workshop_id).title == "Atelier de Kayes"


# --- the list --------------------------------------------------------------------------------


async def test_delete_then_restore_from_the_trash(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workshops(pilot)
        assert list_titles(app)[0] == "Formation sur la gestion des scènes de crime"  # newest first
        doomed = screen.selected_id
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert get_workshop(demo_db, doomed).deleted
        assert doomed not in screen.rows_by_id
        assert list_workshops(demo_db).total == 5

        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert not get_workshop(demo_db, doomed).deleted

        await pilot.press("f3")
        await settle(pilot)
        assert doomed in app.screen.rows_by_id
    assert list_workshops(demo_db).total == 6


async def choose(pilot, select_id: str, label: str) -> None:
    """Pick an option in a Select from the keyboard: focus it, open it, type-to-search, Enter."""
    select = pilot.app.screen.query_one(select_id, Select)
    while pilot.app.screen.focused is not select:
        await pilot.press("tab")
    await pilot.press("enter")
    await type_text(pilot, label)
    await pilot.press("enter")
    await settle(pilot)


async def test_search_and_filters_narrow_the_list(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workshops(pilot)
        assert len(screen.rows_by_id) == 6

        # Accents and case do not matter.
        await pilot.press("slash")
        await type_text(pilot, "SCENES DE")
        await until(pilot, lambda: list_titles(app) == ["Formation sur la gestion des scènes de crime"])
        await clear_input(pilot)
        await type_text(pilot, "niamey")
        await until(pilot, lambda: len(screen.rows_by_id) == 2)
        await clear_input(pilot)
        await until(pilot, lambda: len(screen.rows_by_id) == 6)

        await choose(pilot, "#filter-year", "2020")
        assert screen.year == 2020
        await until(pilot, lambda: len(screen.rows_by_id) == 2)

        await choose(pilot, "#filter-country", "Mauritania")
        await until(pilot, lambda: list_titles(app) == ["Conférence régionale sur la coopération judiciaire transfrontalière"])

        await choose(pilot, "#filter-status", "Held")
        await until(pilot, lambda: len(screen.rows_by_id) == 0)
        assert "Nothing to show" in str(screen.query_one(".pager", Static).render())


# --- the detail screen: enrolment and attendance ---------------------------------------------


async def enrol_by_name(pilot, name: str) -> None:
    dialog = pilot.app.screen
    search = dialog.query_one("#enrol-search", Input)
    assert dialog.focused is search
    await type_text(pilot, name)
    await pilot.press("enter")  # to the list, once it shows this name
    results = dialog.query_one("#enrol-results", DataTable)
    await until(pilot, lambda: dialog.focused is results)
    await pilot.press("enter")
    await until(pilot, lambda: dialog.focused is search and search.value == "")


async def test_enrol_five_then_mark_attendance_with_the_keyboard(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "carceral")
        assert detail.query_one("#empty-hint", Static).display
        workshop_id = detail.workshop_id

        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EnrolScreen)
        for name in ("traore", "keita", "sangare", "haidara"):
            await enrol_by_name(pilot, name)
        assert "Enrolled: HAÏDARA Kadiatou" in str(dialog.query_one("#enrol-message", Static).render())

        # The fifth as a trainer: choose the role first.
        await choose(pilot, "#enrol-role", "Trainer")
        await pilot.press("shift+tab")
        await enrol_by_name(pilot, "issoufou")

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail

        roster = workshop_roster(demo_db, workshop_id)
        assert [row.name for row in roster.rows] == [
            "HAÏDARA Kadiatou", "ISSOUFOU Salamatou", "KEÏTA Seydou", "SANGARÉ Hawa", "TRAORÉ Moussa",
        ]
        assert {row.name: row.role for row in roster.rows}["ISSOUFOU Salamatou"] == "trainer"
        grid = detail.query_one(AttendanceGrid)
        assert grid.display and grid.row_count == 5 and app.screen.focused is grid
        first, second, third = roster.days
        by_name = {row.name: row.enrolment_id for row in roster.rows}

        # The cursor starts on the first person's first day. Space: present, Space again: absent.
        assert (grid.current_enrolment_id, grid.current_day) == (by_name["HAÏDARA Kadiatou"], first)
        assert grid.cell_text(by_name["HAÏDARA Kadiatou"], first) == UNMARKED
        await pilot.press("space")
        await settle(pilot)
        assert grid.cell_text(by_name["HAÏDARA Kadiatou"], first) == PRESENT
        assert grid.total_text(by_name["HAÏDARA Kadiatou"]) == "1/3"
        await pilot.press("down", "space")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert grid.cell_text(by_name["ISSOUFOU Salamatou"], first) == ABSENT
        assert grid.total_text(by_name["ISSOUFOU Salamatou"]) == "0/3"

        # The cursor stays on the days: left from the first day does not leave it.
        await pilot.press("left", "right", "right", "right", "right")
        assert grid.current_day == third
        await pilot.press("left")
        assert grid.current_day == second

        # a: everyone present on the second day.
        await pilot.press("a")
        await settle(pilot)
        assert all(grid.cell_text(e, second) == PRESENT for e in by_name.values())

        roster = workshop_roster(demo_db, workshop_id)
        marks = {row.name: row.marks for row in roster.rows}
        assert marks["HAÏDARA Kadiatou"] == {first: True, second: True}
        assert marks["ISSOUFOU Salamatou"] == {first: False, second: True}
        assert marks["TRAORÉ Moussa"] == {second: True}
        assert {row.name: row.days_present for row in roster.rows} == {
            "HAÏDARA Kadiatou": 2, "ISSOUFOU Salamatou": 1, "KEÏTA Seydou": 1, "SANGARÉ Hawa": 1, "TRAORÉ Moussa": 1,
        }
        assert "5 people enrolled" in str(detail.query_one("#workshop-what", Static).render())


async def test_enrolling_the_same_person_twice_is_refused_in_the_dialog(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "carceral")
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        await enrol_by_name(pilot, "traore")
        await type_text(pilot, "traore")
        await pilot.press("enter")
        await until(pilot, lambda: dialog.focused is dialog.query_one("#enrol-results"))
        await pilot.press("enter")
        await settle(pilot)
        message = dialog.query_one("#enrol-message", Static)
        assert "already enrolled" in str(message.render())
        assert message.has_class("-error")
        assert app.screen is dialog  # still open, to enrol someone else
        await pilot.press("escape")
        await settle(pilot)
        assert len(workshop_roster(demo_db, detail.workshop_id).rows) == 1


async def test_change_role_and_remove_an_enrolment(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "carceral")
        await pilot.press("i")
        await settle(pilot)
        for name in ("traore", "keita"):
            await enrol_by_name(pilot, name)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # open the roles
        await type_text(pilot, "Speaker")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        roles = {row.name: row.role for row in workshop_roster(demo_db, detail.workshop_id).rows}
        assert roles == {"KEÏTA Seydou": "speaker", "TRAORÉ Moussa": "participant"}

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [row.name for row in workshop_roster(demo_db, detail.workshop_id).rows] == ["TRAORÉ Moussa"]
        assert detail.query_one(AttendanceGrid).row_count == 1


async def test_new_participant_from_the_enrol_dialog(demo_db, make_test_app):
    from fieldlog.screens.participant_form import ParticipantFormScreen

    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "carceral")
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        await type_text(pilot, "Ouédraogo")
        await until(pilot, lambda: "No one found" in str(dialog.query_one("#enrol-count", Static).render()))
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantFormScreen)
        assert form.query_one("#field-family_name", FormField).value == "Ouédraogo"
        await pilot.press("tab")
        await type_text(pilot, "Rasmané")
        await choose(pilot, "#field-sex Select", "Male")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: app.screen is dialog and "Enrolled: OUÉDRAOGO Rasmané" in str(
            dialog.query_one("#enrol-message", Static).render()))
        await pilot.press("escape")
        await settle(pilot)
        assert [row.name for row in workshop_roster(demo_db, detail.workshop_id).rows] == ["OUÉDRAOGO Rasmané"]


# --- the grid on its own: plain data in, messages out ------------------------------------------


async def test_attendance_grid_asks_by_message_and_shows_saved_marks():
    from textual.app import App

    from fieldlog.i18n import set_language
    from fieldlog.services.attendance import Roster, RosterRow

    first, second = date(2021, 10, 13), date(2021, 10, 14)
    roster = Roster(
        workshop_id="w",
        days=[first, second],
        rows=[
            RosterRow("e1", "p1", "TRAORÉ Moussa", "M", "BIS", "participant", {first: True}),
            RosterRow("e2", "p2", "COULIBALY Aminata", "F", "BIS", "trainer", {}),
        ],
    )

    class GridApp(App):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[tuple] = []

        def compose(self):
            yield AttendanceGrid()

        def on_mount(self) -> None:
            self.query_one(AttendanceGrid).show_roster(roster)

        def on_attendance_grid_mark_requested(self, message: AttendanceGrid.MarkRequested) -> None:
            self.asked.append(("mark", message.enrolment_id, message.day, message.present))

        def on_attendance_grid_day_requested(self, message: AttendanceGrid.DayRequested) -> None:
            self.asked.append(("day", message.day, message.present))

    set_language("fr")
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(AttendanceGrid)
        await pilot.pause()
        assert [column.label.plain for column in grid.columns.values()][2:4] == ["13/10", "14/10"]
        assert (grid.cell_text("e1", first), grid.cell_text("e1", second), grid.total_text("e1")) == (PRESENT, UNMARKED, "1/2")

        # Space asks; the grid changes only when told the mark was saved.
        await pilot.press("space")
        await pilot.pause()
        assert app.asked == [("mark", "e1", first, False)]
        assert grid.cell_text("e1", first) == PRESENT
        # A second Space before the first is saved asks for the opposite again.
        await pilot.press("space")
        await pilot.pause()
        assert app.asked[-1] == ("mark", "e1", first, True)

        grid.set_mark("e1", first, False)
        assert (grid.cell_text("e1", first), grid.total_text("e1")) == (ABSENT, "0/2")

        await pilot.press("down", "right", "a")
        await pilot.pause()
        assert app.asked[-1] == ("day", second, True)
        assert (grid.current_enrolment_id, grid.current_day) == ("e2", second)
