"""The one way a screen reads what it shows: from the database in a thread worker, shown on the
UI thread; again each time the screen is shown again, and when the app says the database changed
(Ctrl+R, another fieldlog)."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from fieldlog.screens.base import FieldlogScreen

T = TypeVar("T")


class ReadingMixin(Generic[T]):
    """For a screen or a dialog. `read` runs in a thread worker: it calls services and touches
    no widget; `show` gets what it returned, as plain data, on the UI thread. A newer read
    cancels an older one, whose data is never shown.

    `reload()` reads again, once the office is known (the app reloads the screen when it is).
    A read that needs what is on screen (a search, a page) overrides `reload` to take it there
    and start `self.load(...)` with it; `read` receives the same arguments."""

    # False: read once mounted, and then only when asked (reload), not each time shown again.
    RELOAD_ON_RESUME: ClassVar[bool] = True

    class Loaded(Message):
        """What `read` returned (or handed to `show_from_worker`), for `show`."""

        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    # Textual calls these handlers in every class that defines one: subclasses keep theirs
    # (on_mount) and leave these alone.
    def on_mount(self) -> None:
        if not self.RELOAD_ON_RESUME:
            self.reload()

    def on_screen_resume(self) -> None:
        if self.RELOAD_ON_RESUME:
            self.reload()

    @property
    def ready_to_read(self) -> bool:
        """False while the database is still opening or the office is being set up."""
        return self.app.office is not None  # type: ignore[attr-defined]

    def reload(self) -> None:
        if self.ready_to_read:
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, *args: Any) -> None:
        self.show_from_worker(self.read(*args))

    def show_from_worker(self, data: T) -> None:
        """Hand `data` to `show` from the worker: `read` may show a first part early this way,
        before what takes longer, and returns the last part."""
        if not get_current_worker().is_cancelled:  # a newer read has replaced this one
            self.post_message(self.Loaded(data))  # type: ignore[attr-defined]

    def on_reading_mixin_loaded(self, message: Loaded) -> None:
        self.show(message.data)

    def read(self, *args: Any) -> T:
        """In the worker: what to show, read through the services."""
        raise NotImplementedError

    def show(self, data: T) -> None:
        """On the UI thread: show what `read` returned."""
        raise NotImplementedError


class ReadingScreen(ReadingMixin[T], FieldlogScreen):
    pass
