"""A report as one self-contained HTML page: inline CSS, no scripts, nothing fetched.

It reads on screen and prints on A4: table headings repeat on every printed page and each
part after the first starts a new page.
"""

from __future__ import annotations

from html import escape
from typing import IO

from fieldlog.i18n import current_language
from fieldlog.reports.document import Document, Facts, Note, Part, Table, cell_text

ALIGN = {"number": "num", "percent": "num", "mark": "mark"}

STYLE = """
@page { size: A4 %(orientation)s; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans Condensed", "DejaVu Sans", "Segoe UI", Arial, sans-serif;
  font-size: 10pt; color: #111; margin: 0 auto; padding: 1em; max-width: %(max_width)s; }
header.report { font-size: 8pt; color: #555; border-bottom: 1px solid #bbb; margin-bottom: 1em; }
footer.report { font-size: 8pt; color: #555; border-top: 1px solid #bbb; margin-top: 2em; }
section.part + section.part { break-before: page; page-break-before: always; }
h1 { font-size: 16pt; margin: 0.6em 0 0; }
p.subheading { font-size: 11pt; color: #444; margin: 0.1em 0 0.8em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; margin: 0 0 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
p.note, p.empty { margin: 0 0 1em; }
p.headline { font-size: 1.3em; font-weight: bold; }
p.empty { color: #555; }
h2 { font-size: 10pt; margin: 1.2em 0 0.3em; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%%; margin-bottom: 1em; font-size: 9pt; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #888; padding: 0.2em 0.4em; text-align: left; vertical-align: middle; }
th { background: #e8e8e8; }
tfoot td { font-weight: bold; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mark { text-align: center; }
table.tall tbody td { height: 10mm; }
@media print { body { padding: 0; max-width: none; } }
"""


def write_html(document: Document, binary: IO[bytes]) -> None:
    lang = escape(current_language())
    style = STYLE % {"orientation": "landscape" if document.landscape else "portrait",
                     "max_width": "280mm" if document.landscape else "200mm"}
    out = [
        "<!doctype html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="fieldlog">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        f'<header class="report">{escape(document.title)}</header>',
    ]
    for part in document.parts:
        out.extend(_part(part))
    if document.footer:
        out.append(f'<footer class="report">{escape(document.footer)}</footer>')
    out += ["</body>", "</html>", ""]
    binary.write("\n".join(out).encode("utf-8"))


def _part(part: Part) -> list[str]:
    out = ['<section class="part">', f"<h1>{escape(part.heading)}</h1>"]
    if part.subheading:
        out.append(f'<p class="subheading">{escape(part.subheading)}</p>')
    for block in part.blocks:
        if isinstance(block, Facts):
            out.append('<dl class="facts">')
            out += [f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in block.items]
            out.append("</dl>")
        elif isinstance(block, Note):
            kind = "note headline" if block.headline else "note"
            out.append(f'<p class="{kind}">{escape(block.text)}</p>')
        elif isinstance(block, Table):
            out.extend(_table(block))
    out.append("</section>")
    return out


def _table(table: Table) -> list[str]:
    out = [f"<h2>{escape(table.title)}</h2>"] if table.title else []
    if not table.rows and table.empty_text:
        return out + [f'<p class="empty">{escape(table.empty_text)}</p>']
    classes = [ALIGN.get(column.kind, "") for column in table.columns]

    def cells(tag: str, texts: list[str]) -> str:
        return "<tr>" + "".join(
            f'<{tag} class="{css}">{escape(text)}</{tag}>' if css else f"<{tag}>{escape(text)}</{tag}>"
            for css, text in zip(classes, texts)) + "</tr>"

    def texts(row: list) -> list[str]:
        return [cell_text(row[i] if i < len(row) else None, column.kind) for i, column in enumerate(table.columns)]

    total = sum(max(column.width, 0.1) for column in table.columns) or 1
    out.append('<table class="tall">' if table.tall_rows else "<table>")
    out.append("<colgroup>" + "".join(
        f'<col style="width: {100 * max(column.width, 0.1) / total:.1f}%">' for column in table.columns) + "</colgroup>")
    out.append("<thead>" + cells("th", [column.label for column in table.columns]) + "</thead>")
    out.append("<tbody>")
    out += [cells("td", texts(row)) for row in table.rows]
    out.append("</tbody>")
    if table.footer:
        out.append("<tfoot>" + "".join(cells("td", texts(row)) for row in table.footer) + "</tfoot>")
    out.append("</table>")
    return out
