"""The status line that says how the last action went: plain text, marked as a refusal or a
success, taking no room while silent when asked to."""

from __future__ import annotations

from textual.app import App, ComposeResult

from fieldlog.widgets.status_line import StatusLine


class LineApp(App):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="line")
        yield StatusLine(id="hiding", hide_when_empty=True)


async def test_what_it_says_is_text_never_markup():
    app = LineApp()
    async with app.run_test(size=(60, 5)):
        line = app.query_one("#line", StatusLine)
        line.say("Written: /media/stick/[2026] report.pdf", done=True)
        assert str(line.render()) == "Written: /media/stick/[2026] report.pdf"
        assert line.has_class("-done") and not line.has_class("-error")
        assert line.says_done and not line.says_error


async def test_a_refusal_replaces_a_success_and_silence_clears_both():
    app = LineApp()
    async with app.run_test(size=(60, 5)):
        line = app.query_one("#line", StatusLine)
        line.say("Written.", done=True)
        line.say("This folder does not exist.", error=True)
        assert line.has_class("-error") and not line.has_class("-done") and line.says_error
        line.say("")
        assert not line.has_class("-error") and not line.says_error and not line.says_done
        assert line.display  # takes its room even when silent, unless asked otherwise


async def test_a_line_that_hides_when_silent():
    app = LineApp()
    async with app.run_test(size=(60, 5)):
        hiding = app.query_one("#hiding", StatusLine)
        hiding.say("Writing the file…")
        assert hiding.display
        hiding.say("")
        assert not hiding.display
