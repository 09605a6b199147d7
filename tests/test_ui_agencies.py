"""Pilot tests: agencies, home, trash, help and first start, driven by the keyboard."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from fieldlog.services.agencies import list_agencies
from fieldlog.services.offices import local_office
from fieldlog.screens.agencies import AgenciesScreen
from fieldlog.screens.confirm import ConfirmScreen
from fieldlog.screens.form_screen import FormScreen
from fieldlog.screens.help import HelpScreen
from fieldlog.screens.home import HomeScreen
from fieldlog.screens.trash import TrashScreen
from tests.ui_helpers import settle, table_column, type_text


async def test_create_edit_delete_restore_agency(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, AgenciesScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await type_text(pilot, "Gendarmerie nationale du Mali")
        await pilot.press("tab")
        await type_text(pilot, "GN")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgenciesScreen)
        rows = list_agencies(db).rows
        assert [(r.name, r.acronym, r.country) for r in rows] == [("Gendarmerie nationale du Mali", "GN", "ML")]
        assert table_column(app.screen.query_one(DataTable)) == ["Gendarmerie nationale du Mali"]

        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end")
        await type_text(pilot, " (GN)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert list_agencies(db).rows[0].name == "Gendarmerie nationale du Mali (GN)"

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert list_agencies(db).total == 0
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, TrashScreen)
        assert table_column(app.screen.query_one(DataTable)) == ["Gendarmerie nationale du Mali (GN)"]
        await pilot.press("r")
        await settle(pilot)
        assert list_agencies(db).total == 1
        assert app.screen.query_one(DataTable).row_count == 0


async def test_invalid_agency_shows_inline_error_and_saves_nothing(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5", "n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        field = form.query_one("#field-name")
        assert field.has_class("-invalid")
        assert "Required" in str(field.query_one(".field-error").render())
        assert list_agencies(db).total == 0


async def test_parent_agency_cannot_be_itself(db, make_test_app):
    from fieldlog.services.agencies import create_agency, update_agency
    import pytest
    from fieldlog.errors import ValidationError

    parent = create_agency(db, name="Ministère de la Justice", kind="ministry")
    child = create_agency(db, name="Administration pénitentiaire", kind="prison", parent_id=parent)
    with pytest.raises(ValidationError) as caught:
        update_agency(db, parent, name="Ministère de la Justice", kind="ministry", parent_id=child)
    assert "parent_id" in caught.value.errors


async def test_leaving_a_changed_form_asks_first(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5", "n")
        await settle(pilot)
        await type_text(pilot, "CAFO")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#field-name Input", Input).value == "CAFO"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AgenciesScreen)
        assert list_agencies(db).total == 0


async def test_search_agencies_ignores_accents(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "pole judiciaire")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        names = table_column(app.screen.query_one(DataTable))
        assert len(names) == 1 and names[0].startswith("Pôle judiciaire spécialisé")


async def test_home_shows_counts_and_opens_help(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counts = str(app.screen.query_one("#counts").render())
        assert "Workshops 6" in counts and "Participants 27" in counts
        assert "21 (9 women, 12 men)" in str(app.screen.query_one("#trained").render())
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_first_start_sets_up_the_office(tmp_path, make_test_app):
    from fieldlog.schema import open_database

    fresh = open_database(tmp_path / "new.db")
    app = make_test_app(fresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "NIA")
        await pilot.press("tab")
        await type_text(pilot, "Bureau de Niamey")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#field-country").has_class("-invalid")
        assert local_office(fresh) is None
        await pilot.press("enter")  # the first invalid field, the country, has the focus
        await type_text(pilot, "Niger")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        office = local_office(fresh)
        assert office is not None and (office.code, office.country) == ("NIA", "NE")
        assert isinstance(app.screen, HomeScreen)
    fresh.close()


async def test_command_palette_runs_workshop_new(demo_db, make_test_app):
    from textual.command import CommandPalette

    from fieldlog.screens.workshop_form import WorkshopFormScreen
    from tests.ui_helpers import wait_until

    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, app, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        await type_text(pilot, "Workshop: New")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, app, lambda: isinstance(app.screen, WorkshopFormScreen), "the new workshop form")
