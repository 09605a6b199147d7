"""The `.fieldlog` file as it travels: signed by the office that made it, encrypted to the
offices that may read it. Without one of their private keys, the file shows only its format and
the recipients' fingerprints.

    b"FIELDLOG-BUNDLE\\n"  magic (16 bytes)
    format version         2 bytes, big-endian (2: sealed; 1 was unsigned and is refused)
    envelope length        4 bytes, big-endian
    envelope               UTF-8 JSON: {"recipients": [fingerprints]}
    age ciphertext         (age X25519, through pyrage) of:
        signature length   4 bytes, big-endian
        signature          UTF-8 JSON: {"signer": key id, "signature": Ed25519, base64}
        plain bundle       sync/bundle_file.py

The signature covers the SHA-256 of the exact bytes of everything before the ciphertext and of
the plain bundle: no byte of the file can change without the import refusing it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
from dataclasses import dataclass
from pathlib import Path

import pyrage

from fieldlog.files import write_atomically
from fieldlog.i18n import _
from fieldlog.keys.keyring import Keyring
from fieldlog.keys.material import PublicKeys
from fieldlog.keys.trust import PENDING, REVOKED, RETIRED, KnownKey
from fieldlog.sync.bundle_file import MAGIC, MAX_MANIFEST, BundleError

SEALED_FORMAT = 2
UNSIGNED_FORMAT = 1
_HEADER = struct.Struct(">HI")
_LENGTH = struct.Struct(">I")
_DOMAIN = b"fieldlog bundle signature v2\n"
MAX_SIGNATURE_BLOCK = 4096


class NotForThisOffice(BundleError):
    """Encrypted to other offices' keys only."""


@dataclass(frozen=True)
class Envelope:
    recipients: list[str]  # fingerprints
    prefix: bytes  # the exact bytes before the ciphertext
    size: int


@dataclass(frozen=True)
class Opened:
    data: bytes  # the plain bundle
    signer: KnownKey


def _to_sign(prefix: bytes, plain: bytes) -> bytes:
    return _DOMAIN + hashlib.sha256(prefix).digest() + hashlib.sha256(plain).digest()


def seal(plain: bytes, keyring: Keyring, recipients: list[PublicKeys]) -> bytes:
    envelope = json.dumps({"recipients": sorted(r.fingerprint for r in recipients)}).encode()
    prefix = MAGIC + _HEADER.pack(SEALED_FORMAT, len(envelope)) + envelope
    signature = keyring.secret.sign(_to_sign(prefix, plain))
    block = json.dumps({"signer": keyring.own.key_id, "signature": base64.b64encode(signature).decode()}).encode()
    out = io.BytesIO()
    pyrage.encrypt_io(io.BytesIO(_LENGTH.pack(len(block)) + block + plain), out, [r.recipient() for r in recipients])
    return prefix + out.getvalue()


def write_sealed(path: Path, plain: bytes, keyring: Keyring, recipients: list[PublicKeys]) -> None:
    """The whole file or none, readable by its owner only."""
    sealed = seal(plain, keyring, recipients)
    write_atomically(path, lambda handle: handle.write(sealed))


