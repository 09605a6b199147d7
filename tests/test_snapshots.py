"""A snapshot of every screen at 80×24, on the demonstration database.

Update after an intended change of layout with `pytest tests/test_snapshots.py --snapshot-update`,
then look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input



async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
    for field in app.screen.query(Input):
        field.cursor_blink = False


def keys(*presses: str):
    async def run_before(pilot) -> None:
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
