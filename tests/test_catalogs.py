"""The translation catalogs: every string a person sees is extracted, translated into French,
not fuzzy, compiled; and translations keep the placeholders the code fills in."""

from __future__ import annotations

import re
import shutil

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


def _catalog_copy(tmp_path, monkeypatch, lang: str = "fr"):
    original = catalogs.po_path(lang)
    folder = tmp_path / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(original, folder / original.name)
    shutil.copy(original.with_suffix(".mo"), folder / original.with_suffix(".mo").name)
    monkeypatch.setattr(catalogs, "po_path", lambda code: tmp_path / code / "LC_MESSAGES" / original.name)
    return (folder / original.name).with_suffix(".mo")


def test_a_catalog_compiled_by_another_babel_is_still_compiled(tmp_path, monkeypatch):
    """Only the header's Generated-By differs between Babel versions: the messages are what count."""
    mo = _catalog_copy(tmp_path, monkeypatch)
    data = mo.read_bytes()
    version = re.search(rb"Generated-By: Babel ([0-9.]+)", data).group(1)
    other = (b"9" * len(version))  # same length, so the offsets in the file stay right
    mo.write_bytes(data.replace(b"Generated-By: Babel " + version, b"Generated-By: Babel " + other))
    assert mo.read_bytes() != data
    assert catalogs.problems("fr") == []


def test_a_stale_compiled_catalog_is_found(tmp_path, monkeypatch):
    mo = _catalog_copy(tmp_path, monkeypatch)
    catalog = catalogs.read("fr")
    message = next(m for m in catalog if m.id == "Programme summary")
    message.string = "Bilan périmé"
    mo.write_bytes(catalogs.compiled(catalog))
    assert any("not compiled from its .po" in line for line in catalogs.problems("fr"))
