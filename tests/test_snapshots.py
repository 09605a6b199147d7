"""A snapshot of every screen at 80×24, on the demonstration database.

Update after an intended change of layout with `pytest tests/test_snapshots.py --snapshot-update`,
then look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from fieldlog.i18n import set_language


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
    "command_palette": ("ctrl+p", "type:Workshop"),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen(name, demo_db, make_test_app, snap_compare):
    assert snap_compare(make_test_app(demo_db), terminal_size=(80, 24), run_before=keys(*SCREENS[name]))


def test_first_start_asks_for_the_office(db, blank_db, make_test_app, snap_compare, tmp_path):
    from fieldlog.schema import open_database

    fresh = open_database(tmp_path / "fresh.db")
    assert snap_compare(make_test_app(fresh), terminal_size=(80, 24), run_before=keys())
    fresh.close()
