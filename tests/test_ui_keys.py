"""Pilot tests of the office keys: the Keys screen (F8, then k), importing and trusting a key
after comparing fingerprints, revoking one, the passphrase asked before an export or an import,
bundles refused inline; and snapshots of the Keys screen and the trust question."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, SelectionList, Static

from fieldlog.keys.trust import (
    export_card, import_card, keys_are_protected, list_keys, own_key, read_card, set_passphrase,
)
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office
from fieldlog.services.participants import create_participant
from fieldlog.settings import Settings
from fieldlog.sync.export import export_bundle
from fieldlog.screens.confirm import ConfirmScreen
from fieldlog.screens.key_export import KeyExportDialog
from fieldlog.screens.key_import import KeyImportDialog
from fieldlog.screens.key_trust import TrustDialog
from fieldlog.screens.keys import KeysScreen
from fieldlog.screens.passphrase import PassphraseDialog
from fieldlog.screens.passphrase_change import ChangePassphraseDialog
from fieldlog.screens.sync import SyncScreen
from fieldlog.screens.sync_export import ExportDialog
from fieldlog.screens.sync_import import ImportDialog
from tests.sync_helpers import Office, content_hash, row, trust_each_other
from tests.test_snapshots import keys  # presses keys, settling (DataTables sized) before the picture
from tests.ui_helpers import settle, table_column, type_text

PASSPHRASE = "sahel 2026 workshop"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def status_of(db, code: str) -> tuple[str, str]:
    key = next(key for key in list_keys(db) if key.code == code)
    return key.status, key.public.role


async def replace_text(pilot, text: str) -> None:
    """Empty the focused input, then paste (a long path typed key by key takes seconds)."""
    field = pilot.app.focused
    field.value = ""
    field.post_message(events.Paste(text))
    await pilot.pause()


async def open_keys(pilot) -> KeysScreen:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncScreen)
    await pilot.press("k")
    await settle(pilot)
    assert isinstance(pilot.app.screen, KeysScreen)
    return pilot.app.screen


def shown_statuses(screen: KeysScreen) -> dict[str, str]:
    """Office code → the status line of its row."""
    table = screen.query_one("#key-rows", DataTable)
    return {
        str(table.get_row_at(index)[0]).split("\n")[0]: str(table.get_row_at(index)[1]).split("\n")[0]
        for index in range(table.row_count)
    } if table.display else {}


@pytest.fixture
def stick(tmp_path) -> Path:
    """A USB stick, remembered as the bundle folder."""
    folder = tmp_path / "stick"
    folder.mkdir()
    Settings(bundle_folder=str(folder)).save()
    return folder


@pytest.fixture
def niamey(tmp_path):
    """A second office, in its own database, that this one knows nothing of yet."""
    db = open_database(tmp_path / "nia.db")
    initialise_office(db, code="NIA", name="Bureau de Niamey", country="NE", author="Issa Abdou")
    yield db
    db.close()


# --- the Keys screen --------------------------------------------------------------------

async def test_the_keys_screen_shows_this_office_and_how_to_start(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        own = own_key(db)
        assert "BKO · Bureau de Bamako · office" in text_of(screen, "#own-office")
        assert own.fingerprint in text_of(screen, "#own-digits")
        assert "no passphrase" in text_of(screen, "#own-protection")
        assert not screen.query_one("#key-rows", DataTable).display
        assert "No other office's key yet" in text_of(screen, "#no-keys")
        await pilot.press("t")
        assert "import one first" in text_of(screen, "#keys-result")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)


async def test_this_office_becomes_a_coordinator_and_back(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        assert "· office (c: change)" in text_of(screen, "#own-office")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Make BKO a coordinator?" in app.screen.question
        await pilot.press("n")  # asked, and left as it was
        await settle(pilot)
        assert own_key(db).public.role == "office"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert own_key(db).public.role == "coordinator"
        assert "BKO is a coordinator" in text_of(screen, "#keys-result")
        assert "· coordinator (c: change)" in text_of(screen, "#own-office")
        await pilot.press("c")
        await settle(pilot)
        assert "Make BKO an ordinary office?" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert own_key(db).public.role == "office"
        assert "its own changes only" in text_of(screen, "#keys-result")


async def test_new_keys_after_asking(db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        old = own_key(db)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Make new keys for BKO?" in app.screen.question
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert own_key(db).key_id == old.key_id
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        new = own_key(db)
        assert new.key_id != old.key_id
        assert f"new fingerprint {new.fingerprint}" in text_of(screen, "#keys-result")
        assert new.fingerprint in text_of(screen, "#own-digits")
        assert shown_statuses(screen) == {"BKO": "former key, not used"}


async def test_protected_keys_are_renewed_with_a_new_passphrase(db, make_test_app):
    set_passphrase(db, old=None, new=PASSPHRASE)
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        old = own_key(db)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ChangePassphraseDialog)
        await type_text(pilot, "short")
        await pilot.press("tab")
        await type_text(pilot, "short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert own_key(db).key_id == old.key_id  # refused: too short, nothing made
        app.screen.query_one("#field-new").control.value = "new sahel passphrase"
        app.screen.query_one("#field-again").control.value = "new sahel passphrase"
        await pilot.press("ctrl+s")
        for _ in range(40):
            await settle(pilot)
            if isinstance(app.screen, KeysScreen):
                break
        new = own_key(db)
        assert new.key_id != old.key_id and keys_are_protected(db)
        assert load_secret_with(db, "new sahel passphrase").key_id == new.key_id
        assert f"new fingerprint {new.fingerprint}" in text_of(screen, "#keys-result")


def load_secret_with(db, passphrase: str):
    from fieldlog.keys.trust import load_secret

    key = own_key(db)
    return load_secret(db, passphrase).public(office_id=key.public.office_id, code=key.code, name=key.public.name,
                                              country=key.public.country, role=key.public.role)


async def test_export_the_key_card_says_where_and_what_to_read(db, make_test_app, stick):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, KeyExportDialog)
        assert dialog.query_one("#field-folder").value == str(stick)
        await pilot.press("ctrl+s")
        await settle(pilot)
        card = stick / "BKO.fieldlog-key"
        assert read_card(card).fingerprint == own_key(db).fingerprint
        result = text_of(dialog, "#key-export-result")
        assert str(card) in result and own_key(db).fingerprint in result
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)


async def test_export_the_key_card_to_a_missing_folder_says_so(db, make_test_app, tmp_path):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot)
        await pilot.press("e")
        await settle(pilot)
        await replace_text(pilot, str(tmp_path / "no-such-stick"))
        await pilot.press("enter")
        await settle(pilot)
        field = app.screen.query_one("#field-folder")
        assert field.has_class("-invalid")
        assert "does not exist" in str(field.query_one(".field-error").render())


async def test_import_a_card_then_trust_it_after_comparing_fingerprints(db, niamey, make_test_app, stick):
    export_card(niamey, stick)
    (stick / "junk.fieldlog-key").write_text("not a key")
    fingerprint = own_key(niamey).fingerprint
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, KeyImportDialog)
        files = dialog.query_one(SelectionList)
        assert sorted(str(option.prompt) for option in files.options) == [
            "NIA.fieldlog-key  NIA · Bureau de Niamey", "junk.fieldlog-key  not a key file",
        ]
        await pilot.press("tab")
        assert app.focused is files
        index = next(i for i, option in enumerate(files.options) if "NIA" in str(option.prompt))
        files.highlighted = index
        await pilot.press("space", "ctrl+s")
        await settle(pilot)

        assert app.screen is screen
        assert status_of(db, "NIA") == ("pending", "office")
        assert shown_statuses(screen) == {"NIA": "not trusted yet"}
        said = text_of(screen, "#keys-result")
        assert f"Key of NIA (Bureau de Niamey) imported; not trusted yet. Fingerprint: {fingerprint}" in said
        assert "trust its key (t)" in said

        await pilot.press("t")  # "No": nothing changes
        await settle(pilot)
        question = app.screen
        assert isinstance(question, TrustDialog)
        assert fingerprint in str(question.query_one(".fingerprint-plain", Static).render())
        assert "Does NIA read you this same fingerprint?" in str(question.query_one(".dialog-question").render())
        await pilot.press("n")
        await settle(pilot)
        assert status_of(db, "NIA") == ("pending", "office")

        await pilot.press("enter")  # Enter on a key asks the same question
        await settle(pilot)
        assert isinstance(app.screen, TrustDialog)
        await pilot.press("y")
        await settle(pilot)
        assert status_of(db, "NIA") == ("trusted", "office")
        assert shown_statuses(screen) == {"NIA": "trusted"}
        assert "NIA is trusted: its bundles are accepted" in text_of(screen, "#keys-result")


async def test_trust_a_key_as_a_coordinator(db, niamey, make_test_app, tmp_path):
    import_card(db, export_card(niamey, tmp_path))
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("c", "y")
        await settle(pilot)
        assert status_of(db, "NIA") == ("trusted", "coordinator")
        assert "NIA is trusted, as a coordinator" in text_of(screen, "#keys-result")
        assert str(screen.query_one("#key-rows", DataTable).get_row_at(0)[1]).split("\n")[1] == "coordinator"


async def test_a_revoked_key_is_refused_from_then_on(tmp_path, make_test_app):
    bko, nia = Office(tmp_path, "BKO"), Office(tmp_path, "NIA")
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    bundle = nia.send(bko)
    before = content_hash(bko.db)
    app = make_test_app(bko.db)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_keys(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            assert "This is final" in str(app.screen.query_one(".dialog-question").render())
            await pilot.press("y")
            await settle(pilot)
            assert status_of(bko.db, "NIA")[0] == "revoked"
            assert shown_statuses(screen) == {"NIA": "revoked"}
            assert "The key of NIA is revoked" in text_of(screen, "#keys-result")

            await pilot.press("t")  # never trusted again
            await settle(pilot)
            assert isinstance(app.screen, KeysScreen)
            assert "never trusted again" in text_of(screen, "#keys-result")
            assert screen.query_one("#keys-result").has_class("-error")

            await pilot.press("escape", "i")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ImportDialog)
            await replace_text(pilot, str(bundle))
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            note = dialog.query_one("#import-result", Static)
            assert note.has_class("-error")
            assert f"{bundle.name} is signed by a revoked key of NIA" in str(note.render())
        assert content_hash(bko.db) == before
    finally:
        bko.close()
        nia.close()


# --- the passphrase ---------------------------------------------------------------------

async def test_set_a_passphrase_then_export_asks_it_once(tmp_path, make_test_app, stick):
    bko, nia = Office(tmp_path, "BKO"), Office(tmp_path, "NIA")
    person = create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    app = make_test_app(bko.db)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_keys(pilot)
            await pilot.press("p")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ChangePassphraseDialog)
            await type_text(pilot, "short")
            await pilot.press("enter")
            await type_text(pilot, "short")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "at least 8 characters" in str(dialog.query_one("#field-new .field-error").render())
            await replace_text(pilot, PASSPHRASE)
            await pilot.press("enter")
            await replace_text(pilot, PASSPHRASE + "!")
            await pilot.press("enter")
            await settle(pilot)
            assert "differ" in str(dialog.query_one("#field-again .field-error").render())
            assert not keys_are_protected(bko.db)
            await replace_text(pilot, PASSPHRASE)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            assert keys_are_protected(bko.db)
            assert "protected by the passphrase" in text_of(screen, "#keys-result")
            assert "protected by a passphrase" in text_of(screen, "#own-protection")

            await pilot.press("escape", "e")
            await settle(pilot)
            export = app.screen
            assert isinstance(export, ExportDialog)
            await pilot.press("ctrl+s")
            await settle(pilot)
            asked = app.screen
            assert isinstance(asked, PassphraseDialog)
            await type_text(pilot, "not it at all")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is asked
            error = asked.query_one("#field-passphrase .field-error")
            assert "That is not the passphrase of this office's keys." in str(error.render())
            assert asked.query_one("#field-passphrase").value == ""
            assert list(stick.glob("*.fieldlog")) == []
            await replace_text(pilot, PASSPHRASE)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is export
            written = list(stick.glob("*.fieldlog"))
            assert len(written) == 1 and written[0].name.startswith("BKO-to-NIA-")
            assert "Bundle for NIA written to" in text_of(export, "#export-result")
            assert app.unlocked_keys is not None

            await pilot.press("escape", "e", "ctrl+s")  # unlocked for the session: not asked again
            await settle(pilot)
            assert isinstance(app.screen, ExportDialog)
            assert "Bundle for NIA written to" in text_of(app.screen, "#export-result")
        nia.receive(written[0])
        assert row(nia.db, "participant", person)["family_name"] == "Traoré"
    finally:
        bko.close()
        nia.close()


async def test_esc_at_the_passphrase_cancels_the_import(tmp_path, make_test_app):
    bko, nia = Office(tmp_path, "BKO"), Office(tmp_path, "NIA")
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    bundle = nia.send(bko)
    set_passphrase(bko.db, old=None, new=PASSPHRASE)
    before = content_hash(bko.db)
    app = make_test_app(bko.db)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f8", "i")
            await settle(pilot)
            dialog = app.screen
            await replace_text(pilot, str(bundle))
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, PassphraseDialog)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is dialog
            assert "nothing was imported" in text_of(dialog, "#import-result")
            assert content_hash(bko.db) == before
            await pilot.press("ctrl+s")  # asked again, this time given
            await settle(pilot)
            await replace_text(pilot, PASSPHRASE)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            assert "2 new changes from NIA" in text_of(dialog, "#import-result")
    finally:
        bko.close()
        nia.close()


async def test_change_then_remove_the_passphrase(db, make_test_app):
    set_passphrase(db, old=None, new=PASSPHRASE)
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_keys(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert dialog.query_one("#field-current")  # the current one is asked first
        await type_text(pilot, "wrong passphrase")
        await pilot.press("tab")
        await replace_text(pilot, "another long one")
        await pilot.press("tab")
        await replace_text(pilot, "another long one")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "That is not the passphrase" in str(dialog.query_one("#field-current .field-error").render())
        assert app.focused is dialog.query_one("#field-current").control
        await replace_text(pilot, PASSPHRASE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert keys_are_protected(db)

        await pilot.press("p")
        await settle(pilot)
        await replace_text(pilot, "another long one")
        app.screen.query_one("#remove").press()
        await settle(pilot)
        assert app.screen is screen
        assert not keys_are_protected(db)
        assert "The passphrase is removed" in text_of(screen, "#keys-result")


# --- bundles and the keys ---------------------------------------------------------------

async def test_an_office_known_only_by_its_key_can_be_sent_a_first_bundle(db, niamey, make_test_app, stick):
    trust_each_other(db, niamey)
    person = create_participant(db, family_name="Traoré", given_names="Moussa", sex="M")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        table = app.screen.query_one("#peers", DataTable)
        assert table_column(table) == ["NIA"] and str(table.get_row_at(0)[2]) == "all"
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        select = dialog.query_one("#field-office").control
        assert select.value == own_key(niamey).public.office_id
        assert "NIA · Bureau de Niamey (first bundle)" in [str(label) for label, _value in select._options]
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = list(stick.glob("BKO-to-NIA-*.fieldlog"))
        assert len(written) == 1
    from fieldlog.sync.importer import import_bundles

    import_bundles(niamey, written)
    assert row(niamey, "participant", person)["family_name"] == "Traoré"


async def test_a_bundle_encrypted_for_another_office_is_refused_inline(tmp_path, make_test_app):
    offices = [Office(tmp_path, code, coordinator=False) for code in ("BKO", "NIA", "HQ")]
    bko, nia, hq = offices
    create_participant(nia.db, family_name="Abdou", given_names="Issa", sex="M")
    bundle = nia.send(hq)
    before = content_hash(bko.db)
    app = make_test_app(bko.db)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f8", "i")
            await settle(pilot)
            dialog = app.screen
            await replace_text(pilot, str(bundle))
            await pilot.press("enter")
            await settle(pilot)
            listed = str(dialog.query_one(SelectionList).get_option_at_index(0).prompt)
            assert listed.startswith(bundle.name) and listed.endswith("(for other offices)")
            await pilot.press("ctrl+s")
            await settle(pilot)
            note = dialog.query_one("#import-result", Static)
            assert note.has_class("-error")
            assert str(note.render()) == (
                f"{bundle.name} is encrypted for other offices: this office's key cannot open it. "
                "Nothing was imported."
            )
        assert content_hash(bko.db) == before
    finally:
        for office in offices:
            office.close()


async def test_a_bundle_from_an_office_not_trusted_yet_says_what_to_do(db, niamey, make_test_app, tmp_path):
    import_card(niamey, export_card(db, tmp_path))  # NIA trusts BKO; BKO has NIA's key, not trusted
    from fieldlog.keys.trust import trust_key

    trust_key(niamey, "BKO")
    import_card(db, export_card(niamey, tmp_path))
    create_participant(niamey, family_name="Abdou", given_names="Issa", sex="M")
    bundle = tmp_path / "NIA-1.fieldlog"
    export_bundle(niamey, out=bundle, to="BKO")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8", "i")
        await settle(pilot)
        dialog = app.screen
        await replace_text(pilot, str(bundle))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(dialog.query_one("#import-result", Static).render())
        assert "whose key is not trusted yet" in message and own_key(niamey).fingerprint in message


async def test_an_unsigned_bundle_is_refused_inline(db, make_test_app, tmp_path):
    from tests.sync_helpers import pack_bundle

    old = pack_bundle(tmp_path / "old.fieldlog", {"bundle_id": "x", "origin_office": "y"}, [], version=1)
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8", "i")
        await settle(pilot)
        dialog = app.screen
        await replace_text(pilot, str(old))
        await pilot.press("enter")
        await settle(pilot)
        assert str(dialog.query_one(SelectionList).get_option_at_index(0).prompt).endswith("(cannot be imported)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = dialog.query_one("#import-result", Static)
        assert note.has_class("-error")
        assert str(note.render()).startswith("old.fieldlog is not signed (it was made by an older fieldlog)")


# --- the way in -------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "shown"), [
    ("Keys: Show", KeysScreen), ("Keys: Import", KeyImportDialog), ("Keys: Export", KeyExportDialog),
    ("Keys: Passphrase", ChangePassphraseDialog),
])
async def test_palette_commands_open_the_keys(command, shown, db, make_test_app):
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, command)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, shown)
        if shown is not KeysScreen:
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, KeysScreen)


async def test_the_first_start_makes_the_office_keys(tmp_path, make_test_app):
    fresh = open_database(tmp_path / "new.db")
    app = make_test_app(fresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "NIA")
        await pilot.press("tab")
        await type_text(pilot, "Bureau de Niamey")
        await pilot.press("tab", "enter")
        await type_text(pilot, "Niger")
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert app.office is not None
        assert [(key.code, key.status) for key in list_keys(fresh)] == [("NIA", "own")]
    fresh.close()


# --- snapshots --------------------------------------------------------------------------

FINGERPRINTS = {
    "BKO": "40517 22893 61048 93315 07726", "NIA": "83920 41175 60293 38841 15067",
    "HQ": "12058 99347 20816 45530 78124", "OUAGA": "67301 58842 90135 26647 31980",
    "DKR": "55102 83476 19230 64418 92051", "TMB": "30984 11526 77403 58219 64390",
}


@pytest.fixture(autouse=True)
def no_reload_during_the_picture(monkeypatch):
    """As in test_snapshots: no look for other processes' commits while a picture is taken."""
    from fieldlog.screens import app as app_module

    monkeypatch.setattr(app_module, "WATCH_INTERVAL_S", 3600.0)


