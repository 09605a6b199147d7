"""Reports at scale: the programme summary over 1,000,000 attendance marks against the raw
aggregate SQL for the same figures, and the seconds to write a workshop's printed sheets.

1. **Programme figures** — `programme_figures(db, SummaryFilters(...))` for all dates and for one
   year, against the **baseline**: the aggregate SQL a DBA would write for the same numbers,
   run on a plain sqlite3 connection (unique survivors trained, by country × sex × kind of
   agency, with participant-days and people in several workshops; workshops by kind and
   status; trainers; outcomes and indicator totals). The baseline's numbers must equal the
   service's (asserted, and printed side by side). They alternate, `--reps` times each; prints
   medians and the ratio service / baseline (**goal <= 1.5x**), and `build_programme_summary`
   (figures + formatting into a Document) as a second ratio.
2. **Workshop sheets** — a 5-day workshop with 200 participants and 3 trainers:
   `build_attendance_summary` + `write_report` in pdf, html, xlsx and csv, and the sign-in
   sheet of every day as a PDF; seconds (median of `--sheet-reps`) and PDF page counts.

The database (2,401 workshops, 20,570 participants, 1.03 M marks, ~450 MB) is built once by
raw sqlite3 `executemany` on a file migrated by `open_database` (real schema, indexes and FTS
triggers), merges of duplicates written as `duplicate_decision` rows and `merge_map` derived by
`rebuild_merge_map`; kept in bench/.work/ with a stamp (rebuilt when the migrations, the
models or the builder section of this file change). No change log is written: no report reads it.

    python bench/reports.py                 # builds bench/.work/reports1m.db once (~50 s)
    python bench/reports.py --reps 9 --explain   # plans and variants of the slow query
    python bench/reports.py --what-if-index      # the same on a copy with one more index
    python bench/reports.py --skip-sheets   # figures only
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, WORK, copy_database, median, ratio  # noqa: E402

from fieldlog.demo import FAMILY_NAMES, FEMALE_NAMES, FUNCTIONS, MALE_NAMES  # noqa: E402
from fieldlog.hlc import pack  # noqa: E402
from fieldlog.ids import attendance_id, new_id  # noqa: E402
from fieldlog.text import sort_key  # noqa: E402

SHEET_TITLE = "Formation sur la gestion des scènes de crime et la préservation des preuves"
TODAY = date(2026, 11, 22)
YEAR = 2023

COUNTRIES = {  # code: (weight, cities, regions)
    "ML": (30, ("Bamako", "Ségou", "Mopti", "Sikasso", "Kayes", "Gao", "Tombouctou")),
    "NE": (25, ("Niamey", "Zinder", "Maradi", "Agadez", "Tahoua", "Diffa")),
    "BF": (20, ("Ouagadougou", "Bobo-Dioulasso", "Koudougou", "Dori", "Fada N'Gourma")),
    "TD": (13, ("N'Djamena", "Moundou", "Abéché", "Sarh")),
    "MR": (12, ("Nouakchott", "Nouadhibou", "Néma", "Kiffa")),
}
NATIONAL_AGENCIES = (  # (name, acronym, kind)
    ("Gendarmerie nationale", "GN", "gendarmerie"),
    ("Direction de la police judiciaire", "DPJ", "police"),
    ("Brigade spéciale d'investigations antiterroristes", "BSIAT", "police"),
    ("Direction de la police des frontières", "DPF", "border"),
    ("Direction générale des douanes", "DGD", "customs"),
    ("Pôle judiciaire spécialisé de lutte contre le terrorisme", "PJS", "justice"),
    ("Direction de l'administration pénitentiaire", "DAP", "prison"),
    ("Ministère de la Justice", "MJ", "ministry"),
    ("Ministère de la Sécurité intérieure", "MSI", "ministry"),
    ("État-major général des armées", "EMGA", "military"),
    ("Direction générale des renseignements", "DGR", "intelligence"),
    ("Association des femmes juristes", "AFJ", "womens_organisation"),
    ("Réseau de la société civile pour la paix", "RSCP", "civil_society"),
)
REGIONAL_AGENCIES = (  # one per region (city) and kind
    ("Direction régionale de la police de {city}", "DRP {city}", "police"),
    ("Légion de gendarmerie de {city}", "LG {city}", "gendarmerie"),
    ("Tribunal de grande instance de {city}", "TGI {city}", "justice"),
    ("Maison d'arrêt de {city}", "MA {city}", "prison"),
    ("Poste de police frontière de {city}", "PPF {city}", "border"),
)
INTERNATIONAL_AGENCIES = (
    ("Office des Nations Unies contre la drogue et le crime", "UNODC", "", "un_entity"),
    ("Bureau de lutte contre le terrorisme des Nations Unies", "UNOCT", "", "un_entity"),
    ("Institut interrégional de recherche des Nations Unies sur la criminalité et la justice", "UNICRI", "", "un_entity"),
    ("Haut-Commissariat des Nations Unies aux droits de l'homme", "HCDH", "", "un_entity"),
    ("Organisation internationale pour les migrations", "OIM", "", "un_entity"),
    ("Secrétariat permanent du G5 Sahel", "SP G5S", "MR", "regional_body"),
    ("Ambassade du Royaume du Danemark", "DK", "ML", "donor"),
    ("Délégation de l'Union européenne", "UE", "NE", "donor"),
)
WORKSHOP_KINDS = (("training", 40), ("national_workshop", 25), ("training_of_trainers", 10), ("expert_meeting", 8),
                  ("consultative_dialogue", 7), ("regional_conference", 6), ("mission", 4))
SUBJECTS = ("partage d'information entre services d'enquête", "gestion des scènes de crime",
            "sécurité et gestion des frontières", "contrôle des armes à feu", "aide juridique aux détenus",
            "sécurité dynamique en milieu carcéral", "enquêtes financières et financement du terrorisme",
            "coopération judiciaire internationale", "liens entre terrorisme et criminalité organisée",
            "droits de l'homme dans les enquêtes antiterroristes")
PROGRAMMES = ("Sahel Programme", "Nexus between terrorism and organised crime",
              "UNCCT Border Security and Management", "Global Firearms Programme")
FUNDERS = ("Denmark", "EU", "UNPDTF", "Germany", "Japan", "Saudi Arabia")
ORGANISERS = ("UNODC", "UNODC; UNICRI", "UNOCT; OHCHR", "UNODC; MINUSMA", "UNOCT; IOM")
THEMES = ("Information sharing", "Crime scene management", "Border security", "Firearms", "Legal aid",
          "Dynamic security in prisons", "Counter-terrorism investigations", "Human rights")
OUTCOME_KINDS = ("law_adopted", "unit_created", "platform_equipped", "arrest_seizure", "cases_investigated",
                 "recommendations", "training_cascaded", "other")
INDICATORS = (("Armes à feu marquées", "armes"), ("Affaires instruites", "affaires"),
              ("Personnes concernées", "personnes"), ("Recommandations formulées", "recommandations"),
              ("Sessions répercutées", "sessions"), ("Saisies", "saisies"))


# --- the database -----------------------------------------------------------------------------

def _stamp_text(args: argparse.Namespace) -> str:
    """The parameters, this file's builder section, the models and the migrations."""
    source = Path(__file__).read_text()
    builder = source[source.index("\n# --- the database"):source.index("\n# --- the baseline")]
    digest = hashlib.sha256(f"{args.participants} {args.workshops} {args.seed}\n{builder}".encode())
    for path in [REPO / "fieldlog/models.py", *sorted((REPO / "migrations/versions").glob("*.py"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def report_database(args: argparse.Namespace) -> Path:
    """bench/.work/reports1m.db, built once (a stamp says it was finished, and by what)."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "reports1m.db"
    stamp = Path(f"{path}.stamp")
    expected = _stamp_text(args)
    if path.exists() and stamp.exists() and stamp.read_text().strip() == expected:
        return path
    for suffix in ("", "-wal", "-shm", ".stamp"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"building {path.relative_to(REPO)} ({args.participants:,} participants, {args.workshops:,} "
          "workshops; reused next time)...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    build(path, participants=args.participants, workshops=args.workshops, seed=args.seed)
    stamp.write_text(expected + "\n")
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


class _Rows:
    """Rows of each table in insertion order, with the sync columns filled in."""

    def __init__(self, offices: list[str], rng: random.Random):
        self.tables: dict[str, list[tuple]] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.offices, self.rng = offices, rng
        self.clock = pack(1_700_000_000_000, 0)

    def add(self, table: str, values: dict, *, deleted: bool = False, record_id: str | None = None) -> str:
        record_id = record_id or new_id()
        self.clock += 1
        row = {"id": record_id, "origin_office": self.rng.choice(self.offices), "hlc": self.clock,
               "deleted": int(deleted), **values}
        columns = self.columns.setdefault(table, tuple(row))
        self.tables.setdefault(table, []).append(tuple(row[c] for c in columns))
        return record_id

    def write(self, conn: sqlite3.Connection) -> None:
        for table, rows in self.tables.items():
            columns = self.columns[table]
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


def _person(rng: random.Random, sex: str) -> tuple[str, str]:
    family = rng.choice(FAMILY_NAMES)
    names = FEMALE_NAMES if sex == "F" else MALE_NAMES if sex == "M" else FEMALE_NAMES + MALE_NAMES
    given = rng.choice(names)
    if rng.random() < 0.2:
        given = f"{given} {rng.choice(names)}"
    return family, given


def _plain(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def build(path: Path, *, participants: int, workshops: int, seed: int) -> None:
    from fieldlog.schema import open_database
    from fieldlog.services.duplicates import rebuild_merge_map
    from fieldlog.services.offices import initialise_office

    rng = random.Random(seed)
    db = open_database(path)
    local = initialise_office(db, code="BKO", name="Bureau de Bamako", country="ML", author="Bench")
    db.close()
    db.engine.dispose()

    offices = [local.id, new_id(), new_id()]
    rows = _Rows(offices, rng)
    for office_id, code, name, country in ((offices[1], "NIA", "Bureau de Niamey", "NE"),
                                           (offices[2], "OUA", "Bureau de Ouagadougou", "BF")):
        rows.add("office", {"code": code, "name": name, "country": country}, record_id=office_id)

    # Agencies: national ones and regional branches per country, international ones, and
    # duplicates made by another office (accents dropped, kind unknown) later merged.
    def agency(name: str, acronym: str, country: str, kind: str, parent: str | None = None) -> str:
        return rows.add("agency", {"name": name, "acronym": acronym, "country": country, "kind": kind,
                                   "parent_id": parent, "sort_key": sort_key(name, acronym)})

    agencies_of: dict[str, list[str]] = {}
    for country, (_weight, cities) in COUNTRIES.items():
        national = [agency(f"{name} ({country})", acronym, country, kind) for name, acronym, kind in NATIONAL_AGENCIES]
        regional = [agency(name.format(city=city), acronym.format(city=city), country, kind, rng.choice(national))
                    for city in cities for name, acronym, kind in REGIONAL_AGENCIES]
        agencies_of[country] = national + regional
    international = [agency(*values) for values in INTERNATIONAL_AGENCIES]
    every_agency = [a for group in agencies_of.values() for a in group]
    agency_merges = []
    agency_rows = {r[0]: r for r in rows.tables["agency"]}
    name_at = rows.columns["agency"].index("name")
    for original in rng.sample(every_agency, 20):
        row = agency_rows[original]
        copy = agency(_plain(row[name_at]).upper(), "", row[name_at + 2], rng.choice(("other", "")))
        agency_merges.append((copy, original))
        agencies_of[row[name_at + 2]].append(copy)

    # Participants: mostly men, a few with the sex not recorded; one in 100 in the Trash.
    countries = list(COUNTRIES)
    weights = [COUNTRIES[c][0] for c in countries]
    people_of: dict[str, list[str]] = {c: [] for c in countries}
    person_rows: dict[str, dict] = {}

    def participant(values: dict, *, deleted: bool = False) -> str:
        values = {**values, "sort_key": sort_key(values["family_name"], values["given_names"])}
        pid = rows.add("participant", values, deleted=deleted)
        person_rows[pid] = values
        return pid

    for _ in range(participants):
        sex = rng.choices("FM ", (28, 70, 2))[0].strip()
        family, given = _person(rng, sex)
        country = rng.choices(countries, weights)[0]
        values = {
            "family_name": family, "given_names": given, "sex": sex,
            "agency_id": rng.choice(agencies_of[country]) if rng.random() < 0.97 else None,
            "function": rng.choice(FUNCTIONS), "country": country,
            "phone": f"+223 {rng.randrange(60, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                     f"{rng.randrange(10, 99)}" if rng.random() < 0.6 else "",
            "email": "",
        }
        deleted = rng.random() < 0.01
        pid = participant(values, deleted=deleted)
        if not deleted:
            people_of[country].append(pid)
    trainers = []
    for _ in range(150):
        sex = rng.choices("FM", (40, 60))[0]
        family, given = _person(rng, sex)
        trainers.append(participant({
            "family_name": family, "given_names": given, "sex": sex, "agency_id": rng.choice(international),
            "function": rng.choice(("Expert en justice pénale", "Chargée de programme", "Consultant",
                                    "Formateur principal")),
            "country": "", "phone": "", "email": ""}))

    # Workshops: 2018 to the end of 2026, 3 to 5 days; future ones planned, a few cancelled,
    # a few left "planned" after they were held, a few in the Trash.
    kinds, kind_weights = zip(*WORKSHOP_KINDS)
    specs = []
    for n in range(workshops):
        first = date(2018, 1, 1) + timedelta(days=rng.randrange(9 * 365))
        first += timedelta(days=-first.weekday() + rng.randrange(3))  # starts Monday to Wednesday
        length = rng.choices((3, 4, 5), (30, 30, 40))[0]
        country = rng.choices(countries, weights)[0]
        status = "planned" if first > TODAY else rng.choices(("held", "cancelled", "planned"), (95, 4, 1))[0]
        subject = rng.choice(SUBJECTS)
        wid = rows.add("workshop", {
            "title": f"{rng.choice(('Atelier national', 'Formation', 'Atelier régional'))} : {subject} ({n + 1})",
            "kind": rng.choices(kinds, kind_weights)[0], "start_date": first.isoformat(),
            "end_date": (first + timedelta(days=length - 1)).isoformat(),
            "city": rng.choice(COUNTRIES[country][1]), "country": country, "venue": "",
            "programme": rng.choice(PROGRAMMES), "organisers": rng.choice(ORGANISERS), "partners": "",
            "funders": rng.choice(FUNDERS), "themes": rng.choice(THEMES), "pillar": rng.choice(("I", "II", "III", "IV")),
            "status": status, "notes": "",
        }, deleted=rng.random() < 0.005)
        specs.append((wid, first, length, country, status))

    # Enrolments and marks: ~100-115 participants (four in five from the host country), 2-3
    # trainers; no marks for planned future workshops; no-shows absent every day; a mark
    # forgotten now and then; a few enrolments and marks in the Trash.
    enrolled_in: dict[str, list[str]] = {}

    def enrol(wid: str, pid: str, role: str, first: date, length: int, marked: bool, presence: float) -> None:
        eid = rows.add("enrolment", {"workshop_id": wid, "participant_id": pid, "role": role},
                       deleted=rng.random() < 0.005)
        enrolled_in.setdefault(pid, []).append(wid)
        if not marked:
            return
        no_show = rng.random() < 0.04
        for d in range(length):
            if rng.random() < 0.02:
                continue
            day = (first + timedelta(days=d)).isoformat()
            rows.add("attendance", {"enrolment_id": eid, "day": day,
                                    "present": int(not no_show and rng.random() < presence)},
                     deleted=rng.random() < 0.002, record_id=attendance_id(eid, day))

    everyone = [p for group in people_of.values() for p in group]
    for wid, first, length, country, status in specs:
        marked = first <= TODAY and (status != "cancelled" or rng.random() < 0.5)
        size = rng.randint(100, 115)
        local_people = rng.sample(people_of[country], int(size * 0.8))
        chosen = dict.fromkeys(local_people)  # ordered: the same data whatever the string hashes
        while len(chosen) < size:
            chosen[rng.choice(everyone)] = None
        for pid in chosen:
            enrol(wid, pid, "participant", first, length, marked, 0.93)
        for pid in rng.sample(trainers, rng.randint(2, 3)):
            enrol(wid, pid, rng.choice(("trainer", "trainer", "facilitator", "speaker")), first, length, marked, 0.98)
        if rng.random() < 0.1:  # a trainee of other workshops comes as an observer
            enrol(wid, rng.choice(everyone), "observer", first, length, marked, 0.9)

    # Duplicates: another office registered 400 people again (accents dropped, capitals), and
    # enrolled them in 1-3 workshops, sometimes one the original attended too; merged into the
    # original. 20 were registered a third time and merged into the duplicate (a chain); 15
    # merges were undone and 15 pairs judged distinct (those count as two people).
    decisions = []
    spec_of = {s[0]: s for s in specs}
    for n, original in enumerate(rng.sample(everyone, 400)):
        values = person_rows[original]
        copy = participant({**values, "family_name": _plain(values["family_name"]).upper(),
                            "given_names": _plain(values["given_names"]), "phone": "", "agency_id": None})
        seen = enrolled_in.get(original, [])
        targets = rng.sample([s[0] for s in specs], rng.randint(1, 3))
        if seen and rng.random() < 0.3:
            targets[0] = rng.choice(seen)
        for wid in dict.fromkeys(targets):
            _w, first, length, _c, _s = spec_of[wid]
            enrol(wid, copy, "participant", first, length, first <= TODAY, 0.93)
        state = "merge" if n >= 30 else "undone" if n < 15 else "distinct"
        decisions.append((copy, original, state))
        if n % 20 == 5:  # a third record, merged into the duplicate
            third = participant({**values, "given_names": values["given_names"].lower(), "agency_id": None})
            wid, first, length, _c, _s = spec_of[rng.choice(targets)]
            enrol(wid, third, "participant", first, length, first <= TODAY, 0.93)
            decisions.append((third, copy, "merge"))
    for copy, original in agency_merges:
        rows.add("duplicate_decision", {"table_name": "agency", "record_id": copy, "other_id": original,
                                        "decision": "merge"})
    for record, other, state in decisions:
        rows.add("duplicate_decision", {"table_name": "participant", "record_id": record, "other_id": other,
                                        "decision": "distinct" if state == "distinct" else "merge"},
                 deleted=state == "undone")

    # Outcomes with indicators, most linked to one or two workshops and agencies.
    for n in range(300):
        wid, first, _length, country, _status = rng.choice(specs)
        when = min(first + timedelta(days=rng.randrange(30, 400)), TODAY)
        oid = rows.add("outcome", {
            "title": f"Résultat {n + 1} : {rng.choice(SUBJECTS)}", "kind": rng.choice(OUTCOME_KINDS),
            "outcome_date": when.isoformat(), "country": country, "description": "", "evidence": "",
            "verification": rng.choice(("reported", "verified", "disputed")),
        }, deleted=rng.random() < 0.02)
        if rng.random() < 0.8:
            rows.add("outcome_workshop", {"outcome_id": oid, "workshop_id": wid})
        rows.add("outcome_agency", {"outcome_id": oid, "agency_id": rng.choice(agencies_of[country])})
        for name, unit in rng.sample(INDICATORS, rng.randint(0, 2)):
            rows.add("indicator", {"outcome_id": oid, "name": name, "value": rng.randrange(1, 500), "unit": unit})

    # The workshop of the sheets: 5 days, 200 participants from Mali (accented names), 3 trainers.
    first = date(2025, 3, 10)
    wid = rows.add("workshop", {
        "title": SHEET_TITLE, "kind": "training", "start_date": first.isoformat(),
        "end_date": (first + timedelta(days=4)).isoformat(), "city": "Bamako", "country": "ML",
        "venue": "Hôtel de l'Amitié, salle Djoliba", "programme": "Sahel Programme", "organisers": "UNODC; MINUSMA",
        "partners": "UNICRI", "funders": "Denmark; EU", "themes": "Crime scene management", "pillar": "II",
        "status": "held", "notes": "",
    })
    for pid in rng.sample(people_of["ML"], 200):
        enrol(wid, pid, "participant", first, 5, True, 0.93)
    for pid, role in zip(rng.sample(trainers, 3), ("trainer", "trainer", "facilitator")):
        enrol(wid, pid, role, first, 5, True, 1.0)

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("BEGIN")
        rows.write(conn)
        conn.execute("COMMIT")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not problems, problems[:5]
    finally:
        conn.close()
    db = open_database(path)
    try:
        with db.write() as session:
            rebuild_merge_map(session)
    finally:
        db.close()
        db.engine.dispose()
    conn = sqlite3.connect(path)
    try:
        marks = conn.execute("SELECT count(*) FROM attendance").fetchone()[0]
        assert marks >= 1_000_000 or participants < 20_000, marks
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


# --- the baseline: the aggregate SQL a DBA would write for the same figures ------------------

# Present days of trainees as (survivor, workshop, day); two merged records present on the same
# day of one workshop make one day. Read from the workshops of the period down (their dates
# overlap it: the services refuse marks outside a workshop's dates).
BASE_TRAINED = """WITH days AS (
  SELECT coalesce(m.into_id, e.participant_id) AS person, e.workshop_id AS workshop, a.day AS day
    FROM workshop w
    JOIN enrolment e ON e.workshop_id = w.id
    JOIN attendance a ON a.enrolment_id = e.id
    JOIN participant ep ON ep.id = e.participant_id
    LEFT JOIN merge_map m ON m.table_name = 'participant' AND m.record_id = e.participant_id
   WHERE w.deleted = 0 AND w.status <> 'cancelled' AND w.start_date <= :last AND w.end_date >= :first
     AND e.deleted = 0 AND e.role = 'participant' AND ep.deleted = 0
     AND a.deleted = 0 AND a.present = 1 AND a.day BETWEEN :first AND :last
   GROUP BY 1, 2, 3),
per_person AS (SELECT person, count(*) AS days, count(DISTINCT workshop) AS workshops FROM days GROUP BY person)
SELECT p.country, p.sex, coalesce(ag.kind, '') AS kind, count(*) AS people, sum(pp.days) AS days,
       sum(pp.workshops > 1) AS several
  FROM per_person pp
  JOIN participant p ON p.id = pp.person
  LEFT JOIN merge_map am ON am.table_name = 'agency' AND am.record_id = p.agency_id
  LEFT JOIN agency ag ON ag.id = coalesce(am.into_id, p.agency_id)
 WHERE p.deleted = 0
 GROUP BY 1, 2, 3"""

BASE_TRAINERS = """SELECT count(DISTINCT coalesce(m.into_id, e.participant_id))
  FROM workshop w
  JOIN enrolment e ON e.workshop_id = w.id
  JOIN participant ep ON ep.id = e.participant_id
  LEFT JOIN merge_map m ON m.table_name = 'participant' AND m.record_id = e.participant_id
  JOIN participant p ON p.id = coalesce(m.into_id, e.participant_id)
 WHERE w.deleted = 0 AND w.status <> 'cancelled' AND w.start_date <= :last AND w.end_date >= :first
   AND e.deleted = 0 AND e.role <> 'participant' AND ep.deleted = 0 AND p.deleted = 0
   AND EXISTS (SELECT 1 FROM attendance a WHERE a.enrolment_id = e.id AND a.deleted = 0 AND a.present = 1
                  AND a.day BETWEEN :first AND :last)"""

BASE_WORKSHOPS = """SELECT kind, status, count(*) FROM workshop
 WHERE deleted = 0 AND start_date <= :last AND end_date >= :first GROUP BY 1, 2"""

BASE_OUTCOMES = """SELECT id FROM outcome WHERE deleted = 0 AND outcome_date BETWEEN :first AND :last
 ORDER BY outcome_date, title, id"""
BASE_INDICATORS = """SELECT i.outcome_id, i.name, i.value, i.unit FROM indicator i JOIN outcome o ON o.id = i.outcome_id
 WHERE i.deleted = 0 AND o.deleted = 0 AND o.outcome_date BETWEEN :first AND :last"""
BASE_TOTALS = """SELECT i.name, i.unit, sum(i.value), count(DISTINCT i.outcome_id)
  FROM indicator i JOIN outcome o ON o.id = i.outcome_id
 WHERE i.deleted = 0 AND o.deleted = 0 AND o.outcome_date BETWEEN :first AND :last
 GROUP BY 1, 2 ORDER BY 1, 2"""


def _params(first: date | None, last: date | None) -> dict[str, str]:
    return {"first": (first or date(1, 1, 1)).isoformat(), "last": (last or date(9999, 12, 31)).isoformat()}


def baseline_figures(conn: sqlite3.Connection, params: dict[str, str]) -> dict:
    """The figures by the baseline SQL, in the comparable form of `comparable`."""
    total, countries, kinds = Counter(), {}, {}
    several = 0
    for country, sex, kind, people, days, many in conn.execute(BASE_TRAINED, params):
        line = Counter(people=people, women=people if sex == "F" else 0, men=people if sex == "M" else 0, days=days)
        total.update(line)
        countries.setdefault(country, Counter()).update(line)
        kinds.setdefault(kind, Counter()).update(line)
        several += many
    workshops: dict[str, list[int]] = {}
    cancelled = 0
    for kind, status, n in conn.execute(BASE_WORKSHOPS, params):
        if status == "cancelled":
            cancelled += n
        else:
            workshops.setdefault(kind, [0, 0])[status != "held"] += n
    indicators = sorted(conn.execute(BASE_INDICATORS, params).fetchall())
    return {
        "people": total["people"], "women": total["women"], "men": total["men"], "days": total["days"],
        "several": several, "trainers": conn.execute(BASE_TRAINERS, params).fetchone()[0],
        "workshops": {k: tuple(v) for k, v in workshops.items()}, "cancelled": cancelled,
        "by_country": {k: tuple(v[f] for f in ("people", "women", "men", "days")) for k, v in countries.items()},
        "by_kind": {k: tuple(v[f] for f in ("people", "women", "men", "days")) for k, v in kinds.items()},
        "outcomes": [r[0] for r in conn.execute(BASE_OUTCOMES, params)],
        "indicators": len(indicators),
        "totals": [tuple(r) for r in conn.execute(BASE_TOTALS, params)],
    }


def comparable(figures) -> dict:
    """The service's ProgrammeFigures in the form of `baseline_figures`."""
    t = figures.trained

    def groups(items):
        return {b.key: (b.people, b.women, b.men, b.days) for b in items}

    return {
        "people": t.people, "women": t.women, "men": t.men, "days": t.days, "several": figures.several_workshops,
        "trainers": figures.trainers, "workshops": {w.kind: (w.held, w.planned) for w in figures.workshops},
        "cancelled": figures.cancelled, "by_country": groups(figures.by_country), "by_kind": groups(figures.by_agency_kind),
        "outcomes": [o.id for o in figures.outcomes], "indicators": sum(len(o.indicators) for o in figures.outcomes),
        "totals": [(i.name, i.unit, i.total, i.outcomes) for i in figures.indicators],
    }


def _connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the app's page cache (32 MiB), so both read from the same cache size."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA cache_size=-32768")
    return conn


# --- 1. programme figures ---------------------------------------------------------------------

def measure_figures(path: Path, reps: int) -> None:
    from fieldlog.reports.figures import SummaryFilters, programme_figures
    from fieldlog.reports.programme_summary import build_programme_summary
    from fieldlog.schema import open_database

    db = open_database(path)
    conn = _connect(path)
    counts = conn.execute("""SELECT (SELECT count(*) FROM attendance), (SELECT count(*) FROM enrolment),
        (SELECT count(*) FROM participant), (SELECT count(*) FROM workshop),
        (SELECT count(*) FROM merge_map WHERE table_name = 'participant')""").fetchone()
    print(f"{path.name}: {counts[0]:,} attendance marks, {counts[1]:,} enrolments, {counts[2]:,} participants "
          f"({counts[4]} merged away), {counts[3]:,} workshops; {reps} repetitions, alternating (medians)")
    periods = [("all dates", SummaryFilters()),
               (f"year {YEAR}", SummaryFilters(first=date(YEAR, 1, 1), last=date(YEAR, 12, 31)))]
    for label, filters in periods:
        params = _params(filters.first, filters.last)
        expected = baseline_figures(conn, params)  # also warms the page cache
        got = comparable(programme_figures(db, filters))
        _print_check(label, got, expected)
        assert got == expected, {k: (got[k], expected[k]) for k in got if got[k] != expected[k]}
        times: dict[str, list[float]] = {"baseline": [], "figures": [], "summary": []}
        runs = {
            "baseline": lambda: baseline_figures(conn, params),
            "figures": lambda: programme_figures(db, filters),
            "summary": lambda: build_programme_summary(db, filters),
        }
        for rep in range(reps):
            order = list(runs.items())
            if rep % 2:
                order.reverse()
            for name, run in order:
                gc.collect()
                started = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - started)
        base, figures, summary = (median(times[k]) for k in ("baseline", "figures", "summary"))
        print(f"  {label}: {expected['people']:,} individuals trained, {expected['days']:,} participant-days")
        print(f"    {'baseline: aggregate SQL on sqlite3':44}{base * 1000:9.0f} ms")
        print(f"    {'programme_figures':44}{figures * 1000:9.0f} ms   ratio {ratio(figures, base)}   (goal <= 1.5x)")
        print(f"    {'build_programme_summary (figures + format)':44}{summary * 1000:9.0f} ms   ratio {ratio(summary, base)}")
    conn.close()
    db.close()


def _print_check(label: str, got: dict, expected: dict) -> None:
    print(f"  {label}: figures (service = baseline)")
    for key in ("people", "women", "men", "days", "several", "trainers", "cancelled", "indicators"):
        mark = "" if got[key] == expected[key] else "   <-- DIFFERENT"
        print(f"    {key:12}{got[key]:>12,} {expected[key]:>12,}{mark}")
    for key in ("workshops", "by_country", "by_kind", "outcomes", "totals"):
        mark = "" if got[key] == expected[key] else "   <-- DIFFERENT"
        print(f"    {key:12}{len(got[key]):>12,} {len(expected[key]):>12,} lines, equal: {got[key] == expected[key]}{mark}")


# --- what the service's SQL costs, and what-if variants (--explain) ---------------------------

def _service_sql_variants() -> dict[str, str]:
    from fieldlog.reports import figures as f

    workshops = "w.deleted = 0"
    grouped = f._MARKS.replace("SELECT DISTINCT", "SELECT", 1) + "\n  GROUP BY 1, 2, 3"
    overlap = workshops + " AND w.start_date <= :last AND w.end_date >= :first"
    return {
        "service's _TRAINED as is": f._TRAINED.format(marks=f._MARKS.format(workshops=workshops)),
        "  with GROUP BY 1, 2, 3 for DISTINCT": f._TRAINED.format(marks=grouped.format(workshops=workshops)),
        "  and the workshops' dates overlapping": f._TRAINED.format(marks=grouped.format(workshops=overlap)),
        "baseline BASE_TRAINED": BASE_TRAINED,
    }


WHAT_IF_INDEX = "enrolment_id, day, present, deleted"


def explain(path: Path, reps: int) -> None:
    """The plans of the query of individuals trained, and its variants timed on sqlite3."""
    conn = _connect(path)
    variants = _service_sql_variants()
    print("\nThe query of individuals trained, on sqlite3 (medians; same rows checked):")
    for label, params in (("all dates", _params(None, None)), (f"year {YEAR}", _params(date(YEAR, 1, 1), date(YEAR, 12, 31)))):
        times: dict[str, list[float]] = {name: [] for name in variants}
        rows = {}
        for rep in range(reps):
            for name, sql in (variants.items() if rep % 2 == 0 else reversed(variants.items())):
                started = time.perf_counter()
                rows[name] = sorted(conn.execute(sql, params).fetchall())
                times[name].append(time.perf_counter() - started)
        first = next(iter(rows.values()))
        assert all(r == first for r in rows.values()), "the variants disagree"
        print(f"  {label}:")
        for name in variants:
            print(f"    {name:44}{median(times[name]) * 1000:9.0f} ms")
    for name, sql in variants.items():
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, _params(None, None))]
        print(f"\n  EXPLAIN QUERY PLAN, {name.strip()}:")
        for step in plan:
            print(f"    {step}")
    conn.close()


