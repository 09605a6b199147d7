"""Writing a report to a file: the format chosen, the file whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from fieldlog.errors import FieldlogError
from fieldlog.files import write_atomically
from fieldlog.i18n import _
from fieldlog.reports.document import Document

FORMATS = ("pdf", "html", "csv", "xlsx")


def render(document: Document, fmt: str, binary: IO[bytes]) -> None:
    if fmt == "pdf":
        from fieldlog.reports.render_pdf import write_pdf as write
    elif fmt == "html":
        from fieldlog.reports.render_html import write_html as write
    elif fmt == "csv":
        from fieldlog.reports.render_csv import write_csv as write
    elif fmt == "xlsx":
        from fieldlog.reports.render_xlsx import write_xlsx as write
    else:
        raise FieldlogError(_("Unknown format {fmt}: choose pdf, html, csv or xlsx.").format(fmt=fmt))
    write(document, binary)


def checked_output(out: Path) -> Path:
    """`out` expanded, once it is a folder or a file in a folder that exists."""
    out = Path(out).expanduser()
    if not out.is_dir() and not out.parent.is_dir():
        raise FieldlogError(_("Cannot write {path}: the folder {folder} does not exist.").format(
            path=out, folder=out.parent))
    return out


def target_path(document: Document, fmt: str, out: Path) -> Path:
    """`out` may be a folder: the file is then named after the report."""
    out = checked_output(out)
    return out / f"{document.file_stem}.{fmt}" if out.is_dir() else out


def format_from_path(out: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = out.suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else "pdf"


def write_report(document: Document, *, fmt: str, out: Path) -> Path:
    """Writes `document` as `fmt` to `out` (a file, or a folder to name it in); returns the path."""
    if fmt not in FORMATS:
        raise FieldlogError(_("Unknown format {fmt}: choose pdf, html, csv or xlsx.").format(fmt=fmt))
    path = target_path(document, fmt, out)
    write_atomically(path, lambda binary: render(document, fmt, binary))
    return path
