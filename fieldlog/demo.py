"""A demonstration database drawn from the seed documents, and synthetic data at scale.

Everything is written through the stamped writer, so demo data syncs like real data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from fieldlog.database import Database
from fieldlog.dates import days_between
from fieldlog.models import Agency, Attendance, Enrolment, Participant, Workshop
from fieldlog.services import offices
from fieldlog.services.outcomes import IndicatorValue, save_outcome
from fieldlog.services.writer import writing

FAMILY_NAMES = (
    "Traoré", "Coulibaly", "Keïta", "Diarra", "Maïga", "Touré", "Cissé", "Sidibé", "Sangaré",
    "Konaté", "Dembélé", "Diallo", "Sow", "Ba", "Kané", "Doumbia", "Haïdara", "Ag Mohamed",
    "Issoufou", "Mahamadou", "Abdou", "Hamani", "Boubacar", "Ousmane", "Garba", "Soumana",
    "Yacouba", "Zakari", "Ould Ahmed", "Ouédraogo", "Kaboré", "Sawadogo", "Compaoré", "Zongo",
    "Djibo", "Mahamat", "Abakar", "Ndiaye", "Fall", "Kéita", "Tall", "Samaké", "Bagayoko",
)
MALE_NAMES = (
    "Moussa", "Amadou", "Oumar", "Boubacar", "Ibrahim", "Mamadou", "Seydou", "Abdoulaye",
    "Souleymane", "Hamidou", "Issa", "Adama", "Bakary", "Modibo", "Cheick Oumar", "Yacouba",
    "Ousmane", "Sidi", "Mahamane", "Idrissa", "Salif", "Lassina", "Abdoul Karim",
)
FEMALE_NAMES = (
    "Aïssata", "Fatoumata", "Mariam", "Awa", "Kadiatou", "Aminata", "Oumou", "Rokia", "Hawa",
    "Salamatou", "Zeinabou", "Habsatou", "Ramatou", "Hadiza", "Safiatou", "Nafissatou",
    "Djénéba", "Assétou", "Mariama", "Fanta",
)
FUNCTIONS = (
    "Commissaire de police", "Inspecteur de police", "Officier de police judiciaire",
    "Capitaine de gendarmerie", "Adjudant-chef", "Magistrat", "Juge d'instruction",
    "Procureur de la République", "Greffier en chef", "Régisseur de prison", "Analyste",
    "Lieutenant", "Commandant de brigade", "Chargée de programme",
)

# (key, name, acronym, country, kind, parent key)
AGENCIES = (
    ("pjs", "Pôle judiciaire spécialisé de lutte contre le terrorisme", "PJS", "ML", "justice", None),
    ("bis", "Brigade d'investigation spécialisée", "BIS", "ML", "police", "pjs"),
    ("gn_ml", "Gendarmerie nationale du Mali", "GN", "ML", "gendarmerie", None),
    ("dpj", "Direction de la police judiciaire", "DPJ", "ML", "police", None),
    ("drg", "Direction des renseignements généraux", "DRG", "ML", "intelligence", None),
    ("dpf", "Direction de la police des frontières", "DPF", "ML", "border", None),
    ("mjdh", "Ministère de la Justice et des Droits de l'Homme", "MJDH", "ML", "ministry", None),
    ("dnap", "Direction nationale de l'administration pénitentiaire", "DNAPES", "ML", "prison", "mjdh"),
    ("cafo", "Coordination des associations et ONG féminines du Mali", "CAFO", "ML", "womens_organisation", None),
    ("sclct", "Service central de lutte contre le terrorisme", "SCLCT", "NE", "police", None),
    ("gn_ne", "Gendarmerie nationale du Niger", "GNN", "NE", "gendarmerie", None),
    ("g5", "Secrétariat permanent du G5 Sahel", "SP G5S", "MR", "regional_body", None),
    ("unodc", "Office des Nations Unies contre la drogue et le crime", "UNODC", "", "un_entity", None),
    ("unicri", "Institut interrégional de recherche des Nations Unies sur la criminalité et la justice", "UNICRI", "", "un_entity", None),
)

# 13 officers from five agencies at the Bamako information-sharing workshop, 13–15 October 2021.
BAMAKO_2021 = (
    ("Traoré", "Moussa", "M", "bis", "Commissaire de police"),
    ("Coulibaly", "Aminata", "F", "bis", "Officier de police judiciaire"),
    ("Keïta", "Seydou", "M", "bis", "Inspecteur de police"),
    ("Diarra", "Bakary", "M", "gn_ml", "Capitaine de gendarmerie"),
    ("Sangaré", "Hawa", "F", "gn_ml", "Adjudant-chef"),
    ("Dembélé", "Oumar", "M", "gn_ml", "Commandant de brigade"),
    ("Maïga", "Aïssata", "F", "pjs", "Juge d'instruction"),
    ("Touré", "Abdoulaye", "M", "pjs", "Procureur de la République"),
    ("Cissé", "Mamadou", "M", "dpj", "Officier de police judiciaire"),
    ("Sidibé", "Fatoumata", "F", "dpj", "Inspecteur de police"),
    ("Konaté", "Modibo", "M", "drg", "Analyste"),
    ("Haïdara", "Kadiatou", "F", "drg", "Analyste"),
    ("Doumbia", "Souleymane", "M", "drg", "Commissaire de police"),
)

DIALOGUE_2024 = (
    ("Kané", "Rokia", "F", "cafo", "Présidente d'association"),
    ("Bagayoko", "Oumou", "F", "cafo", "Chargée de programme"),
    ("Samaké", "Issa", "M", "mjdh", "Conseiller technique"),
    ("Diallo", "Mariam", "F", "mjdh", "Magistrat"),
    ("Tall", "Boubacar", "M", "dnap", "Régisseur de prison"),
)

TOT_2020 = (
    ("Ag Mohamed", "Sidi", "M", "dpf", "Commissaire de police"),
    ("Sow", "Djénéba", "F", "dpf", "Inspecteur de police"),
    ("Ba", "Amadou", "M", "gn_ml", "Lieutenant"),
)

NIAMEY_2027 = (
    ("Issoufou", "Salamatou", "F", "sclct", "Officier de police judiciaire"),
    ("Hamani", "Idrissa", "M", "sclct", "Commissaire de police"),
    ("Garba", "Zeinabou", "F", "gn_ne", "Capitaine de gendarmerie"),
    ("Mahamadou", "Lassina", "M", "gn_ne", "Adjudant-chef"),
)

TRAINERS = (
    ("Fall", "Abdoul Karim", "M", "unodc", "Expert en justice pénale"),
    ("Ndiaye", "Mariama", "F", "unicri", "Chargée de recherche"),
)


def create_demo(db: Database) -> None:
    """The seed-based demonstration content, written in one transaction."""
    offices.initialise_office(db, code="BKO", name="Bureau de Bamako", country="ML", author="Démo")
    with writing(db) as w:
        agency = {}
        for key, name, acronym, country, kind, parent in AGENCIES:
            agency[key] = w.insert(
                Agency,
                {"name": name, "acronym": acronym, "country": country, "kind": kind,
                 "parent_id": agency.get(parent) if parent else None},
            )

        def people(rows, country="ML"):
            return [
                w.insert(Participant, {
                    "family_name": family, "given_names": given, "sex": sex, "agency_id": agency[key],
                    "function": function, "country": country,
                })
                for family, given, sex, key, function in rows
            ]

        def workshop(**values):
            return w.insert(Workshop, values)

        def enrol(workshop_id, people_ids, role="participant", absent=()):
            held = w.session.get(Workshop, workshop_id)
            first, last = held.start_date, held.end_date
            for n, person in enumerate(people_ids):
                enrolment = w.insert(Enrolment, {"workshop_id": workshop_id, "participant_id": person, "role": role})
                if absent is None:
                    continue
                for d, day in enumerate(days_between(first, last)):
                    w.insert(Attendance, {"enrolment_id": enrolment, "day": day, "present": (n, d) not in absent})

        bamako = people(BAMAKO_2021)
        dialogue = people(DIALOGUE_2024)
        tot = people(TOT_2020)
        niamey = people(NIAMEY_2027, country="NE")
        trainers = people(TRAINERS, country="")

        w_info = workshop(
            title="Atelier national sur le partage d'information entre services d'enquête",
            kind="national_workshop", start_date=date(2021, 10, 13), end_date=date(2021, 10, 15),
            city="Bamako", country="ML", venue="Hôtel de l'Amitié", programme="Sahel Programme",
            organisers="UNODC", partners="MINUSMA", funders="Denmark",
            themes="Information sharing; Counter-terrorism investigations", pillar="II", status="held",
        )
        enrol(w_info, bamako, absent={(4, 2), (9, 0), (12, 1)})
        enrol(w_info, trainers[:1], role="trainer", absent=set())

        w_dialogue = workshop(
            title="Dialogue consultatif sur l'engagement communautaire face aux liens entre terrorisme et criminalité organisée",
            kind="consultative_dialogue", start_date=date(2024, 2, 20), end_date=date(2024, 2, 22),
            city="Bamako", country="ML", programme="Nexus between terrorism and organised crime",
            organisers="UNODC; UNICRI", funders="UNPDTF",
            themes="Community engagement; Terrorism and organised crime", pillar="I", status="held",
        )
        enrol(w_dialogue, dialogue + bamako[6:8], absent={(1, 2)})
        enrol(w_dialogue, trainers, role="facilitator", absent=set())

        w_tot = workshop(
            title="Formation de formateurs : bonnes pratiques de sécurité et de gestion des frontières",
            kind="training_of_trainers", start_date=date(2020, 2, 10), end_date=date(2020, 2, 14),
            city="Bamako", country="ML", programme="UNCCT Border Security and Management",
            organisers="UNOCT; OHCHR; MINUSMA", partners="IOM", funders="Saudi Arabia",
            themes="Border security; Human rights", pillar="III", status="held",
        )
        enrol(w_tot, tot + bamako[:2], absent={(2, 4)})

        w_niamey = workshop(
            title="Formation sur la gestion des scènes de crime",
            kind="training", start_date=date(2027, 1, 18), end_date=date(2027, 1, 20),
            city="Niamey", country="NE", programme="Sahel Programme", organisers="UNODC",
            funders="EU", themes="Crime scene management", pillar="II", status="planned",
        )
        enrol(w_niamey, niamey, absent=None)

        workshop(
            title="Conférence régionale sur la coopération judiciaire transfrontalière",
            kind="regional_conference", start_date=date(2020, 3, 24), end_date=date(2020, 3, 25),
            city="Nouakchott", country="MR", organisers="UNODC; SP G5S", funders="EU",
            themes="Judicial cooperation", pillar="II", status="cancelled",
        )
        workshop(
            title="Sécurité dynamique en milieu carcéral",
            kind="training", start_date=date(2023, 5, 8), end_date=date(2023, 5, 10),
            city="Niamey", country="NE", programme="Sahel Programme", organisers="UNODC",
            funders="Denmark", themes="Dynamic security in prisons", pillar="IV", status="held",
        )

    save_outcome(
        db, title="Recommandations pour prévenir les liens entre terrorisme et criminalité organisée",
        kind="recommendations", outcome_date=date(2024, 2, 22), country="ML",
        description="Recommandations formulées : aspects socio-économiques, appui aux autorités locales et aux communautés, recherche sur le lien entre terrorisme et criminalité organisée.",
        evidence="Rapport du dialogue consultatif, UNODC/UNICRI", verification="verified",
        workshop_ids=[w_dialogue], agency_ids=[agency["cafo"], agency["mjdh"]],
        indicators=[IndicatorValue(name="Recommandations formulées", value=3, unit="recommandations")],
    )
    save_outcome(
        db, title="Armes à feu marquées au Burkina Faso et au Mali",
        kind="platform_equipped", outcome_date=date(2017, 6, 30), country="ML",
        description="Équipement de marquage et logiciel d'enregistrement des armes civiles de l'État fournis.",
        evidence="UNODC Sahel Programme Progress Report, June 2017", verification="reported",
        agency_ids=[agency["dpj"]],
        indicators=[IndicatorValue(name="Armes à feu marquées", value=13500, unit="armes")],
    )
    save_outcome(
        db, title="Affaires de terrorisme instruites dans la région de Diffa",
        kind="cases_investigated", outcome_date=date(2017, 6, 30), country="NE",
        description="Enquêtes facilitées sur des personnes détenues pour des infractions liées au terrorisme.",
        evidence="UNODC Sahel Programme Progress Report, June 2017", verification="reported",
        agency_ids=[agency["sclct"]],
        indicators=[
            IndicatorValue(name="Affaires", value=45, unit="affaires"),
            IndicatorValue(name="Personnes concernées", value=117, unit="personnes"),
        ],
    )
    save_outcome(
        db, title="Formations répercutées par les formateurs de la police des frontières",
        kind="training_cascaded", outcome_date=date(2020, 9, 15), country="ML",
        description="Les formateurs formés à Bamako ont animé des sessions dans leurs directions régionales.",
        verification="reported", workshop_ids=[w_tot], agency_ids=[agency["dpf"]],
        indicators=[IndicatorValue(name="Sessions répercutées", value=4, unit="sessions")],
    )


def create_scale(db: Database, participants: int, *, seed: int = 2021, chunk: int = 20_000) -> None:
    """`participants` synthetic people with proportional agencies, workshops and attendance,
    written through the bulk path of the stamped writer in one transaction."""
    rng = random.Random(seed)
    offices.initialise_office(db, code="BKO", name="Bureau de Bamako", country="ML", author="Démo")
    countries = ("ML", "NE", "BF", "TD", "MR")
    kinds = ("police", "gendarmerie", "intelligence", "justice", "prison", "border", "customs")
    with writing(db) as w:
        agency_ids = w.bulk_insert(Agency, (
            {"name": f"{rng.choice(('Direction', 'Service', 'Brigade', 'Pôle'))} {k} {n}",
             "acronym": f"{k[:3].upper()}{n}", "country": rng.choice(countries), "kind": k}
            for n in range(max(10, participants // 500)) for k in (rng.choice(kinds),)
        ))
        person_ids: list[str] = []
        for start in range(0, participants, chunk):
            batch = []
            for _ in range(start, min(participants, start + chunk)):
                sex = rng.choice("FM")
                batch.append({
                    "family_name": rng.choice(FAMILY_NAMES),
                    "given_names": rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES),
                    "sex": sex, "agency_id": rng.choice(agency_ids), "function": rng.choice(FUNCTIONS),
                    "country": rng.choice(countries),
                })
            person_ids.extend(w.bulk_insert(Participant, batch))
        workshop_count = max(1, participants // 20)
        workshops = []
        for n in range(workshop_count):
            first = date(2018, 1, 1) + timedelta(days=rng.randrange(3200))
            workshops.append({
                "title": f"Atelier {n + 1} : {rng.choice(('partage d’information', 'scènes de crime', 'sécurité des frontières', 'armes à feu', 'aide juridique'))}",
                "kind": rng.choice(("national_workshop", "training", "training_of_trainers")),
                "start_date": first, "end_date": first + timedelta(days=rng.randrange(5)),
                "city": rng.choice(("Bamako", "Niamey", "Ouagadougou", "N'Djamena", "Nouakchott")),
                "country": rng.choice(countries), "status": "held", "funders": rng.choice(("Denmark", "EU", "UNPDTF")),
            })
        workshop_ids = w.bulk_insert(Workshop, workshops)
        enrolments, marks = [], []
        for person in person_ids:
            for idx in rng.sample(range(workshop_count), k=min(workshop_count, 1 + (rng.random() < 0.25))):
                enrolments.append(({"workshop_id": workshop_ids[idx], "participant_id": person, "role": "participant"}, idx))
        for start in range(0, len(enrolments), chunk):
            part = enrolments[start:start + chunk]
            ids = w.bulk_insert(Enrolment, [values for values, _ in part])
            for enrolment_id, (_, idx) in zip(ids, part):
                spec = workshops[idx]
                for day in days_between(spec["start_date"], spec["end_date"]):
                    marks.append({"enrolment_id": enrolment_id, "day": day, "present": rng.random() < 0.9})
            if len(marks) >= chunk:
                w.bulk_insert(Attendance, marks)
                marks = []
        w.bulk_insert(Attendance, marks)
