"""Service calls cannot silently lose a field: an unknown field is an error, and an update
changes the fields it is given and no other (issue 11)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from fieldlog.errors import ValidationError
from fieldlog.models import AgencyBase, OutcomeBase, Participant, ParticipantBase, WorkshopBase
from fieldlog.services import agencies, attendance, outcomes, participants, workshops
from fieldlog.services.outcomes import IndicatorValue
from fieldlog.services.spreadsheets import import_records
from fieldlog.services.writer import writing


def _log(db) -> list:
    with db.read() as session:
        return session.execute(text("SELECT table_name, record_id, op, data FROM change_log ORDER BY seq")).all()


def _rows(db, table: str) -> int:
    with db.read() as session:
        return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def records(db):
    """One record of each kind with every field away from its default, so that a field reset
    to its default or to blank shows."""
    parent = agencies.create_agency(db, name="Ministère de la Justice", acronym="MJ", country="ML", kind="ministry")
    agency = agencies.create_agency(db, name="Pôle judiciaire spécialisé", acronym="PJS", country="ML",
                                    kind="justice", parent_id=parent)
    person = participants.create_participant(
        db, family_name="Maïga", given_names="Aïssata", sex="F", agency_id=agency, function="Juge d'instruction",
        country="ML", phone="76 12 34 56", email="aissata@justice.ml")
    workshop = workshops.create_workshop(
        db, title="Atelier national", kind="training", start_date="13/10/2021", end_date="15/10/2021",
        city="Bamako", country="ML", venue="Hôtel de l'Amitié", programme="Sahel Programme", organisers="UNODC",
        partners="MINUSMA", funders="Denmark", themes="Information sharing", pillar="II", status="held",
        notes="Trois jours")
    outcome = outcomes.save_outcome(
        db, title="Cellule créée", kind="unit_created", outcome_date="01/03/2022", country="ML",
        description="Une cellule de coordination", evidence="Rapport", verification="verified",
        workshop_ids=[workshop], agency_ids=[agency],
        indicators=[IndicatorValue(name="Officiers", value=12, unit="officiers")])
    return {"parent": parent, "agency": agency, "person": person, "workshop": workshop, "outcome": outcome}


def _state(db, records) -> dict:
    outcome = outcomes.get_outcome(db, records["outcome"])
    return {
        "agency": agencies.get_agency(db, records["agency"]).model_dump(),
        "person": participants.get_participant(db, records["person"]).model_dump(),
        "workshop": workshops.get_workshop(db, records["workshop"]).model_dump(),
        "outcome": outcome.outcome.model_dump(),
        "outcome links": (outcome.workshop_ids, outcome.agency_ids),
        "indicators": [(i.name, i.value, i.unit) for i in outcome.indicators],
    }


# ---------------------------------------------------------------- unknown fields


CREATES = {
    "participant": (participants.create_participant, {"family_name": "Traoré", "sex": "M"}, "given_name"),
    "agency": (agencies.create_agency, {"name": "Gendarmerie", "kind": "gendarmerie"}, "acronyme"),
    "workshop": (workshops.create_workshop,
                 {"title": "Formation", "start_date": "2022-03-07", "end_date": "2022-03-09"}, "town"),
    "outcome": (outcomes.save_outcome, {"title": "Loi adoptée", "outcome_date": "2022-03-07"}, "outcome_day"),
}


@pytest.mark.parametrize("kind", CREATES)
def test_a_misspelt_field_when_creating_is_an_error_and_writes_nothing(db, kind):
    create, values, misspelt = CREATES[kind]
    before = _log(db)
    with pytest.raises(TypeError, match=misspelt):
        create(db, **values, **{misspelt: "x"})
    assert _log(db) == before
    assert _rows(db, kind) == 0


UPDATES = {
    "person": (participants.update_participant, "phone_number"),
    "agency": (agencies.update_agency, "parent"),
    "workshop": (workshops.update_workshop, "last_day"),
    "outcome": (lambda db, record_id, **values: outcomes.save_outcome(db, outcome_id=record_id, **values), "date"),
}


@pytest.mark.parametrize("key", UPDATES)
def test_a_misspelt_field_when_updating_is_an_error_and_writes_nothing(db, records, key):
    update, misspelt = UPDATES[key]
    before, log = _state(db, records), _log(db)
    with pytest.raises(TypeError, match=misspelt):
        update(db, records[key], **{misspelt: "70 00 00 00"})
    with pytest.raises(TypeError, match=misspelt):  # even beside a valid change
        update(db, records[key], **{"country": "NE", misspelt: "70 00 00 00"})
    assert _state(db, records) == before and _log(db) == log


def test_a_record_id_or_a_sync_column_is_not_a_field(db, records):
    current = participants.get_participant(db, records["person"]).model_dump()  # with id and deleted
    with pytest.raises(TypeError, match="deleted"):
        participants.update_participant(db, records["person"], **current)


def test_the_public_validation_refuses_an_unknown_field(db):
    with pytest.raises(TypeError, match="nickname"):
        participants.validate_participant(db, {"family_name": "Sow", "sex": "F", "nickname": "Awa"})


def test_every_editable_field_is_an_input(db):
    """The inputs a service takes are exactly the fields of its XBase model."""
    assert set(participants.ParticipantFields.__annotations__) == set(ParticipantBase.model_fields)
    assert set(agencies.AgencyFields.__annotations__) == set(AgencyBase.model_fields)
    assert set(workshops.WorkshopFields.__annotations__) == set(WorkshopBase.model_fields)
    assert set(outcomes.OutcomeFields.__annotations__) == set(OutcomeBase.model_fields)


# ---------------------------------------------------------------- partial updates


CHANGES = {
    "person": (participants.update_participant, {"phone": "70 00 00 01"}),
    "agency": (agencies.update_agency, {"name": "Pôle judiciaire spécialisé anti-terroriste"}),
    "workshop": (workshops.update_workshop, {"city": "Ségou"}),
    "outcome": (lambda db, record_id, **values: outcomes.save_outcome(db, outcome_id=record_id, **values),
                {"evidence": "Journal officiel"}),
}
STATE_OF = {"person": "person", "agency": "agency", "workshop": "workshop", "outcome": "outcome"}


@pytest.mark.parametrize("key", CHANGES)
def test_an_update_given_one_field_leaves_every_other_field_as_it_was(db, records, key):
    update, change = CHANGES[key]
    before = _state(db, records)
    update(db, records[key], **change)
    after = _state(db, records)
    expected = {**before, STATE_OF[key]: {**before[STATE_OF[key]], **change}}
    assert after == expected
    table, record_id, op, data = _log(db)[-1]
    assert (record_id, op, json.loads(data)) == (records[key], "update", change)


def test_a_workshop_update_keeps_its_kind_status_and_dates(db, records):
    workshops.update_workshop(db, records["workshop"], title="Atelier national de Bamako")
    held = workshops.get_workshop(db, records["workshop"])
    assert (held.kind, held.status, held.pillar) == ("training", "held", "II")
    assert (held.start_date, held.end_date) == (date(2021, 10, 13), date(2021, 10, 15))


def test_an_agency_update_keeps_its_kind_and_parent(db, records):
    agencies.update_agency(db, records["agency"], acronym="PJS-CT")
    agency = agencies.get_agency(db, records["agency"])
    assert (agency.kind, agency.parent_id, agency.country) == ("justice", records["parent"], "ML")


def test_an_outcome_update_keeps_links_and_indicators_not_given(db, records):
    outcomes.save_outcome(db, outcome_id=records["outcome"], title="Cellule de coordination créée")
    detail = outcomes.get_outcome(db, records["outcome"])
    assert detail.outcome.title == "Cellule de coordination créée"
    assert (detail.workshop_ids, detail.agency_ids) == ([records["workshop"]], [records["agency"]])
    assert [(i.name, i.value, i.unit) for i in detail.indicators] == [("Officiers", 12.0, "officiers")]
    # Given, they are replaced.
    outcomes.save_outcome(db, outcome_id=records["outcome"], workshop_ids=[], indicators=[])
    detail = outcomes.get_outcome(db, records["outcome"])
    assert (detail.workshop_ids, detail.agency_ids, detail.indicators) == ([], [records["agency"]], [])


@pytest.mark.parametrize("key, same", [
    ("person", {"family_name": "Maïga"}),
    ("person", {"email": "aissata@justice.ml", "sex": "F"}),
    ("agency", {"kind": "justice"}),
    ("workshop", {"title": "Atelier national"}),
    ("workshop", {"end_date": "2021-10-15"}),
    ("outcome", {"title": "Cellule créée"}),
])
def test_an_update_that_changes_nothing_writes_no_change(db, records, key, same):
    update = CHANGES[key][0]
    before = _log(db)
    result = update(db, records[key], **same)
    assert _log(db) == before
    if key != "outcome":
        assert result == {}


# ---------------------------------------------------------------- validation of an update


def test_an_update_checks_the_fields_it_is_given_with_the_forms_messages(db, records):
    with pytest.raises(ValidationError) as caught:
        participants.update_participant(db, records["person"], email="not-an-address")
    assert caught.value.errors == {"email": "Not an e-mail address."}
    with pytest.raises(ValidationError) as caught:
        participants.update_participant(db, records["person"], family_name=" ", country="ZZZ")
    assert caught.value.errors == {"family_name": "Required.", "country": "Unknown country code."}
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, records["workshop"], start_date="31/02/2021")
    assert caught.value.errors == {"start_date": "Not a date: write it as dd/mm/yyyy."}


def test_workshop_dates_are_checked_against_the_dates_it_keeps(db, records):
    log = _log(db)
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, records["workshop"], end_date="12/10/2021")
    assert caught.value.errors == {"end_date": "The last day is before the first day."}
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, records["workshop"], start_date="16/10/2021")
    assert caught.value.errors == {"end_date": "The last day is before the first day."}
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, records["workshop"], start_date="01/01/2021")
    assert caught.value.errors == {"end_date": "A workshop lasts at most 62 days."}
    assert _log(db) == log
    workshops.update_workshop(db, records["workshop"], end_date="14/10/2021")
    assert workshops.get_workshop(db, records["workshop"]).end_date == date(2021, 10, 14)


def test_a_shorter_workshop_cannot_leave_attendance_outside_its_days(db, records):
    enrolment = attendance.enrol_participant(db, workshop_id=records["workshop"], participant_id=records["person"])
    attendance.set_attendance(db, enrolment_id=enrolment, day="2021-10-15", present=True)
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, records["workshop"], end_date="14/10/2021")
    assert caught.value.errors == {"end_date": "Attendance is recorded on days outside these dates."}


def test_an_agency_parent_is_checked_against_the_agencies_as_they_are(db, records):
    with pytest.raises(ValidationError) as caught:
        agencies.update_agency(db, records["parent"], parent_id=records["agency"])
    assert caught.value.errors == {"parent_id": "An agency cannot be its own parent."}
    with pytest.raises(ValidationError) as caught:
        participants.update_participant(db, records["person"], agency_id="no-such-agency")
    assert caught.value.errors == {"agency_id": "No such agency."}


def test_a_file_updates_a_record_whose_other_fields_would_not_pass_a_form(db, records, tmp_path):
    """A value that came in a bundle unchecked here (an unknown country code, say) does not
    stop a file from changing the other columns of that record, and is left as it is."""
    with writing(db) as writer:
        writer.update(Participant, records["person"], {"country": "XX"})
    path = tmp_path / "phones.csv"
    path.write_text(f"id,phone\r\n{records['person']},70 00 00 02\r\n", encoding="utf-8")
    assert import_records(db, table="participants", path=path).updated == 1
    person = participants.get_participant(db, records["person"])
    assert (person.phone, person.country) == ("70 00 00 02", "XX")

