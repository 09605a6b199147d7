"""Where an office's keys live: a folder beside its database, one per office, readable by its
owner only. A copy of the database in the same folder (a backup, a restored file) finds them.

    fieldlog.db
    keys/<office id>/secret.key   the private keys (JSON, or age-encrypted with a passphrase), 0600
    keys/<office id>/public.key   the public key card, the file another office imports
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from fieldlog.files import write_atomically
from fieldlog.keys.material import PublicKeys

SECRET_NAME = "secret.key"
PUBLIC_NAME = "public.key"


def keys_folder(db_path: Path, office_id: str) -> Path:
    return db_path.parent / "keys" / office_id


def make_private_folder(folder: Path) -> None:
    for level in (folder.parent, folder):
        level.mkdir(mode=0o700, exist_ok=True)
        os.chmod(level, 0o700)


def write_private(path: Path, data: bytes) -> None:
    make_private_folder(path.parent)
    write_atomically(path, lambda out: out.write(data))
    os.chmod(path, 0o600)


def read_secret_file(folder: Path) -> bytes | None:
    path = folder / SECRET_NAME
    return path.read_bytes() if path.is_file() else None


def card_bytes(public: PublicKeys) -> bytes:
    return (json.dumps(public.as_card(), indent=2, ensure_ascii=False) + "\n").encode()


def read_public_file(folder: Path) -> PublicKeys | None:
    path = folder / PUBLIC_NAME
    if not path.is_file():
        return None
    try:
        return PublicKeys.from_card(json.loads(path.read_bytes()))
    except ValueError:
        return None


def replace_folder(folder: Path, secret: bytes, card: bytes) -> None:
    """Put new keys in place of those in `folder`, never one file of each: the new pair is
    written to a folder beside it, the old folder is moved aside, the new one takes its name,
    then the old one is deleted. Interrupted between the two moves, the office has no keys
    folder, and makes a fresh, consistent pair the next time it needs one."""
    fresh = folder.with_name(folder.name + ".new")
    old = folder.with_name(folder.name + ".old")
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    write_private(fresh / SECRET_NAME, secret)
    write_private(fresh / PUBLIC_NAME, card)
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
