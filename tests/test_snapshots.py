"""A snapshot of every screen at 80×24, on the demonstration database.

Update after an intended change of layout with `pytest tests/test_snapshots.py --snapshot-update`,
then look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input



@pytest.fixture(autouse=True)
def no_reload_during_the_picture(monkeypatch):
    """The app looks for other processes' commits every 2 s and reloads the screen if it sees
    one; a picture must not depend on whether such a look falls inside it on a slow machine."""
    from fieldlog.screens import app as app_module

    monkeypatch.setattr(app_module, "WATCH_INTERVAL_S", 3600.0)


async def settle(pilot) -> None:
    """Let workers finish, then wait until the screen stops changing."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
    # Workers, DataTables sizing their columns when idle, a dialog's background reloading: on a
    # loaded machine any of them may still change the picture. Wait until no table has rows
    # waiting to be measured (a loaded machine was caught showing every column as narrow as
    # its heading, three pictures in a row), then until the picture stops changing.
    previous, same = None, 0
    for _ in range(100):
        await app.workers.wait_for_complete()
        for field in app.screen.query(Input):  # inputs that appeared meanwhile too
            field.cursor_blink = False
        if tables_to_measure(app):
            same = 0
            await pilot.pause(0.05)
            continue
        shot = app.export_screenshot()
        same = same + 1 if shot == previous else 0
        if same == 2:
            break
        previous = shot
        await pilot.pause(0.05)


def tables_to_measure(app) -> list[DataTable]:
    """Tables, on any screen shown, that have rows or cells their column widths do not count
    yet: Textual measures them when the table is next idle."""
    return [
        table
        for screen in app.screen_stack
        for table in screen.query(DataTable)
        if table._require_update_dimensions or table._updated_cells
    ]


def keys(*presses: str):
    async def run_before(pilot) -> None:
        # The screen a dialog opens over must be whole first: a dialog can freeze the picture of
        # what is behind it half-drawn.
        await settle(pilot)
        for key in presses:
            if key.startswith("type:"):
                for char in key[5:]:
                    await pilot.press(char)
                await pilot.pause(0.5)  # debounced searches and checks answer after a pause in typing
            else:
                await pilot.press(key)
            await settle(pilot)

    return run_before


