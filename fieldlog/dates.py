"""Dates are stored as ISO dates and typed the way people write them (dd/mm/yyyy)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from fieldlog.i18n import current_language

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str | date) -> date:
    """Accepts dd/mm/yyyy (also with . or -) and yyyy-mm-dd; raises ValueError otherwise."""
    if isinstance(text, date):
        return text
    if match := _ISO.match(text or ""):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(text or ""):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)


def format_date(value: date | None) -> str:
    """Shown the way it is typed: dd/mm/yyyy."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime | str | None) -> str:
    """A moment in this computer's time, the way dates are typed: 22/11/2026 14:05.
    Accepts an ISO timestamp as stored (UTC); "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%d/%m/%Y %H:%M")


def date_hint() -> str:
    return "jj/mm/aaaa" if current_language() == "fr" else "dd/mm/yyyy"


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def format_range(first: date, last: date, *, long: bool = False) -> str:
    """"13–15 oct. 2021", or with `long` "13–15 octobre 2021" / "October 13 – 15, 2021",
    from Babel's locale data."""
    from babel import Locale
    from babel.dates import format_date as babel_date, format_interval, parse_pattern

    lang = current_language()
    if not long:
        return format_interval(first, last, "yMMMd", locale=lang)
    locale = Locale.parse(lang)
    if first == last:
        return babel_date(first, "long", locale=locale)
    # The CLDR has no interval pattern with the month in full: the abbreviated one, widened.
    patterns = locale.interval_formats.get("yMMMd") or {}
    for name, differs in (("y", first.year != last.year), ("M", first.month != last.month), ("d", True)):
        if differs and name in patterns:
            return "".join(
                parse_pattern(_FULL_MONTH.sub("MMMM", pattern)).apply(day, locale)
                for pattern, day in zip(patterns[name], (first, last))
            )
    return f"{babel_date(first, 'long', locale=locale)} – {babel_date(last, 'long', locale=locale)}"


_FULL_MONTH = re.compile(r"(?<!M)MMM(?!M)")
