"""Enumerations stored as stable codes and shown translated (docs/ARCHITECTURE.md §2)."""

from __future__ import annotations

from functools import lru_cache

from fieldlog.i18n import N_, _, current_language

SEX = {"F": N_("Female"), "M": N_("Male")}

ROLES = {
    "participant": N_("Participant"),
    "trainer": N_("Trainer"),
    "facilitator": N_("Facilitator"),
    "speaker": N_("Speaker"),
    "observer": N_("Observer"),
    "organiser": N_("Organiser"),
}
TRAINEE_ROLES = ("participant",)

WORKSHOP_KINDS = {
    "national_workshop": N_("National workshop"),
    "training": N_("Training"),
    "training_of_trainers": N_("Training of trainers"),
    "regional_conference": N_("Regional conference"),
    "consultative_dialogue": N_("Consultative dialogue"),
    "expert_meeting": N_("Expert meeting"),
    "mission": N_("Mission"),
}

WORKSHOP_STATUSES = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}

PILLARS = {
    "I": N_("Pillar I – Conditions conducive to terrorism"),
    "II": N_("Pillar II – Preventing and combating terrorism"),
    "III": N_("Pillar III – Building state capacity"),
    "IV": N_("Pillar IV – Human rights and the rule of law"),
}

AGENCY_KINDS = {
    "police": N_("Police"),
    "gendarmerie": N_("Gendarmerie"),
    "intelligence": N_("Intelligence"),
    "justice": N_("Justice / courts"),
    "prison": N_("Prison administration"),
    "customs": N_("Customs"),
    "border": N_("Border security"),
    "military": N_("Armed forces"),
    "ministry": N_("Ministry"),
    "civil_society": N_("Civil society"),
    "womens_organisation": N_("Women's organisation"),
    "un_entity": N_("UN entity"),
    "regional_body": N_("Regional body"),
    "donor": N_("Donor"),
    "other": N_("Other"),
}

OUTCOME_KINDS = {
    "law_adopted": N_("Law or policy adopted"),
    "unit_created": N_("Specialised unit or cell created"),
    "platform_equipped": N_("Platform equipped"),
    "arrest_seizure": N_("Arrest or seizure after cooperation"),
    "cases_investigated": N_("Cases investigated"),
    "recommendations": N_("Recommendations formulated"),
    "training_cascaded": N_("Training cascaded"),
    "other": N_("Other"),
}

VERIFICATION = {
    "reported": N_("Reported"),
    "verified": N_("Verified"),
    "disputed": N_("Disputed"),
}

# Countries offered first in pickers; any ISO 3166 alpha-2 code is accepted.
SAHEL_COUNTRIES = ("ML", "NE", "BF", "TD", "MR", "SN", "NG", "DZ", "BJ", "TG", "CI", "GH", "CM")


def label(table: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    return _(table[code]) if code in table else code


def options(table: dict[str, str]) -> list[tuple[str, str]]:
    """(label, code) pairs in the current language, as a Select wants them."""
    return [(_(text), code) for code, text in table.items()]


@lru_cache(maxsize=4)
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    names = Locale.parse(lang).territories
    # Two-letter codes are countries, except the CLDR's unknown and pseudo regions.
    return {
        code: name for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in ("ZZ", "XA", "XB")
    }


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _territories(current_language()).get(code.upper(), code.upper())


def is_country(code: str | None) -> bool:
    return bool(code) and code.upper() in _territories("en")


def country_options() -> list[tuple[str, str]]:
    """Sahel countries first, then every other country alphabetically."""
    names = _territories(current_language())
    first = [(names[c], c) for c in SAHEL_COUNTRIES if c in names]
    rest = sorted(
        ((name, code) for code, name in names.items() if code not in SAHEL_COUNTRIES),
        key=lambda pair: pair[0],
    )
    return first + rest


def place(city: str, country: str) -> str:
    """"Bamako, Mali": a city and its country's name, either one may be missing."""
    return ", ".join(part for part in (city, country_name(country)) if part)
