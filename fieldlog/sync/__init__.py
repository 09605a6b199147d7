"""Sync between offices by bundle files (docs/ARCHITECTURE.md §4): format, export, import, conflicts."""
