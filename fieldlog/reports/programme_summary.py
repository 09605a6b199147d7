"""The programme summary for donors: "234 individuals trained, 11 workshops organised since
January 2020", broken down by sex, country and kind of agency, with the outcomes that followed
(modelled on the "Capacity-building since January 2020" box of the UNOCT highlights).

Anonymous, it keeps every figure and leaves out whatever a person typed about someone: the
outcomes are counted by kind, with their indicators, but neither titled nor dated one by one
(an arrest in Niger on a given day points at a person as surely as a name). People appear
only as counts by sex, country and kind of agency, as they always do here.
"""

from __future__ import annotations

from datetime import datetime

from fieldlog.database import Database
from fieldlog.dates import format_date
from fieldlog.formatting import format_number
from fieldlog.i18n import _, ngettext
from fieldlog.reports.document import Column, Document, Facts, Note, Part, Table
from fieldlog.reports.figures import Breakdown, ProgrammeFigures, SummaryFilters, programme_figures
from fieldlog.reports.headers import file_stem, printed_footer
from fieldlog.vocabulary import (
    AGENCY_KINDS, OUTCOME_KINDS, PILLARS, VERIFICATION, WORKSHOP_KINDS, country_name, label,
)


def period_text(filters: SummaryFilters) -> str:
    first, last = filters.first, filters.last
    if first and last:
        return _("{first} to {last}").format(first=format_date(first), last=format_date(last))
    if first:
        return _("since {first}").format(first=format_date(first))
    if last:
        return _("until {last}").format(last=format_date(last))
    return _("all dates")


def _filter_facts(figures: ProgrammeFigures) -> list[tuple[str, str]]:
    f = figures.filters
    # The period is the part's subheading.
    facts = [
        (_("Country of the workshops"), country_name(f.country)),
        (_("Programme"), f.programme),
        (_("Funder"), f.funder),
        (_("Thematic area"), f.theme),
        (_("Pillar"), label(PILLARS, f.pillar)),
        (_("Office"), figures.office_name),
    ]
    return [(name, value) for name, value in facts if value]


def headline(figures: ProgrammeFigures) -> str:
    """"234 individuals trained, 11 workshops organised" — the sentence donors quote."""
    people, workshops = figures.trained.people, figures.workshops_organised
    return _("{people}, {workshops}").format(
        people=ngettext("{n} individual trained", "{n} individuals trained", people).format(n=format_number(people)),
        workshops=ngettext("{n} workshop organised", "{n} workshops organised", workshops).format(
            n=format_number(workshops)),
    )


def _key_figures(figures: ProgrammeFigures) -> Table:
    t = figures.trained
    rows = [
        [_("Workshops organised (not cancelled)"), figures.workshops_organised],
        [_("Individuals trained, each counted once"), t.people],
        [_("of whom women"), t.women],
        [_("of whom men"), t.men],
        *([[_("of whom sex not recorded"), figures.sex_unknown]] if figures.sex_unknown else []),
        [_("Trained in more than one workshop"), figures.several_workshops],
        [_("Participant-days"), t.days],
        [_("Trainers, facilitators and speakers (not counted as trained)"), figures.trainers],
        [_("Outcomes recorded"), len(figures.outcomes)],
    ]
    return Table(title=_("Key figures"), columns=[Column(_("Figure"), "text", 4), Column(_("Number"), "number", 1)],
                 rows=rows)


def _by_sex(figures: ProgrammeFigures) -> Table:
    t = figures.trained
    share = (lambda n: n / t.people) if t.people else (lambda n: 0.0)
    rows = [[_("Women"), t.women, share(t.women)], [_("Men"), t.men, share(t.men)]]
    if figures.sex_unknown:
        rows.append([_("Not recorded"), figures.sex_unknown, share(figures.sex_unknown)])
    return Table(
        title=_("Individuals trained by sex"),
        columns=[Column(_("Sex"), "text", 2), Column(_("Individuals"), "number", 1), Column(_("Share"), "percent", 1)],
        rows=rows, footer=[[_("Total"), t.people, 1.0 if t.people else 0.0]],
    )


def _breakdown(title: str, first: str, groups: list[Breakdown], total: Breakdown, name) -> Table:
    def line(key: str, b: Breakdown) -> list:
        return [key, b.people, b.women, b.men, b.women_share, b.days]

    return Table(
        title=title,
        columns=[
            Column(first, "text", 2.6), Column(_("Individuals"), "number", 1), Column(_("Women"), "number", 0.9),
            Column(_("Men"), "number", 0.9), Column(_("Share of women"), "percent", 1),
            Column(_("Participant-days"), "number", 1.2),
        ],
        rows=[line(name(g.key) or _("Not recorded"), g) for g in groups],
        footer=[line(_("Total"), total)],
        empty_text=_("Nobody was trained in this period."),
    )


def _workshops(figures: ProgrammeFigures) -> Table:
    return Table(
        title=_("Workshops by kind"),
        columns=[Column(_("Kind"), "text", 3), Column(_("Held"), "number", 1), Column(_("Planned"), "number", 1),
                 Column(_("Total"), "number", 1)],
        rows=[[label(WORKSHOP_KINDS, w.kind), w.held, w.planned, w.total] for w in figures.workshops],
        footer=[[_("Total"), sum(w.held for w in figures.workshops), sum(w.planned for w in figures.workshops),
                 figures.workshops_organised]],
        empty_text=_("No workshop in this period."),
    )


