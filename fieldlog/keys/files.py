"""Where an office's keys live: a folder beside its database, one per office, readable by its
owner only. A copy of the database in the same folder (a backup, a restored file) finds them.

    fieldlog.db
    keys/<office id>/secret.key   the private keys (JSON, or age-encrypted with a passphrase), 0600
    keys/<office id>/public.key   the public key card, the file another office imports
"""

from __future__ import annotations

import json
import os
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
