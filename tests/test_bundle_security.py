"""Signed and encrypted bundles (issue 6): a stolen bundle gives an attacker nothing, a forged
one is refused with one line and nothing applied, and sync still converges."""

from __future__ import annotations

import json
import os
import random
import zlib
from pathlib import Path

import pytest

from fieldlog.cli import main
from fieldlog.errors import FieldlogError
from fieldlog.keys.material import PassphraseRequired, WrongPassphrase
from fieldlog.keys.trust import (
    export_card, import_card, list_keys, load_secret, own_key, own_keys_folder, revoke_key, set_passphrase,
    trust_key,
)
from fieldlog.services.agencies import create_agency
from fieldlog.services.participants import create_participant
from fieldlog.sync.bundle_file import BundleError
from fieldlog.sync.export import export_bundle
from tests.sync_helpers import (
    Office, change_log_count, content_hash, database_dump, pack_bundle, read_bundle, row,
)

NAMES = ("Ouedraogo-Zerbo", "Aïssatou Kabore-Tinto")


def introduce(office: Office, coordinator: Office) -> None:
    """The office and its coordinator exchange key files and compare fingerprints, once."""
    for source, target, role in ((office, coordinator, None), (coordinator, office, "coordinator")):
        card = export_card(source.db, source.folder / f"{source.code}.fieldlog-key")
        import_card(target.db, card)
        trust_key(target.db, source.code, role=role)


def state(db) -> tuple:
    return content_hash(db), change_log_count(db), database_dump(db)


class Programme:
    """HQ coordinates; BKO and NIA are field offices that have each met only HQ."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.hq = Office(folder, "HQ", "SN", trusting=False)
        self.bko = Office(folder, "BKO", coordinator=False, trusting=False)
        self.nia = Office(folder, "NIA", "NE", coordinator=False, trusting=False)
        introduce(self.bko, self.hq)
        introduce(self.nia, self.hq)
        agency = create_agency(self.bko.db, name="Brigade d'investigation spécialisée", acronym="BIS",
                               country="ML", kind="police")
        self.person = create_participant(self.bko.db, family_name=NAMES[0], given_names=NAMES[1], sex="F",
                                         agency_id=agency, country="ML")
        self.nia_person = create_participant(self.nia.db, family_name="Issoufou", given_names="Hadiza", sex="F",
                                             country="NE")

    def close(self) -> None:
        for office in (self.hq, self.bko, self.nia):
            office.close()


@pytest.fixture
def programme(tmp_path):
    made = Programme(tmp_path)
    yield made
    made.close()


def test_offices_that_met_only_the_coordinator_converge_through_it(programme):
    hq, bko, nia = programme.hq, programme.bko, programme.nia
    hq.receive(bko.send(hq), nia.send(hq))
    bko.receive(hq.send(bko))  # NIA's changes, relayed, and the list of offices HQ trusts
    nia.receive(hq.send(nia))
    assert row(bko.db, "participant", programme.nia_person)["family_name"] == "Issoufou"
    assert row(nia.db, "participant", programme.person)["family_name"] == NAMES[0]
    assert content_hash(bko.db) == content_hash(nia.db) == content_hash(hq.db)
    # BKO learned NIA's key from HQ: the two can now write to each other directly.
    learned = {k.code: k for k in list_keys(bko.db)}["NIA"]
    assert learned.status == "trusted" and learned.learned_from == "HQ"
    create_participant(bko.db, family_name="Coulibaly", given_names="Awa", sex="F")
    summary, = nia.receive(bko.send(nia))
    assert summary.new_entries == 1


def test_a_field_office_sends_only_its_own_changes(programme):
    hq, bko, nia = programme.hq, programme.bko, programme.nia
    hq.receive(nia.send(hq))
    bko.receive(hq.send(bko))
    manifest, lines = read_bundle(bko.send(hq), hq.db)
    origins = {json.loads(line)["office_id"] for line in lines}
    assert origins == {own_key(bko.db).public.office_id}
    assert manifest["origin_code"] == "BKO" and "trusted_offices" not in manifest


# --- what a thief or a forger gets ----------------------------------------------------------


def test_no_name_and_no_readable_content_in_a_bundle(programme):
    bundle = programme.bko.send(programme.hq)
    raw = bundle.read_bytes()
    for name in (*NAMES, "BKO", "Brigade", "participant"):
        assert name.encode() not in raw
    # Nothing in it expands as zlib: the compressed change log is inside the encryption.
    for start in range(len(raw)):
        try:
            expanded = zlib.decompressobj().decompress(raw[start:start + 4096])
        except zlib.error:
            continue
        assert NAMES[0].encode() not in expanded
    envelope = json.loads(raw[22:22 + int.from_bytes(raw[18:22], "big")])
    assert set(envelope) == {"recipients"}
    assert sorted(envelope["recipients"]) == sorted(own_key(o.db).fingerprint for o in (programme.bko, programme.hq))


def test_a_bundle_cannot_be_opened_without_a_recipients_key(programme, capsys):
    """NIA is not among the recipients of BKO's bundle for HQ; neither is a stranger."""
    bundle = programme.bko.send(programme.hq)
    before = state(programme.nia.db)
    with pytest.raises(BundleError, match="encrypted for other offices"):
        programme.nia.receive(bundle)
    assert state(programme.nia.db) == before
    capsys.readouterr()
    assert main(["bundle", "inspect", "--db", str(programme.nia.db.path), str(bundle)]) == 1
    out, err = capsys.readouterr()
    assert "signed and encrypted" in out and own_key(programme.hq.db).fingerprint in out and "HQ" in out
    assert NAMES[0] not in out and "Participants" not in out
    assert err.count("\n") == 1 and "encrypted for other offices" in err


