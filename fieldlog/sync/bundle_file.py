"""The `.fieldlog` bundle file: read and written as a stream.

    b"FIELDLOG-BUNDLE\\n"  magic (16 bytes)
    format version         2 bytes, big-endian
    manifest length        4 bytes, big-endian
    manifest               UTF-8 JSON
    payload                zlib stream of JSON lines, one change-log entry per line

The manifest states the payload's SHA-256, its size and its size once expanded, so a damaged,
altered, truncated or inflated file is refused before anything is applied.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from fieldlog.errors import FieldlogError
from fieldlog.i18n import _

MAGIC = b"FIELDLOG-BUNDLE\n"
FORMAT_VERSION = 1
SUFFIX = ".fieldlog"
MAX_MANIFEST = 1 << 20
MAX_LINE = 1 << 20
# A change log compresses perhaps 5–20×; far more than this is a decompression bomb.
MAX_RATIO = 200
CHUNK = 1 << 16
_HEADER = struct.Struct(">HI")


class BundleError(FieldlogError):
    """A bundle that cannot be trusted or read: nothing of it is applied."""


def _fail(path: Path, message: str) -> BundleError:
    return BundleError(message.format(name=path.name))


class BundleWriter:
    """Write entries to a temporary payload, then the final file in one rename."""

    def __init__(self, path: Path):
        self.path = path
        self.entries = 0
        self.uncompressed = 0
        self._compressor = zlib.compressobj(6)
        self._digest = hashlib.sha256()
        self._size = 0
        self._payload: IO[bytes] = tempfile.TemporaryFile(dir=path.parent)

    def _emit(self, data: bytes) -> None:
        if data:
            self._digest.update(data)
            self._size += len(data)
            self._payload.write(data)

    def add(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode() + b"\n"
        self.entries += 1
        self.uncompressed += len(line)
        self._emit(self._compressor.compress(line))

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        self._emit(self._compressor.flush())
        manifest = {
            **manifest,
            "format": FORMAT_VERSION,
            "entries": self.entries,
            "payload": {
                "compression": "zlib",
                "sha256": self._digest.hexdigest(),
                "bytes": self._size,
                "uncompressed_bytes": self.uncompressed,
            },
        }
        encoded = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
        fd, temp_name = tempfile.mkstemp(dir=self.path.parent, prefix=".fieldlog-", suffix=".part")
        try:
            os.chmod(temp_name, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(MAGIC + _HEADER.pack(FORMAT_VERSION, len(encoded)) + encoded)
                self._payload.seek(0)
                while chunk := self._payload.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        finally:
            self._payload.close()
        return manifest

    def abandon(self) -> None:
        self._payload.close()


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_manifest(path: Path) -> tuple[dict[str, Any], int]:
    """The manifest and the offset where the payload starts; refuses what is not a bundle."""
    try:
        with open(path, "rb") as source:
            head = source.read(len(MAGIC) + _HEADER.size)
            if len(head) < len(MAGIC) or head[: len(MAGIC)] != MAGIC:
                raise _fail(path, _("{name} is not a fieldlog bundle."))
            if len(head) < len(MAGIC) + _HEADER.size:
                raise _fail(path, _("{name} is truncated: copy it again from its source."))
            version, length = _HEADER.unpack(head[len(MAGIC):])
            if version != FORMAT_VERSION:
                raise BundleError(
                    _("{name} uses bundle format {version}; this fieldlog reads format {ours}. Upgrade fieldlog.").format(
                        name=path.name, version=version, ours=FORMAT_VERSION
                    )
                )
            if length > MAX_MANIFEST:
                raise _fail(path, _("{name} is corrupted: its manifest is implausibly large."))
            raw = source.read(length)
    except OSError as error:
        raise BundleError(_("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    if len(raw) < length:
        raise _fail(path, _("{name} is truncated: copy it again from its source."))
    try:
        manifest = json.loads(raw.decode())
        payload = manifest["payload"]
        counts = (payload["bytes"], payload["uncompressed_bytes"], manifest["entries"])
        if not isinstance(payload["sha256"], str) or not all(_is_count(value) for value in counts):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise _fail(path, _("{name} is corrupted: its manifest cannot be read.")) from None
    return manifest, len(MAGIC) + _HEADER.size + length


def verify_payload(path: Path, manifest: dict[str, Any], offset: int) -> None:
    """Check size and SHA-256 of the payload without expanding it."""
    payload = manifest["payload"]
    size = path.stat().st_size - offset
    if size < payload["bytes"]:
        raise _fail(path, _("{name} is truncated: copy it again from its source."))
    if size > payload["bytes"]:
        raise _fail(path, _("{name} is corrupted: it holds more than its manifest states."))
    stated = payload["uncompressed_bytes"]
    if not isinstance(stated, int) or stated < 0 or stated > MAX_RATIO * size + MAX_MANIFEST:
        raise _fail(path, _("{name} is refused: it would expand far beyond its size (a decompression bomb?)."))
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        source.seek(offset)
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != payload["sha256"]:
        raise _fail(path, _("{name} is corrupted or was altered: its checksum does not match. Nothing was imported."))


def iter_lines(path: Path, manifest: dict[str, Any], offset: int) -> Iterator[bytes]:
    """Expand the payload line by line, never beyond the stated size or the line limit."""
    limit = manifest["payload"]["uncompressed_bytes"]
    expanded = 0
    pending = b""
    decompressor = zlib.decompressobj()
    with open(path, "rb") as source:
        source.seek(offset)
        while True:
            chunk = decompressor.unconsumed_tail or source.read(CHUNK)
            if not chunk:
                break
            try:
                data = decompressor.decompress(chunk, CHUNK)
            except zlib.error:
                raise _fail(path, _("{name} is corrupted: its contents cannot be expanded.")) from None
            expanded += len(data)
            if expanded > limit:
                raise _fail(path, _("{name} is refused: it expands beyond its stated size (a decompression bomb?)."))
            pending += data
            *lines, pending = pending.split(b"\n")
            if len(pending) > MAX_LINE:
                raise _fail(path, _("{name} is refused: it holds an oversized entry."))
            yield from lines
            if decompressor.eof:
                break
    if not decompressor.eof or pending or expanded != limit:
        raise _fail(path, _("{name} is corrupted: its contents end early."))


@contextmanager
def bundle_writer(path: Path) -> Iterator[BundleWriter]:
    writer = BundleWriter(path)
    try:
        yield writer
    except BaseException:
        writer.abandon()
        raise
