"""fieldlog core: models, database, services, CLI. Never imports Textual."""

__version__ = "0.1.0"
