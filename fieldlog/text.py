"""Text folding for search and sorting: case and accents ignored ("Traoré" ~ "traore")."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
# Typed on a keyboard as ', printed in documents as ’ (N’Djamena, d’information).
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().translate(_APOSTROPHES)


def sort_key(*parts: str | None) -> str:
    """A key that sorts É with E and ignores case; stored so SQL can page in index order."""
    return " ".join(fold(p).strip() for p in parts if p and p.strip())


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every word typed must prefix a word of the record."""
    tokens = words(text)
    if not tokens:
        return None
    return " AND ".join(f'"{token}"*' for token in tokens)
