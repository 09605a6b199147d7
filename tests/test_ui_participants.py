"""Participants list and form, driven from the keyboard at 80x24 and checked through the services."""

from __future__ import annotations


from textual.widgets import Static

from fieldlog.services.agencies import agency_choices
from fieldlog.services.participants import count_participants, get_participant, list_participants
from fieldlog.screens.confirm import ConfirmScreen
from fieldlog.screens.participant_form import ParticipantFormScreen
from fieldlog.screens.participants import ParticipantsScreen
from fieldlog.screens.trash import TrashScreen
from tests.ui_helpers import settle, type_text, wait_until
from fieldlog.widgets.form_field import FormField

SIZE = (80, 24)




async def open_participants(pilot, app) -> ParticipantsScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(app.screen, ParticipantsScreen)
    return app.screen


def shown_names(screen: ParticipantsScreen) -> list[str]:
    return [row.display_name for row in screen.rows_by_id.values()]


def field(screen, name: str) -> FormField:
    return screen.query_one(f"#field-{name}", FormField)


def error_of(screen, name: str) -> str:
    return str(field(screen, name).query_one(".field-error", Static).render())


async def search(pilot, app, screen, text: str) -> None:
    await pilot.press("slash")
    await pilot.press("ctrl+u")
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_create_participant_by_typing(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = count_participants(demo_db)
    dpj = next(value for label, value in agency_choices(demo_db) if "(DPJ)" in label)
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantFormScreen)
        await type_text(pilot, "Dicko")
        await pilot.press("tab")
        await type_text(pilot, "Hamadoun")
        await pilot.press("tab", "enter", "m", "enter")  # sex: Male
        await pilot.press("tab", "enter", "d", "p", "j", "enter")  # agency: DPJ
        await pilot.press("tab")
        await type_text(pilot, "Inspecteur")
        await pilot.press("tab", "tab")  # the country stays the office's
        await type_text(pilot, "+223 70 11 22 33")
        await pilot.press("tab")
        await type_text(pilot, "h.dicko@police.ml")
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ParticipantsScreen), "back to the list")
        assert "DICKO Hamadoun" in shown_names(app.screen)

    assert count_participants(demo_db) == before + 1
    [row] = list_participants(demo_db, search="dicko").rows
    saved = get_participant(demo_db, row.id)
    assert (saved.family_name, saved.given_names, saved.sex) == ("Dicko", "Hamadoun", "M")
    assert saved.agency_id == dpj
    assert (saved.function, saved.country) == ("Inspecteur", "ML")
    assert (saved.phone, saved.email) == ("+223 70 11 22 33", "h.dicko@police.ml")


async def test_invalid_input_shows_errors_and_saves_nothing(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = count_participants(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("tab")
        await type_text(pilot, "Aminata")
        for _ in range(6):
            await pilot.press("tab")
        await type_text(pilot, "not-an-email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field(form, "family_name").has_class("-invalid")
        assert error_of(form, "family_name") == "Required."
        assert field(form, "sex").has_class("-invalid")
        assert field(form, "email").has_class("-invalid")
        assert error_of(form, "email") == "Not an e-mail address."
        assert not field(form, "given_names").has_class("-invalid")
        assert app.focused is field(form, "family_name").control

        # Correcting the fields clears their errors on the next save.
        await type_text(pilot, "Kouyate")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not field(form, "family_name").has_class("-invalid")
        assert field(form, "email").has_class("-invalid")
    assert count_participants(demo_db) == before


async def test_edit_participant(demo_db, make_test_app):
    app = make_test_app(demo_db)
    [keita] = list_participants(demo_db, search="keita").rows
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participants(pilot, app)
        await search(pilot, app, screen, "keita")
        await wait_until(pilot, app, lambda: shown_names(screen) == ["KEÏTA Seydou"], "Keïta alone in the list")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantFormScreen)
        assert form.title_text() == "Edit participant"
        assert field(form, "family_name").value == "Keïta"
        for _ in range(4):
            await pilot.press("tab")
        assert app.focused is field(form, "function").control
        await pilot.press("ctrl+u")
        await type_text(pilot, "Commissaire principal")
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "back to the list")
    saved = get_participant(demo_db, keita.id)
    assert saved.function == "Commissaire principal"
    assert (saved.family_name, saved.given_names, saved.sex) == ("Keïta", "Seydou", "M")


async def test_delete_then_restore_from_trash(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participants(pilot, app)
        await search(pilot, app, screen, "sidibe")
        await wait_until(pilot, app, lambda: shown_names(screen) == ["SIDIBÉ Fatoumata"], "Sidibé in the list")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "SIDIBÉ Fatoumata" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, app, lambda: not shown_names(screen), "Sidibé gone from the list")
        assert list_participants(demo_db, search="sidibe").total == 0

        await pilot.press("f7")
        await settle(pilot)
        trash = app.screen
        assert isinstance(trash, TrashScreen)
        await wait_until(pilot, app, lambda: trash.rows_by_id, "the Trash listed")
        assert "Sidibé Fatoumata" in trash.rows_by_id[trash.selected_id].label
        await pilot.press("r")
        await wait_until(pilot, app, lambda: not trash.rows_by_id, "the Trash emptied")
    assert list_participants(demo_db, search="sidibe").total == 1


async def test_search_ignores_accents(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participants(pilot, app)
        await search(pilot, app, screen, "traore")
        await wait_until(pilot, app, lambda: shown_names(screen) == ["TRAORÉ Moussa"], "Traoré found")
        await search(pilot, app, screen, "maiga")
        await wait_until(pilot, app, lambda: shown_names(screen) == ["MAÏGA Aïssata"], "Maïga found")
        await search(pilot, app, screen, "")
        await wait_until(pilot, app, lambda: len(shown_names(screen)) == count_participants(demo_db), "all again")


async def test_similar_person_warning_and_confirmation(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = count_participants(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        warning = form.query_one(".similar-warning", Static)
        assert not warning.display
        await type_text(pilot, "Traore")
        await pilot.press("tab")
        await type_text(pilot, "Moussa")
        await wait_until(pilot, app, lambda: warning.display, "the similar-person warning")
        assert str(warning.render()) == "A similar participant already exists: TRAORÉ Moussa (BIS)"
        await pilot.press("tab", "enter", "m", "enter")

        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "TRAORÉ Moussa (BIS)" in app.screen.question
        assert "Save anyway?" in app.screen.question
        await pilot.press("n")  # keep editing: nothing saved
        await settle(pilot)
        assert app.screen is form
        assert count_participants(demo_db) == before

        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ConfirmScreen), "the question again")
        await pilot.press("y")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ParticipantsScreen), "back to the list")
    assert count_participants(demo_db) == before + 1
    assert list_participants(demo_db, search="traore moussa").total == 2


