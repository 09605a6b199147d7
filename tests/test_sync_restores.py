"""An office restored from a backup keeps working (docs/ARCHITECTURE.md §4.11)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from sqlalchemy import text

from fieldlog.schema import open_database
from fieldlog.services.participants import create_participant, get_participant, update_participant
from tests.sync_helpers import Office, content_hash, exchange, row


def _backup(office: Office, to: Path) -> None:
    office.db.close()  # checkpoints the WAL: the .db file is the whole database
    shutil.copy(office.db.path, to)
    office.db = open_database(office.db.path)


def _restore(office: Office, backup: Path) -> None:
    office.db.close()
    for companion in ("-wal", "-shm"):
        Path(f"{office.db.path}{companion}").unlink(missing_ok=True)
    shutil.copy(backup, office.db.path)
    office.db = open_database(office.db.path)


def _edit(db, person: str, **changes) -> None:
    current = get_participant(db, person).model_dump(exclude={"id", "deleted"})
    update_participant(db, person, **{**current, **changes})


def _digest(entry: dict) -> str:
    content = [entry["hlc"], entry["table_name"], entry["record_id"], entry["op"], json.loads(entry["data"]),
               entry["author"], json.loads(entry["base"] or "{}")]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _entries_of(db, office_id: str) -> dict[int, str]:
    with db.read() as session:
        rows = session.execute(text(
            "SELECT seq, hlc, table_name, record_id, op, data, author, base FROM change_log WHERE office_id = :o"
        ), {"o": office_id}).mappings().all()
    return {r["seq"]: _digest(dict(r)) for r in rows}


def _office_id(db) -> str:
    with db.read() as session:
        return session.execute(text("SELECT office_id FROM local_state")).scalar_one()


def test_an_office_restored_from_a_backup_gets_back_what_it_lost_and_loses_nothing_after(tmp_path):
    hq = Office(tmp_path, "HQ", "SN")
    bko = Office(tmp_path, "BKO", coordinator=False)
    awa = create_participant(bko.db, family_name="Traoré", given_names="Awa", sex="F")
    exchange(bko, hq)
    backup = tmp_path / "BKO-backup.db"
    _backup(bko, backup)

    # Work the backup does not hold, delivered to HQ.
    moussa = create_participant(bko.db, family_name="Maïga", given_names="Moussa", sex="M")
    _edit(bko.db, awa, phone="76 00 00 01")
    exchange(bko, hq)

    _restore(bko, backup)
    assert row(bko.db, "participant", moussa) is None
    # Work after the restore: its sequence numbers are those HQ holds for the lost changes.
    hadiza = create_participant(bko.db, family_name="Issoufou", given_names="Hadiza", sex="F")
    _edit(bko.db, awa, function="Commissaire")

    for _round in range(2):
        exchange(bko, hq)

    me = _office_id(bko.db)
    at_bko, at_hq = _entries_of(bko.db, me), _entries_of(hq.db, me)
    assert at_bko == at_hq, "a sequence number of BKO names two different entries"
    assert sorted(at_bko) == list(range(1, len(at_bko) + 1))
    assert len(set(at_bko.values())) == len(at_bko) == 6  # 2 before the backup, 2 lost, 2 after the restore
    for db in (bko.db, hq.db):
        assert row(db, "participant", moussa)["family_name"] == "Maïga"  # lost, and back
        assert row(db, "participant", hadiza)["family_name"] == "Issoufou"  # made after the restore
        assert row(db, "participant", awa)["phone"] == "76 00 00 01"
        assert row(db, "participant", awa)["function"] == "Commissaire"
    assert content_hash(bko.db) == content_hash(hq.db)
    # The next change gets a number no one has used.
    _edit(bko.db, hadiza, function="Juge")
    assert max(_entries_of(bko.db, me)) == 7
    exchange(bko, hq)
    assert content_hash(bko.db) == content_hash(hq.db)
    hq.close()
    bko.close()


def test_a_third_office_that_received_both_versions_of_a_number_ends_like_the_others(tmp_path):
    """NIA holds BKO's lost changes and then, under the same numbers, those BKO made after its
    restore: both versions are kept until BKO has re-numbered one; then every office holds the
    same entry at each number and the same content."""
    hq = Office(tmp_path, "HQ", "SN")
    bko = Office(tmp_path, "BKO", coordinator=False)
    nia = Office(tmp_path, "NIA", "NE", coordinator=False)
    awa = create_participant(bko.db, family_name="Traoré", given_names="Awa", sex="F")
    for other in (hq, nia):
        exchange(bko, other)
    backup = tmp_path / "BKO-backup.db"
    _backup(bko, backup)
    _edit(bko.db, awa, phone="76 00 00 01")
    for other in (hq, nia):
        exchange(bko, other)
    _restore(bko, backup)
    _edit(bko.db, awa, phone="90 11 22 33")
    nia.receive(bko.send(nia))  # the same number, another change: kept aside, nothing refused
    with nia.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM clash_entry")).scalar_one() == 2

    for _round in range(2):
        for other in (hq, nia):
            exchange(bko, other)
        exchange(nia, hq)
    me = _office_id(bko.db)
    assert _entries_of(bko.db, me) == _entries_of(hq.db, me) == _entries_of(nia.db, me)
    assert content_hash(bko.db) == content_hash(hq.db) == content_hash(nia.db)
    for office in (hq, nia):
        with office.db.read() as session:
            assert session.execute(text("SELECT count(*) FROM clash_entry")).scalar_one() == 0
    # Both phones were written; the later one (after the restore) wins, as it would have.
    assert row(hq.db, "participant", awa)["phone"] == "90 11 22 33"
    for office in (hq, bko, nia):
        office.close()
