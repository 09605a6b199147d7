"""Reusable widgets. They never touch the database: they show data and post messages."""
