"""Outcomes list and form: links, indicators added and removed from the keyboard, inline errors."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from fieldlog.i18n import set_language
from fieldlog.services.agencies import agency_choices
from fieldlog.services.outcomes import get_outcome, list_outcomes
from fieldlog.services.workshops import workshop_choices
from fieldlog.screens.confirm import ConfirmScreen
from fieldlog.screens.outcome_form import OutcomeFormScreen
from fieldlog.screens.outcomes import OutcomesScreen
from tests.ui_helpers import settle, wait_until
from fieldlog.widgets.form_field import FormField
from fieldlog.widgets.indicator_editor import IndicatorEditor

SIZE = (80, 24)


async def open_outcomes(pilot, app) -> OutcomesScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(app.screen, OutcomesScreen)
    return app.screen


async def new_outcome(pilot, app) -> OutcomeFormScreen:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, OutcomeFormScreen)
    return app.screen


def field(screen, name: str) -> FormField:
    return screen.query_one(f"#field-{name}", FormField)


def error_of(screen, name: str) -> str:
    return str(field(screen, name).query_one(".field-error", Static).render())


def outcome_titled(db, title: str):
    [row] = list_outcomes(db, search=title).rows
    return get_outcome(db, row.id)


async def tab(pilot, times: int) -> None:
    for _ in range(times):
        await pilot.press("tab")


async def test_create_with_links_and_indicators_then_remove_one(demo_db, make_test_app):
    app = make_test_app(demo_db)
    newest_workshop = workshop_choices(demo_db)[0][1]
    second_agency = agency_choices(demo_db)[1][1]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outcomes(pilot, app)
        form = await new_outcome(pilot, app)
        await pilot.press(*"Cellule creee")
        await pilot.press("tab", "enter", *"spec", "enter")  # kind: specialised unit or cell created
        await pilot.press("tab", *"15/10/2021")
        await pilot.press("tab", "tab", *"Un", "enter", *"Deux")  # description, two lines
        await pilot.press("tab", *"Arrete")
        await pilot.press("tab", "tab", "space")  # workshops: the first (newest) one
        await pilot.press("tab", "down", "space")  # agencies: the second one
        await pilot.press("tab", "enter")  # "Add indicator"
        await pilot.press(*"Armes", "tab", *"13500", "tab", *"armes")
        await pilot.press("ctrl+n", *"Cas", "tab", *"45")
        assert len(form.editor.rows) == 2
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "back to the list")
        assert any(row.title == "Cellule creee" for row in screen.rows_by_id.values())

        created = outcome_titled(demo_db, "Cellule")
        outcome = created.outcome
        assert (outcome.kind, outcome.outcome_date, outcome.country) == ("unit_created", date(2021, 10, 15), "ML")
        assert outcome.description == "Un\nDeux"
        assert (outcome.evidence, outcome.verification) == ("Arrete", "reported")
        assert created.workshop_ids == [newest_workshop]
        assert created.agency_ids == [second_agency]
        assert sorted((i.name, i.value, i.unit) for i in created.indicators) == [
            ("Armes", 13500.0, "armes"), ("Cas", 45.0, ""),
        ]

        # Edit: open it, go to the second indicator from the keyboard and remove it.
        await pilot.press("slash", *"cellule", "enter")
        await wait_until(pilot, app, lambda: len(screen.rows_by_id) == 1, "the outcome found")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OutcomeFormScreen)
        assert field(form, "outcome_date").value == "15/10/2021"
        rows = form.editor.rows
        cases = next(row for row in rows if row.inputs["name"].value == "Cas")
        await tab(pilot, 9)  # title → … → agencies → first indicator
        while app.focused is not cases.inputs["name"]:
            await pilot.press("tab")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert [row.inputs["name"].value for row in form.editor.rows] == ["Armes"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "back to the list")

    edited = outcome_titled(demo_db, "Cellule")
    assert [(i.name, i.value, i.unit) for i in edited.indicators] == [("Armes", 13500.0, "armes")]
    kept = next(i for i in created.indicators if i.name == "Armes")
    assert edited.indicators[0].id == kept.id  # updated in place, not replaced
    assert edited.workshop_ids == [newest_workshop]
    assert edited.agency_ids == [second_agency]


async def test_invalid_date_shows_inline_error(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = list_outcomes(demo_db).total
    async with app.run_test(size=SIZE) as pilot:
        await open_outcomes(pilot, app)
        form = await new_outcome(pilot, app)
        await pilot.press(*"Loi adoptee", "tab", "tab", *"31/02/2022", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field(form, "outcome_date").has_class("-invalid")
        assert error_of(form, "outcome_date") == "Not a date: write it as dd/mm/yyyy."
        assert not field(form, "title").has_class("-invalid")
        assert app.focused is field(form, "outcome_date").control

        await pilot.press("ctrl+u", *"28/02/2022", "ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, OutcomesScreen), "saved")
    assert list_outcomes(demo_db).total == before + 1
    assert outcome_titled(demo_db, "Loi adoptee").outcome.outcome_date == date(2022, 2, 28)


async def test_indicator_errors_beside_their_row(demo_db, make_test_app):
    app = make_test_app(demo_db)
    before = list_outcomes(demo_db).total
    async with app.run_test(size=SIZE) as pilot:
        await open_outcomes(pilot, app)
        form = await new_outcome(pilot, app)
        await pilot.press(*"Saisies", "tab", "tab", *"01/03/2022")
        await tab(pilot, 7)  # → "Add indicator"
        await pilot.press("enter", *"Armes saisies", "tab", *"12")
        await pilot.press("ctrl+n", "tab", *"beaucoup")  # second row: no name, not a number
        await pilot.press("ctrl+n")  # a third row left blank is ignored
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        first, second, third = form.editor.rows
        assert not first.has_class("-invalid")
        assert second.has_class("-invalid")
        assert str(second.query_one(".indicator-error", Static).render()) == "Name: Required.  Value: Not a number."
        assert not third.has_class("-invalid")
        assert app.focused is second.inputs["name"]
        message = str(form.query_one(".form-message", Static).render())
        assert message.startswith("Nothing was saved")

        await pilot.press(*"Munitions", "tab", "ctrl+u", *"300", "ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, OutcomesScreen), "saved")
    assert list_outcomes(demo_db).total == before + 1
    saved = outcome_titled(demo_db, "Saisies")
    assert sorted((i.name, i.value) for i in saved.indicators) == [("Armes saisies", 12.0), ("Munitions", 300.0)]


async def test_french_numbers_round_trip(demo_db, make_test_app):
    set_language("fr")
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outcomes(pilot, app)
        await new_outcome(pilot, app)
        await pilot.press(*"Armes marquees", "tab", "tab", *"01/03/2022")
        await tab(pilot, 7)
        await pilot.press("enter", *"Armes", "tab", *"13 500", "ctrl+n", *"Taux", "tab", *"13,5", "ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "saved")
        saved = outcome_titled(demo_db, "Armes marquees")
        assert sorted((i.name, i.value) for i in saved.indicators) == [("Armes", 13500.0), ("Taux", 13.5)]

        # Shown back the French way; saving again unchanged keeps the values.
        await pilot.press("slash", *"armes marquees", "enter")
        await wait_until(pilot, app, lambda: len(screen.rows_by_id) == 1, "found")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        values = sorted(row.inputs["value"].value for row in form.editor.rows)
        assert values == ["13,5", "13\u202f500"]
        assert not form.dirty
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: app.screen is screen, "saved again")
    again = outcome_titled(demo_db, "Armes marquees")
    assert sorted((i.name, i.value) for i in again.indicators) == [("Armes", 13500.0), ("Taux", 13.5)]


async def test_escape_asks_when_only_an_indicator_changed(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outcomes(pilot, app)
        await pilot.press("enter")  # the newest outcome
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OutcomeFormScreen)
        editor = form.query_one(IndicatorEditor)
        await tab(pilot, 9)
        assert app.focused in editor.rows[0].inputs.values()
        await pilot.press("ctrl+r")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
    newest = list_outcomes(demo_db).rows[0]
    assert get_outcome(demo_db, newest.id).indicators  # nothing was removed


async def test_new_outcome_starts_with_defaults_and_closes_untouched(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outcomes(pilot, app)
        form = await new_outcome(pilot, app)
        assert form.title_text() == "New outcome"
        defaults = {name: field(form, name).value for name in ("kind", "verification", "country", "outcome_date")}
        assert defaults == {"kind": "other", "verification": "reported", "country": "ML", "outcome_date": ""}
        assert field(form, "outcome_date").control.placeholder == "dd/mm/yyyy"
        await pilot.press("escape")  # nothing typed: closes without a question
        await settle(pilot)
        assert app.screen is screen


async def test_search_delete_and_restore_an_outcome(demo_db, make_test_app):
    from fieldlog.screens.trash import TrashScreen
    from tests.ui_helpers import type_text

    app = make_test_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outcomes(pilot, app)
        assert len(screen.rows_by_id) == 4
        await pilot.press("slash")
        await type_text(pilot, "armes a feu")  # accents do not matter
        await wait_until(pilot, app, lambda: len(screen.rows_by_id) == 1, "one outcome found")
        [found] = screen.rows_by_id.values()
        assert found.title == "Armes à feu marquées au Burkina Faso et au Mali"
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, app, lambda: not screen.rows_by_id, "the outcome gone from the list")
        assert [row.title for row in list_outcomes(demo_db).rows if "Armes" in row.title] == []
        await pilot.press("f7")
        await wait_until(pilot, app, lambda: isinstance(app.screen, TrashScreen) and app.screen.rows_by_id, "the Trash")
        await pilot.press("r")
        await wait_until(pilot, app, lambda: not app.screen.rows_by_id, "the Trash emptied")
        assert len(list_outcomes(demo_db).rows) == 4
