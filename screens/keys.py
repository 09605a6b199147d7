"""Keys (F8, then k): this office's fingerprint, whether a passphrase protects its private keys,
and the keys of the other offices: import, compare by phone and trust, revoke. The same flow as
`fieldlog keys`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fingerprint_digits import FingerprintDigits
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip
from fieldlog.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from fieldlog.keys.trust import KnownKey
    from fieldlog.screens.key_import import KeysImported

OFFICE_WIDTH = 19
STATUS_WIDTH = 23  # "pas encore de confiance"
FINGERPRINT_WIDTH = 29
STATUS_STYLES = {"trusted": "green", "pending": "yellow", "revoked": "red", "retired": "dim"}


@dataclass(frozen=True)
class KeysOverview:
    own: KnownKey
    protected: bool
    others: list[KnownKey]


def status_text(key: KnownKey) -> str:
    """The status in a few words: which coordinator decided it, briefly."""
    from fieldlog.keys.trust import RETIRED, describe_status

    if key.status == RETIRED:
        return _("former key, not used")  # this office's, before new keys were made: the column is narrow
    if key.learned_from and key.status in ("trusted", "revoked"):
        plain = describe_status(replace(key, learned_from=""))
        return _("{status}, via {code}").format(status=plain, code=key.learned_from)
    return describe_status(key)


class KeysScreen(ReadingScreen[KeysOverview]):
    CSS_PATH = "keys.tcss"
    BINDINGS = [
        Binding("i", "import_key", N_("Import")),
        Binding("e", "export_key", N_("Export")),
        Binding("t", "trust", N_("Trust")),
        Binding("r", "revoke", N_("Revoke")),
        # Not in the footer, which has room for the other four only at 80 columns: the lines on
        # the role and the passphrase say "c" and "p", and Esc goes back as everywhere.
        Binding("p", "passphrase", N_("Passphrase"), show=False),
        Binding("c", "own_role", N_("This office's role"), show=False),
        Binding("n", "new_keys", N_("New keys"), show=False),
        Binding("escape", "back", N_("Back"), show=False),
    ]

    class Done(Message):
        """A decision was saved: say so, and show the key it was about."""

        def __init__(self, outcome: str, key_id: str | None = None, *, renewed: bool = False) -> None:
            super().__init__()
            self.outcome = outcome
            self.key_id = key_id
            self.renewed = renewed

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, *, start: str | None = None) -> None:
        super().__init__()
        # An action to run once shown (the command palette's "Keys: Import a key file").
        self.start = start
        self.overview: KeysOverview | None = None
        self.show_key: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="keys"):
            yield Static("", id="own-office", classes="section-title")
            # The fingerprint large, in two lines of large digits (25 digits do not fit 80 columns).
            with Horizontal(classes="own-line"):
                yield FingerprintDigits(line=0, id="fingerprint-1")
                yield Static(_("Its fingerprint, to read to other offices by phone."), id="own-hint")
            with Horizontal(classes="own-line"):
                yield FingerprintDigits(line=1, id="fingerprint-2")
                with Vertical(id="own-info"):
                    yield Static("", id="own-digits")
                    yield Static("", id="own-protection")
            yield Static(_("Other offices' keys"), classes="section-title")
            table = MeasuredTable(cursor_type="row", id="key-rows")
            table.add_column(_("Office"), width=OFFICE_WIDTH, key="office")
            table.add_column(_("Status · role"), width=STATUS_WIDTH, key="status")
            table.add_column(_("Fingerprint"), width=FINGERPRINT_WIDTH, key="fingerprint")
            yield table
            yield Static(
                _("No other office's key yet. Import one (i), or export this office's key (e) for another "
                  "office to import."),
                id="no-keys",
            )
            yield StatusLine(id="keys-result")
        yield FittingFooter()

    def on_mount(self) -> None:
        # Not "Keys": Textual's keys panel has that word, for keyboard keys (Touches).
        self.title = _("Office keys")
        self.query_one("#key-rows", DataTable).focus()  # the keys are read on resuming: shown now

    def read(self) -> KeysOverview:
        from fieldlog.keys.trust import OWN, keys_are_protected, list_keys, own_key

        own = own_key(self.app.db)  # made now for a database from before keys
        return KeysOverview(
            own=own, protected=keys_are_protected(self.app.db),
            others=[key for key in list_keys(self.app.db) if key.status != OWN],
        )

    def show(self, overview: KeysOverview) -> None:
        from fieldlog.keys.trust import describe_role

        self.overview = overview
        own = overview.own
        self.query_one("#own-office", Static).update(Text(_("This office: {code} · {name} · {role} (c: change)").format(
            code=own.code, name=own.public.name, role=describe_role(own.public.role))))
        for line in self.query(FingerprintDigits):
            line.show_fingerprint(own.fingerprint)
        self.query_one("#own-digits", Static).update(Text(own.fingerprint, style="bold"))
        protection = self.query_one("#own-protection", Static)
        if overview.protected:
            protection.update(_("Private keys: protected by a passphrase (p: change it)."))
        else:
            protection.update(_("Private keys: no passphrase (p: set one)."))
        protection.set_class(not overview.protected, "-attention")

        table = self.query_one("#key-rows", DataTable)
        selected = self.show_key or self.selected_key_id
        self.show_key = None
        table.clear()
        for key in overview.others:
            table.add_row(*self._cells(key), key=key.key_id, height=2)
        known = bool(overview.others)
        table.display = known
        self.query_one("#no-keys").display = not known
        if known:
            ids = [key.key_id for key in overview.others]
            table.move_cursor(row=ids.index(selected) if selected in ids else 0)
        if self.start:  # once the keys are known: the passphrase dialog needs to know if there is one
            start, self.start = self.start, None
            self.call_after_refresh(self.run_action, start)

    def _cells(self, key: KnownKey) -> tuple[Text, Text, Text]:
        from fieldlog.keys.trust import describe_role

        office = Text.assemble((clip(key.code, OFFICE_WIDTH), "bold"), "\n", clip(key.public.name, OFFICE_WIDTH))
        style = STATUS_STYLES.get(key.status, "")
        status = Text.assemble((clip(status_text(key), STATUS_WIDTH), style), "\n", describe_role(key.public.role))
        fingerprint = Text(key.fingerprint, style="dim" if key.status in ("revoked", "retired") else "")
        return office, status, fingerprint

    @property
    def selected_key_id(self) -> str | None:
        table = self.query_one("#key-rows", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @property
    def selected_key(self) -> KnownKey | None:
        if self.overview is None:
            return None
        wanted = self.selected_key_id
        return next((key for key in self.overview.others if key.key_id == wanted), None)

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#keys-result", StatusLine).say(text, error=error)

    @on(DataTable.RowSelected, "#key-rows")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_trust()

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_import_key(self) -> None:
        from fieldlog.screens.key_import import KeyImportDialog

        self.app.push_screen(KeyImportDialog(), self.key_imported)

    def key_imported(self, imported: KeysImported | None) -> None:
        if imported is None:
            return
        self.show_key = imported.key_id  # shown when the screen reads the keys again, on resuming
        self.say("\n".join([*imported.lines, _(
            "Call the office and compare the fingerprint; if it is the same, trust its key (t)."
        )]))

    def action_export_key(self) -> None:
        from fieldlog.screens.key_export import KeyExportDialog

        self.app.push_screen(KeyExportDialog())

    def action_passphrase(self) -> None:
        from fieldlog.screens.passphrase_change import ChangePassphraseDialog

        if self.overview is None:
            return

        def changed(outcome: str | None) -> None:
            if outcome:
                self.say(outcome)

        self.app.push_screen(ChangePassphraseDialog(protected=self.overview.protected), changed)

    def action_own_role(self) -> None:
        from fieldlog.screens.confirm import ConfirmScreen

        if self.overview is None:
            return
        own = self.overview.own
        if own.public.role == "coordinator":
            role, question, yes = "office", _(
                "Make {office} an ordinary office? Its bundles will carry its own changes only, and no longer the "
                "keys it trusts."), _("Make it an office")
        else:
            role, question, yes = "coordinator", _(
                "Make {office} a coordinator? Its bundles will pass on the changes of every office it knows and "
                "the list of keys it trusts. The other offices must then trust it as a coordinator (t on their "
                "Keys screen)."), _("Make it a coordinator")

        def answered(change: bool | None) -> None:
            if change:
                self.decide("role", own.key_id, role)

        self.app.push_screen(ConfirmScreen(question.format(office=own.code), yes=yes, no=_("Leave it")), answered)

    def action_new_keys(self) -> None:
        from fieldlog.screens.confirm import ConfirmScreen

        if self.overview is None:
            return
        protected = self.overview.protected

        def answered(renew: bool | None) -> None:
            if not renew:
                return
            if protected:
                from fieldlog.screens.key_renew import RenewKeysDialog

                self.app.push_screen(RenewKeysDialog(), lambda outcome: outcome and self.renewed(outcome))
            else:
                self.decide("renew", self.overview.own.key_id)

        self.app.push_screen(ConfirmScreen(
            _("Make new keys for {office}? Do it when this office's private keys may have been stolen (a laptop, a "
              "backup). The old key is deleted, and every other office must trust the new one, comparing its "
              "fingerprint, before it accepts this office's bundles again.").format(office=self.overview.own.code),
            yes=_("Make new keys"), no=_("Keep these keys"),
        ), answered)

    def renewed(self, outcome: str) -> None:
        self.app.unlocked_keys = None  # the keys unlocked this session are gone
        self.say(outcome)
        self.reload()

    def action_trust(self) -> None:
        from fieldlog.screens.key_trust import TrustDialog

        key = self._chosen()
        if key is None:
            return
        if key.status == "revoked":
            self.say(_("The key of {office} was revoked; a revoked key is never trusted again: import the office's "
                       "new key.").format(office=key.code), error=True)
            return
        if key.status == "retired":
            self.say(_("This is a former key of this office: it is not used any more."), error=True)
            return

        def answered(role: str | None) -> None:
            if role:
                self.decide("trust", key.key_id, role)

        self.app.push_screen(TrustDialog(key), answered)

    def action_revoke(self) -> None:
        from fieldlog.screens.confirm import ConfirmScreen

        key = self._chosen()
        if key is None:
            return
        if key.status in ("revoked", "retired"):
            self.say(_("The key of {office} is not used any more: there is nothing to revoke.").format(
                office=key.code), error=True)
            return

        def answered(revoke: bool | None) -> None:
            if revoke:
                self.decide("revoke", key.key_id)

        self.app.push_screen(ConfirmScreen(
            _("Revoke the key of {office} ({name})? Its bundles will be refused from now on, and nothing more "
              "will be encrypted for it. This is final: a revoked key is never trusted again, and the office "
              "will have to send you a new key.").format(office=key.code, name=key.public.name),
            yes=_("Revoke"), no=_("Keep it"),
        ), answered)

    def _chosen(self) -> KnownKey | None:
        key = self.selected_key
        if key is None:
            self.say(_("No other office's key yet: import one first (i)."), error=True)
        return key

    @work(thread=True, exclusive=True, exit_on_error=False, group="decide")
    def decide(self, what: str, key_id: str, role: str | None = None) -> None:
        from fieldlog.keys.trust import renew_own_keys, revoke_key, set_own_role, trust_key

        try:
            if what == "renew":
                from fieldlog.screens.key_renew import renewal_outcome

                old, key = renew_own_keys(self.app.db)
                outcome = renewal_outcome(old, key)
            elif what == "role":
                key = set_own_role(self.app.db, role)
                if key.public.role == "coordinator":
                    outcome = _("{office} is a coordinator: its bundles pass on other offices' changes and the list "
                                "of offices it trusts.")
                else:
                    outcome = _("{office} is an office: its bundles carry its own changes only.")
            elif what == "trust":
                key = trust_key(self.app.db, key_id, role=role)
                if key.public.role == "coordinator":
                    outcome = _("{office} is trusted, as a coordinator: it may pass on other offices' changes and "
                                "vouch for their keys, and every bundle is encrypted for it too.")
                else:
                    outcome = _("{office} is trusted: its bundles are accepted, and bundles can be encrypted for it.")
            else:
                key = revoke_key(self.app.db, key_id)
                outcome = _("The key of {office} is revoked: its bundles are refused from now on, and nothing more "
                            "is encrypted for it. A coordinator passes the revocation on in its bundles.")
        except FieldlogError as error:
            self.post_message(self.Refused(str(error)))
            return
        # After a change of this office's own keys the cursor stays where it was: they are not listed.
        self.post_message(self.Done(outcome.format(office=key.code), None if what in ("role", "renew") else key.key_id,
                                    renewed=what == "renew"))

    def on_keys_screen_done(self, message: Done) -> None:
        if message.renewed:
            self.renewed(message.outcome)
            return
        self.show_key = message.key_id
        self.say(message.outcome)
        self.reload()

    def on_keys_screen_refused(self, message: Refused) -> None:
        self.say(message.reason, error=True)
