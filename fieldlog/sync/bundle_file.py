"""A plain bundle: what a sealed `.fieldlog` file holds once opened (see sync/sealed.py).

    b"FIELDLOG-BUNDLE\\n"  magic (16 bytes)
    format version         2 bytes, big-endian
    manifest length        4 bytes, big-endian
    manifest               UTF-8 JSON
    payload                zlib stream of JSON lines, one change-log entry per line

The manifest states the payload's SHA-256, its size and its size once expanded, so a damaged,
truncated or inflated payload is refused before anything is applied, even one that a trusted
office signed.
"""

from __future__ import annotations

import hashlib
import json
import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

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


class BundleWriter:
    """Build the plain bundle in memory: it leaves this computer only sealed (sync/sealed.py)."""

    def __init__(self) -> None:
        self.entries = 0
        self.uncompressed = 0
        self._compressor = zlib.compressobj(6)
        self._digest = hashlib.sha256()
        self._size = 0
        self._payload = io.BytesIO()

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

    def finish(self, manifest: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """The complete manifest and the bundle's bytes."""
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
        return manifest, MAGIC + _HEADER.pack(FORMAT_VERSION, len(encoded)) + encoded + self._payload.getvalue()


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_manifest(data: bytes, name: str) -> tuple[dict[str, Any], int]:
    """The manifest of a plain (opened) bundle and the offset where its payload starts."""
    head = data[: len(MAGIC) + _HEADER.size]
    if len(head) < len(MAGIC) + _HEADER.size or head[: len(MAGIC)] != MAGIC:
        raise BundleError(_("{name} is corrupted: its contents cannot be read.").format(name=name))
    version, length = _HEADER.unpack(head[len(MAGIC):])
    if version != FORMAT_VERSION or length > MAX_MANIFEST:
        raise BundleError(_("{name} is corrupted: its contents cannot be read.").format(name=name))
    start = len(MAGIC) + _HEADER.size
    raw = data[start:start + length]
    if len(raw) < length:
        raise BundleError(_("{name} is truncated: copy it again from its source.").format(name=name))
    try:
        manifest = json.loads(bytes(raw).decode())
        payload = manifest["payload"]
        counts = (payload["bytes"], payload["uncompressed_bytes"], manifest["entries"])
        if not isinstance(payload["sha256"], str) or not all(_is_count(value) for value in counts):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise BundleError(_("{name} is corrupted: its manifest cannot be read.").format(name=name)) from None
    return manifest, start + length


def verify_payload(data: bytes, name: str, manifest: dict[str, Any], offset: int) -> None:
    """Check size and SHA-256 of the payload without expanding it."""
    payload = manifest["payload"]
    size = len(data) - offset
    if size < payload["bytes"]:
        raise BundleError(_("{name} is truncated: copy it again from its source.").format(name=name))
    if size > payload["bytes"]:
        raise BundleError(_("{name} is corrupted: it holds more than its manifest states.").format(name=name))
    stated = payload["uncompressed_bytes"]
    if not isinstance(stated, int) or stated < 0 or stated > MAX_RATIO * size + MAX_MANIFEST:
        raise BundleError(
            _("{name} is refused: it would expand far beyond its size (a decompression bomb?).").format(name=name))
    if hashlib.sha256(data[offset:]).hexdigest() != payload["sha256"]:
        raise BundleError(
            _("{name} is corrupted or was altered: its checksum does not match. Nothing was imported.").format(name=name))


def iter_lines(data: bytes, name: str, manifest: dict[str, Any], offset: int) -> Iterator[bytes]:
    """Expand the payload line by line, never beyond the stated size or the line limit."""
    limit = manifest["payload"]["uncompressed_bytes"]
    expanded = 0
    pending = b""
    decompressor = zlib.decompressobj()
    view = memoryview(data)
    position = offset
    while True:
        if decompressor.unconsumed_tail:
            chunk = decompressor.unconsumed_tail
        else:
            chunk = bytes(view[position:position + CHUNK])
            position += len(chunk)
        if not chunk:
            break
        try:
            expanded_chunk = decompressor.decompress(chunk, CHUNK)
        except zlib.error:
            raise BundleError(_("{name} is corrupted: its contents cannot be expanded.").format(name=name)) from None
        expanded += len(expanded_chunk)
        if expanded > limit:
            raise BundleError(
                _("{name} is refused: it expands beyond its stated size (a decompression bomb?).").format(name=name))
        pending += expanded_chunk
        *lines, pending = pending.split(b"\n")
        if len(pending) > MAX_LINE:
            raise BundleError(_("{name} is refused: it holds an oversized entry.").format(name=name))
        yield from lines
        if decompressor.eof:
            break
    if not decompressor.eof or pending or expanded != limit:
        raise BundleError(_("{name} is corrupted: its contents end early.").format(name=name))
