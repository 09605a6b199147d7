"""This office's keys and the keys of the offices it knows (table office_key).

A key is trusted when a person here decided so after comparing fingerprints, or when a
coordinator this office trusts vouched for it in a signed bundle. A revocation, from here or from
a trusted coordinator, is final: an old bundle replayed later cannot trust that key again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import text

from fieldlog.database import Database
from fieldlog.errors import FieldlogError, NotFound, NotInitialised
from fieldlog.i18n import _
from fieldlog.keys.files import (
    PUBLIC_NAME, SECRET_NAME, card_bytes, keys_folder, read_public_file, read_secret_file, replace_folder,
    write_private,
)
from fieldlog.keys.material import ROLES, PublicKeys, SecretKeys, is_protected

OWN, RETIRED, PENDING, TRUSTED, REVOKED = "own", "retired", "pending", "trusted", "revoked"
PUBLIC_SUFFIX = ".fieldlog-key"  # a public key card, as another office receives it
_COLUMNS = "key_id, office_id, code, name, country, role, signing_key, encryption_key, status, learned_from, decided_at, decided_by"


@dataclass(frozen=True)
class KnownKey:
    public: PublicKeys
    status: str
    learned_from: str = ""
    decided_at: str = ""
    decided_by: str = ""

    @property
    def key_id(self) -> str:
        return self.public.key_id

    @property
    def code(self) -> str:
        return self.public.code

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint

    @property
    def may_sign(self) -> bool:
        return self.status in (OWN, TRUSTED)

    @property
    def is_coordinator(self) -> bool:
        return self.public.role == "coordinator" and self.may_sign


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _known(row) -> KnownKey:
    public = PublicKeys(
        office_id=row.office_id, code=row.code, name=row.name, country=row.country, role=row.role,
        signing_key=row.signing_key, encryption_key=row.encryption_key,
    )
    return KnownKey(public=public, status=row.status, learned_from=row.learned_from,
                    decided_at=row.decided_at, decided_by=row.decided_by)


def all_keys(session) -> dict[str, KnownKey]:
    return {row.key_id: _known(row) for row in session.execute(text(f"SELECT {_COLUMNS} FROM office_key"))}


def save_key(session, known: KnownKey) -> None:
    p = known.public
    session.execute(
        text(f"INSERT OR REPLACE INTO office_key ({_COLUMNS}) VALUES (:key_id, :office_id, :code, :name, :country, "
             ":role, :signing_key, :encryption_key, :status, :learned_from, :decided_at, :decided_by)"),
        {"key_id": p.key_id, "office_id": p.office_id, "code": p.code, "name": p.name, "country": p.country,
         "role": p.role, "signing_key": p.signing_key, "encryption_key": p.encryption_key, "status": known.status,
         "learned_from": known.learned_from, "decided_at": known.decided_at, "decided_by": known.decided_by},
    )


def _local(session):
    row = session.execute(text(
        "SELECT s.office_id, s.author, o.code, o.name, o.country FROM local_state s JOIN office o ON o.id = s.office_id"
    )).first()
    if row is None:
        raise NotInitialised(_("This database has no office yet: run 'fieldlog init' first."))
    return row


def ensure_own_keys(db: Database, *, passphrase: str | None = None, role: str | None = None) -> KnownKey:
    """This office's keys, made now if it has none (at init, or for a database from before keys)."""
    if role is None:  # the usual case, before every export and import: nothing to write
        with db.read() as session:
            folder = keys_folder(db.path, _local(session).office_id)
            own = next((k for k in all_keys(session).values() if k.status == OWN), None)
        if own is not None and read_secret_file(folder) is not None and read_public_file(folder) == own.public:
            return own
    with db.write() as session:
        local = _local(session)
        folder = keys_folder(db.path, local.office_id)
        keys = all_keys(session)
        own = next((k for k in keys.values() if k.status == OWN), None)
        public = read_public_file(folder) if read_secret_file(folder) is not None else None
        if public is None or public.office_id != local.office_id:
            secret = SecretKeys.generate()
            public = secret.public(office_id=local.office_id, code=local.code, name=local.name,
                                   country=local.country, role=role or (own.public.role if own else "office"))
            write_private(folder / SECRET_NAME, secret.to_bytes(passphrase))
            write_private(folder / PUBLIC_NAME, card_bytes(public))
        elif role and role != public.role:
            public = public.with_role(role)
            write_private(folder / PUBLIC_NAME, card_bytes(public))
        if own is not None and own.key_id == public.key_id and own.public == public:
            return own
        for key in keys.values():  # keys this office had before (a lost key folder) are not its own any more
            if key.status == OWN and key.key_id != public.key_id:
                save_key(session, replace(key, status=RETIRED, decided_at=_now()))
        mine = KnownKey(public=public, status=OWN, decided_at=_now(), decided_by=local.author)
        save_key(session, mine)
        return mine