def read_envelope(path: Path) -> Envelope:
    """What anyone can see of a bundle; refuses what is not one, or not a sealed one."""
    try:
        with open(path, "rb") as source:
            head = source.read(len(MAGIC) + _HEADER.size)
            if len(head) < len(MAGIC) or head[: len(MAGIC)] != MAGIC:
                raise BundleError(_("{name} is not a fieldlog bundle.").format(name=path.name))
            if len(head) < len(MAGIC) + _HEADER.size:
                raise BundleError(_("{name} is truncated: copy it again from its source.").format(name=path.name))
            version, length = _HEADER.unpack(head[len(MAGIC):])
            if version == UNSIGNED_FORMAT:
                raise BundleError(_(
                    "{name} is not signed (it was made by an older fieldlog): it is refused, since anyone could "
                    "have written it. Ask its office to upgrade fieldlog and export again."
                ).format(name=path.name))
            if version != SEALED_FORMAT:
                raise BundleError(
                    _("{name} uses bundle format {version}; this fieldlog reads format {ours}. Upgrade fieldlog.").format(
                        name=path.name, version=version, ours=SEALED_FORMAT))
            if length > MAX_MANIFEST:
                raise BundleError(_("{name} is corrupted: its manifest is implausibly large.").format(name=path.name))
            raw = source.read(length)
            size = path.stat().st_size
    except OSError as error:
        raise BundleError(_("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    if len(raw) < length:
        raise BundleError(_("{name} is truncated: copy it again from its source.").format(name=path.name))
    try:
        recipients = json.loads(raw.decode())["recipients"]
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise BundleError(_("{name} is corrupted: its manifest cannot be read.").format(name=path.name)) from None
    return Envelope(recipients=recipients, prefix=head + raw, size=size)


def open_sealed(path: Path, keyring: Keyring) -> Opened:
    """Decrypt with this office's key and check the signature against the keys trusted here."""
    envelope = read_envelope(path)
    name = path.name
    try:
        plaintext = memoryview(keyring.secret.decrypt_file(path, offset=len(envelope.prefix)))
    except OSError as error:
        raise BundleError(_("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    except pyrage.DecryptError:
        if keyring.own.fingerprint not in envelope.recipients:
            raise NotForThisOffice(_(
                "{name} is encrypted for other offices: this office's key cannot open it. Nothing was imported."
            ).format(name=name)) from None
        raise BundleError(_(
            "{name} cannot be decrypted: it is incomplete, damaged or was altered on the way. Copy it again from "
            "its source."
        ).format(name=name)) from None
    if len(plaintext) < _LENGTH.size:
        raise BundleError(_("{name} is corrupted: its contents cannot be read.").format(name=name))
    (length,) = _LENGTH.unpack(plaintext[:_LENGTH.size])
    if length > MAX_SIGNATURE_BLOCK:
        raise BundleError(_("{name} is corrupted: its contents cannot be read.").format(name=name))
    try:
        block = json.loads(bytes(plaintext[_LENGTH.size:_LENGTH.size + length]))
        signer_id, signature = str(block["signer"]), base64.b64decode(block["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        raise BundleError(_("{name} is corrupted: its signature cannot be read.").format(name=name)) from None
    plain = plaintext[_LENGTH.size + length:]
    signer = keyring.known(signer_id)
    _check_signer(name, signer_id, signer)
    assert signer is not None
    if not signer.public.verifies(signature, _to_sign(envelope.prefix, plain)):
        raise BundleError(_(
            "{name} was altered after {office} signed it: it is refused and nothing was imported."
        ).format(name=name, office=signer.code))
    return Opened(data=plain, signer=signer)


def _check_signer(name: str, signer_id: str, signer: KnownKey | None) -> None:
    if signer is None:
        from fieldlog.keys.material import fingerprint_of

        fingerprint = fingerprint_of(signer_id) if len(signer_id) == 64 else "?"
        raise BundleError(_(
            "{name} is signed by a key unknown here (fingerprint {fingerprint}): it is refused and nothing was "
            "imported. If it comes from a real office, import that office's key and trust it after comparing "
            "fingerprints by phone."
        ).format(name=name, fingerprint=fingerprint))
    if signer.status in (REVOKED, RETIRED):
        raise BundleError(_(
            "{name} is signed by a revoked key of {office}: it is refused and nothing was imported."
        ).format(name=name, office=signer.code))
    if signer.status == PENDING:
        raise BundleError(_(
            "{name} is signed by {office}, whose key is not trusted yet: compare its fingerprint {fingerprint} "
            "with {office} by phone, then trust it (fieldlog keys trust {office}). Nothing was imported."
        ).format(name=name, office=signer.code, fingerprint=signer.fingerprint))
