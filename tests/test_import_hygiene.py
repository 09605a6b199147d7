"""The core never needs a terminal: importing it loads no Textual (DESIGN.md §5)."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "fieldlog", "fieldlog.cli", "fieldlog.models", "fieldlog.schema", "fieldlog.demo",
    "fieldlog.services.agencies", "fieldlog.services.participants", "fieldlog.services.workshops",
    "fieldlog.services.attendance", "fieldlog.services.outcomes", "fieldlog.services.trash",
    "fieldlog.services.stats", "fieldlog.services.offices",
]


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_core_imports_no_textual():
    imports = "; ".join(f"import {m}" for m in CORE_MODULES)
    loaded = _run(f"{imports}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens', 'widgets')))")
    assert loaded == "[]"


def test_cli_stats_runs_without_textual_or_alembic(tmp_path):
    db = tmp_path / "x.db"
    _run(f"from fieldlog.schema import open_database; open_database({str(db)!r}).close()")
    loaded = _run(
        "import sys, io, contextlib\n"
        "from fieldlog.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main(['stats', '--json', '--db', {str(db)!r}])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'alembic'}))"
    )
    assert loaded == "[]"


def test_no_engine_or_language_at_import():
    out = _run(
        "import sys, sqlalchemy, fieldlog.cli, fieldlog.services.stats, fieldlog.demo\n"
        "from fieldlog.i18n import current_language\n"
        "engines = [name for name, module in list(sys.modules.items()) if name.startswith('fieldlog')\n"
        "           for value in vars(module).values() if isinstance(value, sqlalchemy.Engine)]\n"
        "print(current_language(), engines)"
    )
    assert out == "en []"
