"""Service tests on a real SQLite database migrated by Alembic."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from fieldlog.errors import NotInitialised, ValidationError
from fieldlog.services import agencies, attendance, outcomes, participants, stats, trash, workshops
from fieldlog.services.outcomes import IndicatorValue
from fieldlog.services.stats import unexported_changes


def _log(db):
    with db.read() as session:
        return session.execute(text("SELECT office_id, seq, hlc, table_name, record_id, op, data, author FROM change_log ORDER BY seq")).all()


def test_every_write_is_stamped_and_logged(db):
    agency_id = agencies.create_agency(db, name="Gendarmerie nationale du Mali", acronym="GN", country="ML", kind="gendarmerie")
    agencies.update_agency(db, agency_id, name="Gendarmerie nationale", acronym="GN", country="ML", kind="gendarmerie")
    entries = _log(db)
    assert [e.op for e in entries] == ["insert", "insert", "update"]  # office, agency, agency
    assert [e.seq for e in entries] == [1, 2, 3]
    assert all(a.hlc < b.hlc for a, b in zip(entries, entries[1:]))
    update = entries[-1]
    assert update.record_id == agency_id and update.author == "Awa Diallo"
    assert json.loads(update.data) == {"name": "Gendarmerie nationale"}
    record = agencies.get_agency(db, agency_id)
    with db.read() as session:
        hlc, origin = session.execute(text("SELECT hlc, origin_office FROM agency WHERE id = :i"), {"i": agency_id}).one()
    assert hlc == update.hlc and origin == entries[0].record_id
    assert len(record.id) == 36 and record.id[14] == "7"  # UUIDv7


def test_unchanged_update_writes_nothing(db):
    agency_id = agencies.create_agency(db, name="DPJ", kind="police")
    before = len(_log(db))
    assert agencies.update_agency(db, agency_id, name="DPJ", kind="police") == {}
    assert len(_log(db)) == before


def test_writes_need_an_office(blank_db):
    with pytest.raises(NotInitialised):
        agencies.create_agency(blank_db, name="X")


def test_names_are_matched_not_unique(db):
    first = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ")
    second = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ")
    assert first != second
    assert agencies.list_agencies(db, search="dpj").total == 2


def test_search_ignores_case_and_accents(db):
    participants.create_participant(db, family_name="Traoré", given_names="Moussa", sex="M")
    participants.create_participant(db, family_name="Maïga", given_names="Aïssata", sex="F")
    participants.create_participant(db, family_name="Keïta", given_names="Seydou", sex="M")
    assert [r.family_name for r in participants.list_participants(db, search="traore").rows] == ["Traoré"]
    assert [r.family_name for r in participants.list_participants(db, search="MAIGA").rows] == ["Maïga"]
    assert [r.given_names for r in participants.list_participants(db, search="aiss").rows] == ["Aïssata"]
    assert participants.list_participants(db).total == 3


def test_participant_list_pages_in_name_order(db):
    for family in ("Zongo", "Ébou", "Abdou", "Diallo"):
        participants.create_participant(db, family_name=family, sex="M")
    page = participants.list_participants(db, offset=1, limit=2)
    assert page.total == 4
    assert [r.family_name for r in page.rows] == ["Diallo", "Ébou"]  # É sorts with E


def test_similar_participant_found_across_word_order_and_accents(db):
    participants.create_participant(db, family_name="Traoré", given_names="Moussa", sex="M")
    similar = participants.similar_participants(db, family_name="MOUSSA", given_names="traore")
    assert [row.family_name for row, _score in similar] == ["Traoré"]
    assert participants.similar_participants(db, family_name="Coulibaly", given_names="Awa") == []


@pytest.mark.parametrize(
    "values, field",
    [
        ({"family_name": "", "sex": "F"}, "family_name"),
        ({"family_name": "Sow", "sex": "X"}, "sex"),
        ({"family_name": "Sow", "sex": "F", "email": "not-an-address"}, "email"),
        ({"family_name": "Sow", "sex": "F", "country": "ZZZ"}, "country"),
    ],
)
def test_invalid_participant_is_refused_and_nothing_saved(db, values, field):
    with pytest.raises(ValidationError) as caught:
        participants.create_participant(db, **values)
    assert field in caught.value.errors
    assert participants.list_participants(db).total == 0


def test_workshop_dates_are_validated(db):
    with pytest.raises(ValidationError) as caught:
        workshops.create_workshop(db, title="Atelier", start_date="15/10/2021", end_date="13/10/2021")
    assert "end_date" in caught.value.errors
    with pytest.raises(ValidationError) as caught:
        workshops.create_workshop(db, title="Atelier", start_date="31/02/2021", end_date="13/10/2021")
    assert "start_date" in caught.value.errors
    workshop_id = workshops.create_workshop(db, title="Atelier", start_date="13/10/2021", end_date="2021-10-15")
    held = workshops.get_workshop(db, workshop_id)
    assert (held.start_date, held.end_date) == (date(2021, 10, 13), date(2021, 10, 15))


def _workshop_with_people(db, n=3):
    agency = agencies.create_agency(db, name="Brigade d'investigation spécialisée", acronym="BIS", kind="police")
    workshop_id = workshops.create_workshop(
        db, title="Partage d'information", start_date="2021-10-13", end_date="2021-10-15", status="held"
    )
    people = [
        participants.create_participant(db, family_name=f"Person{n}", sex="F" if n % 2 else "M", agency_id=agency)
        for n in range(n)
    ]
    enrolments = [attendance.enrol_participant(db, workshop_id=workshop_id, participant_id=p) for p in people]
    return workshop_id, people, enrolments


def test_enrolment_twice_is_refused(db):
    workshop_id, people, _ = _workshop_with_people(db, 1)
    with pytest.raises(ValidationError) as caught:
        attendance.enrol_participant(db, workshop_id=workshop_id, participant_id=people[0])
    assert "participant_id" in caught.value.errors


def test_attendance_grid_marks_and_day_outside_refused(db):
    workshop_id, people, enrolments = _workshop_with_people(db)
    attendance.set_attendance(db, enrolment_id=enrolments[0], day="2021-10-13", present=True)
    attendance.set_attendance(db, enrolment_id=enrolments[0], day="2021-10-13", present=False)
    assert attendance.set_day_attendance(db, workshop_id=workshop_id, day="2021-10-14", present=True) == 3
    with pytest.raises(ValidationError):
        attendance.set_attendance(db, enrolment_id=enrolments[0], day="2021-10-16", present=True)
    roster = attendance.workshop_roster(db, workshop_id)
    assert roster.days == [date(2021, 10, 13), date(2021, 10, 14), date(2021, 10, 15)]
    first = next(r for r in roster.rows if r.enrolment_id == enrolments[0])
    assert first.marks == {date(2021, 10, 13): False, date(2021, 10, 14): True}
    assert first.days_present == 1
    with pytest.raises(ValidationError) as caught:
        workshops.update_workshop(db, workshop_id, title="Partage", start_date="2021-10-15", end_date="2021-10-16")
    assert "end_date" in caught.value.errors


def test_delete_is_a_tombstone_and_restore_brings_it_back(db):
    workshop_id, people, enrolments = _workshop_with_people(db, 2)
    attendance.set_day_attendance(db, workshop_id=workshop_id, day="2021-10-13", present=True)
    trash.delete_record(db, table="participant", record_id=people[0])
    assert participants.list_participants(db).total == 1
    assert stats.stats(db)["individuals_trained"] == 1
    rows = trash.list_trash(db).rows
    assert [(r.table, r.id) for r in rows] == [("participant", people[0])]
    with db.read() as session:
        assert session.execute(text("SELECT deleted FROM participant WHERE id = :i"), {"i": people[0]}).scalar_one() == 1
    trash.restore_record(db, table="participant", record_id=people[0])
    assert participants.list_participants(db).total == 2
    assert trash.list_trash(db).total == 0
    assert [e.op for e in _log(db)][-2:] == ["delete", "restore"]


def test_stats_contract(db):
    workshop_id, people, enrolments = _workshop_with_people(db, 3)
    trainer = participants.create_participant(db, family_name="Fall", sex="M")
    trainer_enrolment = attendance.enrol_participant(db, workshop_id=workshop_id, participant_id=trainer, role="trainer")
    attendance.set_day_attendance(db, workshop_id=workshop_id, day="2021-10-13", present=True)
    attendance.set_attendance(db, enrolment_id=enrolments[2], day="2021-10-14", present=False)
    cancelled = workshops.create_workshop(db, title="Annulé", start_date="2022-01-01", end_date="2022-01-01", status="cancelled")
    figures = stats.stats(db)
    assert set(figures) == {"workshops", "participants", "agencies", "outcomes", "attendance_marks", "individuals_trained", "women_trained"}
    assert figures["workshops"] == 2 and figures["participants"] == 4 and figures["agencies"] == 1
    assert figures["attendance_marks"] == 5
    assert figures["individuals_trained"] == 3  # the trainer is not a trainee
    assert figures["women_trained"] == 1  # Person1
    assert trainer_enrolment and cancelled


def test_outcome_with_links_and_indicators(db):
    workshop_id, _people, _ = _workshop_with_people(db, 1)
    agency = agencies.create_agency(db, name="SCLCT", country="NE", kind="police")
    outcome_id = outcomes.save_outcome(
        db, title="45 affaires instruites", kind="cases_investigated", outcome_date="30/06/2017", country="NE",
        workshop_ids=[workshop_id], agency_ids=[agency],
        indicators=[IndicatorValue("Affaires", "45"), IndicatorValue("Personnes", "117", "personnes")],
    )
    detail = outcomes.get_outcome(db, outcome_id)
    assert detail.workshop_ids == [workshop_id] and detail.agency_ids == [agency]
    assert sorted((i.name, i.value) for i in detail.indicators) == [("Affaires", 45.0), ("Personnes", 117.0)]
    kept = next(i for i in detail.indicators if i.name == "Personnes")
    outcomes.save_outcome(
        db, outcome_id=outcome_id, title="45 affaires instruites", kind="cases_investigated", outcome_date="2017-06-30",
        workshop_ids=[], agency_ids=[agency], indicators=[IndicatorValue("Personnes", "118", "personnes", id=kept.id)],
    )
    detail = outcomes.get_outcome(db, outcome_id)
    assert detail.workshop_ids == []
    assert [(i.id, i.value) for i in detail.indicators] == [(kept.id, 118.0)]
    with pytest.raises(ValidationError) as caught:
        outcomes.save_outcome(db, title="x", outcome_date="2017-06-30", indicators=[IndicatorValue("", "many")])
    assert {"indicators.0.name", "indicators.0.value"} <= set(caught.value.errors)


def test_unexported_changes_counts_this_office_log(db):
    before = unexported_changes(db)
    agencies.create_agency(db, name="CAFO", kind="womens_organisation")
    assert unexported_changes(db) == before + 1


def test_failed_transaction_leaves_nothing(db):
    from fieldlog.models import Agency
    from fieldlog.services.writer import writing

    before = (agencies.list_agencies(db).total, len(_log(db)))
    with pytest.raises(RuntimeError):
        with writing(db) as writer:
            writer.insert(Agency, {"name": "Half-written"})
            raise RuntimeError("power cut")
    assert (agencies.list_agencies(db).total, len(_log(db))) == before