@pytest.mark.parametrize("seed", range(4))
def test_any_tampered_byte_is_refused_and_nothing_applied(programme, seed):
    bundle = programme.bko.send(programme.hq)
    raw = bytearray(bundle.read_bytes())
    rng = random.Random(seed)
    positions = [rng.randrange(len(raw)) for _ in range(12)] + [len(raw) - 1, 20]
    before = state(programme.hq.db)
    for position in positions:
        altered = bytearray(raw)
        altered[position] ^= 1 << rng.randrange(8)
        path = programme.folder / f"tampered-{position}.fieldlog"
        path.write_bytes(bytes(altered))
        with pytest.raises(BundleError):
            programme.hq.receive(path)
        assert state(programme.hq.db) == before, position
    assert programme.hq.receive(bundle)[0].new_entries > 0  # the untouched file is accepted


def test_a_bundle_signed_by_an_unknown_key_is_refused(programme):
    """A stranger who got hold of HQ's public key card can encrypt to HQ, not be trusted by it."""
    stranger = Office(programme.folder, "XYZ", trusting=False)
    card = export_card(programme.hq.db, programme.folder / "hq-card.fieldlog-key")
    import_card(stranger.db, card)
    trust_key(stranger.db, "HQ")
    create_participant(stranger.db, family_name="Faux", given_names="Nom", sex="M")
    forged = stranger.send(programme.hq)
    before = state(programme.hq.db)
    with pytest.raises(BundleError, match="signed by a key unknown here"):
        programme.hq.receive(forged)
    assert state(programme.hq.db) == before
    # Its card imported but not yet trusted: still refused, with the way to trust it.
    import_card(programme.hq.db, export_card(stranger.db, programme.folder / "xyz.fieldlog-key"))
    with pytest.raises(BundleError, match="not trusted yet"):
        programme.hq.receive(forged)
    stranger.close()


