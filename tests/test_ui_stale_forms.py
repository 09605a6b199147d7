"""A form saves only what the person changed: a value changed elsewhere while the form was open
(an import, the command line, another window) survives, or is shown, never reverted
(docs/ARCHITECTURE.md §3.8)."""

from __future__ import annotations

import json

from sqlalchemy import text
from textual.widgets import Input, Static

from fieldlog.services.agencies import create_agency, get_agency, update_agency
from fieldlog.services.participants import create_participant, get_participant, update_participant
from fieldlog.services.workshops import create_workshop, get_workshop, update_workshop
from fieldlog.screens.agency_form import AgencyFormScreen
from fieldlog.screens.changed_meanwhile import ChangedMeanwhileScreen
from fieldlog.screens.participant_form import ParticipantFormScreen
from fieldlog.screens.workshop_form import WorkshopFormScreen
from fieldlog.widgets.form_field import FormField
from tests.ui_helpers import settle, type_text, wait_until

SIZE = (80, 24)


def last_entry(db, record_id: str) -> tuple[dict, dict]:
    with db.read() as session:
        data, base = session.execute(
            text("SELECT data, base FROM change_log WHERE record_id = :r ORDER BY hlc DESC LIMIT 1"), {"r": record_id}
        ).one()
    return json.loads(data), json.loads(base or "{}")


def stamps_of(db, record_id: str) -> list[tuple[int, str]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(
            text("SELECT hlc, office_id FROM change_log WHERE record_id = :r ORDER BY hlc"), {"r": record_id})]


async def open_form(pilot, app, form):
    await settle(pilot)
    app.push_screen(form)
    await settle(pilot)
    assert app.screen is form and form.initial is not None
    return form


async def type_into(pilot, form, name: str, typed: str, *, replace: bool = False) -> None:
    control = form.query_one(f"#field-{name}", FormField).control
    assert isinstance(control, Input)
    control.focus()
    await pilot.pause()
    if replace:
        control.value = ""
    await pilot.press("end")
    await type_text(pilot, typed)


async def save_and_close(pilot, app, form) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, app, lambda: app.screen is not form, "the form closed")


async def test_participant_phone_corrected_meanwhile_survives_a_save_of_the_function(db, make_test_app):
    person = create_participant(db, family_name="Traoré", given_names="Moussa", sex="M",
                                function="Inspecteur", phone="+223 70 00 00 01")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, ParticipantFormScreen(person))
        # Meanwhile, another process corrects the phone.
        update_participant(db, person, phone="+223 70 00 00 02")
        await type_into(pilot, form, "function", " principal")
        await save_and_close(pilot, app, form)

    saved = get_participant(db, person)
    assert saved.phone == "+223 70 00 00 02"
    assert saved.function == "Inspecteur principal"
    data, _base = last_entry(db, person)
    assert set(data) == {"function"}


async def test_agency_acronym_changed_meanwhile_survives_a_save_of_the_name(db, make_test_app):
    agency = create_agency(db, name="Brigade spéciale", acronym="BS", kind="police")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, AgencyFormScreen(agency))
        update_agency(db, agency, acronym="BIS")
        await type_into(pilot, form, "name", " d'investigations")
        await save_and_close(pilot, app, form)

    saved = get_agency(db, agency)
    assert (saved.name, saved.acronym) == ("Brigade spéciale d'investigations", "BIS")
    assert set(last_entry(db, agency)[0]) == {"name"}


async def test_workshop_venue_changed_meanwhile_survives_a_save_of_the_title(db, make_test_app):
    workshop = create_workshop(db, title="Atelier", start_date="2021-10-13", end_date="2021-10-15",
                               venue="Hôtel Salam", city="Bamako")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, WorkshopFormScreen(workshop))
        update_workshop(db, workshop, venue="Hôtel de l'Amitié")
        await type_into(pilot, form, "title", " national")
        await save_and_close(pilot, app, form)

    saved = get_workshop(db, workshop)
    assert (saved.title, saved.venue, saved.city) == ("Atelier national", "Hôtel de l'Amitié", "Bamako")
    assert set(last_entry(db, workshop)[0]) == {"title"}


async def _phone_changed_on_both_sides(pilot, app, db, person) -> ParticipantFormScreen:
    form = await open_form(pilot, app, ParticipantFormScreen(person))
    update_participant(db, person, phone="+223 70 00 00 02")
    await type_into(pilot, form, "phone", "+223 66 66 66 66", replace=True)
    await type_into(pilot, form, "function", " principal")
    await pilot.press("ctrl+s")
    await wait_until(pilot, app, lambda: isinstance(app.screen, ChangedMeanwhileScreen), "the question")
    question = str(app.screen.query_one(".dialog-question", Static).render())
    assert "Phone: changed meanwhile to +223 70 00 00 02; yours: +223 66 66 66 66" in question
    # Nothing is written while the person decides.
    saved = get_participant(db, person)
    assert (saved.phone, saved.function) == ("+223 70 00 00 02", "Inspecteur")
    return form


async def test_a_field_changed_in_the_form_and_meanwhile_shows_both_and_waits(db, make_test_app):
    person = create_participant(db, family_name="Traoré", sex="M", function="Inspecteur", phone="+223 70 00 00 01")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await _phone_changed_on_both_sides(pilot, app, db, person)
        # Keep editing: nothing saved, the form stays open with what was typed.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-phone", FormField).value == "+223 66 66 66 66"
        assert get_participant(db, person).function == "Inspecteur"

        # Keep theirs: their phone stays, the function is saved.
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ChangedMeanwhileScreen), "the question again")
        await pilot.press("t")
        await wait_until(pilot, app, lambda: app.screen is not form and not isinstance(app.screen, ChangedMeanwhileScreen), "saved")
    saved = get_participant(db, person)
    assert (saved.phone, saved.function) == ("+223 70 00 00 02", "Inspecteur principal")
    assert set(last_entry(db, person)[0]) == {"function"}


