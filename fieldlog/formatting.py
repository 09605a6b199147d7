"""Numbers shown with the separators of the person's language (Babel locale data)."""

from __future__ import annotations

from fieldlog.i18n import current_language


def format_number(value: int | float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=current_language())


def format_percent(share: float) -> str:
    """0.431 → "43 %" in French, "43%" in English."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(share, locale=current_language())
