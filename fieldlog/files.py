"""Files a person takes away (spreadsheets, reports): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from fieldlog.errors import FieldlogError
from fieldlog.i18n import _

T = TypeVar("T")


def cannot_write(path: Path, error: OSError) -> FieldlogError:
    return FieldlogError(_("Cannot write {path}: {reason}.").format(path=path, reason=error.strerror or error))


def write_atomically(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """The whole file or none: a temporary file beside it, readable by its owner only
    (exports hold officers' names), renamed over the target once complete."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise cannot_write(path, error) from None
    try:
        with os.fdopen(handle, "wb") as binary:
            result = write(binary)
            binary.flush()
            os.fsync(binary.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise cannot_write(path, error) from None
        raise
    return result
