"""A record's history (F10) from its form or a workshop, and "Your name" in Settings: Pilot tests
at 80×24, and a snapshot in English and in French."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Input, Static

from fieldlog.i18n import set_language
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.services.workshops import create_workshop
from fieldlog.screens.history import HistoryScreen
from fieldlog.screens.participant_form import ParticipantFormScreen
from tests.test_snapshots import keys, settle
from tests.ui_helpers import table_column, type_text, wait_until

SIZE = (80, 24)
PERSON = {"family_name": "Traoré", "given_names": "Moussa", "sex": "M", "country": "ML"}


def edit(db, person: str, **changes) -> None:
    current = get_participant(db, person).model_dump(exclude={"id", "deleted"})
    update_participant(db, person, **{**current, **changes})


async def open_first_participant(pilot, app) -> ParticipantFormScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("enter")
    await wait_until(pilot, app, lambda: isinstance(app.screen, ParticipantFormScreen)
                     and app.screen.initial is not None, "the participant's form, filled in")
    return app.screen


def history_rows(screen: HistoryScreen) -> list[list[str]]:
    table = screen.query_one("#history-rows", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_history_from_a_participant_form_keeps_unsaved_edits(db, make_test_app):
    person = create_participant(db, **PERSON)
    edit(db, person, phone="76 00 00 00")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_first_participant(pilot, app)
        assert "History" in [b.binding.description for b in form.active_bindings.values()]
        await pilot.press("end")
        await type_text(pilot, " Junior")  # in the family name, not saved
        assert form.dirty

        await pilot.press("f10")
        await wait_until(pilot, app, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries,
                         "the history, loaded")
        history = app.screen
        rows = history_rows(history)
        assert [row[1:] for row in rows] == [
            ["BKO", "Awa Diallo", "Changed: Phone"], ["BKO", "Awa Diallo", "Created"]]
        assert "History: TRAORÉ Moussa" in str(history.query_one("#history-title", Static).render())
        detail = str(history.query_one("#history-detail", Static).render())
        assert "Phone: 76 00 00 00" in detail and "Bureau de Bamako" in detail

        await pilot.press("down")
        await settle(pilot)
        assert "Family name: Traoré" in str(history.query_one("#history-detail", Static).render())

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and form.dirty
        assert form.family_input.value == "Traoré Junior"
    assert get_participant(db, person).family_name == "Traoré"


async def test_a_new_record_has_no_history_yet(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantFormScreen)
        assert "f10" not in form.active_bindings or not form.check_action("history", ())
        await pilot.press("f10")
        await settle(pilot)
        assert app.screen is form


async def test_history_of_a_workshop_from_its_grid(db, make_test_app):
    from fieldlog.services.attendance import enrol_participant
    from fieldlog.screens.workshop_detail import WorkshopDetailScreen

    workshop = create_workshop(db, title="Atelier national", start_date="13/10/2021", end_date="15/10/2021")
    enrol_participant(db, workshop_id=workshop, participant_id=create_participant(db, **PERSON))
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(WorkshopDetailScreen(workshop))
        await settle(pilot)
        await pilot.press("f10")
        await wait_until(pilot, app, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries,
                         "the workshop's history")
        assert table_column(app.screen.query_one(DataTable), 3) == ["Enrolled: TRAORÉ Moussa", "Created"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkshopDetailScreen)


async def test_history_speaks_french(db, make_test_app):
    person = create_participant(db, **PERSON)
    edit(db, person, phone="76 00 00 00")
    set_language("fr")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_participant(pilot, app)
        await pilot.press("f10")
        await wait_until(pilot, app, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries,
                         "the history, loaded")
        history = app.screen
        assert [str(c.label) for c in history.query_one(DataTable).columns.values()] == [
            "Quand", "Bureau", "Personne", "Action"]
        assert [row[3] for row in history_rows(history)] == ["Modification : Téléphone", "Création"]
        assert "Téléphone : 76 00 00 00" in str(history.query_one("#history-detail", Static).render())
        assert "Fermer" in [b.binding.description for b in history.active_bindings.values()]


# --- "Your name" in Settings -------------------------------------------------------------------


async def test_settings_change_the_name_recorded_with_later_changes(db, make_test_app):
    from fieldlog.screens.settings import SettingsScreen

    person = create_participant(db, **PERSON)
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        name = app.screen.query_one("#author", Input)
        assert name.value == "Awa Diallo"
        await pilot.press("tab")  # from the languages to the name
        assert app.screen.focused is name
        await pilot.press("ctrl+u")
        await type_text(pilot, "Binta Keita")
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: not isinstance(app.screen, SettingsScreen), "the settings closed")
        assert app.office.author == "Binta Keita" and "Binta Keita" in app.sub_title
    edit(db, person, phone="76 00 00 00")
    with db.read() as session:
        authors = session.execute(text(
            "SELECT author FROM change_log WHERE record_id = :id ORDER BY seq"), {"id": person}).scalars().all()
    assert authors == ["Awa Diallo", "Binta Keita"]


async def test_settings_enter_on_a_language_still_applies_it_and_keeps_the_name(db, make_test_app):
    from fieldlog.i18n import current_language
    from fieldlog.services.offices import local_office

    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("up", "enter")
        await wait_until(pilot, app, lambda: current_language() == "fr", "French")
    assert local_office(db).author == "Awa Diallo"


# --- a picture, in English and in French ---------------------------------------------------------


@pytest.fixture
def history_demo(demo_db, monkeypatch):
    """The demonstration office, a participant corrected by a second person; stamps fixed for the
    picture (the HLC holds the wall-clock time) and shown in UTC."""
    import time

    from fieldlog.services.offices import set_author
    from fieldlog.services.participants import list_participants

    person = list_participants(demo_db).rows[0].id
    set_author(demo_db, author="Awa Diallo")
    edit(demo_db, person, phone="+223 76 12 34 56", function="Commissaire principal")
    edit(demo_db, person, email="sidi.agmohamed@example.org")
    base = 1_795_000_000_000  # from 18/11/2026 09:46 UTC on, 137 s apart
    with demo_db.write() as session:
        session.execute(text("UPDATE change_log SET hlc = (:base + seq * 137000) << 16"), {"base": base})
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield demo_db
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_history_snapshot(language, history_demo, make_test_app, snap_compare):
    set_language(language)
    assert snap_compare(make_test_app(history_demo), terminal_size=SIZE, run_before=keys("f4", "enter", "f10"))
