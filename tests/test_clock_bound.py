"""Clocks are bounded (docs/ARCHITECTURE.md §4.10): a stamp more than a day ahead refuses its bundle,
an office whose clock is wrong is told so at start, and `fieldlog clock repair` brings back a
clock pushed ahead before this check existed, so that the other offices accept its changes again."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from sqlalchemy import text

import fieldlog.hlc
from fieldlog.cli import main
from fieldlog.hlc import pack, unpack, wall_millis
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.sync.bundle_file import BundleError
from fieldlog.sync.clock_bound import BOUND_MS, read_clock
from fieldlog.sync.importer import import_bundles
from tests.sync_helpers import Office, change_log_count, content_hash, pack_bundle, row
from tests.test_bad_bundles import Scene, refused

HOUR = 3600 * 1000
DAY = 24 * HOUR


@pytest.fixture
def scene(tmp_path):
    made = Scene(tmp_path)
    yield made
    made.close()


def _clock(db) -> int:
    with db.read() as session:
        return session.execute(text("SELECT hlc_last FROM local_state")).scalar_one()


def _stamped(scene: Scene, stamp: int):
    def change(entry):
        if entry["record_id"] == scene.newcomer:
            entry["hlc"] = stamp
    return scene.lines_with(change)


def _ahead(millis: int) -> int:
    return pack(wall_millis() + millis, 0)


@pytest.mark.parametrize("stamp", [2**62 - 1, "3 days"], ids=["end-of-time", "three-days"])
def test_a_bundle_with_a_change_stamped_far_ahead_is_refused(scene, capsys, stamp):
    stamp = _ahead(3 * DAY + HOUR) if stamp == "3 days" else stamp
    clock = _clock(scene.nia.db)
    far = scene.pack(scene.path("far.fieldlog"), scene.manifest, _stamped(scene, stamp))
    line = refused(scene, capsys, far)
    assert "the bundle of BKO is refused" in line and "BKO's computer" in line, line
    if stamp < 2**62 - 1:
        assert "3 days ahead" in line
    assert _clock(scene.nia.db) == clock
    assert row(scene.nia.db, "participant", scene.newcomer) is None


def test_a_relayed_change_stamped_far_ahead_names_the_office_that_made_it(scene, capsys):
    hq = Office(scene.folder, "HQ", "SN")
    with hq.db.read() as session:
        hq_id = session.execute(text("SELECT office_id FROM local_state")).scalar_one()
    manifest = {**scene.manifest, "origin_office": hq_id, "origin_code": "HQ"}
    relayed = pack_bundle(scene.path("relayed.fieldlog"), manifest, _stamped(scene, _ahead(5 * DAY + HOUR)),
                          signer=hq.db, to=[scene.nia.db])
    line = refused(scene, capsys, relayed)
    assert "the bundle of HQ is refused: a change made by BKO is stamped 5 days ahead" in line, line
    hq.close()


def test_a_bundle_one_hour_ahead_is_still_accepted(scene, capsys):
    ahead = scene.pack(scene.path("hour.fieldlog"), scene.manifest, _stamped(scene, _ahead(HOUR)))
    assert main(["bundle", "import", "--db", str(scene.nia.db.path), str(ahead)]) == 0
    assert row(scene.nia.db, "participant", scene.newcomer)["family_name"] == "Maïga"
    assert HOUR - 60_000 < unpack(_clock(scene.nia.db))[0] - wall_millis() <= HOUR


def test_the_refusal_is_the_same_line_in_every_import_path(scene):
    """The interface's import dialog calls import_bundles and shows the error's line."""
    from fieldlog.sync.clock_bound import ClockAhead

    far = scene.pack(scene.path("far.fieldlog"), scene.manifest, _stamped(scene, _ahead(3 * DAY + HOUR)))
    with pytest.raises(ClockAhead, match="the bundle of BKO is refused: a change is stamped 3 days ahead"):
        import_bundles(scene.nia.db, [far])


# --- an office whose clock was pushed ahead before this check ------------------------------


def _phone(db, person, phone):
    current = get_participant(db, person).model_dump(exclude={"id", "deleted"})
    update_participant(db, person, **{**current, "phone": phone})


def _unchecked_import(office: Office, path):
    """An import as fieldlog did it before stamps were bounded."""
    with mock.patch("fieldlog.sync.importer.refuse_if_ahead", lambda *args: None):
        return office.receive(path)


@pytest.mark.parametrize("how", ["wrong-clock", "forged"])
def test_repair_lets_the_other_offices_accept_the_coordinators_changes_again(tmp_path, capsys, how):
    """BKO's change stamped far ahead (its computer a year ahead, or a stolen key's stamp at the
    end of time) reached HQ before stamps were bounded: HQ's clock jumped, and NIA refuses
    everything HQ sends. After `fieldlog clock repair` on HQ, NIA accepts HQ's changes; BKO,
    whose clock is then corrected, repairs too; all three hold the same content."""
    bko, hq, nia = Office(tmp_path, "BKO"), Office(tmp_path, "HQ", "SN"), Office(tmp_path, "NIA", "NE")
    person = create_participant(bko.db, family_name="Traoré", given_names="Awa", sex="F", phone="76 00 00 01")
    shared = bko.send(full=True)
    hq.receive(shared)
    nia.receive(shared)
    if how == "wrong-clock":
        with mock.patch.object(fieldlog.hlc, "wall_millis", lambda: wall_millis() + 400 * DAY):
            _phone(bko.db, person, "90 11 22 33")
        poisoned = bko.send(hq)
    else:  # a stamp forged at the end of time, signed with BKO's (stolen) key
        from tests.sync_helpers import read_bundle
        manifest, lines = read_bundle(shared, hq.db)
        entry = json.loads(lines[-1])
        with bko.db.read() as session:
            seq = session.execute(text("SELECT seq_last FROM local_state")).scalar_one() + 1
        forged = {**entry, "seq": seq, "hlc": 2**62 - 1, "op": "update", "data": {"phone": "00 00 00 00"},
                  "record_id": person, "table": "participant", "base": {}}
        poisoned = pack_bundle(tmp_path / "forged.fieldlog",
                               {**manifest, "full": False, "entries": 1, "counts": {"participant": 1}},
                               [json.dumps(forged).encode()], signer=bko.db, to=[hq.db])
    _unchecked_import(hq, poisoned)
    assert read_clock(hq.db).wrong
    _phone(hq.db, person, "65 43 21 00")  # HQ's own edit, stamped past the bad one
    late = create_participant(hq.db, family_name="Maïga", given_names="Hadiza", sex="F")
    before = content_hash(nia.db), change_log_count(nia.db)
    with pytest.raises(BundleError):
        nia.receive(hq.send(full=True))
    assert (content_hash(nia.db), change_log_count(nia.db)) == before

    capsys.readouterr()
    assert main(["clock", "repair", "--db", str(hq.db.path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Clock repaired" in out
    state = read_clock(hq.db)
    assert not state.wrong and state.ahead_entries == 0
    assert abs(unpack(_clock(hq.db))[0] - wall_millis()) < BOUND_MS
    # HQ's own edit is still what it holds; the bad stamp no longer wins anything.
    assert row(hq.db, "participant", person)["phone"] == "65 43 21 00"
    after = create_participant(hq.db, family_name="Diallo", given_names="Moussa", sex="M")
    nia.receive(hq.send(full=True))
    assert row(nia.db, "participant", after)["family_name"] == "Diallo"
    assert row(nia.db, "participant", late)["family_name"] == "Maïga"
    assert row(nia.db, "participant", person)["phone"] == "65 43 21 00"
    assert not read_clock(nia.db).wrong
    hq.receive(nia.send(hq))
    assert content_hash(nia.db) == content_hash(hq.db)
    if how == "wrong-clock":
        # BKO's computer gets its date back: its clock is a year ahead, and it is told so.
        assert read_clock(bko.db).wrong
        assert main(["clock", "repair", "--db", str(bko.db.path), "--yes"]) == 0
        assert not read_clock(bko.db).wrong
        bko.receive(hq.send(full=True))
        for office in (hq, nia):
            office.receive(bko.send(full=True))
        assert content_hash(bko.db) == content_hash(hq.db) == content_hash(nia.db)
    for office in (bko, hq, nia):
        office.close()


def test_clock_show_and_repair_on_a_sound_clock(db, capsys):
    assert main(["clock", "show", "--db", str(db.path)]) == 0
    out = capsys.readouterr().out
    assert "This computer's clock" in out and "nothing to repair" in out
    assert main(["clock", "repair", "--db", str(db.path)]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_clock_repair_asks_first(db, capsys):
    with db.write() as session:
        session.execute(text("UPDATE local_state SET hlc_last = :h"), {"h": _ahead(10 * DAY + HOUR)})
    assert main(["clock", "show", "--db", str(db.path)]) == 0
    assert "10 days later" in capsys.readouterr().out
    assert main(["clock", "repair", "--db", str(db.path)]) == 1  # no terminal, no --yes
    err = capsys.readouterr().err
    assert err.startswith("fieldlog: ") and len(err.splitlines()) == 1 and "--yes" in err
    assert read_clock(db).wrong
    assert main(["clock", "repair", "--db", str(db.path), "--yes"]) == 0
    assert not read_clock(db).wrong


# --- the notice at start -------------------------------------------------------------------


async def test_the_interface_says_at_start_that_the_clock_is_wrong(db, make_test_app):
    from tests.ui_helpers import wait_until

    with db.write() as session:
        session.execute(text("UPDATE local_state SET hlc_last = :h"), {"h": _ahead(3 * DAY + HOUR)})
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, app, lambda: any("fieldlog clock repair" in n.message for n in app._notifications),
                         "the notice that the clock is wrong")
        notice = next(n for n in app._notifications if "clock repair" in n.message)
        assert "3 days later" in notice.message and notice.severity == "warning"


async def test_no_notice_when_the_clock_is_right(db, make_test_app):
    from tests.ui_helpers import settle

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not any("clock" in n.message for n in app._notifications)