def renew_own_keys(db: Database, *, passphrase: str | None = None) -> tuple[KnownKey, KnownKey]:
    """New key pairs for this office, when its private keys may have been stolen with a laptop
    or a backup: the old key is retired here and its private part deleted; the other offices
    trust the new one as they did the first (compare its fingerprint). Returns (old, new)."""
    old = ensure_own_keys(db)
    secret = SecretKeys.generate()
    public = secret.public(office_id=old.public.office_id, code=old.code, name=old.public.name,
                           country=old.public.country, role=old.public.role)
    replace_folder(own_keys_folder(db), secret.to_bytes(passphrase), card_bytes(public))
    return old, ensure_own_keys(db)  # which retires the old key in the table


def own_key(db: Database) -> KnownKey:
    return ensure_own_keys(db)


def own_keys_folder(db: Database) -> Path:
    with db.read() as session:
        return keys_folder(db.path, _local(session).office_id)


def keys_are_protected(db: Database) -> bool:
    data = read_secret_file(own_keys_folder(db))
    return data is not None and is_protected(data)


def load_secret(db: Database, passphrase: str | None = None) -> SecretKeys:
    ensure_own_keys(db)
    data = read_secret_file(own_keys_folder(db))
    assert data is not None
    return SecretKeys.from_bytes(data, passphrase)


def set_passphrase(db: Database, *, old: str | None, new: str | None) -> None:
    """Protect the private keys with `new` (None: no passphrase), after unlocking them with `old`."""
    secret = load_secret(db, old)
    write_private(own_keys_folder(db) / SECRET_NAME, secret.to_bytes(new or None))


def set_own_role(db: Database, role: str) -> KnownKey:
    if role not in ROLES:
        raise FieldlogError(_("A role is 'office' or 'coordinator'."))
    return ensure_own_keys(db, role=role)


def list_keys(db: Database) -> list[KnownKey]:
    order = {OWN: 0, TRUSTED: 1, PENDING: 2, REVOKED: 3, RETIRED: 4}
    with db.read() as session:
        keys = list(all_keys(session).values())
    return sorted(keys, key=lambda k: (order.get(k.status, 9), k.public.code, k.key_id))


def export_card(db: Database, out: Path) -> Path:
    """Write this office's public key card: what another office imports."""
    own = own_key(db)
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / f"{own.code}{PUBLIC_SUFFIX}"
    if not out.parent.is_dir():
        raise FieldlogError(_("The folder {folder} does not exist.").format(folder=out.parent))
    from fieldlog.files import write_atomically

    write_atomically(out, lambda handle: handle.write(card_bytes(own.public)))
    return out