async def test_save_typed_before_the_warning_still_asks(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = count_participants(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Maiga")
        await pilot.press("tab")
        await type_text(pilot, "Aissata")
        await pilot.press("tab", "enter", "f", "enter", "ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "MAÏGA Aïssata (PJS)" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ParticipantsScreen), "back to the list")
    assert count_participants(demo_db) == before + 1


async def test_escape_on_changed_form_asks_before_discarding(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = count_participants(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participants(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "Sanogo")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert app.screen is form
        assert field(form, "family_name").value == "Sanogo"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert app.screen is screen
    assert count_participants(demo_db) == before


async def test_form_prefilled_for_the_enrol_dialog(demo_db, make_test_app):
    """ParticipantFormScreen(initial=...) starts a new record; it dismisses with the new id."""
    app = make_test_app(demo_db)
    results = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ParticipantFormScreen(initial={"family_name": "Coulibali"}), results.append)
        await settle(pilot)
        form = app.screen
        assert field(form, "family_name").value == "Coulibali"
        assert field(form, "country").value == "ML"
        await pilot.press("escape")  # the pre-filled values are not a change
        await settle(pilot)
        assert results == [None]

        app.push_screen(ParticipantFormScreen(initial={"family_name": "Coulibali"}), results.append)
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "Awa")
        await pilot.press("tab", "enter", "f", "enter", "ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):  # "Coulibaly Aminata" may look similar
            await pilot.press("y")
        await wait_until(pilot, app, lambda: len(results) == 2, "the form closed")
    saved = get_participant(demo_db, results[1])
    assert (saved.family_name, saved.given_names, saved.sex) == ("Coulibali", "Awa", "F")


async def test_edit_someone_whose_agency_is_in_the_trash(demo_db, make_test_app):
    """Values the pickers would not offer (an agency in the Trash, a country like XK) still open."""
    from fieldlog.services.participants import create_participant
    from fieldlog.services.trash import delete_record

    agency = next(value for label, value in agency_choices(demo_db) if "(CAFO)" in label)
    person = create_participant(demo_db, family_name="Berisha", given_names="Arta", sex="F",
                                agency_id=agency, country="XK")
    delete_record(demo_db, table="agency", record_id=agency)
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_participants(pilot, app)
        await search(pilot, app, screen, "berisha")
        await wait_until(pilot, app, lambda: shown_names(screen) == ["BERISHA Arta"], "Berisha found")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantFormScreen)
        assert (field(form, "agency_id").value, field(form, "country").value) == (agency, "XK")
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "saved unchanged")
    saved = get_participant(demo_db, person)
    assert (saved.agency_id, saved.country) == (agency, "XK")
