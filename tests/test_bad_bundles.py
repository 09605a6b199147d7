"""Hostile and damaged bundles (docs/ARCHITECTURE.md §4): each is refused with one clear line and a
non-zero exit, and the database is left exactly as it was."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from fieldlog.cli import main
from fieldlog.services.agencies import create_agency
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.sync.bundle_file import CHUNK, MAGIC, MAX_RATIO
from tests.sync_helpers import (
    Office, change_log_count, content_hash, database_dump, pack_bundle, read_bundle, row,
)

BOMB_BYTES = 300 * 1024 * 1024  # what the bomb expands to


class Scene:
    """BKO and NIA have synced once; BKO has since made changes NIA has not received."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bko = Office(folder, "BKO")
        self.nia = Office(folder, "NIA", "NE")
        agency = create_agency(self.bko.db, name="Brigade d'investigation spécialisée", acronym="BIS",
                               country="ML", kind="police")
        self.person = create_participant(self.bko.db, family_name="Traoré", given_names="Moussa", sex="M",
                                         agency_id=agency, country="ML")
        self.nia.receive(self.bko.send(full=True))
        self.bko.receive(self.nia.send(self.bko))
        self.newcomer = create_participant(self.bko.db, family_name="Maïga", given_names="Aïssata", sex="F",
                                           agency_id=agency, country="ML")
        current = get_participant(self.bko.db, self.person).model_dump(exclude={"id", "deleted"})
        update_participant(self.bko.db, self.person, **{**current, "phone": "76 00 00 01"})
        self.good = self.bko.send(self.nia)  # what NIA has not yet received
        self.manifest, self.lines = read_bundle(self.good, self.nia.db)

    def path(self, name: str) -> Path:
        return self.folder / name

    def pack(self, path: Path, *args, **how) -> Path:
        """A hand-made bundle, signed by BKO (trusted by NIA) and encrypted to NIA."""
        return pack_bundle(path, *args, signer=self.bko.db, to=[self.nia.db], **how)

    def lines_with(self, change) -> list[bytes]:
        """The good bundle's lines with `change(entry)` applied to each decoded entry."""
        out = []
        for line in self.lines:
            entry = json.loads(line)
            change(entry)
            out.append(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
        return out

    def close(self) -> None:
        self.bko.close()
        self.nia.close()


@pytest.fixture
def scene(tmp_path):
    made = Scene(tmp_path)
    yield made
    made.close()


def _state(db) -> tuple:
    return content_hash(db), change_log_count(db), database_dump(db)


def refused(scene: Scene, capsys, *files: Path, action: str = "import") -> str:
    """Run `fieldlog bundle import|inspect`; check it fails cleanly and changes nothing; return the line."""
    before = _state(scene.nia.db)
    capsys.readouterr()
    args = ["bundle", action, "--db", str(scene.nia.db.path), *map(str, files)] if action == "import" else \
        ["bundle", action, "--db", str(scene.nia.db.path), str(files[0])]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fieldlog: ")
    assert "Traceback" not in err and "Traceback" not in out
    assert _state(scene.nia.db) == before
    return lines[0]


def test_the_undamaged_bundle_is_imported(scene, capsys):
    """The control for every case below: the same bundle, intact, does change NIA."""
    before = _state(scene.nia.db)
    assert main(["bundle", "import", "--db", str(scene.nia.db.path), str(scene.good)]) == 0
    out, err = capsys.readouterr()
    assert "new changes from BKO" in out and err == ""
    assert _state(scene.nia.db)[:2] != before[:2]
    assert row(scene.nia.db, "participant", scene.newcomer)["family_name"] == "Maïga"
    assert row(scene.nia.db, "participant", scene.person)["phone"] == "76 00 00 01"


def test_a_repacked_undamaged_bundle_is_imported(scene, capsys):
    """The hand-packing used below makes bundles the engine accepts when nothing is wrong."""
    repacked = scene.pack(scene.path("repacked.fieldlog"), scene.manifest, scene.lines)
    assert main(["bundle", "import", "--db", str(scene.nia.db.path), str(repacked)]) == 0
    assert row(scene.nia.db, "participant", scene.newcomer)["family_name"] == "Maïga"


# --- files that are not bundles, or not whole --------------------------------------------


def test_empty_file(scene, capsys):
    empty = scene.path("empty.fieldlog")
    empty.write_bytes(b"")
    assert "not a fieldlog bundle" in refused(scene, capsys, empty)


def test_random_bytes(scene, capsys):
    noise = scene.path("noise.fieldlog")
    noise.write_bytes(random.Random(7).randbytes(5000))
    assert "not a fieldlog bundle" in refused(scene, capsys, noise)


def test_a_csv_file(scene, capsys):
    sheet = scene.path("participants.csv")
    sheet.write_text("family_name,given_names,sex\nTraoré,Moussa,M\n", encoding="utf-8")
    assert "not a fieldlog bundle" in refused(scene, capsys, sheet)


def test_a_missing_file(scene, capsys):
    assert "No such bundle file" in refused(scene, capsys, scene.path("absent.fieldlog"))


def test_truncated_in_the_header(scene, capsys):
    cut = scene.path("cut-header.fieldlog")
    cut.write_bytes(scene.good.read_bytes()[: len(MAGIC) + 3])
    assert "truncated" in refused(scene, capsys, cut)


def test_truncated_in_the_manifest(scene, capsys):
    raw = scene.good.read_bytes()
    length = int.from_bytes(raw[len(MAGIC) + 2: len(MAGIC) + 6], "big")
    cut = scene.path("cut-manifest.fieldlog")
    cut.write_bytes(raw[: len(MAGIC) + 6 + length // 2])
    assert "truncated" in refused(scene, capsys, cut)


def test_truncated_in_the_payload(scene, capsys):
    raw = scene.good.read_bytes()
    payload = scene.manifest["payload"]["bytes"]
    cut = scene.path("cut-payload.fieldlog")
    cut.write_bytes(raw[: len(raw) - payload // 2])
    assert "cannot be decrypted" in refused(scene, capsys, cut)


def test_extra_bytes_after_the_payload(scene, capsys):
    longer = scene.path("longer.fieldlog")
    longer.write_bytes(scene.good.read_bytes() + b"\n")
    assert "cannot be decrypted" in refused(scene, capsys, longer)


def test_a_flipped_byte_in_the_payload(scene, capsys):
    raw = bytearray(scene.good.read_bytes())
    raw[len(raw) - scene.manifest["payload"]["bytes"] // 2] ^= 0x10
    flipped = scene.path("flipped.fieldlog")
    flipped.write_bytes(bytes(raw))
    assert "cannot be decrypted" in refused(scene, capsys, flipped)


def test_a_flipped_byte_in_the_readable_envelope(scene, capsys):
    """The recipients' fingerprints are readable, but signed like the rest."""
    raw = bytearray(scene.good.read_bytes())
    position = raw.index(b'"recipients"') + 20  # inside a fingerprint
    raw[position] = ord("0") if raw[position] != ord("0") else ord("1")
    flipped = scene.path("flipped-envelope.fieldlog")
    flipped.write_bytes(bytes(raw))
    assert "was altered after BKO signed it" in refused(scene, capsys, flipped)


def test_tampered_entry_with_the_old_checksum(scene, capsys):
    def rename(entry):
        if entry["table"] == "participant" and "family_name" in entry["data"]:
            entry["data"]["family_name"] = "Mallory"

    lines = scene.lines_with(rename)
    assert lines != scene.lines
    tampered = scene.pack(scene.path("tampered.fieldlog"), scene.manifest, lines,
                           stated={"sha256": scene.manifest["payload"]["sha256"]})
    assert "checksum does not match" in refused(scene, capsys, tampered)


# --- well-formed files that must still be refused ----------------------------------------


def test_unknown_format_version(scene, capsys):
    newer = scene.pack(scene.path("format3.fieldlog"), scene.manifest, scene.lines, version=3)
    line = refused(scene, capsys, newer)
    assert "format 3" in line and "Upgrade fieldlog" in line


def test_an_unsigned_bundle_of_the_old_format(scene, capsys):
    unsigned = scene.pack(scene.path("unsigned.fieldlog"), scene.manifest, scene.lines, version=1)
    assert "is not signed" in refused(scene, capsys, unsigned)


def test_newer_schema_revision(scene, capsys):
    future = scene.pack(scene.path("future.fieldlog"), {**scene.manifest, "schema_revision": "9999_future"},
                         scene.lines)
    line = refused(scene, capsys, future)
    assert "9999_future" in line and "upgrade fieldlog" in line


def test_an_older_schema_revision_is_accepted(scene, capsys):
    older = scene.pack(scene.path("older.fieldlog"), {**scene.manifest, "schema_revision": "0001_initial"},
                        scene.lines)
    assert main(["bundle", "import", "--db", str(scene.nia.db.path), str(older)]) == 0
    assert row(scene.nia.db, "participant", scene.newcomer) is not None


def test_oversized_field(scene, capsys):
    def inflate(entry):
        if entry["record_id"] == scene.newcomer:
            entry["data"]["family_name"] = "X" * 100_000

    oversized = scene.pack(scene.path("oversized.fieldlog"), scene.manifest, scene.lines_with(inflate))
    line = refused(scene, capsys, oversized)
    assert "longer than fieldlog allows" in line and "family_name" in line


def test_entry_for_an_unknown_table(scene, capsys):
    lines = [*scene.lines, json.dumps({**json.loads(scene.lines[-1]), "table": "salary", "seq": 10_000}).encode()]
    unknown = scene.pack(scene.path("table.fieldlog"), {**scene.manifest, "entries": len(lines)}, lines)
    assert "cannot be read (table)" in refused(scene, capsys, unknown)


def test_entry_for_an_unknown_column(scene, capsys):
    def add_column(entry):
        if entry["record_id"] == scene.newcomer:
            entry["data"]["salary"] = "1000"

    unknown = scene.pack(scene.path("column.fieldlog"), scene.manifest, scene.lines_with(add_column))
    assert "participant.salary" in refused(scene, capsys, unknown)


def test_entry_of_the_wrong_type(scene, capsys):
    def number(entry):
        if entry["record_id"] == scene.newcomer:
            entry["data"]["family_name"] = 12

    wrong = scene.pack(scene.path("type.fieldlog"), scene.manifest, scene.lines_with(number))
    assert "participant.family_name" in refused(scene, capsys, wrong)


def test_a_line_that_is_not_json(scene, capsys):
    lines = [*scene.lines[:-1], b"{not json", scene.lines[-1]]
    broken = scene.pack(scene.path("json.fieldlog"), {**scene.manifest, "entries": len(lines)}, lines)
    assert "cannot be read (json)" in refused(scene, capsys, broken)


def test_manifest_states_more_entries_than_the_payload_holds(scene, capsys):
    more = scene.pack(scene.path("more.fieldlog"), {**scene.manifest, "entries": len(scene.lines) + 1},
                       scene.lines)
    assert "does not hold what its manifest states" in refused(scene, capsys, more)


def test_manifest_states_fewer_entries_than_the_payload_holds(scene, capsys):
    fewer = scene.pack(scene.path("fewer.fieldlog"), {**scene.manifest, "entries": len(scene.lines) - 1},
                        scene.lines)
    assert "does not hold what its manifest states" in refused(scene, capsys, fewer)


def test_manifest_counts_per_table_do_not_match(scene, capsys):
    counts = dict(scene.manifest["counts"])  # the same total, spread over the tables differently
    counts["participant"] -= 1
    counts["office"] = counts.get("office", 0) + 1
    wrong = scene.pack(scene.path("counts.fieldlog"), {**scene.manifest, "counts": counts}, scene.lines)
    assert "does not hold what its manifest states" in refused(scene, capsys, wrong)


def test_manifest_states_a_wrong_expanded_size(scene, capsys):
    expanded = sum(len(line) + 1 for line in scene.lines)
    wrong = scene.pack(scene.path("expanded.fieldlog"), scene.manifest, scene.lines, expanded=expanded + 10)
    assert "corrupted" in refused(scene, capsys, wrong)
    wrong = scene.pack(scene.path("expanded2.fieldlog"), scene.manifest, scene.lines, expanded=expanded - 10)
    assert "decompression bomb" in refused(scene, capsys, wrong)


@pytest.mark.parametrize("field, value", [
    ("bytes", "1234"), ("uncompressed_bytes", "1234"), ("sha256", 5), ("bytes", None), ("bytes", -1),
    ("bytes", 1.5),
])
def test_manifest_payload_values_of_the_wrong_type(scene, capsys, field, value):
    wrong = scene.pack(scene.path("types.fieldlog"), scene.manifest, scene.lines, stated={field: value})
    refused(scene, capsys, wrong)


@pytest.mark.parametrize("field, value", [
    ("bundle_id", 5), ("origin_office", None), ("seen", []), ("counts", "x"), ("entries", "3"),
    ("schema_revision", ["0003_sync"]),
])
def test_manifest_values_of_the_wrong_type(scene, capsys, field, value):
    wrong = scene.pack(scene.path("types.fieldlog"), {**scene.manifest, field: value}, scene.lines)
    refused(scene, capsys, wrong)


def test_a_manifest_that_is_not_an_object(scene, capsys):
    raw = scene.good.read_bytes()
    start = len(MAGIC) + 6
    length = int.from_bytes(raw[len(MAGIC) + 2:start], "big")
    listed = scene.path("list.fieldlog")
    listed.write_bytes(raw[:len(MAGIC) + 2] + (2).to_bytes(4, "big") + b"[]" + raw[start + length:])
    assert "manifest cannot be read" in refused(scene, capsys, listed)


# --- decompression bombs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb_payload() -> bytes:
    """A few hundred megabytes of zeros compressed to well under a megabyte."""
    compressor = zlib.compressobj(9)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(BOMB_BYTES >> 20)]
    parts.append(compressor.flush())
    payload = b"".join(parts)
    assert len(payload) < 1 << 20
    return payload


def _bomb(scene: Scene, bomb_payload: bytes, stated: int) -> Path:
    return scene.pack(scene.path(f"bomb-{stated}.fieldlog"), {**scene.manifest, "entries": 1},
                       payload=bomb_payload, expanded=stated)


def _bounded_refusal(scene, capsys, bomb: Path, monkeypatch) -> str:
    """The bomb is refused having expanded no more than a real bundle of its size could hold:
    the work done is bounded by the file, not by what it claims to hold."""
    expanded = _count_expansion(monkeypatch)
    line = refused(scene, capsys, bomb)
    assert expanded[0] <= MAX_RATIO * bomb.stat().st_size + CHUNK, f"{expanded[0]} bytes expanded"
    return line


def _count_expansion(monkeypatch) -> list[int]:
    """Count the bytes every zlib decompressor hands out from now on."""
    expanded = [0]
    original = zlib.decompressobj

    class Counting:
        def __init__(self, *args, **kwargs) -> None:
            self._inner = original(*args, **kwargs)

        def decompress(self, data, max_length=0):
            out = self._inner.decompress(data, max_length)
            expanded[0] += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    return expanded


def test_bomb_stating_its_true_size(scene, capsys, bomb_payload, monkeypatch):
    bomb = _bomb(scene, bomb_payload, BOMB_BYTES)
    expanded = _count_expansion(monkeypatch)
    assert "decompression bomb" in refused(scene, capsys, bomb)
    assert expanded[0] == 0, "its stated size alone refuses it, before anything is expanded"


@pytest.mark.parametrize("stated", [1000, "plausible", "largest accepted"])
def test_bomb_stating_a_false_size(scene, capsys, bomb_payload, stated, monkeypatch):
    if stated == "plausible":
        stated = len(bomb_payload) * 10
    elif stated == "largest accepted":
        stated = MAX_RATIO * len(bomb_payload)
    bomb = _bomb(scene, bomb_payload, stated)
    assert "refused" in _bounded_refusal(scene, capsys, bomb, monkeypatch)


def test_bomb_of_empty_lines(scene, capsys, monkeypatch):
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"\n" * (1 << 20)) for _ in range(64)]
    payload = b"".join(parts) + compressor.flush()
    bomb = scene.pack(scene.path("lines.fieldlog"), {**scene.manifest, "entries": 64 << 20}, payload=payload,
                       expanded=64 << 20)
    _bounded_refusal(scene, capsys, bomb, monkeypatch)


_MEASURE = """
import resource, sys
from fieldlog.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def _measured(*args: str) -> tuple[int, int, str]:
    """Exit code and peak resident memory (KiB) of `fieldlog ARGS` in its own process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "FIELDLOG_CONFIG_DIR": os.environ.get("FIELDLOG_CONFIG_DIR", "")})
    return done.returncode, int(done.stdout.split()[-1]), done.stderr


@pytest.mark.parametrize("stated", ["true", "false"])
def test_bomb_uses_little_memory(scene, bomb_payload, stated):
    db = str(scene.nia.db.path)
    control = scene.pack(scene.path("control.fieldlog"), scene.manifest, scene.lines)
    code, base_peak, _err = _measured("bundle", "inspect", "--db", db, str(control))
    assert code == 0
    bomb = _bomb(scene, bomb_payload, BOMB_BYTES if stated == "true" else MAX_RATIO * len(bomb_payload))
    code, peak, err = _measured("bundle", "import", "--db", db, str(bomb))
    assert code == 1 and err.startswith("fieldlog: ") and err.count("\n") == 1, err
    assert peak - base_peak < 64 * 1024, f"the bomb took {(peak - base_peak) // 1024} MiB more than a normal run"


# --- several files at once, and inspect --------------------------------------------------


def _oversized(scene: Scene) -> Path:
    def inflate(entry):
        if entry["record_id"] == scene.newcomer:
            entry["data"]["family_name"] = "X" * 100_000

    return scene.pack(scene.path("oversized.fieldlog"), scene.manifest, scene.lines_with(inflate))


def _flipped(scene: Scene) -> Path:
    raw = bytearray(scene.good.read_bytes())
    raw[-5] ^= 0x01
    path = scene.path("flipped.fieldlog")
    path.write_bytes(bytes(raw))
    return path


def _other_good(scene: Scene) -> Path:
    """A second good bundle, from a third office, that NIA has not received."""
    aga = Office(scene.folder, "AGA", "NE")
    create_participant(aga.db, family_name="Issoufou", given_names="Hadiza", sex="F", country="NE")
    path = aga.send(full=True)
    aga.close()
    return path


@pytest.mark.parametrize("bad", ["flipped", "oversized", "empty"])
@pytest.mark.parametrize("position", ["first", "last"])
def test_one_bad_file_among_several_applies_nothing(scene, capsys, bad, position):
    if bad == "flipped":
        broken = _flipped(scene)
    elif bad == "oversized":
        broken = _oversized(scene)
    else:
        broken = scene.path("empty.fieldlog")
        broken.write_bytes(b"")
    goods = [scene.good, _other_good(scene)]
    files = [broken, *goods] if position == "first" else [*goods, broken]
    line = refused(scene, capsys, *files)
    assert broken.name in line


def test_inspect_a_good_bundle(scene, capsys):
    assert main(["bundle", "inspect", "--db", str(scene.nia.db.path), str(scene.good)]) == 0
    out = capsys.readouterr().out
    assert "From office: BKO" in out and "Participants" in out


@pytest.mark.parametrize("bad", ["flipped", "empty", "future", "truncated"])
def test_inspect_a_bad_bundle(scene, capsys, bad):
    if bad == "flipped":
        path = _flipped(scene)
    elif bad == "empty":
        path = scene.path("empty.fieldlog")
        path.write_bytes(b"")
    elif bad == "future":
        path = scene.pack(scene.path("future.fieldlog"), {**scene.manifest, "schema_revision": "9999_future"},
                           scene.lines)
    else:
        path = scene.path("truncated.fieldlog")
        path.write_bytes(scene.good.read_bytes()[:-10])
    line = refused(scene, capsys, path, action="inspect")
    assert path.name in line


@pytest.mark.parametrize("hlc", [2**63 - 1, (2**47 - 1) << 16 | 0xFFFF, 2**62])
def test_an_entry_stamped_at_the_end_of_time(scene, capsys, hlc):
    """A stamp near the 64-bit limit would push this office's clock past what SQLite stores (or
    wrap it): refused like any unreadable entry, before the clock moves."""
    def stamp(entry):
        if entry["record_id"] == scene.newcomer:
            entry["hlc"] = hlc

    far = scene.pack(scene.path("far.fieldlog"), scene.manifest, scene.lines_with(stamp))
    assert "hlc" in refused(scene, capsys, far)