def test_a_forged_card_claiming_an_office_has_another_fingerprint(programme, tmp_path):
    """An attacker's key card copying BKO's office id and code cannot have BKO's fingerprint."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    impostor = Office(elsewhere, "BKO", trusting=False)
    card = json.loads(export_card(impostor.db, tmp_path / "impostor.fieldlog-key").read_text())
    card["office_id"] = own_key(programme.bko.db).public.office_id
    forged = tmp_path / "forged.fieldlog-key"
    forged.write_text(json.dumps(card))
    key, new = import_card(programme.nia.db, forged)
    assert new and key.status == "pending"
    assert key.fingerprint != own_key(programme.bko.db).fingerprint
    impostor.close()


def test_a_revoked_office_is_refused_and_the_revocation_spreads(programme):
    hq, bko, nia = programme.hq, programme.bko, programme.nia
    hq.receive(bko.send(hq), nia.send(hq))
    old_from_hq = hq.send(nia)  # lists BKO as trusted
    nia.receive(old_from_hq)
    revoke_key(hq.db, "BKO")  # BKO's laptop was stolen
    create_participant(bko.db, family_name="Volé", given_names="Ordinateur", sex="M")
    before = state(hq.db)
    with pytest.raises(BundleError, match="revoked key of BKO"):
        hq.receive(bko.send(hq))
    assert state(hq.db) == before
    # HQ's next bundle tells NIA; an old bundle from HQ replayed afterwards does not undo it.
    nia.receive(hq.send(nia))
    nia.receive(old_from_hq)
    assert {k.code: k.status for k in list_keys(nia.db)}["BKO"] == "revoked"
    with pytest.raises(FieldlogError, match="never trusted again"):
        trust_key(nia.db, "BKO")
    # And nothing more is encrypted for it.
    with pytest.raises(FieldlogError, match="not trusted here"):
        export_bundle(nia.db, out=programme.folder, to="BKO")


def test_a_field_office_cannot_pass_on_another_offices_changes(programme):
    """BKO (not a coordinator) signs a bundle holding an entry that claims to be NIA's."""
    hq, bko, nia = programme.hq, programme.bko, programme.nia
    nia_bundle = nia.send(hq)
    _manifest, nia_lines = read_bundle(nia_bundle, hq.db)
    manifest, lines = read_bundle(bko.send(hq), hq.db)
    mixed = lines + nia_lines
    counts: dict[str, int] = {}
    for line in mixed:
        counts[json.loads(line)["table"]] = counts.get(json.loads(line)["table"], 0) + 1
    forged = pack_bundle(programme.folder / "relay.fieldlog", {**manifest, "entries": len(mixed), "counts": counts},
                         mixed, signer=bko.db, to=[hq.db])
    before = state(hq.db)
    with pytest.raises(BundleError, match="not a coordinator trusted to pass them on"):
        hq.receive(forged)
    assert state(hq.db) == before
    # A bundle whose manifest names another office than its signer is refused too.
    claimed = pack_bundle(programme.folder / "claimed.fieldlog",
                          {**manifest, "origin_office": own_key(nia.db).public.office_id}, lines,
                          signer=bko.db, to=[hq.db])
    with pytest.raises(BundleError, match="claims to come from another office"):
        hq.receive(claimed)
    assert state(hq.db) == before


def test_an_old_bundle_replayed_is_harmless(programme):
    hq, bko = programme.hq, programme.bko
    first = bko.send(hq)
    hq.receive(first)
    create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M")
    hq.receive(bko.send(hq))
    before = content_hash(hq.db)
    summary, = hq.receive(first)
    assert summary.changed_nothing and summary.seen_before
    assert content_hash(hq.db) == before


def test_keys_and_data_files_are_private(programme):
    folder = own_keys_folder(programme.bko.db)
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert os.stat(folder.parent).st_mode & 0o777 == 0o700
    for name in ("secret.key", "public.key"):
        assert os.stat(folder / name).st_mode & 0o777 == 0o600, name
    assert os.stat(programme.bko.db.path).st_mode & 0o777 == 0o600
    assert os.stat(programme.bko.send(programme.hq)).st_mode & 0o777 == 0o600


def test_a_passphrase_protects_the_private_keys(programme):
    bko, hq = programme.bko, programme.hq
    secret_file = own_keys_folder(bko.db) / "secret.key"
    set_passphrase(bko.db, old=None, new="sahel programme 2026")
    assert b"AGE-SECRET-KEY" not in secret_file.read_bytes()
    assert os.stat(secret_file).st_mode & 0o777 == 0o600
    with pytest.raises(PassphraseRequired):
        export_bundle(bko.db, out=programme.folder, to="HQ")
    with pytest.raises(WrongPassphrase):
        load_secret(bko.db, "wrong")
    secret = load_secret(bko.db, "sahel programme 2026")
    summary = export_bundle(bko.db, out=programme.folder / "signed.fieldlog", to="HQ", secret=secret)
    assert hq.receive(summary.path)[0].new_entries > 0
    set_passphrase(bko.db, old="sahel programme 2026", new=None)
    assert b"AGE-SECRET-KEY" in secret_file.read_bytes()


def test_a_field_office_counts_as_waiting_only_what_it_may_send(programme):
    """Home's "not yet acknowledged" at BKO: its own changes, not NIA's that HQ relayed to it."""
    from fieldlog.sync.status import peer_status

    hq, bko, nia = programme.hq, programme.bko, programme.nia
    hq.receive(bko.send(hq), nia.send(hq))
    bko.receive(hq.send(bko))
    assert {p.code: p.pending for p in peer_status(bko.db)}["HQ"] == 0
    create_participant(bko.db, family_name="Touré", given_names="Amadou", sex="M")
    assert {p.code: p.pending for p in peer_status(bko.db)}["HQ"] == 1


