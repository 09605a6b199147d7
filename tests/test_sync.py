"""Bundle sync between offices: merge rules, idempotence, parking, conflicts (docs/ARCHITECTURE.md §4)."""

from __future__ import annotations

import pytest

from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.services.trash import delete_record, restore_record
from fieldlog.sync.conflicts import conflict_count, list_conflicts, resolve_conflict
from fieldlog.sync.status import peer_status
from tests.sync_helpers import Office, content_hash, exchange, row


@pytest.fixture
def offices(tmp_path):
    made = [Office(tmp_path, code) for code in ("BKO", "NIA", "HQ")]
    yield made
    for office in made:
        office.close()


def edit(db, participant_id, **changes):
    current = get_participant(db, participant_id).model_dump(exclude={"id", "deleted"})
    update_participant(db, participant_id, **{**current, **changes})


def test_new_office_receives_everything_and_reimport_changes_nothing(offices):
    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Traoré", given_names="Moussa", sex="M", country="ML")
    bundle = bko.send(full=True)
    first, = nia.receive(bundle)
    assert first.new_entries == 2 and first.records["new"] == 2  # the office and the person
    assert row(nia.db, "participant", person)["family_name"] == "Traoré"
    before = content_hash(nia.db)
    again, = nia.receive(bundle)
    assert again.new_entries == 0 and again.changed_nothing
    assert content_hash(nia.db) == before


def test_edits_of_different_fields_both_survive(offices):
    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Maïga", given_names="Aïssata", sex="F", phone="111")
    exchange(bko, nia)
    edit(bko.db, person, phone="76 00 00 01")
    edit(nia.db, person, function="Commissaire")
    exchange(bko, nia)
    for office in (bko, nia):
        values = row(office.db, "participant", person)
        assert (values["phone"], values["function"]) == ("76 00 00 01", "Commissaire")
        assert conflict_count(office.db) == 0
    assert content_hash(bko.db) == content_hash(nia.db)


def test_concurrent_edits_of_one_field_keep_the_loser_as_a_conflict(offices):
    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Diallo", given_names="Awa", sex="F")
    exchange(bko, nia)
    edit(bko.db, person, function="Capitaine")
    edit(nia.db, person, function="Commandant")  # later clock: wins
    exchange(bko, nia)
    assert row(bko.db, "participant", person)["function"] == row(nia.db, "participant", person)["function"]
    conflicts = list_conflicts(bko.db)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.column == "function" and conflict.record_label == "Diallo Awa"
    assert {conflict.current.value, *(v.value for v in conflict.others)} == {"Capitaine", "Commandant"}
    assert content_hash(bko.db) == content_hash(nia.db)

    resolve_conflict(bko.db, table="participant", record_id=person, column="function", value="Capitaine")
    assert conflict_count(bko.db) == 0
    exchange(bko, nia)
    for office in (bko, nia):
        assert row(office.db, "participant", person)["function"] == "Capitaine"
        assert conflict_count(office.db) == 0


def test_a_conflict_is_not_settled_into_an_agency_parent_cycle(offices):
    """BKO puts the BIS under the DGPN; meanwhile Niamey puts the DGPN under the BIS and the
    BIS under the ministry. Keeping BKO's value would make the BIS its own grandparent."""
    from fieldlog.errors import ValidationError
    from fieldlog.services.agencies import create_agency, update_agency

    bko, nia, _hq = offices
    bis = create_agency(bko.db, name="Brigade d'investigation spécialisée", acronym="BIS", country="ML")
    dgpn = create_agency(bko.db, name="Direction générale de la police nationale", acronym="DGPN", country="ML")
    ministry = create_agency(bko.db, name="Ministère de la sécurité", country="ML")
    exchange(bko, nia)
    update_agency(bko.db, bis, name="Brigade d'investigation spécialisée", acronym="BIS", country="ML",
                  parent_id=dgpn)
    update_agency(nia.db, dgpn, name="Direction générale de la police nationale", acronym="DGPN", country="ML",
                  parent_id=bis)
    update_agency(nia.db, bis, name="Brigade d'investigation spécialisée", acronym="BIS", country="ML",
                  parent_id=ministry)  # later clock: wins
    exchange(bko, nia)
    conflict, = list_conflicts(bko.db)
    assert conflict.column == "parent_id" and row(bko.db, "agency", bis)["parent_id"] == ministry
    with pytest.raises(ValidationError) as refused:
        resolve_conflict(bko.db, table="agency", record_id=bis, column="parent_id", value=dgpn)
    assert "cannot be its own parent" in str(refused.value.errors["parent_id"])
    assert conflict_count(bko.db) == 1 and row(bko.db, "agency", bis)["parent_id"] == ministry
    resolve_conflict(bko.db, table="agency", record_id=bis, column="parent_id", value=ministry)
    assert conflict_count(bko.db) == 0


