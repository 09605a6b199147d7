"""Printable reports: sign-in sheets, attendance summaries, programme summaries.

Each report is built once, as a `Document` of plain values (`document.py`), from SQL
aggregates (`figures.py`, `workshop_sheets.py`); the renderers turn the same document into
PDF, HTML, CSV or XLSX, and the Reports screen previews it.
"""
