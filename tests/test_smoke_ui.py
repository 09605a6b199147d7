from screens.agencies import AgenciesScreen
from screens.home import HomeScreen


async def test_home_and_agencies(demo_db, make_test_app):
    app = make_test_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        print(app.screen.query_one("#counts").render())
        await pilot.press("f5")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AgenciesScreen)
        app.save_screenshot("/tmp/agencies.svg")
        await pilot.press("n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("/tmp/agency_form.svg")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("/tmp/agency_form_err.svg")
