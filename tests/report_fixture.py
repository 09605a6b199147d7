"""A small programme whose figures are known by hand, for the report tests.

People (sex, country, agency) and what they did:
  P1 Aïssata MAÏGA   F ML BIS (police)        W1 3 days, W2 2 days    → trained once, 5 days
  P2 Moussa TRAORÉ   M ML BIS (police)        W1 day 1 only           → trained, 1 day
  P3 Mariam DIALLO   F NE "Gendarmerie du N." W2 day 1                → trained, 3 days with P4
     (that agency is a duplicate merged into GN, a gendarmerie)
  P4 Mariam DIALO    F NE (merged into P3)    W1 days 1–2             → counts as P3
  P5 Oumar CISSÉ     M ML, in the Trash       W1 3 days               → not counted
  P6 Abdoul FALL     M SN                     W1 trainer, 3 days      → a trainer, not trained
  P7 Fatou KANE      F ML                     W1 enrolled, absent     → not trained
  P8 Ibrahim SOW     M NE                     W3 (cancelled) 2 days   → not counted
  P9 Awa KONÉ        F ML CAFO (women's organisation), W2 day 2 → trained, 1 day
Workshops: W1 national workshop, held, ML, 13–15/10/2021, "Sahel Programme", Denmark;
W2 training, held, NE, 01–02/03/2022, "Nexus terrorism and organised crime", EU;
W3 training, cancelled, ML, 10–11/05/2022; W4 expert meeting, planned, ML, 10/01/2023.
Outcomes: O1 law adopted 01/12/2021 ML (W1), "Cases" 45; O2 unit created 01/06/2022 NE (W2),
"Cases" 10 and "Officers trained as trainers" 12; O3 in the Trash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldlog.services.agencies import create_agency
from fieldlog.services.attendance import enrol_participant, set_attendance
from fieldlog.services.duplicates import merge_records
from fieldlog.services.outcomes import IndicatorValue, save_outcome
from fieldlog.services.participants import create_participant
from fieldlog.services.trash import delete_record
from fieldlog.services.workshops import create_workshop, update_workshop


@dataclass
class Programme:
    people: dict[str, str]
    workshops: dict[str, str]
    enrolments: dict[tuple[str, str], str]


def _attend(db, enrolment: str, days: list[date], present: list[date]) -> None:
    for day in days:
        set_attendance(db, enrolment_id=enrolment, day=day, present=day in present)


def build_programme(db) -> Programme:
    bis = create_agency(db, name="Brigade d'investigation spécialisée", acronym="BIS", country="ML", kind="police")
    gn = create_agency(db, name="Gendarmerie nationale", acronym="GN", country="NE", kind="gendarmerie")
    gn_twice = create_agency(db, name="Gendarmerie du Niger", country="NE", kind="other")
    cafo = create_agency(db, name="Coordination des associations et ONG féminines", acronym="CAFO", country="ML",
                         kind="womens_organisation")
    merge_records(db, table="agency", from_id=gn_twice, into_id=gn)

    def person(family, given, sex, country, agency=None, function=""):
        return create_participant(db, family_name=family, given_names=given, sex=sex, country=country,
                                  agency_id=agency, function=function)

    p = {
        "P1": person("Maïga", "Aïssata", "F", "ML", bis, "Officier de police judiciaire"),
        "P2": person("Traoré", "Moussa", "M", "ML", bis, "Inspecteur"),
        "P3": person("Diallo", "Mariam", "F", "NE", gn_twice, "Maréchal des logis"),
        "P4": person("Dialo", "Mariam", "F", "NE"),
        "P5": person("Cissé", "Oumar", "M", "ML", bis),
        "P6": person("Fall", "Abdoul", "M", "SN", None, "Expert"),
        "P7": person("Kane", "Fatou", "F", "ML", bis),
        "P8": person("Sow", "Ibrahim", "M", "NE", gn),
        "P9": person("Koné", "Awa", "F", "ML", cafo),
    }
    w1_days = [date(2021, 10, 13), date(2021, 10, 14), date(2021, 10, 15)]
    w2_days = [date(2022, 3, 1), date(2022, 3, 2)]
    w3_days = [date(2022, 5, 10), date(2022, 5, 11)]
    w = {
        "W1": create_workshop(
            db, title="Atelier national sur le partage d’information", kind="national_workshop",
            start_date=w1_days[0], end_date=w1_days[-1], city="Bamako", country="ML", venue="Hôtel de l’Amitié",
            programme="Sahel Programme", organisers="UNODC", funders="Denmark", themes="Information sharing",
            pillar="II", status="held"),
        "W2": create_workshop(
            db, title="Formation sur les enquêtes financières", kind="training",
            start_date=w2_days[0], end_date=w2_days[-1], city="Niamey", country="NE",
            programme="Nexus terrorism and organised crime", organisers="UNODC; UNICRI", funders="EU",
            themes="Financial investigations", pillar="II", status="held"),
        "W3": create_workshop(
            db, title="Formation annulée", kind="training", start_date=w3_days[0], end_date=w3_days[-1],
            city="Bamako", country="ML", programme="Sahel Programme", funders="EU", status="held"),
        "W4": create_workshop(
            db, title="Réunion d’experts", kind="expert_meeting", start_date=date(2023, 1, 10),
            end_date=date(2023, 1, 10), city="Bamako", country="ML", funders="Denmark", status="planned"),
    }
    e = {}

    def enrol(person_key, workshop_key, role="participant"):
        e[(person_key, workshop_key)] = enrol_participant(
            db, workshop_id=w[workshop_key], participant_id=p[person_key], role=role)
        return e[(person_key, workshop_key)]

    _attend(db, enrol("P1", "W1"), w1_days, w1_days)
    _attend(db, enrol("P1", "W2"), w2_days, w2_days)
    _attend(db, enrol("P2", "W1"), w1_days, w1_days[:1])
    _attend(db, enrol("P3", "W2"), w2_days, w2_days[:1])
    _attend(db, enrol("P4", "W1"), w1_days, w1_days[:2])
    _attend(db, enrol("P5", "W1"), w1_days, w1_days)
    _attend(db, enrol("P6", "W1", role="trainer"), w1_days, w1_days)
    _attend(db, enrol("P7", "W1"), w1_days, [])
    _attend(db, enrol("P8", "W3"), w3_days, w3_days)
    _attend(db, enrol("P9", "W2"), w2_days, w2_days[1:])

    # Marked while it was planned, then cancelled: its marks must not count.
    update_workshop(db, w["W3"], title="Formation annulée", kind="training", start_date=w3_days[0],
                    end_date=w3_days[-1], city="Bamako", country="ML", programme="Sahel Programme", funders="EU",
                    status="cancelled")
    delete_record(db, table="participant", record_id=p["P5"])
    merge_records(db, table="participant", from_id=p["P4"], into_id=p["P3"])

    save_outcome(db, title="Loi sur la lutte contre le terrorisme adoptée", kind="law_adopted",
                 outcome_date=date(2021, 12, 1), country="ML", verification="verified", workshop_ids=[w["W1"]],
                 indicators=[IndicatorValue(name="Cases", value=45, unit="cases")])
    save_outcome(db, title="Cellule d’enquêtes financières créée", kind="unit_created",
                 outcome_date=date(2022, 6, 1), country="NE", workshop_ids=[w["W2"]],
                 indicators=[IndicatorValue(name="Cases", value=10, unit="cases"),
                             IndicatorValue(name="Officers trained as trainers", value=12)])
    gone = save_outcome(db, title="Saisie d’armes (doublon)", kind="arrest_seizure", outcome_date=date(2022, 2, 1),
                        country="ML", indicators=[IndicatorValue(name="Cases", value=1000, unit="cases")])
    delete_record(db, table="outcome", record_id=gone)
    return Programme(people=p, workshops=w, enrolments=e)