def test_an_office_with_new_keys_is_trusted_again_by_its_code(programme, tmp_path):
    """NIA's laptop was replaced: HQ revokes the old key, imports the new card, and `trust NIA`
    picks the new key; bundles signed with the old one stay refused."""
    import shutil

    hq, nia = programme.hq, programme.nia
    old_bundle = nia.send(hq)
    shutil.rmtree(own_keys_folder(nia.db))  # the old private key is gone with the laptop
    revoke_key(hq.db, "NIA")
    new_card = export_card(nia.db, tmp_path / "nia-new.fieldlog-key")  # new keys, made on first need
    key, new = import_card(hq.db, new_card)
    assert new and key.status == "pending"
    assert trust_key(hq.db, "NIA").key_id == key.key_id
    with pytest.raises(BundleError, match="revoked key of NIA"):
        hq.receive(old_bundle)
    trust_key(nia.db, "HQ")  # NIA's database still trusts HQ: its trust is in the database
    assert hq.receive(nia.send(hq))[0].new_entries > 0


def test_an_office_renews_its_keys_and_is_trusted_again(programme, tmp_path, capsys):
    """BKO fears its private keys were copied: `keys renew` makes a new pair and deletes the old
    one; HQ refuses the new signature until it trusts the new key, then revokes the old one."""
    from fieldlog.keys.trust import renew_own_keys

    hq, bko = programme.hq, programme.bko
    folder = own_keys_folder(bko.db)
    old, new = renew_own_keys(bko.db)
    assert new.fingerprint != old.fingerprint and own_key(bko.db).key_id == new.key_id
    assert {k.key_id: k.status for k in list_keys(bko.db)}[old.key_id] == "retired"
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(folder.name + ".")]  # nothing left beside it
    assert load_secret(bko.db).public(office_id=old.public.office_id, code="BKO", name=old.public.name,
                                      country="ML", role="office").key_id == new.key_id  # the pair matches
    bundle = bko.send(hq)
    with pytest.raises(BundleError, match="unknown here"):
        hq.receive(bundle)
    import_card(hq.db, export_card(bko.db, tmp_path / "bko-new.fieldlog-key"))
    assert trust_key(hq.db, "BKO").key_id == new.key_id
    assert main(["keys", "revoke", old.fingerprint, "--db", str(hq.db.path)]) == 0
    assert hq.receive(bundle)[0].new_entries > 0
    statuses = {k.fingerprint: k.status for k in list_keys(hq.db) if k.code == "BKO"}
    assert statuses == {new.fingerprint: "trusted", old.fingerprint: "revoked"}


def test_keys_renewed_halfway_leave_a_consistent_pair(programme, monkeypatch):
    """A power cut between moving the old keys aside and putting the new ones in place: the
    office has no keys folder, and makes a fresh pair whose halves match."""
    from fieldlog.keys.trust import renew_own_keys

    bko = programme.bko
    moves = []
    real_rename = Path.rename

    def cut_after_the_first_move(self, target):
        moves.append(target)
        if len(moves) == 2:
            raise OSError("power cut")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", cut_after_the_first_move)
    with pytest.raises(OSError):
        renew_own_keys(bko.db)
    monkeypatch.setattr(Path, "rename", real_rename)
    assert not own_keys_folder(bko.db).exists()
    fresh = own_key(bko.db)  # made on first need, as for a lost folder
    secret = load_secret(bko.db)
    assert secret.public(office_id=fresh.public.office_id, code="BKO", name=fresh.public.name, country="ML",
                         role="office").key_id == fresh.key_id


def test_cli_renew_asks_first(programme, capsys):
    db = str(programme.bko.db.path)
    old = own_key(programme.bko.db)
    assert main(["keys", "renew", "--db", db]) == 1  # no terminal here, and no --yes
    assert "confirmed on a terminal, or with --yes" in capsys.readouterr().err
    assert own_key(programme.bko.db).key_id == old.key_id
    assert main(["keys", "renew", "--yes", "--db", db]) == 0
    out = capsys.readouterr().out
    new = own_key(programme.bko.db)
    assert new.key_id != old.key_id
    assert f"Old fingerprint (retired): {old.fingerprint}" in out and f"New fingerprint: {new.fingerprint}" in out