async def test_keeping_mine_replaces_the_value_knowingly(db, make_test_app):
    person = create_participant(db, family_name="Traoré", sex="M", function="Inspecteur", phone="+223 70 00 00 01")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await _phone_changed_on_both_sides(pilot, app, db, person)
        theirs = stamps_of(db, person)[-1]
        await pilot.press("m")
        await wait_until(pilot, app, lambda: app.screen is not form and not isinstance(app.screen, ChangedMeanwhileScreen), "saved")
    saved = get_participant(db, person)
    assert (saved.phone, saved.function) == ("+223 66 66 66 66", "Inspecteur principal")
    data, base = last_entry(db, person)
    assert set(data) == {"phone", "function"}
    # The person saw the value they replace: the write names it, so it is no conflict.
    assert [list(theirs)] == base["phone"]


async def test_a_value_changed_again_after_the_question_is_asked_again(db, make_test_app):
    person = create_participant(db, family_name="Traoré", sex="M", function="Inspecteur", phone="+223 70 00 00 01")
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await _phone_changed_on_both_sides(pilot, app, db, person)
        await pilot.press("escape")
        await settle(pilot)
        update_participant(db, person, phone="+223 70 00 00 03")
        await pilot.press("ctrl+s")
        await wait_until(pilot, app, lambda: isinstance(app.screen, ChangedMeanwhileScreen), "asked again")
        assert "+223 70 00 00 03" in str(app.screen.query_one(".dialog-question", Static).render())
        assert form.saving is False
    assert get_participant(db, person).phone == "+223 70 00 00 03"


async def test_outcome_links_and_indicators_made_meanwhile_survive_a_save(db, make_test_app):
    from fieldlog.screens.outcome_form import OutcomeFormScreen
    from fieldlog.services.outcomes import IndicatorValue, get_outcome, save_outcome

    first = create_workshop(db, title="Atelier A", start_date="2021-10-13", end_date="2021-10-15")
    second = create_workshop(db, title="Atelier B", start_date="2021-11-13", end_date="2021-11-15")
    agency = create_agency(db, name="Brigade", kind="police")
    outcome = save_outcome(db, title="Cellule créée", outcome_date="2022-01-10", workshop_ids=[first],
                           indicators=[IndicatorValue(name="Armes marquées", value=100)])
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, OutcomeFormScreen(outcome))
        # Meanwhile: another link, another indicator, and the first indicator's value corrected.
        detail = get_outcome(db, outcome)
        save_outcome(db, outcome_id=outcome, workshop_ids=[first, second], agency_ids=[agency],
                     indicators=[IndicatorValue(name="Armes marquées", value=150, id=detail.indicators[0].id),
                                 IndicatorValue(name="Cas", value=45)])
        await type_into(pilot, form, "title", " à Bamako")
        await save_and_close(pilot, app, form)

    saved = get_outcome(db, outcome)
    assert saved.outcome.title == "Cellule créée à Bamako"
    assert set(saved.workshop_ids) == {first, second} and saved.agency_ids == [agency]
    assert sorted((i.name, i.value) for i in saved.indicators) == [("Armes marquées", 150), ("Cas", 45)]
    assert set(last_entry(db, outcome)[0]) == {"title"}


# --- the attendance grid: a mark is written only if it is still the one shown ---------------------


async def test_attendance_grid_never_overwrites_a_mark_it_did_not_show(db, make_test_app):
    from datetime import date

    from fieldlog.screens.workshop_detail import WorkshopDetailScreen
    from fieldlog.services.attendance import enrol_participant, set_attendance, workshop_roster
    from fieldlog.widgets.attendance_grid import AttendanceGrid

    first = date(2021, 10, 13)
    workshop = create_workshop(db, title="Atelier", start_date="2021-10-13", end_date="2021-10-14")
    people = {name: create_participant(db, family_name=name, sex="F") for name in ("Ba", "Cissé", "Diallo")}
    enrolments = {name: enrol_participant(db, workshop_id=workshop, participant_id=pid) for name, pid in people.items()}
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = WorkshopDetailScreen(workshop)
        app.push_screen(detail)
        await settle(pilot)
        grid = detail.query_one(AttendanceGrid)
        assert grid.mark(enrolments["Ba"], first) is None
        # Meanwhile another office records Ba absent on the first day.
        set_attendance(db, enrolment_id=enrolments["Ba"], day=first, present=False)
        # Space on Ba, shown unmarked, asks for present: not written over the absent mark
        # the grid never showed; the grid shows it now.
        grid.move_to(enrolments["Ba"], first)
        await pilot.press("space")
        await settle(pilot)
        assert by_enrolment(db, workshop)[enrolments["Ba"]] == {first: False}
        assert grid.mark(enrolments["Ba"], first) is False

        # a, all present: everyone shown becomes present (Ba too, whose absence is now seen),
        # but Cissé, marked absent elsewhere after the grid showed her unmarked, stays absent.
        set_attendance(db, enrolment_id=enrolments["Cissé"], day=first, present=False)
        await pilot.press("a")
        await settle(pilot)
        assert grid.mark(enrolments["Cissé"], first) is False

    marks = by_enrolment(db, workshop)
    assert marks[enrolments["Ba"]] == {first: True}
    assert marks[enrolments["Cissé"]] == {first: False}
    assert marks[enrolments["Diallo"]] == {first: True}


def by_enrolment(db, workshop):
    from fieldlog.services.attendance import workshop_roster

    return {row.enrolment_id: row.marks for row in workshop_roster(db, workshop).rows}