def read_card(path: Path | str) -> PublicKeys:
    path = Path(path).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FieldlogError(_("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    try:
        if len(raw) > 10_000:
            raise ValueError
        return PublicKeys.from_card(json.loads(raw))
    except (ValueError, UnicodeDecodeError):
        raise FieldlogError(_("{name} is not a fieldlog key file.").format(name=path.name)) from None


def import_card(db: Database, path: Path | str) -> tuple[KnownKey, bool]:
    """Record another office's public keys, not yet trusted; returns the key and whether it is new."""
    public = read_card(path)
    with db.write() as session:
        local = _local(session)
        keys = all_keys(session)
        if public.office_id == local.office_id:
            raise FieldlogError(_("{name} is this office's own key.").format(name=Path(path).name))
        if public.key_id in keys:
            return keys[public.key_id], False
        known = KnownKey(public=public, status=PENDING, decided_at=_now(), decided_by=local.author)
        save_key(session, known)
        return known, True


_DIGITS = re.compile(r"[\s-]")


def matching_keys(keys: dict[str, KnownKey], which: str, statuses: tuple[str, ...]) -> list[KnownKey]:
    """Keys with one of `statuses` named by office code, office id, key id or the first
    digits (five or more) of their fingerprint."""
    wanted = which.strip()
    digits = _DIGITS.sub("", wanted)
    return [
        k for k in keys.values()
        if k.status in statuses and (
            k.public.code.upper() == wanted.upper() or k.public.office_id == wanted or k.key_id == wanted.lower()
            or (len(digits) >= 5 and digits.isdigit() and _DIGITS.sub("", k.fingerprint).startswith(digits))
        )
    ]


def find_key(keys: dict[str, KnownKey], which: str, statuses: tuple[str, ...]) -> KnownKey:
    found = matching_keys(keys, which, statuses)
    if not found:
        raise NotFound(_("No key of an office {office} is known here: import its key file first.").format(
            office=which.strip()))
    if len(found) > 1:
        raise NotFound(_("Several keys match {office}: give the fingerprint instead.").format(office=which.strip()))
    return found[0]


def key_to_trust(keys: dict[str, KnownKey], which: str) -> KnownKey:
    """The key `which` names among those waiting for trust, else among the trusted (to change
    its role); a revoked key is refused for good."""
    for statuses in ((PENDING,), (TRUSTED,)):
        if matching_keys(keys, which, statuses):
            return find_key(keys, which, statuses)
    if matching_keys(keys, which, (REVOKED,)):
        raise FieldlogError(
            _("The key of {office} was revoked; a revoked key is never trusted again: import the office's new key.").format(
                office=which.strip())
        )
    return find_key(keys, which, (PENDING, TRUSTED))


def trust_key(db: Database, which: str, *, role: str | None = None) -> KnownKey:
    """Trust a key after its fingerprint was compared with the office's own."""
    if role is not None and role not in ROLES:
        raise FieldlogError(_("A role is 'office' or 'coordinator'."))
    with db.write() as session:
        local = _local(session)
        key = key_to_trust(all_keys(session), which)
        trusted = KnownKey(public=key.public.with_role(role or key.public.role), status=TRUSTED,
                           decided_at=_now(), decided_by=local.author)
        save_key(session, trusted)
        return trusted


def revoke_key(db: Database, which: str) -> KnownKey:
    with db.write() as session:
        local = _local(session)
        key = find_key(all_keys(session), which, (PENDING, TRUSTED))
        revoked = KnownKey(public=key.public, status=REVOKED, decided_at=_now(), decided_by=local.author)
        save_key(session, revoked)
        return revoked


# --- what a coordinator publishes in its bundles, and what an office learns from it ----------

def published_list(keys: dict[str, KnownKey]) -> list[dict]:
    """The keys a coordinator vouches for (its own included) and those it revoked."""
    listed = []
    for key in sorted(keys.values(), key=lambda k: k.key_id):
        if key.status in (OWN, TRUSTED, REVOKED, RETIRED):
            status = REVOKED if key.status in (REVOKED, RETIRED) else TRUSTED
            listed.append({**key.public.as_card(), "status": status})
    return listed


def learn(keys: dict[str, KnownKey], coordinator: KnownKey, listed: object) -> dict[str, KnownKey]:
    """The keys changed by a trusted coordinator's list: unknown or pending keys it vouches for
    become trusted, keys it revoked become revoked. A key revoked here stays revoked, and this
    office's own key is never changed by another office."""
    changed: dict[str, KnownKey] = {}
    if not coordinator.is_coordinator or not isinstance(listed, list):
        return changed
    ours = {k.public.office_id for k in keys.values() if k.status in (OWN, RETIRED)}
    for item in listed:
        try:
            public = PublicKeys.from_card(item)
        except ValueError:
            continue
        if public.office_id in ours:  # nobody else vouches for a key of this office
            continue
        status = item.get("status")
        current = changed.get(public.key_id) or keys.get(public.key_id)
        if current is not None and current.status in (OWN, RETIRED, REVOKED):
            continue
        if status == REVOKED:
            changed[public.key_id] = KnownKey(public=public, status=REVOKED, learned_from=coordinator.code,
                                              decided_at=_now())
        elif status == TRUSTED and (current is None or current.status == PENDING):
            changed[public.key_id] = KnownKey(public=public, status=TRUSTED, learned_from=coordinator.code,
                                              decided_at=_now())
    return changed


def describe_status(key: KnownKey) -> str:
    labels = {
        OWN: _("this office"), RETIRED: _("this office's former key (not used)"), PENDING: _("not trusted yet"),
        TRUSTED: _("trusted"), REVOKED: _("revoked"),
    }
    label = labels.get(key.status, key.status)
    if key.learned_from and key.status in (TRUSTED, REVOKED):
        label = _("{status}, by coordinator {code}").format(status=label, code=key.learned_from)
    return label


def describe_role(role: str) -> str:
    return _("coordinator") if role == "coordinator" else _("office")

