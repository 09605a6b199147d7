"""Pilot tests: the Sync screen, export and import dialogs, conflict review, Home's pending
counts, and a TUI open while another process imports."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, OptionList, SelectionList, Static

from fieldlog.services.agencies import list_agencies
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.settings import Settings
from fieldlog.sync.conflicts import conflict_count, resolve_conflict
from fieldlog.sync.export import export_bundle
from fieldlog.screens.agencies import AgenciesScreen
from fieldlog.screens.conflicts import ConflictsScreen
from fieldlog.screens.home import HomeScreen
from fieldlog.screens.sync import SyncScreen
from fieldlog.screens.sync_export import ExportDialog
from fieldlog.screens.sync_import import ImportDialog
from tests.conftest import TODAY
from tests.sync_helpers import Office, content_hash, exchange, row
from tests.ui_helpers import settle, table_column, type_text, wait_until


@pytest.fixture
def offices(tmp_path):
    made = [Office(tmp_path, code) for code in ("BKO", "NIA", "HQ")]
    yield made
    for office in made:
        office.close()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def nia_id(office: Office) -> str:
    from sqlalchemy import text

    with office.db.read() as session:
        return session.execute(text("SELECT id FROM office WHERE code = 'NIA'")).scalar_one()


async def open_sync(pilot) -> SyncScreen:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncScreen)
    return pilot.app.screen


async def replace_text(pilot, text: str) -> None:
    """Empty the focused input, then paste (a long path typed key by key takes seconds)."""
    field = pilot.app.focused
    field.value = ""
    field.post_message(events.Paste(text))
    await pilot.pause()


# --- the Sync screen --------------------------------------------------------------------

async def test_sync_screen_shows_pending_changes_per_office(offices, make_test_app):
    bko, nia, _hq = offices
    exchange(bko, nia)
    create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        table = screen.query_one("#peers", DataTable)
        assert table_column(table) == ["NIA", "HQ"]  # HQ after: known only by its trusted key
        assert str(table.get_row_at(0)[2]) == "1"
        assert str(table.get_row_at(0)[3]) != "never"  # NIA's bundle was imported
        assert [str(cell) for cell in table.get_row_at(1)[2:]] == ["all", "never", "never"]
        assert "0 conflicts to review" in text_of(screen, "#waiting")
        assert "0 records waiting" in text_of(screen, "#waiting")


async def test_sync_screen_of_a_lone_office_says_how_to_start(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        assert not screen.query_one("#peers", DataTable).display
        assert "No other office is known yet" in text_of(screen, "#no-peers")


async def test_home_shows_what_each_known_office_has_not_acknowledged(offices, make_test_app):
    bko, nia, _hq = offices
    exchange(bko, nia)
    create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    create_participant(bko.db, family_name="Maïga", given_names="Aïssata", sex="F")
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        peers = app.screen.query_one("#peers", Static)
        assert peers.display
        assert "NIA 2" in str(peers.render())


async def test_home_of_a_lone_office_shows_no_pending_line(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#peers", Static).display


async def test_d_opens_the_duplicates_review(db, make_test_app):
    duplicates = pytest.importorskip("fieldlog.screens.duplicates")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, duplicates.DuplicatesScreen)


async def test_palette_commands_open_the_sync_dialogs(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Sync: Import")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportDialog)


# --- export -----------------------------------------------------------------------------

async def test_export_writes_a_bundle_for_the_chosen_office(offices, make_test_app, tmp_path):
    bko, nia, _hq = offices
    exchange(bko, nia)
    person = create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    stick = tmp_path / "stick"
    stick.mkdir()
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        # NIA, the office bundles were exchanged with, before HQ, known only by its key.
        assert dialog.query_one("#field-office").value == nia_id(bko)
        assert dialog.query_one("#field-folder").value == str(Path.home())
        await pilot.press("tab")
        await replace_text(pilot, str(stick))
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = list(stick.glob("*.fieldlog"))
        assert len(written) == 1 and written[0].name.startswith("BKO-to-NIA-")
        result = text_of(dialog, "#export-result")
        assert "Bundle for NIA written to" in result and "1 change it has not acknowledged" in result
        assert "only when NIA sends a bundle back" in result
        assert Settings.load().bundle_folder == str(stick)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert str(app.screen.query_one("#peers", DataTable).get_row_at(0)[4]) != "never"
    nia.receive(written[0])
    assert row(nia.db, "participant", person)["family_name"] == "Traoré"


async def test_export_to_a_missing_folder_says_so_and_writes_nothing(db, make_test_app, tmp_path):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert dialog.query_one("#field-office").value == ""  # no other office: a full bundle
        await pilot.press("tab")
        await replace_text(pilot, str(tmp_path / "no-such-folder"))
        await pilot.press("enter")
        await settle(pilot)
        field = dialog.query_one("#field-folder")
        assert field.has_class("-invalid")
        assert "does not exist" in str(field.query_one(".field-error").render())
        assert isinstance(app.screen, ExportDialog)

        # A folder that exists, but no office could read the bundle: refused, in one line.
        await replace_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await settle(pilot)
        assert not field.has_class("-invalid")
        note = dialog.query_one("#export-result", Static)
        assert note.has_class("-error")
        assert str(note.render()).startswith("No other office's key is trusted here, so nobody could read the bundle")
        assert list(tmp_path.glob("*.fieldlog")) == []


async def test_a_full_bundle_is_for_every_trusted_office(offices, make_test_app, tmp_path):
    from fieldlog.screens.sync_export import FULL

    bko, nia, hq = offices
    person = create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#field-office").control.value = FULL
        await pilot.press("tab")
        await replace_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await settle(pilot)
        assert "Full bundle written to" in text_of(dialog, "#export-result")
    written = list(tmp_path.glob("BKO-to-full-*.fieldlog"))
    assert len(written) == 1
    for office in (nia, hq):
        office.receive(written[0])
        assert row(office.db, "participant", person)["family_name"] == "Traoré"


# --- import -----------------------------------------------------------------------------

async def open_import(pilot, folder: Path) -> ImportDialog:
    await open_sync(pilot)
    await pilot.press("i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportDialog)
    await replace_text(pilot, str(folder))
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def test_import_one_then_several_bundles_from_a_folder(offices, make_test_app, tmp_path):
    bko, nia, hq = offices
    stick = tmp_path / "stick"
    stick.mkdir()
    first = create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M", country="NE")
    export_bundle(nia.db, out=stick / "NIA-1.fieldlog", full=True)
    os.utime(stick / "NIA-1.fieldlog", (1_700_000_000, 1_700_000_000))
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_import(pilot, stick)
        files = dialog.query_one(SelectionList)
        assert files.option_count == 1 and app.focused is files
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        result = text_of(dialog, "#import-result")
        assert "NIA-1.fieldlog: 2 new changes from NIA" in result
        assert "Records — new: 2," in result
        assert row(bko.db, "participant", first)["family_name"] == "Abdou"

        second = create_participant(nia.db, family_name="Moussa", given_names="Halima", sex="F", country="NE")
        export_bundle(nia.db, out=stick / "NIA-2.fieldlog", full=True)
        export_bundle(hq.db, out=stick / "HQ-1.fieldlog", full=True)
        os.utime(stick / "HQ-1.fieldlog", (1_700_000_100, 1_700_000_100))
        os.utime(stick / "NIA-2.fieldlog", (1_700_000_200, 1_700_000_200))
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab")  # Close, Import, summary, list, path
        assert app.focused is dialog.path_input
        await pilot.press("enter")
        await settle(pilot)
        assert [str(option.prompt).split()[0] for option in files.options] == [
            "NIA-2.fieldlog", "HQ-1.fieldlog", "NIA-1.fieldlog"  # newest first
        ]
        await pilot.press("space", "down", "space", "ctrl+s")
        await settle(pilot)
        result = text_of(dialog, "#import-result")
        assert "NIA-2.fieldlog: 1 new change from NIA" in result
        assert "HQ-1.fieldlog: 1 new change from HQ" in result
        assert row(bko.db, "participant", second)["given_names"] == "Halima"
        await pilot.press("escape")
        await settle(pilot)
        assert table_column(app.screen.query_one("#peers", DataTable)) == ["HQ", "NIA"]


async def test_a_file_path_is_listed_ticked(offices, make_test_app, tmp_path):
    bko, nia, _hq = offices
    bundle = nia.send()
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_import(pilot, bundle)
        assert dialog.query_one(SelectionList).selected == [str(bundle)]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "new change from NIA" in text_of(dialog, "#import-result")


async def test_a_bad_bundle_is_refused_inline_and_nothing_is_imported(offices, make_test_app, tmp_path):
    bko, nia, _hq = offices
    stick = tmp_path / "stick"
    stick.mkdir()
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    export_bundle(nia.db, out=stick / "good.fieldlog", full=True)
    (stick / "broken.fieldlog").write_bytes(b"FIELDLOG-BUNDLE\n\x00\x01garbage")
    before = content_hash(bko.db)
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_import(pilot, stick)
        assert dialog.query_one(SelectionList).option_count == 2
        await pilot.press("space", "down", "space", "ctrl+s")
        await settle(pilot)
        note = dialog.query_one("#import-result", Static)
        assert note.has_class("-error")
        message = str(note.render())
        assert "broken.fieldlog" in message and "\n" not in message
        assert isinstance(app.screen, ImportDialog)
    assert content_hash(bko.db) == before


async def test_import_with_nothing_ticked_says_what_to_do(db, make_test_app, tmp_path):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_import(pilot, tmp_path)
        assert "No bundle" in str(dialog.query_one("#field-path .field-error").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Tick the bundles" in text_of(dialog, "#import-result")


# --- conflicts --------------------------------------------------------------------------

def make_conflict(bko: Office, nia: Office) -> str:
    person = create_participant(bko.db, family_name="Diallo", given_names="Awa", sex="F")
    exchange(bko, nia)
    for office, function in ((bko, "Capitaine"), (nia, "Commandant")):
        current = get_participant(office.db, person).model_dump(exclude={"id", "deleted"})
        update_participant(office.db, person, **{**current, "function": function})
    exchange(bko, nia)
    return person


async def test_conflict_review_keeps_the_chosen_value(offices, make_test_app):
    bko, nia, _hq = offices
    person = make_conflict(bko, nia)
    in_force = row(bko.db, "participant", person)["function"]
    other = "Capitaine" if in_force == "Commandant" else "Commandant"
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        assert "1 conflict to review" in text_of(screen, "#waiting")
        await pilot.press("c")
        await settle(pilot)
        conflicts = app.screen
        assert isinstance(conflicts, ConflictsScreen)
        table = conflicts.query_one("#conflict-rows", DataTable)
        assert table_column(table) == ["Diallo Awa"]
        assert str(table.get_row_at(0)[1]) == "Function"
        choices = conflicts.query_one("#conflict-choices", OptionList)
        assert [str(choices.get_option_at_index(i).prompt).split()[0] for i in range(2)] == [in_force, other]
        await pilot.press("enter")
        assert app.focused is choices
        await pilot.press("down", "enter")
        await settle(pilot)
        assert conflict_count(bko.db) == 0
        assert row(bko.db, "participant", person)["function"] == other
        assert table.row_count == 0
        assert "No conflicts to review" in text_of(conflicts, "#conflicts-count")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert "0 conflicts to review" in text_of(app.screen, "#waiting")


def make_two_conflicts(bko: Office, nia: Office) -> list[str]:
    people = [create_participant(bko.db, family_name=family, given_names=given, sex="F")
              for family, given in (("Diallo", "Awa"), ("Keïta", "Fanta"))]
    exchange(bko, nia)
    for person in people:
        for office, function in ((bko, "Capitaine"), (nia, "Commandant")):
            update_participant(office.db, person, function=function)
    exchange(bko, nia)
    return people


async def open_conflicts(pilot) -> ConflictsScreen:
    await open_sync(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConflictsScreen)
    return pilot.app.screen


async def test_a_reload_while_choosing_keeps_the_field_and_the_value_being_chosen(offices, make_test_app):
    """Another fieldlog settles the conflict above the one being chosen: the screen reloads by
    itself, and Enter still keeps the value highlighted, for the field it was highlighted for."""
    bko, nia, _hq = offices
    first, second = make_two_conflicts(bko, nia)
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        conflicts = await open_conflicts(pilot)
        table = conflicts.query_one("#conflict-rows", DataTable)
        assert table.row_count == 2
        await pilot.press("down")
        chosen = conflicts.selected
        other_row = next(r for r in conflicts.rows.values() if r.record_id != chosen.record_id)
        kept = chosen.choices[1].value
        await pilot.press("enter", "down")
        resolve_conflict(bko.db, table="participant", record_id=other_row.record_id, column="function",
                         value=other_row.choices[0].value)
        conflicts.reload()  # as when the app sees another process's commit
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert row(bko.db, "participant", chosen.record_id)["function"] == kept
        assert conflict_count(bko.db) == 0


async def test_a_field_settled_elsewhere_while_choosing_is_not_replaced_by_another(offices, make_test_app):
    """The conflict being chosen is settled by another fieldlog: Enter must not settle the next
    one in its place, which the person has not looked at."""
    bko, nia, _hq = offices
    make_two_conflicts(bko, nia)
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        conflicts = await open_conflicts(pilot)
        chosen = conflicts.selected
        await pilot.press("enter", "down")
        resolve_conflict(bko.db, table="participant", record_id=chosen.record_id, column="function",
                         value=chosen.choices[0].value)
        conflicts.reload()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert conflict_count(bko.db) == 1


# --- another process at work ------------------------------------------------------------

def participant_names(app) -> list[str]:
    return table_column(app.screen.query_one("#rows").table)


async def test_an_import_by_another_process_appears_without_a_key(offices, make_test_app):
    bko, nia, _hq = offices
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    bundle = nia.send()
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert participant_names(app) == []
        subprocess.run(
            [sys.executable, "-m", "fieldlog", "bundle", "import", "--db", str(bko.db.path), str(bundle)],
            check=True, capture_output=True, env={**os.environ, "FIELDLOG_CONFIG_DIR": str(bko.folder / "cfg")},
        )
        await wait_until(pilot, app, lambda: participant_names(app) == ["ABDOU Issa"], "the imported participant")


async def test_ctrl_r_reads_what_another_connection_imported(offices, make_test_app):
    from fieldlog.schema import open_database

    bko, nia, _hq = offices
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    bundle = nia.send()
    app = make_test_app(bko.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.watcher.close()  # only the key refreshes now
        await pilot.press("f4")
        await settle(pilot)
        other = open_database(bko.db.path)
        try:
            from fieldlog.sync.importer import import_bundles

            import_bundles(other, [bundle])
        finally:
            other.close()
        await settle(pilot)
        assert participant_names(app) == []
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert participant_names(app) == ["ABDOU Issa"]


async def test_a_save_waits_for_another_writer_without_freezing(tmp_path):
    from fieldlog.screens.app import WRITE_WAIT_S, make_app
    from fieldlog.schema import open_database
    from fieldlog.services.offices import initialise_office

    path = tmp_path / "bko.db"
    setup = open_database(path)
    initialise_office(setup, code="BKO", name="Bureau de Bamako", country="ML")
    setup.close()
    app = make_app(db_path=path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, app, lambda: app.office is not None, "the database opened")
        with app.db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == WRITE_WAIT_S * 1000
        await pilot.press("f5", "n")
        await settle(pilot)
        await type_text(pilot, "Gendarmerie nationale")

        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE local_state SET author = author")
        released = threading.Timer(3.0, holder.commit)
        released.start()
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(1.0)
            # Still waiting for the lock, and the screen still answers.
            assert "Saving" in str(app.screen.query_one(".form-message", Static).render())
            await pilot.press("end")
            await wait_until(pilot, app, lambda: isinstance(app.screen, AgenciesScreen), "the form closed")
        finally:
            released.join()
            holder.close()
        assert [agency.name for agency in list_agencies(app.db).rows] == ["Gendarmerie nationale"]
    app.db.close()
