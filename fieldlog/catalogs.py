"""The translation catalogs, kept with Babel: `python -m fieldlog.catalogs update` extracts every
marked string (`_`, `N_`, `ngettext`) from fieldlog/, screens/ and widgets/ into
`fieldlog/locale/fieldlog.pot`, merges it into each language's `.po`, and compiles the `.mo`
files that ship in the wheel. `check` says what is missing, untranslated or fuzzy.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "fieldlog"
LANGUAGES = ("fr", "en")
SOURCES = ("fieldlog", "screens", "widgets")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Strings that other libraries show (argparse's help, Textual's own words) and that fieldlog
# translates in their place: listed in fieldlog/foreign_strings.py, marked there with N_.


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    template = Catalog(project="fieldlog", domain=DOMAIN)
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True,
        ):
            template.add(message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments,
                         context=context)
    return template


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compiled_messages(mo: bytes) -> dict:
    """What a compiled catalog says, without its header (which names the Babel version that
    wrote it, so the bytes differ from one Babel to the next)."""

    def forms(value) -> tuple:  # a plural message holds a list of forms
        return tuple(value) if isinstance(value, (list, tuple)) else (value,)

    return {(m.context, forms(m.id)): forms(m.string) for m in read_mo(io.BytesIO(mo)) if m.id}


def update() -> None:
    template = extract()
    LOCALE_DIR.mkdir(exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=False)
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            catalog = read(lang)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="fieldlog")
            catalog.update(template)
        catalog.fuzzy = False  # the header: Babel marks a new catalog's header fuzzy
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True)
        path.with_suffix(".mo").write_bytes(compiled(read(lang)))


def problems(lang: str = "fr") -> list[str]:
    """Why the `lang` catalog is not complete: each line names one message."""
    found = []
    catalog = read(lang)
    wanted = {message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id}
    have = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}
    found += [f"missing from {lang}: {m!r}" for m in sorted(wanted - have)]
    found += [f"no longer used in {lang}: {m!r}" for m in sorted(have - wanted)]
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if lang != "en" and not all(strings):
            found.append(f"untranslated in {lang}: {message.id!r}")
        if message.fuzzy:
            found.append(f"fuzzy in {lang}: {message.id!r}")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists() or compiled_messages(mo.read_bytes()) != compiled_messages(compiled(catalog)):
        found.append(f"{mo.name} of {lang} is not compiled from its .po: run python -m fieldlog.catalogs update")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    if command == "check":
        lines = [line for lang in LANGUAGES for line in problems(lang)]
        print("\n".join(lines) or "catalogs complete")
        return 1 if lines else 0
    print("usage: python -m fieldlog.catalogs update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