# --- 2. workshop sheets -----------------------------------------------------------------------

def measure_sheets(path: Path, reps: int) -> None:
    from pypdf import PdfReader

    from fieldlog.reports.attendance_summary import build_attendance_summary
    from fieldlog.reports.output import write_report
    from fieldlog.reports.signin_sheet import build_signin_sheet
    from fieldlog.schema import open_database

    conn = _connect(path)
    wid, enrolled, staff = conn.execute(
        """SELECT w.id, sum(e.role = 'participant'), sum(e.role <> 'participant') FROM workshop w
           JOIN enrolment e ON e.workshop_id = w.id AND e.deleted = 0 WHERE w.title = ? GROUP BY w.id""",
        (SHEET_TITLE,)).fetchone()
    conn.close()
    db = open_database(path)
    print(f"\nWorkshop sheets: a 5-day workshop, {enrolled} participants and {staff} trainers; "
          f"median of {reps} (seconds)")
    jobs = [(f"attendance summary, {fmt}", build_attendance_summary, fmt) for fmt in ("pdf", "html", "xlsx", "csv")]
    jobs.append(("sign-in sheets, 5 days, pdf", build_signin_sheet, "pdf"))
    with tempfile.TemporaryDirectory(dir=WORK) as temp:
        folder = Path(temp)
        started = time.perf_counter()
        write_report(build_attendance_summary(db, wid), fmt="pdf", out=folder / "cold.pdf")
        print(f"  {'first PDF of the process (imports fpdf2)':40}{time.perf_counter() - started:7.2f}")
        builds = []
        for _ in range(reps):
            started = time.perf_counter()
            build_attendance_summary(db, wid)
            builds.append(time.perf_counter() - started)
        print(f"  {'build_attendance_summary alone':40}{median(builds):7.2f}")
        for label, build_document, fmt in jobs:
            times = []
            for rep in range(reps):
                out = folder / f"{build_document.__name__}-{rep}.{fmt}"
                started = time.perf_counter()
                write_report(build_document(db, wid), fmt=fmt, out=out)
                times.append(time.perf_counter() - started)
            size = out.stat().st_size
            pages = f", {len(PdfReader(out).pages)} pages" if fmt == "pdf" else ""
            print(f"  {label:40}{median(times):7.2f}   ({size / 1024:,.0f} KiB{pages})")
    db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20_000, help="participants in the database (20000)")
    parser.add_argument("--workshops", type=int, default=2_400, help="workshops in the database (2400)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=5, help="repetitions of the figures (5)")
    parser.add_argument("--sheet-reps", type=int, default=3, help="repetitions of each sheet (3)")
    parser.add_argument("--lang", default="fr", help="language of the sheets (fr)")
    parser.add_argument("--explain", action="store_true", help="plans and variants of the query of people trained")
    parser.add_argument("--what-if-index", action="store_true",
                        help="--explain again on a copy with an index on attendance (enrolment_id, day, present, deleted)")
    parser.add_argument("--skip-figures", action="store_true")
    parser.add_argument("--skip-sheets", action="store_true")
    args = parser.parse_args(argv)

    from fieldlog.i18n import set_language

    set_language(args.lang)
    path = report_database(args)
    if not args.skip_figures:
        measure_figures(path, args.reps)
    if args.explain:
        explain(path, args.reps)
    if args.what_if_index:
        copy = copy_database(path, path.with_name(path.stem + "-index.db"))
        try:
            conn = sqlite3.connect(copy)
            conn.execute(f"CREATE INDEX ix_attendance_marks ON attendance ({WHAT_IF_INDEX})")
            conn.close()
            print(f"\nWhat if: a copy with an index on attendance ({WHAT_IF_INDEX})", end="")
            explain(copy, args.reps)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if not args.skip_sheets:
        measure_sheets(path, args.sheet_reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
