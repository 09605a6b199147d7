"""New keys for this office (the CLI's `fieldlog keys renew`), when its private keys may have
been stolen. Keys that were protected by a passphrase are protected again: this dialog asks the
new keys' passphrase; unprotected keys are renewed by the Keys screen directly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldlog.i18n import _
from fieldlog.screens.passphrase_change import ChangePassphraseDialog

if TYPE_CHECKING:
    from fieldlog.keys.trust import KnownKey


def renewal_outcome(old: KnownKey, new: KnownKey) -> str:
    return _("New keys for {office}; new fingerprint {new}. Export the new key file (e) for the other offices and "
             "read them the new fingerprint; if the old keys may have been stolen, they revoke the old key "
             "({old}).").format(office=new.code, new=new.fingerprint, old=old.fingerprint)


class RenewKeysDialog(ChangePassphraseDialog):
    """The passphrase of the new keys, then the renewal; dismisses with what was done."""

    def __init__(self) -> None:
        super().__init__(protected=False)  # the old passphrase is not needed: the old keys are deleted

    def title_and_text(self) -> tuple[str, str]:
        return _("Passphrase of the new keys"), _(
            "This office's keys were protected by a passphrase: the new keys will be too. Nobody can recover a "
            "forgotten passphrase.")

    def write_keys(self, old: str | None, new: str | None) -> str:
        from fieldlog.keys.trust import renew_own_keys

        return renewal_outcome(*renew_own_keys(self.app.db, passphrase=new))
