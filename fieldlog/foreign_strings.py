"""Words other libraries show, which fieldlog translates in their place.

Nothing here runs: the strings are listed, exactly as the library writes them, so that the
extraction (`python -m fieldlog.catalogs update`) puts them in the catalogs.

- argparse looks up `argparse._` and `argparse.ngettext` when it speaks; `fieldlog.cli` points
  them at fieldlog's translations. Their placeholders are %-style and must stay as they are.
- Textual's binding descriptions are translated when shown (screens/base.py), its system
  commands in `FieldlogApp.get_system_commands`, its palette's words in screens/commands.py,
  its Input group title in screens/app.py. The notifications Textual would send in English
  (quit, screenshot) FieldlogApp sends itself, with strings marked where they are used.
"""

from __future__ import annotations

from fieldlog.i18n import N_, ngettext

# --- argparse (Python 3.11): what `fieldlog --help` and common mistakes print -------------
ARGPARSE = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    # argparse does not translate this one; fieldlog.cli passes it as the --version help.
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
)


def _argparse_plurals() -> None:
    """Never called: marks the plural argparse asks `ngettext` for."""
    ngettext("expected %s argument", "expected %s arguments", 2)


# --- Textual: the command palette and the system commands ---------------------------------
PALETTE = (
    N_("Search for commands…"),
    N_("Search for themes…"),
    N_("No matches found"),
    N_("palette"),
)

SYSTEM_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)

# --- Textual: binding descriptions shown in footers and in the Keys panel ------------------
BINDINGS = (
    # Screen
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    # Input (its group title, then its keys)
    N_("Input"),
    N_("Move cursor left"),
    N_("Move cursor left and select"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Move cursor right and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Delete character left"),
    N_("Select all"),
    N_("Go to start"),
    N_("Go to end"),
    N_("Select line start"),
    N_("Select line end"),
    N_("Delete character right"),
    N_("Submit"),
    N_("Delete left to start of word"),
    N_("Delete all to the left"),
    N_("Delete right to start of word"),
    N_("Delete all to the right"),
    N_("Cut selected text"),
    N_("Paste text from the clipboard"),
    # DataTable
    N_("Select"),
    N_("Cursor up"),
    N_("Cursor down"),
    N_("Cursor right"),
    N_("Cursor left"),
    N_("Page up"),
    N_("Page down"),
    N_("Top"),
    N_("Bottom"),
    N_("Home"),
    N_("End"),
    # Scrolling containers
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    # Select, OptionList, SelectionList, RadioSet, Button
    N_("Show menu"),
    N_("Dismiss menu"),
    N_("Up"),
    N_("Down"),
    N_("First"),
    N_("Last"),
    N_("Toggle option"),
    N_("Next option"),
    N_("Previous option"),
    N_("Toggle"),
    N_("Press button"),
    # TextArea
    N_("Cursor word left"),
    N_("Cursor word right"),
    N_("Cursor line start"),
    N_("Cursor line end"),
    N_("Cursor page up"),
    N_("Cursor page down"),
    N_("Cursor left word select"),
    N_("Cursor right word select"),
    N_("Cursor line start select"),
    N_("Cursor line end select"),
    N_("Cursor up select"),
    N_("Cursor down select"),
    N_("Cursor left select"),
    N_("Cursor right select"),
    N_("Select line"),
    N_("Cut"),
    N_("Copy"),
    N_("Paste"),
    N_("Delete to line start"),
    N_("Delete to line end"),
    N_("Delete line"),
    N_("Undo"),
    N_("Redo"),
)
