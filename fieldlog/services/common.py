"""What the services share: pages of rows and field validation."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import datetime
from typing import Any, Generic, TypeVar

from fieldlog.dates import date_hint, parse_date
from fieldlog.errors import ValidationError
from fieldlog.i18n import _, current_language
from fieldlog.vocabulary import is_country

T = TypeVar("T")
PAGE_SIZE = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    offset: int
    limit: int


@dataclass
class Checker:
    """Collects one reason per invalid field, then raises them together."""

    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, name: str, reason: str) -> None:
        self.errors.setdefault(name, reason)

    def text(self, name: str, value: Any, *, required: bool = False, max_length: int = 300) -> str:
        value = ("" if value is None else str(value)).strip()
        if required and not value:
            self.fail(name, _("Required."))
        elif len(value) > max_length:
            self.fail(name, _("At most {n} characters.").format(n=max_length))
        return value

    def date(self, name: str, value: Any, *, required: bool = True) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, _("Required."))
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.fail(name, _("Not a date: write it as {hint}.").format(hint=date_hint()))
            return None

    def choice(
        self, name: str, value: Any, table: dict[str, str], *, required: bool = True, default: str = ""
    ) -> str:
        """A code of `table`; a blank value stands for `default`."""
        value = value or default
        value = value.strip() if isinstance(value, str) else value
        if not value:
            if required:
                self.fail(name, _("Required."))
            return ""
        if value not in table:
            self.fail(name, _("Not one of the choices."))
        return value

    def country(self, name: str, value: Any, *, required: bool = False) -> str:
        value = (value or "").strip().upper()
        if not value:
            if required:
                self.fail(name, _("Required."))
            return ""
        if not is_country(value):
            self.fail(name, _("Unknown country code."))
        return value

    def reference(self, name: str, value: Any) -> str | None:
        """The id of another record, or None; whether it exists is the service's to check."""
        return value or None

    def email(self, name: str, value: Any) -> str:
        value = (value or "").strip()
        if value and not _EMAIL.match(value):
            self.fail(name, _("Not an e-mail address."))
        return value

    def number(self, name: str, value: Any) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        if not (value or "").strip():
            self.fail(name, _("Required."))
            return 0.0
        from babel.numbers import NumberFormatError, parse_decimal

        try:
            return float(parse_decimal((value or "").strip(), locale=current_language()))
        except (NumberFormatError, ValueError):
            self.fail(name, _("Not a number."))
            return 0.0

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# How one field is checked: (checker, field name, value as given) -> clean value.
Rule = Callable[[Checker, str, Any], Any]


def checked_fields(
    check: Checker, rules: Mapping[str, Rule], values: Mapping[str, Any], *, record: str, partial: bool
) -> dict[str, Any]:
    """Each field's clean value by its rule. A new record (`partial` false) gets every field,
    those not given checked as blank (so a default, or "Required."); an update (`partial`) only
    the fields it is given, so that a field not given is never written. A field the record
    does not have is a programming error, never dropped: a misspelt keyword would lose a value."""
    unknown = [name for name in values if name not in rules]
    if unknown:
        raise TypeError(
            f"unknown {record} field {', '.join(map(repr, unknown))}; the fields are: {', '.join(rules)}"
        )
    return {name: rule(check, name, values.get(name)) for name, rule in rules.items() if not partial or name in values}
