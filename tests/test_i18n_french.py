"""A French-first interface: the language is chosen in Settings (Ctrl+O) and applies at once; a new
office in a French-speaking country starts in French; Textual's and argparse's own words speak
the interface language too."""

from __future__ import annotations

import pytest

from fieldlog.cli import main
from fieldlog.i18n import current_language, set_language
from fieldlog.settings import Settings, adopt_office_language, language_of_country
from tests.ui_helpers import settle, type_text, wait_until


def home_menu(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#menu", Static).render())


# --- the core rules --------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "language"), [
    ("ML", "fr"), ("NE", "fr"), ("BF", "fr"), ("SN", "fr"), ("TD", "fr"), ("CI", "fr"), ("ml", "fr"),
    ("GH", "en"), ("NG", "en"), ("", "en"),
])
def test_language_of_country(country, language):
    assert language_of_country(country) == language


def test_an_office_language_is_saved_only_when_none_was_chosen():
    assert adopt_office_language("GH") is None and Settings.load().language == ""
    assert adopt_office_language("ML", chosen="en") is None and Settings.load().language == ""
    Settings(language="en", bundle_folder="/media/usb").save()
    assert adopt_office_language("ML") is None
    assert Settings.load() == Settings(language="en", bundle_folder="/media/usb")
    Settings(bundle_folder="/media/usb").save()
    assert adopt_office_language("NE") == "fr"
    assert Settings.load() == Settings(language="fr", bundle_folder="/media/usb")


# --- the command line ------------------------------------------------------------------------


def test_init_in_niger_saves_french(tmp_path, capsys):
    assert main(["init", "--db", str(tmp_path / "nia.db"), "--office", "NIA", "--name", "Bureau de Niamey",
                 "--country", "NE"]) == 0
    assert Settings.load().language == "fr"
    out = capsys.readouterr().out
    assert "L’interface sera en français" in out


def test_init_in_ghana_saves_no_language(tmp_path, capsys):
    assert main(["init", "--db", str(tmp_path / "acc.db"), "--office", "ACC", "--name", "Accra office",
                 "--country", "GH"]) == 0
    assert Settings.load().language == ""
    assert "français" not in capsys.readouterr().out


def test_init_keeps_a_language_already_chosen(tmp_path, capsys):
    assert main(["--lang", "en", "init", "--db", str(tmp_path / "a.db"), "--office", "BKO", "--name", "Bamako",
                 "--country", "ML"]) == 0
    assert Settings.load().language == ""
    Settings(language="en").save()
    assert main(["init", "--db", str(tmp_path / "b.db"), "--office", "BKO", "--name", "Bamako", "--country", "ML"]) == 0
    assert Settings.load().language == "en"
    assert "Office BKO (Bamako) is set up" in capsys.readouterr().out


def test_init_again_changes_no_language(tmp_path, capsys):
    db = str(tmp_path / "bko.db")
    assert main(["--lang", "en", "init", "--db", db, "--office", "BKO", "--name", "Bamako", "--country", "ML"]) == 0
    assert main(["init", "--db", db, "--office", "BKO", "--name", "Bamako", "--country", "ML"]) == 0  # harmless
    assert Settings.load().language == ""


def test_help_in_french(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "fr", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : fieldlog")
    assert "options :" in out and "arguments positionnels :" in out
    assert "afficher ce message d’aide et quitter" in out
    assert "afficher le numéro de version du programme et quitter" in out
    assert "usage:" not in out and "show this help" not in out


@pytest.mark.parametrize(("argv", "said"), [
    (["frob"], "choix non valide : 'frob' (choisir parmi"),
    (["stats", "--bogus"], "arguments non reconnus : --bogus"),
    (["init", "--office", "X"], "les arguments suivants sont obligatoires : --name, --country"),
    (["demo", "--scale", "many"], "argument --scale : donnez un nombre entier, pas 'many'"),
    (["report", "signin", "--workshop", "x", "--blank", "-3"], "argument --blank : donnez un nombre positif ou nul, pas -3"),
    (["--db"], "argument --db : un argument attendu"),
])
def test_argparse_mistakes_in_french(capsys, argv, said):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "fr", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : ")
    assert ": erreur : " in err and said in err


def test_argparse_mistakes_stay_english_in_english(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "frob"])
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and "error: argument COMMAND: invalid choice: 'frob'" in err


# --- the Settings screen ---------------------------------------------------------------------


async def test_settings_switch_the_language_at_once(db, make_test_app):
    from fieldlog.screens.home import HomeScreen
    from fieldlog.screens.settings import SettingsScreen

    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Ctrl+O Settings" in home_menu(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("up", "enter")  # from English (in use) up to Français, chosen
        await wait_until(pilot, app, lambda: current_language() == "fr" and isinstance(app.screen, HomeScreen),
                         "the home screen again, in French")
        assert Settings.load().language == "fr"
        assert "Ctrl+O Paramètres" in home_menu(app)
        await pilot.press("f3")  # a section not built before the change
        await settle(pilot)
        assert app.screen.active_bindings["n"].binding.description == "Nouveau"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen.query_one("#language").highlighted_option.id == "fr"  # the language in use
        await pilot.press("down", "ctrl+s")  # back to English, with Ctrl+S
        await wait_until(pilot, app, lambda: current_language() == "en", "English again")
        assert Settings.load().language == "en"


async def test_escape_leaves_the_language_as_it_was(db, make_test_app):
    from fieldlog.screens.settings import SettingsScreen

    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("up", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert current_language() == "en" and Settings.load().language == ""


async def test_settings_from_the_palette(db, make_test_app):
    from fieldlog.screens.settings import SettingsScreen

    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "language")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, app, lambda: isinstance(app.screen, SettingsScreen), "the Settings screen")


