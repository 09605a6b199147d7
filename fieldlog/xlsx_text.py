"""Text in an XLSX cell, for every workbook fieldlog writes or reads (reports, record sheets).

XLSX text cannot hold control characters: OOXML writes them _x000D_, and a literal "_x0041_"
as _x005F_x0041_. Excel reads them so; openpyxl leaves that to us, both ways.
"""

from __future__ import annotations

import re

OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f]")
OOXML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_xlsx_text(text: str) -> str:
    return OOXML_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_xlsx_text(text: str) -> str:
    return OOXML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
