"""The footer at 80 columns: the French descriptions are longer, and F1 Help, the key that
lists every other, must never be the one cut off."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from fieldlog.i18n import set_language
from tests.ui_helpers import settle, wait_until
from fieldlog.widgets.fitting_footer import FittingFooter

SCREENS = {
    "workshops": ("f3",),
    "participants": ("f4",),
    "agencies": ("f5",),
    "outcomes": ("f6",),
    "sync": ("f8",),
    "keys": ("f8", "k"),
    "reports": ("f9",),
    "workshop": ("f3", "down", "down", "down", "enter"),
    "duplicates": ("f8", "d"),
}


def help_key(app) -> FooterKey:
    footer = app.screen.query_one(FittingFooter)
    return next(key for key in footer.query(FooterKey) if key.action == "help")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(SCREENS))
async def test_f1_help_is_whole_in_the_footer_at_80_columns(name, language, demo_db, make_test_app):
    set_language(language)
    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in SCREENS[name]:
            await pilot.press(key)
            await settle(pilot)
        await wait_until(pilot, app, lambda: 0 < help_key(app).region.width and help_key(app).region.right <= 80,
                         "F1 Help whole in the footer")
        assert ("Aide" if language == "fr" else "Help") in str(help_key(app).render())


async def test_a_wide_terminal_keeps_the_spaces_and_the_palette_key(demo_db, make_test_app):
    set_language("fr")
    app = make_test_app(demo_db)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        assert not footer.compact and footer.show_command_palette
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, app, lambda: app.screen.query_one(FittingFooter).compact, "the footer closed up")
        footer = app.screen.query_one(FittingFooter)
        assert footer.show_command_palette  # closed up, and all still there
        assert help_key(app).region.right <= 80
