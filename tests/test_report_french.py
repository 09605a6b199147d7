"""A report generated in French contains no English label."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fieldlog.i18n import set_language
from fieldlog.reports.attendance_summary import build_attendance_summary
from fieldlog.reports.document import Document, Facts, Note, Table
from fieldlog.reports.figures import SummaryFilters
from fieldlog.reports.programme_summary import build_programme_summary
from fieldlog.reports.signin_sheet import build_signin_sheet
from tests.report_fixture import build_programme

NOW = datetime(2026, 11, 22, 9, 30)
# The same word in both languages, or not a word at all (dates, numbers, codes).
SAME_IN_BOTH = {
    "Participant", "Participants", "Total", "Programme", "Date", "Dates", "Note", "Notes", "Mission", "Signature",
    "Police", "Gendarmerie",
}
# Columns whose cells are labels fieldlog writes (not data a person typed).
LABEL_COLUMNS = {"Figure", "Sex", "Kind", "Kind of agency", "Role", "Verification"}


def _labels(document: Document) -> list[str]:
    labels = [document.title, document.footer.split(" ")[0]]
    for part in document.parts:
        labels.append(part.heading)
        for block in part.blocks:
            if isinstance(block, Facts):
                labels += [name for name, _value in block.items]
            elif isinstance(block, Note):
                labels.append(block.text)
            elif isinstance(block, Table):
                labels += [block.title, block.empty_text, *(c.label for c in block.columns)]
                labels += [cell for row in block.footer for cell in row if isinstance(cell, str)]
    return labels


def _label_cells(english: Document, french: Document) -> list[tuple[str, str]]:
    pairs = []
    for en_part, fr_part in zip(english.parts, french.parts):
        for en_block, fr_block in zip(en_part.blocks, fr_part.blocks):
            if isinstance(en_block, Facts):  # values fieldlog writes: a kind, a day, dates
                pairs += [(en[1], fr[1]) for en, fr in zip(en_block.items, fr_block.items)
                          if en[0] in ("Kind", "Day", "Dates", "Status", "Pillar")]
    for en_table, fr_table in zip(english.tables(), french.tables()):
        for index, column in enumerate(en_table.columns):
            if column.label in LABEL_COLUMNS:
                pairs += [(en[index], fr[index]) for en, fr in zip(en_table.rows, fr_table.rows)
                          if isinstance(en[index], str)]
    return pairs


def _english_left(build) -> list[str]:
    set_language("en")
    english = build()
    set_language("fr")
    french = build()
    en_labels, fr_labels = _labels(english), _labels(french)
    assert len(en_labels) == len(fr_labels)
    pairs = list(zip(en_labels, fr_labels)) + _label_cells(english, french)
    return [
        en for en, fr in pairs
        if en and en == fr and en not in SAME_IN_BOTH and any(ch.isalpha() for ch in en)
    ]


@pytest.fixture
def programme(db):
    return build_programme(db)


def test_programme_summary_in_french_has_no_english_label(db, programme):
    filters = SummaryFilters(first=date(2020, 1, 1), last=date(2026, 11, 22), programme="sahel")
    assert _english_left(lambda: build_programme_summary(db, filters, now=NOW)) == []


def test_attendance_summary_in_french_has_no_english_label(db, programme):
    assert _english_left(lambda: build_attendance_summary(db, programme.workshops["W1"], now=NOW)) == []


def test_signin_sheet_in_french_has_no_english_label(db, programme):
    assert _english_left(lambda: build_signin_sheet(db, programme.workshops["W1"], now=NOW)) == []
    set_language("fr")
    sheet = build_signin_sheet(db, programme.workshops["W1"], day=date(2021, 10, 14), now=NOW)
    facts = dict(sheet.parts[0].blocks[0].items)
    assert "jeudi 14 octobre 2021" in next(iter(facts.values()))
    assert "13–15 octobre 2021" in facts.values()