def test_an_edit_made_after_seeing_the_other_value_is_no_conflict(offices):
    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Sidibé", given_names="Fanta", sex="F")
    exchange(bko, nia)
    edit(bko.db, person, function="Lieutenant")
    exchange(bko, nia)
    edit(nia.db, person, function="Capitaine")
    exchange(bko, nia)
    assert row(bko.db, "participant", person)["function"] == "Capitaine"
    assert conflict_count(bko.db) == conflict_count(nia.db) == 0


def test_tombstones_and_restores_travel(offices):
    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Coulibaly", given_names="Ibrahim", sex="M")
    exchange(bko, nia)
    delete_record(nia.db, table="participant", record_id=person)
    exchange(bko, nia)
    assert row(bko.db, "participant", person)["deleted"] == 1
    restore_record(bko.db, table="participant", record_id=person)
    exchange(bko, nia)
    assert row(nia.db, "participant", person)["deleted"] == 0


def test_a_child_whose_parent_has_not_arrived_is_parked_then_applied(offices, tmp_path):
    from fieldlog.services.agencies import create_agency

    bko, nia, hq = offices
    agency = create_agency(bko.db, name="Brigade d'investigation spécialisée", acronym="BIS", country="ML", kind="police")
    # HQ gets the agency and enters a person in it; NIA receives HQ's changes without the agency.
    hq.receive(bko.send(full=True))
    person = create_participant(hq.db, family_name="Keïta", given_names="Modibo", sex="M", agency_id=agency)
    bundle = hq.send(full=True)
    from tests.sync_helpers import strip_entries

    partial = strip_entries(bundle, tmp_path / "partial.fieldlog", drop=lambda e: e["table"] == "agency",
                             signer=hq, to=[nia])
    summary, = nia.receive(partial)
    assert summary.parked == 1 and row(nia.db, "participant", person) is None
    summary, = nia.receive(bko.send(full=True))
    assert summary.parked == 0
    assert row(nia.db, "participant", person)["agency_id"] == agency


def test_home_counts_what_each_office_has_not_acknowledged(offices):
    bko, nia, _hq = offices
    nia.receive(bko.send(full=True))
    bko.receive(nia.send(bko))
    create_participant(bko.db, family_name="Touré", given_names="Amadou", sex="M")
    status = {p.code: p.pending for p in peer_status(bko.db)}
    assert status == {"NIA": 1}
    bko.send(nia)  # written, not yet delivered
    assert {p.code: p.pending for p in peer_status(bko.db)} == {"NIA": 1}
    nia.receive(bko.send(nia))
    bko.receive(nia.send(bko))  # NIA's bundle carries its acknowledgement
    assert {p.code: p.pending for p in peer_status(bko.db)} == {"NIA": 0}


def test_relay_through_a_coordinator_keeps_original_stamps(offices):
    bko, nia, hq = offices
    person = create_participant(bko.db, family_name="Sangaré", given_names="Oumar", sex="M")
    hq.receive(bko.send(full=True))
    nia.receive(hq.send(full=True))
    assert row(nia.db, "participant", person)["origin_office"] == row(bko.db, "participant", person)["origin_office"]
    hq.receive(nia.send(hq))
    bko.receive(hq.send(bko))
    assert content_hash(nia.db) == content_hash(hq.db) == content_hash(bko.db)
    with nia.db.read() as session:
        from sqlalchemy import text

        origin = session.execute(text("SELECT office_id FROM change_log WHERE record_id = :r"), {"r": person}).scalar()
    assert origin == row(bko.db, "participant", person)["origin_office"]


def test_a_cell_fixed_in_excel_reaches_the_other_office(offices, tmp_path):
    import openpyxl

    from fieldlog.services.spreadsheets import export_records, import_records

    bko, nia, _hq = offices
    person = create_participant(bko.db, family_name="Ouédraogo", given_names="Salif", sex="M", function="Adjudant")
    exchange(bko, nia)
    sheet_path = tmp_path / "participants.xlsx"
    export_records(nia.db, table="participants", fmt="xlsx", out=sheet_path)
    book = openpyxl.load_workbook(sheet_path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    (row_number,) = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == person]
    sheet.cell(row_number, header.index("function") + 1).value = "Adjudant-chef"
    book.save(sheet_path)
    assert import_records(nia.db, table="participants", path=sheet_path).updated == 1
    exchange(nia, bko)
    assert row(bko.db, "participant", person)["function"] == "Adjudant-chef"
    assert content_hash(bko.db) == content_hash(nia.db)
