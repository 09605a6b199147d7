"""The core never needs a terminal: importing it loads no Textual (docs/ARCHITECTURE.md §5)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_core_imports_no_textual():
    """Importing every module of the core loads neither Textual nor the interface. The import
    contract (tests/test_import_contract.py) checks the imports as written; this, what importing
    the modules does."""
    loaded = _run(
        "import importlib, pkgutil, sys, fieldlog\n"
        "interface = ('fieldlog.screens', 'fieldlog.widgets')\n"
        "def walk(path, prefix):\n"
        "    for info in pkgutil.iter_modules(path, prefix):\n"
        "        if info.name.startswith((*interface, 'fieldlog.migrations')) or info.name.endswith('__main__'):\n"
        "            continue\n"
        "        module = importlib.import_module(info.name)\n"
        "        if info.ispkg:\n"
        "            walk(module.__path__, info.name + '.')\n"
        "walk(fieldlog.__path__, 'fieldlog.')\n"
        "print(len([m for m in sys.modules if m.startswith('fieldlog.')]),"
        " sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith(interface)))"
    )
    count, interface = loaded.split(" ", 1)
    assert int(count) > 50 and interface == "[]", loaded


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


def test_every_module_has_one_name():
    """The interface and the migrations are subpackages of fieldlog; nothing loads them as the
    top-level `screens`, `widgets` or `migrations` too (a module loaded twice has two states)."""
    out = _run(
        "import importlib, pkgutil, sys\n"
        "import fieldlog, fieldlog.screens, fieldlog.widgets, fieldlog.migrations\n"
        "for package in (fieldlog, fieldlog.screens, fieldlog.widgets):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "files = {}\n"
        "for name, module in list(sys.modules.items()):\n"
        "    path = getattr(module, '__file__', None)\n"
        "    if path and name.split('.')[0] in ('fieldlog', 'screens', 'widgets', 'migrations'):\n"
        "        files.setdefault(path, []).append(name)\n"
        "print(len(files), sorted(names for names in files.values() if len(names) > 1 or names[0].split('.')[0] != 'fieldlog'))"
    )
    count, twice = out.split(" ", 1)
    assert int(count) > 100 and twice == "[]", out


def test_sources_import_the_interface_by_its_one_name():
    repo = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"^\s*(from|import)\s+(screens|widgets|migrations)\b", re.MULTILINE)
    found = [str(path.relative_to(repo)) for folder in ("fieldlog", "screens", "widgets", "migrations", "tests", "bench")
             for path in (repo / folder).rglob("*.py") if pattern.search(path.read_text(encoding="utf-8"))]
    assert found == []