def _indicator(name: str, value: float, unit: str) -> str:
    amount = format_number(int(value) if float(value).is_integer() else value)
    return f"{name}: {amount} {unit}".strip()


def _outcomes_by_kind(figures: ProgrammeFigures) -> Table:
    """The outcomes counted by kind and verification, their indicators added up by kind."""
    kinds: dict[str, dict] = {}
    for o in figures.outcomes:
        kind = kinds.setdefault(o.kind, {"n": 0, "verification": {}, "indicators": {}})
        kind["n"] += 1
        kind["verification"][o.verification] = kind["verification"].get(o.verification, 0) + 1
        for name, value, unit in o.indicators:
            kind["indicators"][(name, unit)] = kind["indicators"].get((name, unit), 0) + value
    order = list(OUTCOME_KINDS)
    rows = [
        [label(OUTCOME_KINDS, code), k["n"], *(k["verification"].get(v, 0) for v in VERIFICATION),
         "; ".join(_indicator(name, total, unit) for (name, unit), total in sorted(k["indicators"].items()))]
        for code, k in sorted(kinds.items(), key=lambda item: (order.index(item[0]) if item[0] in order
                                                                else len(order), item[0]))
    ]
    return Table(
        title=_("Outcomes by kind"),
        columns=[Column(_("Kind"), "text", 2), Column(_("Outcomes"), "number", 1),
                 *(Column(label(VERIFICATION, v), "number", 1) for v in VERIFICATION),
                 Column(_("Indicators"), "text", 2.6)],
        rows=rows,
        footer=[[_("Total"), len(figures.outcomes),
                 *(sum(1 for o in figures.outcomes if o.verification == v) for v in VERIFICATION), None]],
        empty_text=_("No outcome recorded in this period."),
    )


def _indicator_totals(figures: ProgrammeFigures) -> Table:
    return Table(
        title=_("Indicators, added up over the outcomes"),
        columns=[Column(_("Indicator"), "text", 3), Column(_("Unit"), "text", 1.2), Column(_("Total"), "number", 1),
                 Column(_("Outcomes"), "number", 1)],
        rows=[[i.name, i.unit, int(i.total) if float(i.total).is_integer() else i.total, i.outcomes]
              for i in figures.indicators],
        empty_text=_("No indicator recorded in this period."),
    )


def _outcomes(figures: ProgrammeFigures, *, anonymous: bool) -> list[Table]:
    if anonymous:
        return [_outcomes_by_kind(figures), _indicator_totals(figures)]
    outcomes = Table(
        title=_("Outcomes"),
        columns=[
            Column(_("Date"), "date", 0.9), Column(_("Kind"), "text", 1.4), Column(_("Outcome"), "text", 3),
            Column(_("Country"), "text", 0.9), Column(_("Verification"), "text", 0.9),
            Column(_("Indicators"), "text", 2.2),
        ],
        rows=[
            [o.outcome_date, label(OUTCOME_KINDS, o.kind), o.title, country_name(o.country),
             label(VERIFICATION, o.verification), "; ".join(_indicator(*i) for i in o.indicators)]
            for o in figures.outcomes
        ],
        empty_text=_("No outcome recorded in this period."),
    )
    return [outcomes, _indicator_totals(figures)]


def build_programme_summary(db: Database, filters: SummaryFilters, *, anonymous: bool = False,
                            now: datetime | None = None) -> Document:
    """`anonymous`: every figure, and no name nor anything typed about a person or an outcome."""
    figures = programme_figures(db, filters)
    f = figures.filters
    facts = _filter_facts(figures)
    blocks = [
        *([Note(_("Anonymous figures: no names of people or agencies, no descriptions."))]
          if anonymous else []),
        *([Facts(facts)] if facts else []),
        Note(headline(figures), headline=True),
        _key_figures(figures),
        _by_sex(figures),
        _workshops(figures),
    ]
    if figures.cancelled:
        blocks.append(Note(ngettext("{n} cancelled workshop is not counted.", "{n} cancelled workshops are not counted.",
                                    figures.cancelled).format(n=figures.cancelled)))
    blocks += [
        _breakdown(_("Individuals trained by country"), _("Country"), figures.by_country, figures.trained,
                   country_name),
        _breakdown(_("Individuals trained by kind of agency"), _("Kind of agency"), figures.by_agency_kind,
                   figures.trained, lambda code: label(AGENCY_KINDS, code)),
        *_outcomes(figures, anonymous=anonymous),
    ]
    return Document(
        title=_("Programme summary, anonymous figures") if anonymous else _("Programme summary"),
        parts=[Part(heading=_("Programme summary"), subheading=period_text(f), blocks=blocks)],
        file_stem=file_stem("summary", "anonymous" if anonymous else "", f.first.isoformat() if f.first else "",
                            f.last.isoformat() if f.last else ""),
        footer=printed_footer(db, now),
    )
