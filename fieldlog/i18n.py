"""One translation function for every string a person sees.

Nothing is decided at import: the language is set by whoever starts fieldlog
(`set_language`). Strings defined at import time are marked with `N_` and
translated with `_` when shown.
"""

from __future__ import annotations

import gettext
import locale
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "fieldlog"
SUPPORTED = ("en", "fr")
# Each language by its own name, as a person looking for their language expects to read it.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> str:
    """Activate `lang` ('fr' or 'en'); unknown codes fall back to English."""
    global _translations, _language
    code = (lang or "en").split("_")[0].split("-")[0].lower()
    if code not in SUPPORTED:
        code = "en"
    _translations = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True
    )
    _language = code
    return code


def current_language() -> str:
    return _language


def system_language() -> str:
    """The language of the system locale, if it is one fieldlog speaks."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return value.split(":")[0].split(".")[0].split("_")[0]
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    return (loc or "en").split("_")[0]


def _(message: str) -> str:
    return _translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_`."""
    return message
