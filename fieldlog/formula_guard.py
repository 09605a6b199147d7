"""Text written to CSV for a spreadsheet: a cell that starts like a formula gets a leading ' so
Excel and LibreOffice show it as typed instead of running it (a record synced from another
office could otherwise carry "=HYPERLINK(…)" into a coordinator's spreadsheet). Text that
starts with ' gets one more, so that reading the file back gives exactly what was written.
Every CSV read is unguarded, hand-made ones too: a cell typed as '=1 or '+223… comes in as
=1 or +223…, the way a spreadsheet reads a leading '."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = (*FORMULA_START, "'")


def guard(text: str) -> str:
    return "'" + text if text.startswith(_GUARDED) else text


def unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_GUARDED) else text
