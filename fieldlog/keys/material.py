"""An office's key pairs: Ed25519 (cryptography) signs its bundles, an age X25519 identity
(pyrage) reads the bundles encrypted to it. Nothing here is home-made cryptography: signatures,
encryption and passphrase protection (age's scrypt) all come from those libraries."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass, replace

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldlog.errors import FieldlogError
from fieldlog.i18n import _

ROLES = ("office", "coordinator")
_AGE = b"age-encryption.org/v1"


class KeyFileError(FieldlogError):
    """A key file that cannot be used."""


class PassphraseRequired(FieldlogError):
    """This office's private keys are protected by a passphrase, and none was given."""


class WrongPassphrase(FieldlogError):
    pass


def fingerprint_of(key_id: str) -> str:
    """25 digits in groups of five: easy to read out over a bad phone line, in any language."""
    digits = f"{int(key_id[:24], 16) % 10**25:025d}"
    return " ".join(digits[i:i + 5] for i in range(0, 25, 5))


def key_id_of(office_id: str, signing_key: str, encryption_key: str) -> str:
    material = f"fieldlog-office-key\n{office_id}\n{signing_key}\n{encryption_key}\n".encode()
    return hashlib.sha256(material).hexdigest()


@dataclass(frozen=True)
class PublicKeys:
    """What an office shares: its identity and public keys. `key_id` binds the office id to the
    keys, so a card claiming another office's id has another fingerprint."""

    office_id: str
    code: str
    name: str
    country: str
    role: str
    signing_key: str  # Ed25519 public key, base64
    encryption_key: str  # age recipient, "age1…"

    @property
    def key_id(self) -> str:
        return key_id_of(self.office_id, self.signing_key, self.encryption_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.key_id)

    def with_role(self, role: str) -> PublicKeys:
        return replace(self, role=role)

    def recipient(self) -> pyrage.x25519.Recipient:
        return pyrage.x25519.Recipient.from_str(self.encryption_key)

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(self.signing_key)).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_card(self) -> dict:
        return {
            "fieldlog_key": 1, "office_id": self.office_id, "code": self.code, "name": self.name,
            "country": self.country, "role": self.role, "signing_key": self.signing_key,
            "encryption_key": self.encryption_key,
        }

    @classmethod
    def from_card(cls, card: object) -> PublicKeys:
        """Checks every field; raises ValueError for anything that is not a well-formed key."""
        if not isinstance(card, dict) or card.get("fieldlog_key") != 1:
            raise ValueError("not a key card")
        fields = {name: card.get(name) for name in ("office_id", "code", "name", "country", "role",
                                                     "signing_key", "encryption_key")}
        if not all(isinstance(value, str) for value in fields.values()) or fields["role"] not in ROLES:
            raise ValueError("bad field")
        if not (0 < len(fields["office_id"]) <= 36 and 0 < len(fields["code"]) <= 20 and len(fields["name"]) <= 200
                and len(fields["country"]) <= 2):
            raise ValueError("bad size")
        if len(base64.b64decode(fields["signing_key"], validate=True)) != 32:
            raise ValueError("bad signing key")
        try:
            pyrage.x25519.Recipient.from_str(fields["encryption_key"])
        except pyrage.RecipientError:
            raise ValueError("bad encryption key") from None
        return cls(**fields)


@dataclass(frozen=True)
class SecretKeys:
    signing: Ed25519PrivateKey
    identity: pyrage.x25519.Identity

    @classmethod
    def generate(cls) -> SecretKeys:
        return cls(signing=Ed25519PrivateKey.generate(), identity=pyrage.x25519.Identity.generate())

    def sign(self, message: bytes) -> bytes:
        return self.signing.sign(message)

    def decrypt_file(self, path, *, offset: int = 0) -> bytes:
        """The age ciphertext that starts at `offset` in the file, decrypted (streamed from disk)."""
        out = io.BytesIO()
        with open(path, "rb") as source:
            source.seek(offset)
            try:
                pyrage.decrypt_io(source, out, [self.identity])
            except OSError as error:  # pyrage reports a cut or damaged stream as an I/O error
                raise pyrage.DecryptError(str(error)) from None
        return out.getvalue()

    def public(self, *, office_id: str, code: str, name: str, country: str, role: str) -> PublicKeys:
        raw = self.signing.public_key().public_bytes_raw()
        return PublicKeys(
            office_id=office_id, code=code, name=name, country=country, role=role,
            signing_key=base64.b64encode(raw).decode(), encryption_key=str(self.identity.to_public()),
        )

    def to_bytes(self, passphrase: str | None = None) -> bytes:
        plain = json.dumps({
            "fieldlog_secret": 1,
            "signing_key": base64.b64encode(self.signing.private_bytes_raw()).decode(),
            "identity": str(self.identity),
        }).encode()
        return pyrage.passphrase.encrypt(plain, passphrase) if passphrase else plain

    @classmethod
    def from_bytes(cls, data: bytes, passphrase: str | None = None) -> SecretKeys:
        if is_protected(data):
            if not passphrase:
                raise PassphraseRequired(_("This office's keys are protected by a passphrase: type it to go on."))
            try:
                data = pyrage.passphrase.decrypt(data, passphrase)
            except pyrage.DecryptError:
                raise WrongPassphrase(_("That is not the passphrase of this office's keys.")) from None
        try:
            secret = json.loads(data)
            return cls(
                signing=Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret["signing_key"])),
                identity=pyrage.x25519.Identity.from_str(secret["identity"]),
            )
        except (ValueError, KeyError, TypeError, pyrage.IdentityError):
            raise KeyFileError(_("This office's private key file is damaged.")) from None


def is_protected(data: bytes) -> bool:
    return data.startswith(_AGE)
