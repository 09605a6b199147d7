"""The shape shared by record forms: fields, inline errors, save in a worker, and a question
before unsaved changes are discarded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea

from fieldlog.errors import ValidationError
from fieldlog.i18n import N_, _
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.form_field import FormField


def text_input(value: str = "", *, placeholder: str = "") -> Input:
    return Input(value=value, placeholder=placeholder, compact=True)


def choice(options: list[tuple[str, Any]], *, blank: bool = True, prompt: str | None = None) -> Select:
    return Select(options, allow_blank=blank, prompt=prompt or _("(none)"), compact=True)


class FormScreen(FieldlogModal[str | None]):
    """Dismisses with the saved record's id, or None when cancelled."""

    FORM_TITLE: ClassVar[str] = ""
    # The table of the record edited, for its history (F10); "" when there is none.
    RECORD_TABLE: ClassVar[str] = ""
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
        # F10: not Ctrl+Y, which is Redo in a text area, nor Ctrl+H, which terminals send as Backspace.
        Binding("f10", "history", N_("History")),
    ]

    class Loaded(Message):
        def __init__(self, values: dict[str, Any], choices: dict[str, list[tuple[str, Any]]]) -> None:
            super().__init__()
            self.values = values
            self.choices = choices

    class Saved(Message):
        def __init__(self, record_id: str) -> None:
            super().__init__()
            self.record_id = record_id

    class Invalid(Message):
        def __init__(self, errors: dict[str, str]) -> None:
            super().__init__()
            self.errors = errors

    class ChangedMeanwhile(Message):
        """Fields the person changed that were also changed elsewhere since the form loaded:
        `now` holds their values in the database, as `read_record` gives them."""

        def __init__(self, now: dict[str, Any]) -> None:
            super().__init__()
            self.now = now

    def __init__(self, record_id: str | None = None) -> None:
        super().__init__(classes="form-screen")
        self.record_id = record_id
        self.initial: dict[str, Any] | None = None
        # The record as read when the form opened (or as since seen in a "changed meanwhile"
        # question), by field name, as `read_record` gives it.
        self.loaded: dict[str, Any] = {}
        self._typed_early: dict[str, Any] = {}
        self.saving = False

    # --- subclasses ----------------------------------------------------------------------

    def fields(self) -> Iterable[FormField]:
        raise NotImplementedError

    def read_record(self) -> dict[str, Any]:
        """Runs in a worker thread: the record's current values, by field name."""
        raise NotImplementedError

    def read_choices(self) -> dict[str, list[tuple[str, Any]]]:
        """Runs in a worker thread: options that come from the database, by field name."""
        return {}

    def initial_values(self) -> dict[str, Any]:
        """Values a new record starts with."""
        return {}

    def write_record(self, values: dict[str, Any]) -> str:
        """Runs in a worker thread: create or update through a service; returns the id."""
        raise NotImplementedError

    def title_text(self) -> str:
        return _(self.FORM_TITLE)

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.title_text(), classes="form-title")
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
            yield Static("", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.app.open_forms.add(self)
        if self.record_id:
            # Nothing can be typed into an edit form before the record's values arrive.
            self.query_one(".form-body").disabled = True
        else:
            self._focus_first()
        self.load()

    def on_unmount(self) -> None:
        self.app.open_forms.discard(self)

    def _ready(self) -> None:
        # What was typed before the form finished loading still counts as a change.
        self.initial = {**self.collect(), **self._typed_early}
        if self.record_id or self.focused is None:
            self._focus_first()

    def _focus_first(self) -> None:
        first = next(iter(self.query(FormField)), None)
        if first is not None:
            first.control.focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> None:
        values = self.read_record() if self.record_id else self.initial_values()
        self.post_message(self.Loaded(values, self.read_choices()))

    def on_form_screen_loaded(self, message: Loaded) -> None:
        values = dict(message.values)
        self.loaded = dict(message.values)
        self._typed_early = {}
        if not self.record_id:
            # A quick typist may already have filled fields of a new record: keep what they typed.
            for field in self.query(FormField):
                if isinstance(field.control, Input) and field.control.value:
                    values.pop(field.field_name, None)
                    self._typed_early[field.field_name] = ""
        for name, options in message.choices.items():
            for field in self.query(f"#field-{name}").results(FormField):
                field.control.set_options(options)
        self.fill(values)
        self.query_one(".form-body").disabled = False
        self.call_after_refresh(self._ready)

    def fill(self, values: dict[str, Any]) -> None:
        for field in self.query(FormField):
            if field.field_name not in values:
                continue
            value = values[field.field_name]
            control = field.control
            if isinstance(control, Select):
                if value not in (None, "") and value not in control._legal_values:
                    # A value the picker does not offer (a parent in the Trash, say) stays visible.
                    offered = [(label, v) for label, v in control._options if v is not Select.NULL]
                    control.set_options([*offered, (_("{value} (not in the list)").format(value=value), value)])
                control.value = Select.NULL if value in (None, "") else value
            elif isinstance(control, Input):
                control.value = "" if value is None else str(value)
            elif isinstance(control, TextArea):
                control.load_text("" if value is None else str(value))
            elif isinstance(control, SelectionList):
                control.deselect_all()
                for item in value or ():
                    control.select(item)

    def collect(self) -> dict[str, Any]:
        return {field.field_name: field.value for field in self.query(FormField)}

    @property
    def dirty(self) -> bool:
        return self.initial is not None and self.collect() != self.initial

    def changes(self, values: dict[str, Any]) -> dict[str, Any]:
        """The fields the person changed, compared with what the form loaded: a save writes
        those only, never a value it merely showed (docs/ARCHITECTURE.md §3.8)."""
        if self.initial is None:
            return dict(values)
        return {name: value for name, value in values.items() if name not in self.initial or self.initial[name] != value}

    def changed_meanwhile(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Runs in the save worker: of the fields the person changed, those whose value in the
        database now differs from what the form loaded, with that value."""
        if not changes:
            return {}
        now = self.read_record()
        return {name: now.get(name) for name in changes if name in self.loaded and now.get(name) != self.loaded[name]}

    # --- saving --------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one(".form-message", Static).update(_("Saving…"))
        self.save(self.collect())

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, values: dict[str, Any]) -> None:
        try:
            if self.record_id:
                values = self.changes(values)
                now = self.changed_meanwhile(values)
                if now:
                    self.post_message(self.ChangedMeanwhile(now))
                    return
                if not values:
                    self.post_message(self.Saved(self.record_id))
                    return
            record_id = self.write_record(values)
        except ValidationError as error:
            self.post_message(self.Invalid(error.errors))
            return
        except BaseException:
            self.post_message(self.Invalid({}))
            raise
        self.post_message(self.Saved(record_id))

    def on_form_screen_saved(self, message: Saved) -> None:
        self.saving = False
        self.dismiss(message.record_id)

    def on_form_screen_changed_meanwhile(self, message: ChangedMeanwhile) -> None:
        from fieldlog.screens.changed_meanwhile import MINE, THEIRS, ChangedField, ChangedMeanwhileScreen

        self.saving = False
        mine = self.collect()
        changed = [
            ChangedField(name, self.field_label(name), self.shown_value(name, value), self.shown_value(name, mine.get(name)))
            for name, value in message.now.items()
        ]
        note = self.query_one(".form-message", Static)
        note.update(_("Nothing was saved yet."))

        def answered(answer: str | None) -> None:
            if answer not in (MINE, THEIRS):
                note.update(_("Nothing was saved."))
                return
            # Either way the person has now seen these values: a later change is asked again.
            self.seen_meanwhile(message.now)
            if answer == THEIRS:
                self.take_theirs(message.now)
            self.action_save()

        self.app.push_screen(ChangedMeanwhileScreen(changed), answered)

    def seen_meanwhile(self, now: dict[str, Any]) -> None:
        """The person was shown these values: they become what the form loaded."""
        self.loaded.update(now)

    def take_theirs(self, now: dict[str, Any]) -> None:
        """Show these values and count them as unchanged, so the save leaves them alone."""
        self.fill(now)
        seen = self.collect()
        if self.initial is not None:
            self.initial.update({name: seen[name] for name in now if name in seen})

    def field_label(self, name: str) -> str:
        for field in self.query(FormField):
            if field.field_name == name:
                return field.label_text.removesuffix(" *")
        return name

    def shown_value(self, name: str, value: Any) -> str:
        """A value as the form's control shows it: a choice by its label."""
        field = next((f for f in self.query(FormField) if f.field_name == name), None)
        control = field.control if field is not None else None
        if isinstance(control, (Select, SelectionList)):
            labels = {v: str(label) for label, v in getattr(control, "_options", ())} if isinstance(control, Select) else {
                option.value: str(option.prompt) for option in control.options
            }
            if isinstance(value, (list, tuple)):
                return "; ".join(labels.get(item, str(item)) for item in value)
            return "" if value in (None, "") else labels.get(value, str(value))
        if isinstance(value, (list, tuple)):
            return "; ".join(map(str, value))
        return "" if value is None else str(value)

    def on_form_screen_invalid(self, message: Invalid) -> None:
        self.saving = False
        self.show_errors(message.errors)

    def show_errors(self, errors: dict[str, str]) -> None:
        first_invalid = None
        for field in self.query(FormField):
            reason = errors.get(field.field_name)
            field.set_error(reason)
            if reason and first_invalid is None:
                first_invalid = field
        shown = {field.field_name for field in self.query(FormField)}
        unplaced = [reason for name, reason in errors.items() if name not in shown]
        note = self.query_one(".form-message", Static)
        if errors:
            note.update(" ".join([_("Nothing was saved: please correct the fields marked in red.")] + unplaced))
        else:
            note.update(_("Nothing was saved."))
        if first_invalid is not None:
            first_invalid.control.focus()
            first_invalid.scroll_visible()

    # --- history -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "history":
            return bool(self.record_id and self.RECORD_TABLE)  # a new record has none yet
        return True

    def action_history(self) -> None:
        """The record's history, over the form: what is typed here stays as it is."""
        if not (self.record_id and self.RECORD_TABLE):
            return
        from fieldlog.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(table=self.RECORD_TABLE, record_id=self.record_id))

    # --- leaving -------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Discard the changes you have not saved?"), yes=_("Discard"), no=_("Keep editing")),
            answered,
        )
