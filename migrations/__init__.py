"""Alembic environment and revisions for the fieldlog database."""
