"""Sync between offices by bundle files (DESIGN.md §4): format, export, import, conflicts."""
