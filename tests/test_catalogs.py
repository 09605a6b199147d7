"""The translation catalogs: every string a person sees is extracted, translated into French,
not fuzzy, compiled; and translations keep the placeholders the code fills in."""

from __future__ import annotations

import re

from fieldlog import catalogs

PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sdr]|%[sd]")


def test_french_catalog_is_complete_and_compiled():
    """Fails when a source string is missing from the catalog (run `python -m fieldlog.catalogs
    update`), or when a French entry is empty or fuzzy."""
    assert catalogs.problems("fr") == []


def test_english_catalog_has_every_message():
    assert catalogs.problems("en") == []


def test_translations_keep_their_placeholders():
    wrong = []
    for message in catalogs.read("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for translated in strings:
            # A singular may say "un" for "{n}"; the plural (or only) form must keep every placeholder.
            found = sorted(PLACEHOLDER.findall(translated))
            if found != wanted and not (len(strings) > 1 and translated is strings[0] and set(found) <= set(wanted)):
                wrong.append(f"{ids[0]!r}: {translated!r}")
    assert wrong == []
