"""Textual screens, one per file. Screens call services in thread workers."""
