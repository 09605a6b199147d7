"""What sync needs of the keys for one export or import: this office's private keys, and every
office key known here, with what trusted coordinators teach during the import."""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldlog.database import Database
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _
from fieldlog.keys.material import PublicKeys, SecretKeys
from fieldlog.keys.trust import OWN, KnownKey, all_keys, ensure_own_keys, learn, load_secret, save_key


@dataclass
class Keyring:
    secret: SecretKeys
    own: KnownKey
    keys: dict[str, KnownKey]
    learned: dict[str, KnownKey] = field(default_factory=dict)

    def known(self, key_id: str) -> KnownKey | None:
        return self.learned.get(key_id) or self.keys.get(key_id)

    def all(self) -> dict[str, KnownKey]:
        return {**self.keys, **self.learned}

    def of_office(self, office_id: str) -> list[KnownKey]:
        return [k for k in self.all().values() if k.public.office_id == office_id and k.may_sign]

    def recipients(self, office_id: str | None, office_code: str = "") -> list[PublicKeys]:
        """Who can open a bundle: the office it is for, every trusted coordinator, and this
        office itself (to inspect what it sent). Without a destination: every trusted office."""
        known = self.all().values()
        if office_id is None:
            chosen = [k for k in known if k.may_sign]
            if len(chosen) < 2:
                raise FieldlogError(_(
                    "No other office's key is trusted here, so nobody could read the bundle: import and trust "
                    "the key of the office it is for (fieldlog keys import, fieldlog keys trust)."
                ))
        else:
            target = self.of_office(office_id)
            if not target:
                raise FieldlogError(_(
                    "The key of {office} is not trusted here, so the bundle cannot be encrypted for it: import its "
                    "key file and trust it after comparing fingerprints (fieldlog keys import, fieldlog keys trust)."
                ).format(office=office_code or office_id))
            chosen = target + [k for k in known if k.is_coordinator or k.status == OWN]
        unique = {k.key_id: k.public for k in chosen}
        return [unique[key_id] for key_id in sorted(unique)]

    def learn_from(self, signer: KnownKey, listed: object) -> None:
        self.learned.update(learn(self.all(), signer, listed))

    def save_learned(self, session) -> None:
        for key in self.learned.values():
            save_key(session, key)


def load_keyring(db: Database, *, secret: SecretKeys | None = None, passphrase: str | None = None) -> Keyring:
    """Raises PassphraseRequired when the keys are protected and neither is given."""
    ensure_own_keys(db)
    if secret is None:
        secret = load_secret(db, passphrase)
    with db.read() as session:
        keys = all_keys(session)
    own = next(k for k in keys.values() if k.status == OWN)
    return Keyring(secret=secret, own=own, keys=keys)