SCREENS = {
    "home": (),
    "agencies": ("f5",),
    "agency_new": ("f5", "n"),
    "agency_invalid": ("f5", "n", "ctrl+s"),
    "trash": ("f5", "d", "y", "f7"),
    "help": ("f1",),
    "settings": ("ctrl+o",),
    "confirm_delete": ("f5", "d"),
    "workshops": ("f3",),
    "workshop_new": ("f3", "n"),
    "workshop_invalid": ("f3", "n", "type:Atelier", "tab", "tab", "type:15/10/2021", "tab", "type:13/10/2021", "ctrl+s"),
    "workshop_detail": ("f3", "down", "down", "down", "enter"),
    "workshop_enrol": ("f3", "down", "down", "down", "enter", "i", "type:traore"),
    "workshop_role": ("f3", "down", "down", "down", "enter", "r"),
    "participants": ("f4",),
    "participants_search": ("f4", "slash", "type:maiga"),
    "participant_new": ("f4", "n"),
    "participant_invalid": ("f4", "n", "ctrl+s"),
    "participant_similar": ("f4", "n", "type:Moussa", "tab", "type:Traore"),
    "outcomes": ("f6",),
    "outcome_new": ("f6", "n"),
    "outcome_edit": ("f6", "enter"),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen(name, demo_db, make_test_app, snap_compare):
    assert snap_compare(make_test_app(demo_db), terminal_size=(80, 24), run_before=keys(*SCREENS[name]))


def test_first_start_asks_for_the_office(db, blank_db, make_test_app, snap_compare, tmp_path):
    from fieldlog.schema import open_database

    fresh = open_database(tmp_path / "fresh.db")
    assert snap_compare(make_test_app(fresh), terminal_size=(80, 24), run_before=keys())
    fresh.close()


def test_duplicates_screen(demo_db, make_test_app, snap_compare):
    """Probable pairs side by side: the same name in another word order, a misspelt name."""
    assert duplicates_snapshot(demo_db, make_test_app, snap_compare)


def duplicates_snapshot(demo_db, make_test_app, snap_compare) -> bool:
    from fieldlog.services.agencies import agency_choices
    from fieldlog.services.participants import create_participant

    bis = next(value for label, value in agency_choices(demo_db) if "(BIS)" in label)
    create_participant(demo_db, family_name="Moussa", given_names="TRAORE", sex="M", agency_id=bis, country="ML")
    create_participant(demo_db, family_name="Coulibali", given_names="Aminata", sex="F", country="ML")
    create_participant(demo_db, family_name="KEITA", given_names="Seydou", sex="M", country="ML")

    async def run_before(pilot) -> None:
        from fieldlog.screens.duplicates import DuplicatesScreen

        await settle(pilot)
        pilot.app.push_screen(DuplicatesScreen())
        await settle(pilot)

    return snap_compare(make_test_app(demo_db), terminal_size=(80, 24), run_before=run_before)


# --- sync: the demonstration office (BKO) after exchanges with a second office (NIA) --------

SYNC_SCREENS = {
    "home_with_an_office_known": (),
    "sync": ("f8",),
    "sync_export": ("f8", "e"),
    "sync_import": ("f8", "i", "tab", "space", "ctrl+s"),
    "sync_conflicts": ("f8", "c"),
}


@pytest.fixture
def sync_demo(demo_db, tmp_path, monkeypatch):
    """NIA knows BKO's demonstration data; both changed one person's function (a conflict);
    BKO has one change NIA has not acknowledged; a bundle from NIA waits in ./stick."""
    import os
    import time

    from sqlalchemy import text

    from fieldlog.services.participants import (
        create_participant, get_participant, list_participants, update_participant,
    )
    from fieldlog.settings import Settings
    from fieldlog.sync.export import export_bundle
    from fieldlog.sync.importer import import_bundles
    from tests.sync_helpers import Office, trust_each_other

    def send(source, target, name: str, **how) -> None:
        export_bundle(source, out=tmp_path / name, **how)
        import_bundles(target, [tmp_path / name])

    def set_function(db, person: str, function: str) -> None:
        current = get_participant(db, person).model_dump(exclude={"id", "deleted"})
        update_participant(db, person, **{**current, "function": function})

    nia = Office(tmp_path, "NIA", country="NE")
    trust_each_other(demo_db, nia.db)
    send(demo_db, nia.db, "1.fieldlog", full=True)
    send(nia.db, demo_db, "2.fieldlog", to="BKO")
    person = list_participants(demo_db).rows[0].id
    set_function(demo_db, person, "Commissaire principal")
    set_function(nia.db, person, "Commissaire divisionnaire")
    send(demo_db, nia.db, "3.fieldlog", to="NIA")
    send(nia.db, demo_db, "4.fieldlog", to="BKO")
    create_participant(demo_db, family_name="Abdou", given_names="Issa", sex="M", country="NE")
    create_participant(nia.db, family_name="Moussa", given_names="Halima", sex="F", country="NE")
    stick = tmp_path / "stick"
    stick.mkdir()
    export_bundle(nia.db, out=stick / "NIA-to-BKO.fieldlog", to="BKO")
    os.utime(stick / "NIA-to-BKO.fieldlog", (1_795_000_000, 1_795_000_000))
    nia.close()
    with demo_db.write() as session:  # wall-clock bookkeeping, fixed for the picture
        session.execute(text(
            "UPDATE peer SET last_import_at = '2026-11-20T09:30:00+00:00', last_export_at = '2026-11-19T16:05:00+00:00'"
        ))
    monkeypatch.chdir(tmp_path)
    Settings(bundle_folder="stick").save()
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield demo_db
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


@pytest.mark.parametrize("name", sorted(SYNC_SCREENS))
def test_sync_screen(name, sync_demo, make_test_app, snap_compare):
    assert snap_compare(make_test_app(sync_demo), terminal_size=(80, 24), run_before=keys(*SYNC_SCREENS[name]))


def test_reports_screen(demo_db, make_test_app, snap_compare):
    """Reports (F9): the sign-in sheet of the next workshop, previewed as it will print."""
    assert reports_snapshot(demo_db, make_test_app, snap_compare)


def reports_snapshot(demo_db, make_test_app, snap_compare) -> bool:
    from fieldlog.settings import Settings

    Settings(report_folder="~/Documents").save()  # the same folder on every machine

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f9")
        for _ in range(50):  # workshops, then the workshop's days, then the preview
            await settle(pilot)
            if pilot.app.screen._shown is not None:
                break
        await settle(pilot)

    return snap_compare(make_test_app(demo_db), terminal_size=(80, 24), run_before=run_before)


# --- every screen again, in French (issue 5): no English word may be left ------------------


@pytest.fixture
def french():
    from fieldlog.i18n import set_language

    set_language("fr")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_in_french(name, french, demo_db, make_test_app, snap_compare):
    assert snap_compare(make_test_app(demo_db), terminal_size=(80, 24), run_before=keys(*SCREENS[name]))


@pytest.mark.parametrize("name", sorted(SYNC_SCREENS))
def test_sync_screen_in_french(name, french, sync_demo, make_test_app, snap_compare):
    assert snap_compare(make_test_app(sync_demo), terminal_size=(80, 24), run_before=keys(*SYNC_SCREENS[name]))


def test_first_start_in_french(french, blank_db, make_test_app, snap_compare):
    assert snap_compare(make_test_app(blank_db), terminal_size=(80, 24), run_before=keys())


def test_duplicates_screen_in_french(french, demo_db, make_test_app, snap_compare):
    assert duplicates_snapshot(demo_db, make_test_app, snap_compare)


def test_reports_screen_in_french(french, demo_db, make_test_app, snap_compare):
    assert reports_snapshot(demo_db, make_test_app, snap_compare)
