"""Duplicates: probable pairs, merges that count a person once, undo, and the CLI and screen."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import text

from fieldlog.cli import main
from fieldlog.errors import FieldlogError, NotFound
from fieldlog.services import agencies, attendance, participants, stats, workshops
from fieldlog.services.duplicates import (
    DuplicateRefused, candidate_pairs, dismiss_pair, list_merges, merge_records, rebuild_merge_map,
    resolve_merges, unmerge_records,
)
from fieldlog.services.trash import delete_record
from tests.ui_helpers import settle, type_text, wait_until

SIZE = (80, 24)


def person(db, family, given="", **values) -> str:
    return participants.create_participant(db, family_name=family, given_names=given, **values)


def pairs_of(db, table="participant") -> set[frozenset[str]]:
    return {frozenset((p.first_id, p.second_id)) for p in candidate_pairs(db, table=table)}


def listed_ids(db, search="") -> set[str]:
    return {row.id for row in participants.list_participants(db, search=search).rows}


def merge_map(db) -> dict[str, str]:
    with db.read() as session:
        return dict(session.execute(text("SELECT record_id, into_id FROM merge_map")).all())


@pytest.fixture
def trained_twice(db):
    """The same woman registered by two offices, both records present at the same workshop,
    and one other trainee."""
    dpj = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ", country="ML")
    workshop = workshops.create_workshop(
        db, title="Partage d'information", start_date="2021-10-13", end_date="2021-10-15", status="held"
    )
    first = person(db, "COULIBALY", "Aminata", sex="F", agency_id=dpj, country="ML")
    second = person(db, "Aminata", "Coulibaly", sex="F", agency_id=dpj, country="ML")
    other = person(db, "Diarra", "Bakary", sex="M", country="ML")
    for someone in (first, second, other):
        attendance.enrol_participant(db, workshop_id=workshop, participant_id=someone)
    attendance.set_day_attendance(db, workshop_id=workshop, day="2021-10-13", present=True)
    return {"first": first, "second": second, "other": other, "workshop": workshop, "agency": dpj}


# --- candidates --------------------------------------------------------------------------


def test_word_order_case_and_accents_do_not_hide_a_duplicate(db):
    traore = person(db, "TRAORE", "Moussa", sex="M")
    swapped = person(db, "Moussa", "Traoré", sex="M")
    person(db, "Keïta", "Seydou", sex="M")
    [pair] = candidate_pairs(db, table="participant")
    assert {pair.first_id, pair.second_id} == {traore, swapped}
    assert {pair.first_name, pair.second_name} == {"TRAORE Moussa", "MOUSSA Traoré"}
    assert "same_name" in pair.reasons and 70 <= pair.score <= 100
    assert pair.first_id == traore  # the older record first: m keeps it


def test_same_phone_proposes_a_pair_a_similar_name_alone_would_not(db):
    person(db, "Kone", "Amina", sex="F")
    person(db, "Koné", "Aminata", sex="F")
    assert pairs_of(db) == set()  # similar names, nothing else in common
    kadi = person(db, "Sangare", "Kadi", sex="F", phone="+223 70 11 22 33")
    kadiatou = person(db, "Sangaré", "Kadiatou", sex="F", phone="70112233")
    person(db, "Diarra", "Bakary", sex="M", phone="70 11 22 33")  # the office phone, a colleague
    [pair] = candidate_pairs(db, table="participant")
    assert {pair.first_id, pair.second_id} == {kadi, kadiatou}
    assert "same_phone" in pair.reasons and "similar_name" in pair.reasons


def test_same_email_and_agency_are_reasons(db):
    dpj = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ")
    a = person(db, "Maïga", "Aïssata", sex="F", agency_id=dpj, email="a.maiga@police.ml")
    b = person(db, "Maiga", "Aissata", sex="F", agency_id=dpj, email="A.Maiga@police.ml")
    [pair] = candidate_pairs(db, table="participants")
    assert {pair.first_id, pair.second_id} == {a, b}
    assert {"same_name", "same_email", "same_agency"} <= set(pair.reasons)
    assert pair.score == 100
    assert pair.first_detail == pair.second_detail == "DPJ"


def test_a_man_and_a_woman_of_the_same_name_are_not_proposed(db):
    person(db, "Traoré", "Awa", sex="F")
    person(db, "Traoré", "Awa", sex="M")
    assert candidate_pairs(db, table="participant") == []


def test_dismissed_pair_is_no_longer_proposed(db):
    a = person(db, "Cissé", "Mamadou", sex="M")
    b = person(db, "CISSE", "Mamadou", sex="M")
    assert pairs_of(db) == {frozenset((a, b))}
    decision = dismiss_pair(db, table="participant", first_id=b, second_id=a)
    assert pairs_of(db) == set()
    assert dismiss_pair(db, table="participant", first_id=a, second_id=b) == decision  # once is enough
    assert listed_ids(db) == {a, b}  # both stay: they are two people


def test_tombstoned_and_merged_records_are_not_proposed(db):
    a = person(db, "Sow", "Djénéba", sex="F")
    b = person(db, "Sow", "Djeneba", sex="F")
    c = person(db, "SOW", "Djénéba", sex="F")
    delete_record(db, table="participant", record_id=c)
    assert pairs_of(db) == {frozenset((a, b))}
    merge_records(db, table="participant", from_id=b, into_id=a)
    assert pairs_of(db) == set()


def test_agency_candidates_compare_name_acronym_and_country(db):
    gn = agencies.create_agency(db, name="Gendarmerie nationale du Mali", acronym="GN", country="ML")
    same = agencies.create_agency(db, name="Gendarmerie Nationale du Mali", acronym="G.N.", country="ML")
    agencies.create_agency(db, name="Gendarmerie nationale du Mali", country="NE")  # another country
    agencies.create_agency(db, name="Brigade 12", country="ML")
    agencies.create_agency(db, name="Brigade 13", country="ML")  # another number: another brigade
    [pair] = candidate_pairs(db, table="agencies")
    assert {pair.first_id, pair.second_id} == {gn, same}
    assert {"same_name", "same_acronym", "same_country"} <= set(pair.reasons)


# --- merging -----------------------------------------------------------------------------


def test_merge_counts_the_person_once_and_unmerge_restores_both(db, trained_twice):
    first, second, workshop = trained_twice["first"], trained_twice["second"], trained_twice["workshop"]
    before = stats.stats(db)
    assert (before["individuals_trained"], before["women_trained"], before["participants"]) == (3, 2, 3)

    merge_records(db, table="participant", from_id=second, into_id=first)
    after = stats.stats(db)
    assert (after["individuals_trained"], after["women_trained"], after["participants"]) == (2, 1, 2)
    assert stats.trained(db).people == 2
    assert listed_ids(db) == {first, trained_twice["other"]}
    assert listed_ids(db, search="coulibaly") == {first}
    assert participants.list_participants(db, search="coulibaly").total == 1
    assert participants.get_participant(db, second).family_name == "Aminata"  # kept, not deleted
    roster = attendance.workshop_roster(db, workshop)
    assert sorted(row.name for row in roster.rows) == ["COULIBALY Aminata", "COULIBALY Aminata", "DIARRA Bakary"]
    assert {row.participant_id for row in roster.rows} == {first, trained_twice["other"]}
    [merged] = list_merges(db, table="participant")
    assert (merged.record_id, merged.into_id, merged.into_name) == (second, first, "COULIBALY Aminata")

    assert unmerge_records(db, table="participant", from_id=second) == 1
    assert stats.stats(db) == before
    assert listed_ids(db) == {first, second, trained_twice["other"]}
    assert list_merges(db, table="participant") == []
    assert merge_map(db) == {}


def test_merged_person_counts_only_through_live_records(db, trained_twice):
    first, second = trained_twice["first"], trained_twice["second"]
    merge_records(db, table="participant", from_id=second, into_id=first)
    delete_record(db, table="participant", record_id=first)  # the survivor in the Trash: the person is
    assert stats.stats(db)["individuals_trained"] == 1
    assert listed_ids(db) == {trained_twice["other"]}


def test_enrolling_the_survivor_where_its_duplicate_is_enrolled_is_refused(db, trained_twice):
    from fieldlog.errors import ValidationError

    first, second = trained_twice["first"], trained_twice["second"]
    workshop = workshops.create_workshop(db, title="Scènes de crime", start_date="2022-03-01", end_date="2022-03-02")
    attendance.enrol_participant(db, workshop_id=workshop, participant_id=second)
    merge_records(db, table="participant", from_id=second, into_id=first)
    assert first in attendance.enrolled_participant_ids(db, workshop)
    with pytest.raises(ValidationError):
        attendance.enrol_participant(db, workshop_id=workshop, participant_id=first)


def test_merged_agency_is_hidden_and_its_people_show_the_survivor(db):
    dpj = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ", country="ML")
    copy = agencies.create_agency(db, name="Direction police judiciaire", acronym="", country="ML")
    unit = agencies.create_agency(db, name="Brigade des mœurs", parent_id=copy, country="ML")
    officer = person(db, "Dembélé", "Oumar", sex="M", agency_id=copy)
    merge_records(db, table="agency", from_id=copy, into_id=dpj)
    listed = {row.id: row for row in agencies.list_agencies(db).rows}
    assert set(listed) == {dpj, unit}
    assert listed[unit].parent_name == "Direction de la police judiciaire"
    [row] = participants.list_participants(db, search="dembele").rows
    assert (row.id, row.agency) == (officer, "DPJ")
    assert stats.stats(db)["agencies"] == 2
    unmerge_records(db, table="agencies", from_id=copy)
    assert len(agencies.list_agencies(db).rows) == 3


def test_an_outcome_names_the_survivor_of_a_merged_agency(db):
    from datetime import date

    from fieldlog.services.outcomes import get_outcome, save_outcome

    dpj = agencies.create_agency(db, name="Direction de la police judiciaire", acronym="DPJ", country="ML")
    copy = agencies.create_agency(db, name="Direction police judiciaire", country="ML")
    both = save_outcome(db, title="Cellule créée", kind="unit_created", outcome_date=date(2022, 6, 1), country="ML",
                        agency_ids=[copy, dpj])
    only_copy = save_outcome(db, title="Loi adoptée", kind="law_adopted", outcome_date=date(2022, 7, 1),
                             country="ML", agency_ids=[copy])
    merge_records(db, table="agency", from_id=copy, into_id=dpj)
    assert get_outcome(db, both).agency_ids == [dpj]  # once, not twice
    assert get_outcome(db, only_copy).agency_ids == [dpj]
    unmerge_records(db, table="agencies", from_id=copy)
    assert sorted(get_outcome(db, both).agency_ids) == sorted([copy, dpj])


def test_chain_of_merges_maps_to_the_last_survivor(db):
    a, b, c = (person(db, "Touré", "Abdoulaye", sex="M") for _ in range(3))
    merge_records(db, table="participant", from_id=a, into_id=b)
    merge_records(db, table="participant", from_id=b, into_id=c)
    assert merge_map(db) == {a: c, b: c}
    assert listed_ids(db) == {c}
    unmerge_records(db, table="participant", from_id=b)
    assert merge_map(db) == {a: b}


def test_refused_merges_say_why(db):
    a, b, c = (person(db, "Konaté", "Modibo", sex="M") for _ in range(3))
    gone = person(db, "Konaté", "Modibo", sex="M")
    delete_record(db, table="participant", record_id=gone)
    merge_records(db, table="participant", from_id=a, into_id=b)
    cases = [
        (dict(table="workshop", from_id=a, into_id=b), NotFound, "participants and agencies only"),
        (dict(table="participant", from_id="nope", into_id=b), NotFound, "No participant has the id nope"),
        (dict(table="participant", from_id=c, into_id=c), DuplicateRefused, "cannot be merged into itself"),
        (dict(table="participant", from_id=c, into_id=a), DuplicateRefused, "is itself merged into “KONATÉ Modibo”"),
        (dict(table="participant", from_id=a, into_id=c), DuplicateRefused, "already merged into"),
        (dict(table="participant", from_id=gone, into_id=c), DuplicateRefused, "in the Trash"),
        (dict(table="participant", from_id=b, into_id=a), DuplicateRefused, "is itself merged into"),  # a cycle
    ]
    for arguments, error, message in cases:
        with pytest.raises(error) as caught:
            merge_records(db, **arguments)
        assert message in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(DuplicateRefused, match="is not merged into another record"):
        unmerge_records(db, table="participant", from_id=c)
    assert merge_map(db) == {a: b}


def test_resolve_merges_skips_cycles_and_second_merges():
    assert resolve_merges([("a", "b"), ("b", "a")]) == {"a": "b"}
    assert resolve_merges([("a", "b"), ("b", "c"), ("c", "a")]) == {"a": "c", "b": "c"}
    assert resolve_merges([("a", "b"), ("a", "c")]) == {"a": "b"}
    assert resolve_merges([("a", "a")]) == {}


def _insert_decision(session, row: dict) -> None:
    session.execute(
        text("INSERT INTO duplicate_decision (id, origin_office, hlc, deleted, table_name, record_id, other_id, decision) "
             "VALUES (:id, :office, :hlc, :deleted, 'participant', :record, :other, :decision)"),
        row,
    )


def test_rebuild_gives_the_same_map_whatever_order_decisions_arrive_in(db):
    """As after syncing offices that decided concurrently: a cycle, a record merged twice, a
    chain, an undone merge, a dismissal, a decision about a record not arrived yet."""
    a, b, c, d = (person(db, "Ba", "Amadou", sex="M") for _ in range(4))
    decisions = [
        {"id": "d1", "office": "NIA", "hlc": 10, "deleted": 0, "record": a, "other": b, "decision": "merge"},
        {"id": "d2", "office": "BKO", "hlc": 10, "deleted": 0, "record": b, "other": a, "decision": "merge"},
        {"id": "d3", "office": "BKO", "hlc": 12, "deleted": 0, "record": a, "other": c, "decision": "merge"},
        {"id": "d4", "office": "NIA", "hlc": 13, "deleted": 0, "record": b, "other": d, "decision": "merge"},
        {"id": "d5", "office": "BKO", "hlc": 9, "deleted": 1, "record": d, "other": c, "decision": "merge"},
        {"id": "d6", "office": "NIA", "hlc": 8, "deleted": 0, "record": c, "other": d, "decision": "distinct"},
        {"id": "d7", "office": "OUA", "hlc": 7, "deleted": 0, "record": c, "other": "not-yet-here", "decision": "merge"},
    ]
    maps = set()
    for order in itertools.islice(itertools.permutations(decisions), 0, None, 97):
        with db.write() as session:
            session.execute(text("DELETE FROM duplicate_decision"))
            for row in order:
                _insert_decision(session, row)
            rebuild_merge_map(session)
        maps.add(frozenset(merge_map(db).items()))
    # d2 (BKO) is ordered before d1 (NIA) at the same clock: b→a, and then a→b would close a
    # cycle; d3 sends a (and so b) to c; b is merged already when d4 comes.
    assert maps == {frozenset({(a, c), (b, c)})}


def test_a_merge_travels_with_sync_and_so_does_its_undo(tmp_path):
    """Two offices register the same officer; Niamey merges its record into Bamako's; once
    synced, Bamako counts her once too. Opposite merges made at once agree after exchange."""
    sync = pytest.importorskip("tests.sync_helpers")
    bko, nia = sync.Office(tmp_path, "BKO"), sync.Office(tmp_path, "NIA", country="NE")
    try:
        here = person(bko.db, "Haïdara", "Kadiatou", sex="F", country="ML")
        sync.exchange(bko, nia)
        there = person(nia.db, "HAIDARA", "Kadiatou", sex="F", country="ML")
        sync.exchange(nia, bko)
        assert pairs_of(bko.db) == pairs_of(nia.db) == {frozenset((here, there))}

        merge_records(nia.db, table="participant", from_id=there, into_id=here)
        sync.exchange(nia, bko)
        assert merge_map(bko.db) == merge_map(nia.db) == {there: here}
        assert listed_ids(bko.db) == {here} and stats.stats(bko.db)["participants"] == 1

        unmerge_records(bko.db, table="participant", from_id=there)
        sync.exchange(bko, nia)
        assert merge_map(bko.db) == merge_map(nia.db) == {}
        assert listed_ids(nia.db) == {here, there}

        merge_records(bko.db, table="participant", from_id=here, into_id=there)
        merge_records(nia.db, table="participant", from_id=there, into_id=here)  # at the same time
        sync.exchange(bko, nia)
        sync.exchange(nia, bko)
        assert merge_map(bko.db) == merge_map(nia.db)
        assert len(merge_map(bko.db)) == 1 and len(listed_ids(bko.db)) == 1
    finally:
        bko.close()
        nia.close()


# --- command line ------------------------------------------------------------------------


def test_cli_list_merge_unmerge_dismiss(db, capsys):
    path = str(db.path)
    traore = person(db, "TRAORE", "Moussa", sex="M")
    swapped = person(db, "Moussa", "Traoré", sex="M")
    assert main(["duplicates", "list", "participants", "--json", "--db", path]) == 0
    [pair] = json.loads(capsys.readouterr().out)
    assert set(pair) == {"table", "first_id", "second_id", "first_name", "second_name", "score", "reasons"}
    assert (pair["table"], pair["first_id"], pair["second_id"]) == ("participant", traore, swapped)
    assert pair["first_name"] == "TRAORE Moussa" and pair["score"] >= 70 and "same_name" in pair["reasons"]

    assert main(["duplicates", "merge", "participant", swapped, traore, "--db", path]) == 0
    assert "“MOUSSA Traoré” is merged into “TRAORE Moussa”" in capsys.readouterr().out
    assert main(["stats", "--json", "--db", path]) == 0
    assert json.loads(capsys.readouterr().out)["participants"] == 1
    assert main(["duplicates", "list", "participant", "--json", "--db", path]) == 0
    assert json.loads(capsys.readouterr().out) == []

    assert main(["duplicates", "unmerge", "participant", swapped, "--db", path]) == 0
    assert "separate record again" in capsys.readouterr().out
    assert main(["duplicates", "dismiss", "participant", traore, swapped, "--db", path]) == 0
    assert "no longer be proposed" in capsys.readouterr().out
    assert main(["duplicates", "list", "participant", "--db", path]) == 0
    assert "No probable duplicates." in capsys.readouterr().out


@pytest.mark.parametrize("arguments, message", [
    (["merge", "participant", "nope", "other"], "No participant has the id nope"),
    (["merge", "workshops", "a", "b"], "participants and agencies only"),
    (["unmerge", "participant", "{someone}"], "is not merged into another record"),
    (["list", "participant", "--limit", "0"], "positive number"),
])
def test_cli_errors_are_one_line(db, capsys, arguments, message):
    someone = person(db, "Fall", "Abdoul Karim", sex="M")
    arguments = [a.replace("{someone}", someone) for a in arguments]
    assert main(["duplicates", *arguments, "--db", str(db.path)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("fieldlog: ") and message in captured.err and captured.err.count("\n") == 1


def test_errors_are_fieldlog_errors():
    assert issubclass(DuplicateRefused, FieldlogError)


def test_duplicates_core_needs_no_terminal():
    import subprocess
    import sys

    code = ("import fieldlog.services.duplicates, fieldlog.cli_duplicates, sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith(('fieldlog.screens', 'fieldlog.widgets'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


# --- the screen --------------------------------------------------------------------------


async def test_merge_then_undo_from_the_keyboard(db, trained_twice, make_test_app):
    from fieldlog.screens.confirm import ConfirmScreen
    from fieldlog.screens.duplicates import DuplicatesScreen

    first, second = trained_twice["first"], trained_twice["second"]
    app = make_test_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Duplicates: Review")
        await pilot.press("enter")
        await wait_until(pilot, app, lambda: isinstance(app.screen, DuplicatesScreen), "the duplicates screen")
        screen = app.screen
        await wait_until(pilot, app, lambda: len(screen.rows_by_key) == 1, "the pair listed")
        status = str(screen.query_one("#duplicates-status").render())
        assert status == "1 probable duplicate pair of participants"

        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Merge “AMINATA Coulibaly” into “COULIBALY Aminata”?" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, app, lambda: app.screen is screen and not screen.rows_by_key, "the pair gone")
        assert merge_map(db) == {second: first}
        assert stats.stats(db)["individuals_trained"] == 2

        await pilot.press("v")
        await wait_until(pilot, app, lambda: second in screen.rows_by_key, "the merged record listed")
        await pilot.press("u")
        await wait_until(pilot, app, lambda: not screen.rows_by_key, "the merge undone")
        assert merge_map(db) == {}
        assert stats.stats(db)["individuals_trained"] == 3

        await pilot.press("v")
        await wait_until(pilot, app, lambda: len(screen.rows_by_key) == 1, "the pair proposed again")
        await pilot.press("M")  # the other way: the first record into the second
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, app, lambda: not screen.rows_by_key, "merged the other way")
        assert merge_map(db) == {first: second}
        unmerge_records(db, table="participant", from_id=first)

        await pilot.press("t")
        await wait_until(pilot, app, lambda: "agencies" in str(screen.query_one("#duplicates-status").render()), "agencies")
        await pilot.press("t")
        await wait_until(pilot, app, lambda: len(screen.rows_by_key) == 1, "people again")
        await pilot.press("d")
        await wait_until(pilot, app, lambda: not screen.rows_by_key, "the pair dismissed")
        assert pairs_of(db) == set()
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DuplicatesScreen)


def test_the_similar_person_warning_names_only_the_survivor_of_a_merge(db):
    from fieldlog.services.duplicates import merge_records
    from fieldlog.services.participants import create_participant, similar_participants

    kept = create_participant(db, family_name="Traoré", given_names="Moussa", sex="M")
    gone = create_participant(db, family_name="TRAORE", given_names="Moussa", sex="M")
    assert {row.id for row, _score in similar_participants(db, family_name="Traore", given_names="Moussa")} == {kept, gone}
    merge_records(db, table="participant", from_id=gone, into_id=kept)
    assert [row.id for row, _score in similar_participants(db, family_name="Traore", given_names="Moussa")] == [kept]


def test_a_workshop_counts_a_merged_person_enrolled_twice_once(db):
    from fieldlog.services.attendance import enrol_participant
    from fieldlog.services.duplicates import merge_records
    from fieldlog.services.participants import create_participant
    from fieldlog.services.workshops import create_workshop, list_workshops

    workshop = create_workshop(db, title="Gestion des scènes de crime", kind="training",
                               start_date="2026-03-02", end_date="2026-03-04", country="ML")
    kept = create_participant(db, family_name="Diarra", given_names="Oumou", sex="F")
    gone = create_participant(db, family_name="DIARRA", given_names="Oumou", sex="F")
    for person in (kept, gone):
        enrol_participant(db, workshop_id=workshop, participant_id=person)
    assert list_workshops(db).rows[0].enrolled == 2
    merge_records(db, table="participant", from_id=gone, into_id=kept)
    assert list_workshops(db).rows[0].enrolled == 1


def test_agency_pickers_offer_the_survivor_of_a_merge_but_keep_a_current_value(db):
    from fieldlog.services.agencies import agency_choices, create_agency
    from fieldlog.services.duplicates import merge_records

    kept = create_agency(db, name="Police judiciaire", acronym="PJ", country="ML", kind="police")
    gone = create_agency(db, name="Police Judiciaire", acronym="PJ", country="ML", kind="police")
    merge_records(db, table="agency", from_id=gone, into_id=kept)
    assert [value for _label, value in agency_choices(db)] == [kept]
    assert {value for _label, value in agency_choices(db, keep=gone)} == {kept, gone}
