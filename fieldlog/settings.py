"""Where the database lives and which language to speak: read when fieldlog starts, never
at import. Precedence: command line, then environment, then the settings file, then defaults."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DB_ENV = "FIELDLOG_DB"
CONFIG_ENV = "FIELDLOG_CONFIG_DIR"


def config_dir() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("fieldlog", appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("fieldlog", appauthor=False))


@dataclass
class Settings:
    language: str = ""
    # The folder a bundle was last exported to or imported from (a USB stick, say).
    bundle_folder: str = ""
    # The folder a report was last written to.
    report_folder: str = ""
    # The interface's colours, chosen from the command palette (a name Textual knows).
    theme: str = ""

    @classmethod
    def load(cls) -> Settings:
        path = config_dir() / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__ and isinstance(v, str)})

    @classmethod
    def update(cls, **changes: str) -> Settings:
        """Change some settings in the file, keeping the others."""
        settings = cls.load()
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.save()
        return settings

    def save(self) -> None:
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "settings.json"
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        temporary.replace(target)


def resolve_db_path(cli_value: str | None, *, demo: bool = False) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / ("demo.db" if demo else "fieldlog.db")


def resolve_language(cli_value: str | None, settings: Settings) -> str:
    from fieldlog.i18n import system_language

    return cli_value or settings.language or system_language()


def save_language(language: str) -> Settings:
    """The interface language chosen by the person (the Settings screen), kept for every start."""
    return Settings.update(language=language)


def language_of_country(country: str) -> str:
    """French for an office in a country where French is an official language (ML, NE, BF, SN,
    TD, CI…), English otherwise."""
    from babel.languages import get_official_languages

    return "fr" if "fr" in get_official_languages((country or "").strip().upper()) else "en"


def adopt_office_language(country: str, *, chosen: str | None = None) -> str | None:
    """A new office in a French-speaking country starts in French: its language is saved in the
    settings, unless a language was already chosen (`chosen`: the --lang option; or a language in
    the settings). Elsewhere nothing is saved, so the system locale still decides. Returns the
    language saved, or None."""
    if chosen:
        return None
    settings = Settings.load()
    if settings.language or language_of_country(country) != "fr":
        return None
    settings.language = "fr"
    settings.save()
    return "fr"