async def test_an_unsaved_form_is_not_lost_without_asking(db, make_test_app):
    from fieldlog.screens.agency_form import AgencyFormScreen
    from fieldlog.screens.confirm import ConfirmScreen

    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5", "n")
        await settle(pilot)
        await type_text(pilot, "Gendarmerie")
        await pilot.press("ctrl+p")  # Ctrl+O, like F1…F9, works on the sections, not over a form
        await settle(pilot)
        await type_text(pilot, "language")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # at the next start
        await settle(pilot)
        assert isinstance(app.screen, AgencyFormScreen) and app.screen.dirty
        assert current_language() == "en" and Settings.load().language == "fr"


# --- the first start -------------------------------------------------------------------------


async def first_start(pilot, country: str) -> None:
    await settle(pilot)
    await type_text(pilot, "NIA")
    await pilot.press("tab")
    await type_text(pilot, "Bureau")
    await pilot.press("tab", "enter")
    await type_text(pilot, country)
    await pilot.press("enter", "ctrl+s")


async def test_first_start_in_mali_speaks_french(blank_db, make_test_app):
    from fieldlog.screens.home import HomeScreen

    app = make_test_app(blank_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await first_start(pilot, "Mali")
        await wait_until(pilot, app, lambda: app.office is not None and isinstance(app.screen, HomeScreen)
                         and current_language() == "fr", "the office set up, in French")
        assert Settings.load().language == "fr"
        assert "Ctrl+O Paramètres" in home_menu(app)


async def test_first_start_in_ghana_keeps_the_language(blank_db, make_test_app):
    from fieldlog.screens.home import HomeScreen

    app = make_test_app(blank_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await first_start(pilot, "Ghana")
        await wait_until(pilot, app, lambda: app.office is not None and isinstance(app.screen, HomeScreen),
                         "the office set up")
        assert current_language() == "en" and Settings.load().language == ""


async def test_first_start_with_lang_option_keeps_it(blank_db):
    from fieldlog.screens.app import make_app
    from fieldlog.screens.home import HomeScreen

    app = make_app(db=blank_db, lang_option="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await first_start(pilot, "Mali")
        await wait_until(pilot, app, lambda: app.office is not None and isinstance(app.screen, HomeScreen),
                         "the office set up")
        assert current_language() == "en" and Settings.load().language == ""


# --- Textual's own words ---------------------------------------------------------------------


async def test_the_palette_speaks_french(db, make_test_app):
    from textual.command import CommandInput, CommandList

    set_language("fr")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles[:3] == ["Thème", "Quitter", "Touches"] and "Capture d’écran" in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.query_one(CommandInput).placeholder == "Rechercher une commande…"
        await type_text(pilot, "zzqqxx")
        await pilot.pause(0.8)
        options = app.screen.query_one(CommandList)
        assert "Aucune correspondance" in str(options.get_option_at_index(0).prompt.renderable)


async def test_the_theme_menu_speaks_french_and_the_choice_is_kept(db, make_test_app):
    from textual.command import CommandList

    set_language("fr")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "thème")
        await wait_until(pilot, app, lambda: app.screen.query_one(CommandList).option_count > 0, "the Theme command")
        await pilot.press("enter")
        await wait_until(pilot, app, lambda: app.screen.query_one(CommandList).option_count > 10, "the theme list")
        listed = app.screen.query_one(CommandList)
        labels = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)]
        assert "Couleurs du terminal (sombre)" in labels and "Solarized (clair)" in labels
        assert not [label for label in labels if "dark" in label.lower() or "light" in label.lower()]
        await type_text(pilot, "nord")
        await wait_until(pilot, app, lambda: "Nord (sombre)" in str(
            app.screen.query_one(CommandList).get_option_at_index(0).prompt), "Nord")
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    assert Settings.load().theme == "nord"
    again = make_test_app(db)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"  # as chosen last time


async def test_selects_speak_french(blank_db, make_test_app):
    from textual.widgets import Select

    set_language("fr")
    app = make_test_app(blank_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the first-start form
        country = app.screen.query_one("#field-country").query_one(Select)
        assert country.prompt == "(aucun)"
        assert all(select.prompt != "Select" for select in app.screen.query(Select))


async def test_keys_speak_french(db, make_test_app):
    from textual.widgets import Input

    set_language("fr")
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        descriptions = {active.binding.description for active in app.screen.active_bindings.values()}
        # Textual's (a screen's, a DataTable's) and fieldlog's, in French
        assert {"Élément suivant", "Élément précédent", "palette", "Quitter", "Curseur en bas"} <= descriptions
        assert Input.BINDING_GROUP_TITLE == "Saisie"
        app.action_show_help_panel()
        await settle(pilot)
        assert app.screen.query("HelpPanel")


async def test_help_names_the_settings_key(db, make_test_app):
    from fieldlog.screens.help import help_text

    assert "| Ctrl+O | Settings: interface language (Français, English) |" in help_text()


async def test_a_french_speaker_answers_oui_with_o(demo_db, make_test_app):
    """The question says "Oui (o)", and o answers it; y still does."""
    from textual.widgets import Button

    from fieldlog.services.agencies import list_agencies
    from fieldlog.screens.confirm import ConfirmScreen

    set_language("fr")
    before = list_agencies(demo_db).total
    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one("#yes", Button).label) == "Oui (o)"
        await pilot.press("o")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert list_agencies(demo_db).total == before - 1
