"""What every fieldlog screen shares: translated key bindings and worker error reporting."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.worker import WorkerState

from fieldlog.errors import FieldlogError
from fieldlog.i18n import _


class FieldlogScreenMixin:
    """Binding descriptions are declared with N_() at import and translated when shown, so
    the footer, the keys panel and the command palette follow the chosen language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings  # type: ignore[misc]
        return {
            key: active._replace(
                binding=replace(active.binding, description=_(active.binding.description)),
                tooltip=_(active.tooltip) if active.tooltip else active.tooltip,
            )
            for key, active in bindings.items()
        }

    def on_worker_state_changed(self, event) -> None:
        """A worker that fails reports one line; the database was left unchanged."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, FieldlogError):
            message = str(error)
        else:
            message = _("Something went wrong: {error}").format(error=type(error).__name__)
        self.notify(message, severity="error", timeout=8)  # type: ignore[attr-defined]


class FieldlogScreen(FieldlogScreenMixin, Screen):
    pass


class FieldlogModal(FieldlogScreenMixin, ModalScreen[ScreenResultType]):
    pass
