"""Records as spreadsheets: `fieldlog records export|import`, CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text

from fieldlog.cli import main
from fieldlog.errors import FieldlogError
from fieldlog.services import agencies, outcomes, participants, trash, workshops
from fieldlog.services import spreadsheets
from fieldlog.services.spreadsheets import InvalidRows, export_records, import_records
from fieldlog.vocabulary import WORKSHOP_KINDS

PARTICIPANT_COLUMNS = ["id", "family_name", "given_names", "sex", "agency_id", "function", "country", "phone", "email",
                       "version"]


def _count(db, table: str) -> int:
    with db.read() as session:
        return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _log_for(db, record_id: str):
    with db.read() as session:
        return session.execute(
            text("SELECT c.op, c.data, c.office_id = s.office_id AS ours FROM change_log c, local_state s "
                 "WHERE c.record_id = :id ORDER BY c.seq"),
            {"id": record_id},
        ).all()


def _write_csv(path, rows, *, delimiter=",", encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _read_exported_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _cli(*args, db):
    return main(["records", *args, "--db", str(db.path)])


@pytest.fixture
def people(db):
    police = agencies.create_agency(db, name="Pôle judiciaire spécialisé", acronym="PJS", country="ML", kind="justice")
    maiga = participants.create_participant(
        db, family_name="Maïga", given_names="Aïssata", sex="F", agency_id=police,
        function="Juge d'instruction", country="ML", phone="0022376123456")
    traore = participants.create_participant(db, family_name="Traoré", given_names="Moussa", sex="M", country="ML")
    gone = participants.create_participant(db, family_name="Effacé", given_names="Personne", sex="M")
    trash.delete_record(db, table="participant", record_id=gone)
    return {"agency": police, "maiga": maiga, "traore": traore, "gone": gone}


# ---------------------------------------------------------------- export


def test_csv_export_holds_live_records_as_codes_with_a_bom_and_owner_only(db, people, tmp_path):
    out = tmp_path / "participants.csv"
    assert export_records(db, table="participants", fmt="csv", out=out) == 2
    rows = _read_exported_csv(out)
    assert list(rows[0]) == PARTICIPANT_COLUMNS
    assert {r["id"] for r in rows} == {people["maiga"], people["traore"]}  # the Trash is left out
    maiga = next(r for r in rows if r["id"] == people["maiga"])
    assert maiga["family_name"] == "Maïga" and maiga["sex"] == "F" and maiga["country"] == "ML"
    assert maiga["agency_id"] == people["agency"] and maiga["phone"] == "0022376123456"
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_json_export_to_stdout_has_iso_dates_and_codes(demo_db, capsys):
    assert _cli("export", "workshops", "--format", "json", db=demo_db) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 6
    first = records[0]
    assert list(first)[:5] == ["id", "title", "kind", "start_date", "end_date"]
    assert date.fromisoformat(first["start_date"]) <= date.fromisoformat(first["end_date"])
    assert {r["kind"] for r in records} <= set(WORKSHOP_KINDS)


def test_records_merged_into_a_duplicate_are_not_exported(db, people, tmp_path):
    with db.write() as session:
        session.execute(text("INSERT INTO merge_map (table_name, record_id, into_id) VALUES ('participant', :a, :b)"),
                        {"a": people["traore"], "b": people["maiga"]})
    out = tmp_path / "participants.csv"
    assert export_records(db, table="participants", fmt="csv", out=out) == 1
    assert [r["id"] for r in _read_exported_csv(out)] == [people["maiga"]]


def test_json_export_file_is_plain_utf8(db, people, tmp_path):
    out = tmp_path / "participants.json"
    assert _cli("export", "participants", "--out", str(out), db=db) == 0
    records = json.loads(out.read_bytes().decode("utf-8"))  # no BOM: JSON forbids one
    assert {(r["family_name"], r["agency_id"]) for r in records} == {("Maïga", people["agency"]), ("Traoré", None)}


def test_xlsx_export_has_real_dates_and_keeps_text_as_text(db, tmp_path):
    workshop = workshops.create_workshop(
        db, title="Atelier national sur la sécurité des frontières", kind="training",
        start_date="13/10/2021", end_date="15/10/2021", city="N'Djamena", country="TD",
        notes="=HYPERLINK(\"http://example.org\")")
    participants.create_participant(db, family_name="Diallo", given_names="Awa", sex="F", phone="0022376123456")
    out_w, out_p = tmp_path / "w.xlsx", tmp_path / "p.xlsx"
    assert _cli("export", "workshops", "--out", str(out_w), db=db) == 0  # format from the file name
    assert _cli("export", "participants", "--format", "xlsx", "--out", str(out_p), db=db) == 0

    sheet = openpyxl.load_workbook(out_w).active
    header = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2])}
    assert row["id"].value == workshop
    assert row["start_date"].value == datetime(2021, 10, 13) and row["start_date"].is_date
    assert row["end_date"].value == datetime(2021, 10, 15)
    assert row["city"].value == "N'Djamena"
    assert row["notes"].data_type == "s"  # shown as typed, never run as a formula
    phone = openpyxl.load_workbook(out_p).active["H2"]
    assert phone.value == "0022376123456" and phone.data_type == "s"  # the leading zeros survive


def test_xlsx_to_stdout_and_unknown_table_are_refused_with_one_line(db, capsys):
    assert _cli("export", "participants", "--format", "xlsx", db=db) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err
    assert _cli("export", "people", db=db) == 1
    err = capsys.readouterr().err
    assert err.startswith("fieldlog: ") and err.count("\n") == 1
    assert "participants, agencies, workshops or outcomes" in err


def test_export_to_an_unwritable_place_is_one_line_and_leaves_nothing(db, people, tmp_path, capsys):
    missing_folder = tmp_path / "no" / "such" / "p.csv"
    assert _cli("export", "participants", "--out", str(missing_folder), db=db) == 1
    err = capsys.readouterr().err
    assert err.startswith("fieldlog: Cannot write") and err.count("\n") == 1
    target_is_a_folder = tmp_path / "exports"
    target_is_a_folder.mkdir()
    assert _cli("export", "participants", "--out", str(target_is_a_folder), db=db) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]
    assert os.listdir(target_is_a_folder) == []


def test_a_failing_export_keeps_the_previous_file_whole(db, people, tmp_path, monkeypatch):
    out = tmp_path / "participants.csv"
    export_records(db, table="participants", fmt="csv", out=out)
    before = out.read_bytes()

    def broken(db, spec):
        yield (people["maiga"], "Maïga", "", "F", None, "", "ML", "", "")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spreadsheets, "_live_rows", broken)
    with pytest.raises(FieldlogError, match="No space left"):
        export_records(db, table="participants", fmt="csv", out=out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# ---------------------------------------------------------------- import


def test_xlsx_round_trip_updates_the_record_and_logs_a_change_that_syncs(demo_db, tmp_path, capsys):
    out = tmp_path / "participants.xlsx"
    assert _cli("export", "participants", "--out", str(out), db=demo_db) == 0
    book = openpyxl.load_workbook(out)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    edited = sheet.cell(row=2, column=header.index("function") + 1)
    record_id = sheet.cell(row=2, column=1).value
    edited.value = "Commissaire divisionnaire"
    book.save(out)
    total = sheet.max_row - 1
    capsys.readouterr()

    assert _cli("import", "participants", str(out), db=demo_db) == 0
    assert capsys.readouterr().out.strip() == f"0 created, 1 updated, {total - 1} unchanged."
    assert participants.get_participant(demo_db, record_id).function == "Commissaire divisionnaire"
    op, data, ours = _log_for(demo_db, record_id)[-1]
    assert op == "update" and ours
    assert json.loads(data) == {"function": "Commissaire divisionnaire"}
    # Importing the same file again changes nothing.
    assert _cli("import", "participants", str(out), db=demo_db) == 0
    assert capsys.readouterr().out.strip() == f"0 created, 0 updated, {total} unchanged."


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table, count", [("participants", 27), ("agencies", 14), ("workshops", 6), ("outcomes", 4)])
def test_every_table_comes_back_unchanged(demo_db, tmp_path, table, count, fmt):
    out = tmp_path / f"{table}.{fmt}"
    assert export_records(demo_db, table=table, fmt=fmt, out=out) == count
    before = _count(demo_db, "change_log")
    summary = import_records(demo_db, table=table, path=out)
    assert (summary.created, summary.updated, summary.unchanged, summary.invalid) == (0, 0, count, [])
    assert _count(demo_db, "change_log") == before


def test_an_outcome_code_edited_in_a_csv_is_saved(demo_db, tmp_path):
    out = tmp_path / "outcomes.csv"
    export_records(demo_db, table="outcome", fmt="csv", out=out)
    rows = _read_exported_csv(out)
    edited = next(r for r in rows if r["verification"] != "disputed")
    edited["verification"] = "disputed"
    _write_csv(out, [list(rows[0]), *[list(r.values()) for r in rows]])
    summary = import_records(demo_db, table="outcomes", path=out)
    assert (summary.updated, summary.unchanged) == (1, len(rows) - 1)
    assert outcomes.get_outcome(demo_db, edited["id"]).outcome.verification == "disputed"


def test_accented_names_survive_csv_and_xlsx_round_trips(db, people, tmp_path):
    workshops.create_workshop(db, title="Dialogue consultatif", start_date="2021-10-13", end_date="2021-10-13",
                              city="N'Djamena", country="TD")
    for fmt in ("csv", "xlsx"):
        for table in ("participants", "workshops"):
            out = tmp_path / f"{table}.{fmt}"
            export_records(db, table=table, fmt=fmt, out=out)
            summary = import_records(db, table=table, path=out)
            assert (summary.created, summary.updated) == (0, 0)
    maiga = participants.get_participant(db, people["maiga"])
    assert (maiga.family_name, maiga.given_names) == ("Maïga", "Aïssata")
    assert workshops.list_workshops(db).rows[0].city == "N'Djamena"


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
       fmt=st.sampled_from(["csv", "xlsx"]))
@example(value="Aïssata Maïga", fmt="xlsx")
@example(value="a\r\nb\x08", fmt="xlsx")
@example(value="_x0041_ literally", fmt="xlsx")
@example(value="=1+1", fmt="csv")
@example(value="'=1+1", fmt="csv")
@example(value="'quoted", fmt="csv")
def test_any_text_survives_a_round_trip_unchanged(db, people, tmp_path, value, fmt):
    try:
        participants.update_participant(db, people["traore"], family_name="T" + value, sex="M", function=value)
    except FieldlogError:
        return  # too long for the field: the forms refuse it too
    before = participants.get_participant(db, people["traore"])
    out = tmp_path / f"round.{fmt}"
    export_records(db, table="participants", fmt=fmt, out=out)
    summary = import_records(db, table="participants", path=out)
    after = participants.get_participant(db, people["traore"])
    assert (summary.updated, summary.unchanged) == (0, 2)
    assert (after.family_name, after.function) == (before.family_name, before.function)


def test_a_csv_export_never_hands_a_spreadsheet_a_formula(db, people, tmp_path):
    """A name that came in a bundle is shown as text by Excel, not run."""
    participants.update_participant(db, people["traore"], family_name="=HYPERLINK(\"http://x\")", sex="M",
                                    function="+223 76 00 00 00")
    out = tmp_path / "people.csv"
    export_records(db, table="participants", fmt="csv", out=out)
    cells = [cell for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+223 76 00 00 00" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_a_registration_list_without_ids_creates_participants(db, people, tmp_path, capsys):
    path = _write_csv(tmp_path / "inscriptions.csv", [
        ["family_name", "given_names", "sex", "agency_id", "function", "country"],
        ["Sidibé", "Kadiatou", "F", people["agency"], "Greffière", "ml"],
        ["Ag Mohamed", "Sidi", "M", "", "Commissaire", "ML"],
    ])
    assert _cli("import", "participant", str(path), db=db) == 0
    assert capsys.readouterr().out.strip() == "2 created, 0 updated, 0 unchanged."
    found = participants.list_participants(db, search="Sidibé").rows
    assert len(found) == 1
    sidibe = participants.get_participant(db, found[0].id)
    assert (sidibe.given_names, sidibe.sex, sidibe.agency_id, sidibe.country) == ("Kadiatou", "F", people["agency"], "ML")
    assert [op for op, _data, ours in _log_for(db, sidibe.id) if ours] == ["insert"]


def test_french_excel_csv_with_semicolons_bom_or_windows_code_page(db, tmp_path):
    rows = [["family_name", "given_names", "sex", "country"], ["Maïga", "Aïssata", "F", "ML"]]
    with_bom = _write_csv(tmp_path / "a.csv", rows, delimiter=";")
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbffamily_name;")
    assert import_records(db, table="participants", path=with_bom).created == 1
    rows[1] = ["Keïta", "Aminata", "F", "ML"]
    windows = _write_csv(tmp_path / "b.csv", rows, delimiter=";", encoding="cp1252")
    assert import_records(db, table="participants", path=windows).created == 1
    names = {(r.family_name, r.given_names) for r in participants.list_participants(db).rows}
    assert names == {("Maïga", "Aïssata"), ("Keïta", "Aminata")}


def test_invalid_rows_are_listed_by_excel_row_number_and_nothing_is_applied(db, people, tmp_path, capsys):
    path = _write_csv(tmp_path / "list.csv", [
        ["id", "family_name", "given_names", "sex", "agency_id", "function"],
        ["", "Coulibaly", "Hawa", "F", "", "Commissaire\nprincipale"],  # row 2: a cell on two lines
        ["", "Diarra", "Bakary", "X", "", ""],  # row 3
        ["", "", "", "", "", ""],  # row 4: blank, skipped
        ["", "", "Sans nom", "M", "", ""],  # row 5
        ["", "Cissé", "Mariam", "F", "01234567-0000-7000-8000-000000000000", ""],  # row 6
        ["01234567-0000-7000-8000-000000000000", "Touré", "", "", "", ""],  # row 7
        [people["traore"], "Traoré", "Moussa", "M", "", "Lieutenant"],  # row 8: valid
        [people["traore"], "Traoré", "Moussa", "M", "", "Capitaine"],  # row 9
        [people["gone"], "Effacé", "", "", "", ""],  # row 10
    ])
    before = (_count(db, "participant"), _count(db, "change_log"))
    with pytest.raises(InvalidRows) as caught:
        import_records(db, table="participants", path=path)
    assert [(r.row, r.field) for r in caught.value.rows] == [
        (3, "sex"), (5, "family_name"), (6, "agency_id"), (7, "id"), (9, "id"), (10, "id"),
    ]
    assert (_count(db, "participant"), _count(db, "change_log")) == before

    assert _cli("import", "participants", str(path), db=db) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "row 3: sex: Not one of the choices.",
        "row 5: family_name: Required.",
        "row 6: agency_id: No such agency.",
        "row 7: id: No such record.",
        "row 9: id: The same record is already on row 8.",
        "row 10: id: This record is in the Trash: restore it first.",
        "fieldlog: 6 rows are not valid; nothing was imported.",
    ]
    assert (_count(db, "participant"), _count(db, "change_log")) == before
    assert participants.get_participant(db, people["traore"]).function == ""


def test_skip_invalid_applies_the_valid_rows_and_lists_the_rest(db, people, tmp_path, capsys):
    path = _write_csv(tmp_path / "list.csv", [
        ["id", "family_name", "given_names", "sex", "email"],
        ["", "Coulibaly", "Hawa", "F", "hawa@example.org"],
        ["", "Diarra", "Bakary", "M", "not an address"],
        [people["traore"], "Traoré", "Moussa", "M", "moussa@example.org"],
    ])
    assert _cli("import", "participants", str(path), "--skip-invalid", db=db) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "1 created, 1 updated, 0 unchanged, 1 invalid row skipped."
    assert captured.err.splitlines() == ["row 3: email: Not an e-mail address."]
    assert participants.list_participants(db, search="Coulibaly").total == 1
    assert participants.list_participants(db, search="Diarra").total == 0
    assert participants.get_participant(db, people["traore"]).email == "moussa@example.org"


def test_blank_cells_clear_optional_text_and_keep_everything_else(db, people, tmp_path):
    path = _write_csv(tmp_path / "fix.csv", [
        ["id", "family_name", "given_names", "sex", "agency_id", "function", "country", "phone"],
        [people["maiga"], "", "Aïssata", "", "", "", "", ""],
    ])
    summary = import_records(db, table="participants", path=path)
    assert (summary.updated, summary.unchanged) == (1, 0)
    maiga = participants.get_participant(db, people["maiga"])
    assert (maiga.function, maiga.phone) == ("", "")  # optional text: cleared
    assert (maiga.family_name, maiga.sex, maiga.agency_id, maiga.country) == ("Maïga", "F", people["agency"], "ML")


def test_only_the_columns_in_the_file_are_written(db, people, tmp_path):
    path = _write_csv(tmp_path / "phones.csv", [["id", "phone"], [people["maiga"], "+223 76 00 00 00"]])
    assert import_records(db, table="participants", path=path).updated == 1
    maiga = participants.get_participant(db, people["maiga"])
    assert maiga.phone == "+223 76 00 00 00" and maiga.function == "Juge d'instruction"
    assert json.loads(_log_for(db, people["maiga"])[-1].data) == {"phone": "+223 76 00 00 00"}


def test_xlsx_cells_typed_by_excel_are_read_as_the_fields_expect(db, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "kind", "start_date", "end_date", "city", "country"])
    sheet.append(["Formation des formateurs", "training_of_trainers", datetime(2022, 3, 7), "09/03/2022", "Niamey", "NE"])
    sheet.append(["Mission", "mission", datetime(2022, 3, 9), datetime(2022, 3, 7), "Niamey", "NE"])
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(InvalidRows) as caught:
        import_records(db, table="workshops", path=tmp_path / "w.xlsx")
    assert [(r.row, r.field, r.reason) for r in caught.value.rows] == [
        (3, "end_date", "The last day is before the first day."),
    ]
    sheet.delete_rows(3)
    book.save(tmp_path / "w.xlsx")
    assert import_records(db, table="workshops", path=tmp_path / "w.xlsx").created == 1
    made = workshops.list_workshops(db).rows[0]
    assert (made.start_date, made.end_date, made.kind) == (date(2022, 3, 7), date(2022, 3, 9), "training_of_trainers")

    phones = openpyxl.Workbook()
    phones.active.append(["family_name", "sex", "phone"])
    phones.active.append(["Diallo", "F", 76123456])  # Excel made the phone a number
    phones.save(tmp_path / "p.xlsx")
    assert import_records(db, table="participants", path=tmp_path / "p.xlsx").created == 1
    diallo = participants.list_participants(db, search="Diallo").rows[0]
    assert participants.get_participant(db, diallo.id).phone == "76123456"


def test_agency_cycles_across_rows_are_refused(db, tmp_path):
    first = agencies.create_agency(db, name="Direction générale de la police", kind="police")
    second = agencies.create_agency(db, name="Brigade spéciale", kind="police")
    path = _write_csv(tmp_path / "a.csv", [["id", "parent_id"], [first, second], [second, first]])
    with pytest.raises(InvalidRows) as caught:
        import_records(db, table="agencies", path=path)
    assert {(r.row, r.field) for r in caught.value.rows} == {(2, "parent_id"), (3, "parent_id")}
    path = _write_csv(tmp_path / "a.csv", [["id", "parent_id"], [second, first]])
    assert import_records(db, table="agencies", path=path).updated == 1
    assert agencies.get_agency(db, second).parent_id == first


@pytest.mark.parametrize("name, content, expected", [
    ("unknown-column.csv", b"family_name,nickname\r\nDiallo,Awa\r\n", 'Unknown column "nickname"'),
    ("empty.csv", b"", "has no header"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    ("list.ods", b"whatever", "imports .csv and .xlsx files"),
    ("missing.csv", None, "Cannot read"),
])
def test_unusable_files_are_refused_with_one_line(db, tmp_path, capsys, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = _count(db, "change_log")
    assert _cli("import", "participants", str(path), db=db) == 1
    err = capsys.readouterr().err
    assert err.startswith("fieldlog: ") and err.count("\n") == 1 and expected in err
    assert _count(db, "change_log") == before


def test_a_large_registration_list_is_checked_without_a_query_per_row(db, people, tmp_path):
    rows = [["family_name", "given_names", "sex", "agency_id", "country"]]
    rows += [[f"Nom{n}", "Awa", "F", people["agency"], "ML"] for n in range(2000)]
    path = _write_csv(tmp_path / "big.csv", rows)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    summary = import_records(db, table="participants", path=path)
    assert summary.created == 2000
    assert len(statements) < 20
    assert participants.count_participants(db) == 2002


# ---------------------------------------------------------------- a file re-imported after others' changes


def _exported(db, tmp_path, name="participants.csv"):
    out = tmp_path / name
    export_records(db, table="participants", fmt="csv", out=out)
    return out, _read_exported_csv(out)


def _rewrite(out, rows):
    _write_csv(out, [list(rows[0]), *([row[k] for k in rows[0]] for row in rows)])


def test_a_cell_left_as_exported_does_not_revert_a_change_made_since(db, people, tmp_path):
    """The phone is corrected in fieldlog after the export (a form, another office's bundle);
    the file, edited only in its function column, must not put the old phone back."""
    out, rows = _exported(db, tmp_path)
    participants.update_participant(db, people["maiga"], phone="0022370000000")
    row = next(r for r in rows if r["id"] == people["maiga"])
    row["function"] = "Présidente de chambre"
    _rewrite(out, rows)

    summary = import_records(db, table="participants", path=out)
    assert (summary.updated, summary.unchanged) == (1, 1)
    person = participants.get_participant(db, people["maiga"])
    assert (person.phone, person.function) == ("0022370000000", "Présidente de chambre")
    op, data, _ours = _log_for(db, people["maiga"])[-1]
    assert json.loads(data) == {"function": "Présidente de chambre"}


def test_a_cell_edited_in_the_file_and_in_fieldlog_since_is_listed_and_nothing_applied(db, people, tmp_path, capsys):
    out, rows = _exported(db, tmp_path)
    participants.update_participant(db, people["maiga"], phone="0022370000000")
    row = next(r for r in rows if r["id"] == people["maiga"])
    row["phone"], row["function"] = "0022379999999", "Présidente de chambre"
    _rewrite(out, rows)
    before = _log_for(db, people["maiga"])

    assert _cli("import", "participants", str(out), db=db) == 1
    err = capsys.readouterr().err
    assert "row 2: phone: Changed in fieldlog since this file was exported." in err or \
        "row 3: phone: Changed in fieldlog since this file was exported." in err, err
    assert _log_for(db, people["maiga"]) == before
    assert participants.get_participant(db, people["maiga"]).phone == "0022370000000"


def test_a_correction_from_another_office_stamped_before_the_export_survives(tmp_path):
    """Niamey corrects a phone before headquarters exports its spreadsheet, but the bundle
    arrives after: the correction is newer than the file, whatever its stamp."""
    from tests.sync_helpers import Office

    hq, nia = Office(tmp_path, "HQ"), Office(tmp_path, "NIA", "NE")
    person = participants.create_participant(hq.db, family_name="Garba", given_names="Zeinabou", sex="F",
                                             phone="+227 90 00 00 00")
    nia.receive(hq.send(full=True))
    participants.update_participant(nia.db, person, phone="+227 96 11 22 33")
    late = nia.send(hq)
    out, rows = _exported(hq.db, tmp_path)
    hq.receive(late)
    rows[0]["function"] = "Capitaine"
    _rewrite(out, rows)

    import_records(hq.db, table="participants", path=out)
    person_now = participants.get_participant(hq.db, person)
    assert (person_now.phone, person_now.function) == ("+227 96 11 22 33", "Capitaine")
    hq.close()
    nia.close()


def test_a_version_cell_fieldlog_did_not_write_is_refused(db, people, tmp_path):
    out, rows = _exported(db, tmp_path)
    rows[0]["version"] = "edited by hand"
    _rewrite(out, rows)
    with pytest.raises(InvalidRows) as refused:
        import_records(db, table="participants", path=out)
    assert [(r.field, r.row) for r in refused.value.rows] == [("version", 2)]