@pytest.fixture
def keys_demo(db, tmp_path, monkeypatch):
    """BKO knows five offices' keys: NIA trusted, HQ a trusted coordinator, DKR trusted on HQ's
    word, TMB not trusted yet, OUAGA revoked. Fingerprints are fixed for
    the picture (office ids and keys are random)."""
    from dataclasses import replace

    import fieldlog.keys.material
    from fieldlog.keys.trust import revoke_key, save_key, trust_key

    made = {}
    for code, name, country in (("NIA", "Bureau de Niamey", "NE"), ("HQ", "Coordination régionale", "SN"),
                                ("OUAGA", "Bureau de Ouagadougou", "BF"), ("DKR", "Bureau de Dakar", "SN"),
                                ("TMB", "Antenne de Tombouctou", "ML")):
        other = open_database(tmp_path / f"{code}.db")
        initialise_office(other, code=code, name=name, country=country)
        import_card(db, export_card(other, tmp_path))
        made[code] = own_key(other)
        other.close()
    trust_key(db, "NIA")
    trust_key(db, "HQ", role="coordinator")
    revoke_key(db, "OUAGA")
    dakar = next(key for key in list_keys(db) if key.code == "DKR")
    with db.write() as session:
        save_key(session, replace(dakar, status="trusted", learned_from="HQ"))
    made["BKO"] = own_key(db)
    by_id = {key.key_id: FINGERPRINTS[code] for code, key in made.items()}
    real = fieldlog.keys.material.fingerprint_of
    monkeypatch.setattr(fieldlog.keys.material, "fingerprint_of", lambda key_id: by_id.get(key_id) or real(key_id))
    return db


KEY_SCREENS = {
    "keys": ("f8", "k"),
    "trust": ("f8", "k", "down", "down", "down", "t"),
}


@pytest.fixture
def french():
    from fieldlog.i18n import set_language

    set_language("fr")


@pytest.mark.parametrize("name", sorted(KEY_SCREENS))
def test_keys_snapshot(name, keys_demo, make_test_app, snap_compare):
    assert snap_compare(make_test_app(keys_demo), terminal_size=(80, 24), run_before=keys(*KEY_SCREENS[name]))


@pytest.mark.parametrize("name", sorted(KEY_SCREENS))
def test_keys_snapshot_in_french(name, french, keys_demo, make_test_app, snap_compare):
    assert snap_compare(make_test_app(keys_demo), terminal_size=(80, 24), run_before=keys(*KEY_SCREENS[name]))
