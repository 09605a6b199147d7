"""Errors that carry one clear, translated line for a person."""

from __future__ import annotations


class FieldlogError(Exception):
    """A problem the user can act on; `str(error)` is the one line to show."""


class DatabaseError(FieldlogError):
    pass


class NotInitialised(FieldlogError):
    pass


class NotFound(FieldlogError):
    pass


class ValidationError(FieldlogError):
    """Invalid input: `errors` maps a field name to the reason shown beside it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors.items()))
