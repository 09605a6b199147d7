"""A record's history (issue 6, the audit trail): who — which office, which person — changed what,
and when; read from the change log, on a real migrated database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from fieldlog.errors import NotFound
from fieldlog.i18n import set_language
from fieldlog.services.agencies import create_agency
from fieldlog.services.attendance import enrol_participant, set_attendance, set_day_attendance
from fieldlog.services.duplicates import merge_records, unmerge_records
from fieldlog.services.history import record_history, record_label
from fieldlog.services.offices import local_office, set_author
from fieldlog.services.outcomes import IndicatorValue, get_outcome, save_outcome
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.services.trash import delete_record, restore_record
from fieldlog.services.workshops import create_workshop

PERSON = {"family_name": "Traoré", "given_names": "Moussa", "sex": "M", "country": "ML"}


def edit(db, person: str, **changes) -> None:
    current = get_participant(db, person).model_dump(exclude={"id", "deleted"})
    update_participant(db, person, **{**current, **changes})


def history(db, table: str, record_id: str):
    return record_history(db, table=table, record_id=record_id)


def fields(entry) -> dict[str, str]:
    return {change.label: change.value for change in entry.changes}


# --- a record's own changes ------------------------------------------------------------------


def test_create_edit_delete_restore_newest_first(db):
    started = datetime.now(timezone.utc)
    person = create_participant(db, **PERSON)
    edit(db, person, phone="+223 76 00 00 00", function="Commissaire")
    delete_record(db, table="participant", record_id=person)
    restore_record(db, table="participant", record_id=person)

    entries = history(db, "participant", person)

    assert [e.action for e in entries] == ["restored", "deleted", "changed", "created"]
    assert [e.what for e in entries] == [
        "Restored from the Trash", "Moved to the Trash", "Changed: Function or rank, Phone", "Created",
    ]
    assert fields(entries[2]) == {"Function or rank": "Commissaire", "Phone": "+223 76 00 00 00"}
    for entry in entries:
        assert (entry.office_code, entry.office_name, entry.author) == ("BKO", "Bureau de Bamako", "Awa Diallo")
        assert entry.when.tzinfo is not None
        assert started - timedelta(seconds=1) <= entry.when <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert [e.hlc for e in entries] == sorted((e.hlc for e in entries), reverse=True)
    assert entries[0].when >= entries[-1].when


def test_created_lists_what_was_filled_in_with_words_not_codes(db):
    agency = create_agency(db, name="Brigade d'investigation spécialisée", acronym="BIS", kind="police", country="ML")
    person = create_participant(db, **PERSON, agency_id=agency, function="Commissaire")

    (created,) = history(db, "participant", person)

    # The form's labels and order; codes in words; the agency by its name; nothing internal.
    assert [(c.label, c.value) for c in created.changes] == [
        ("Family name", "Traoré"), ("Given names", "Moussa"), ("Sex", "Male"),
        ("Agency", "Brigade d'investigation spécialisée"), ("Function or rank", "Commissaire"), ("Country", "Mali"),
    ]
    shown = {c.column for c in created.changes}
    assert not shown & {"id", "sort_key", "hlc", "origin_office", "deleted", "phone", "email"}


def test_labels_and_values_in_french(db):
    person = create_participant(db, **PERSON)
    edit(db, person, phone="76 00 00 00", sex="F")
    set_language("fr")
    changed, _created = history(db, "participant", person)
    assert fields(changed) == {"Sexe": "Femme", "Téléphone": "76 00 00 00"}
    assert fields(_created)["Pays"] == "Mali"


def test_dates_as_typed_and_workshop_codes_in_words(db):
    workshop = create_workshop(db, title="Atelier national", kind="training", start_date="13/10/2021",
                               end_date="15/10/2021", country="ML", status="planned")
    (created,) = history(db, "workshop", workshop)
    values = fields(created)
    assert values["First day"] == "13/10/2021" and values["Last day"] == "15/10/2021"
    assert values["Kind"] == "Training" and values["Status"] == "Planned"


def test_an_unknown_record_kind_is_refused(db):
    with pytest.raises(NotFound):
        record_history(db, table="local_state", record_id="local")
    with pytest.raises(NotFound):
        record_label(db, table="participant", record_id="no-such-id")


def test_record_label(db):
    person = create_participant(db, **PERSON)
    agency = create_agency(db, name="Pôle judiciaire spécialisé", acronym="PJS", kind="justice", country="ML")
    assert record_label(db, table="participant", record_id=person) == "TRAORÉ Moussa"
    assert record_label(db, table="agency", record_id=agency) == "Pôle judiciaire spécialisé (PJS)"


# --- who: the person's name, and other offices -------------------------------------------------


def test_a_new_name_is_carried_by_later_changes_only(db):
    person = create_participant(db, **PERSON)
    office = set_author(db, author="  Binta Keïta  ")
    assert office.author == "Binta Keïta" and local_office(db).author == "Binta Keïta"
    edit(db, person, phone="76 00 00 00")

    changed, created = history(db, "participant", person)
    assert created.author == "Awa Diallo"
    assert changed.author == "Binta Keïta"


def test_no_name_shows_a_dash(db):
    set_author(db, author="")
    person = create_participant(db, **PERSON)
    (created,) = history(db, "participant", person)
    assert created.author == "" and created.person == "—"


def test_a_name_too_long_is_refused(db):
    from fieldlog.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        set_author(db, author="x" * 201)
    assert "author" in refused.value.errors
    assert local_office(db).author == "Awa Diallo"


def test_a_change_imported_from_another_office_keeps_its_office_and_author(tmp_path):
    from tests.sync_helpers import Office, exchange

    bko, nia = Office(tmp_path, "BKO"), Office(tmp_path, "NIA", country="NE")
    try:
        person = create_participant(bko.db, **PERSON)
        exchange(bko, nia)
        edit(nia.db, person, phone="+227 90 00 00 00")
        exchange(nia, bko)

        for office in (bko, nia):  # the same history, whichever office reads it
            changed, created = history(office.db, "participant", person)
            assert (changed.office_code, changed.office_name, changed.author) == ("NIA", "Office NIA", "user NIA")
            assert fields(changed) == {"Phone": "+227 90 00 00 00"}
            assert (created.office_code, created.author) == ("BKO", "user BKO")
    finally:
        bko.close()
        nia.close()


# --- what belongs to a record ------------------------------------------------------------------


def test_an_outcome_shows_its_indicators_and_links(db):
    workshop = create_workshop(db, title="Atelier national", start_date="13/10/2021", end_date="15/10/2021")
    agency = create_agency(db, name="Brigade spéciale", kind="police")
    common = {"title": "Cellule créée", "kind": "unit_created", "outcome_date": "01/03/2022"}
    outcome = save_outcome(db, workshop_ids=[workshop], agency_ids=[agency],
                           indicators=[IndicatorValue(name="Armes marquées", value=13500, unit="armes")], **common)
    indicator = get_outcome(db, outcome).indicators[0]
    save_outcome(db, outcome_id=outcome, workshop_ids=[], agency_ids=[agency],
                 indicators=[IndicatorValue(name="Armes marquées", value=14000, unit="armes", id=indicator.id)],
                 **common)

    whats = [e.what for e in history(db, "outcome", outcome)]
    assert "Indicator added: Armes marquées" in whats
    assert "Workshop linked: Atelier national" in whats and "Agency linked: Brigade spéciale" in whats
    assert whats[:2] == ["Indicator changed: Armes marquées", "Workshop unlinked: Atelier national"]
    changed = history(db, "outcome", outcome)[0]
    assert fields(changed) == {"Value": "14,000"}
    # The other side sees the link too.
    assert [e.what for e in history(db, "workshop", workshop)][:2] == [
        "Outcome unlinked: Cellule créée", "Outcome linked: Cellule créée"]
    assert "Outcome linked: Cellule créée" in [e.what for e in history(db, "agency", agency)]


def test_a_workshop_shows_enrolments_and_sums_up_attendance(db):
    workshop = create_workshop(db, title="Atelier national", start_date="13/10/2021", end_date="15/10/2021")
    people = [create_participant(db, **{**PERSON, "given_names": f"Moussa {n}"}) for n in range(5)]
    enrolments = [enrol_participant(db, workshop_id=workshop, participant_id=p) for p in people]
    set_day_attendance(db, workshop_id=workshop, day=date(2021, 10, 13), present=True)
    set_attendance(db, enrolment_id=enrolments[0], day=date(2021, 10, 13), present=False)
    set_attendance(db, enrolment_id=enrolments[1], day=date(2021, 10, 14), present=True)
    delete_record(db, table="enrolment", record_id=enrolments[4])

    entries = history(db, "workshop", workshop)

    whats = [e.what for e in entries]
    assert whats[0] == "Removed: TRAORÉ Moussa 4"
    assert whats[1:3] == ["Attendance of 14/10/2021: ✓ 1  ✗ 0", "Attendance of 13/10/2021: ✓ 4  ✗ 1"]
    assert entries[2].entries == 6  # five marks, one corrected: one line
    assert whats.count("Enrolled: TRAORÉ Moussa 0") == 1 and whats[-1] == "Created"
    assert len(entries) == 1 + 5 + 2 + 1
    # A person's own history names the workshops they were enrolled in.
    assert [e.what for e in history(db, "participant", people[4])][:2] == [
        "Removed from “Atelier national”", "Enrolled in “Atelier national”"]


def test_marks_of_one_day_made_at_two_sittings_are_two_lines(db):
    workshop = create_workshop(db, title="Atelier", start_date="13/10/2021", end_date="13/10/2021")
    person = create_participant(db, **PERSON)
    enrolment = enrol_participant(db, workshop_id=workshop, participant_id=person)
    set_attendance(db, enrolment_id=enrolment, day=date(2021, 10, 13), present=True)
    set_attendance(db, enrolment_id=enrolment, day=date(2021, 10, 13), present=False)
    with db.write() as session:  # the first mark, made in the morning
        first = session.execute(text("SELECT min(seq) FROM change_log WHERE table_name = 'attendance'")).scalar()
        session.execute(text("UPDATE change_log SET hlc = hlc - (3600000 << 16) WHERE table_name = 'attendance' "
                             "AND seq = :seq"), {"seq": first})
    marks = [e for e in history(db, "workshop", workshop) if e.action == "attendance"]
    assert [e.what for e in marks] == [
        "Attendance of 13/10/2021: ✓ 0  ✗ 1", "Attendance of 13/10/2021: ✓ 1  ✗ 0"]


def test_merges_show_on_both_records(db):
    first = create_participant(db, **PERSON)
    second = create_participant(db, family_name="Traore", given_names="Moussa", sex="M", country="ML")
    merge_records(db, table="participant", from_id=second, into_id=first)
    unmerge_records(db, table="participant", from_id=second)

    assert [e.what for e in history(db, "participant", second)][:2] == [
        "Merge with “TRAORÉ Moussa” undone", "Merged into “TRAORÉ Moussa”"]
    assert [e.what for e in history(db, "participant", first)][:2] == [
        "Merge with “TRAORE Moussa” undone", "“TRAORE Moussa” merged into this record"]


# --- how it reads the log ----------------------------------------------------------------------


def test_every_query_reads_the_log_through_an_index(db):
    from fieldlog.services import history as module

    queries = [module._OWN, module._ATTENDANCE, module._DECISIONS.format(table="participant", first="family_name",
                                                                          second="given_names")]
    queries += [sql for found in module._RELATED.values() for _kind, sql in found]
    with db.read() as session:
        for sql in queries:
            plan = " / ".join(row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql),
                                                                  {"id": "x", "table": "participant"}))
            assert "SCAN cl" not in plan and "SCAN change_log" not in plan, plan
