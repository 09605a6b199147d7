"""`pip install .` (not editable) into a fresh virtualenv gives a working `fieldlog` command,
with its migrations, styles and screens inside the installed package.

The source tree is copied first (without .git, caches and generated databases), and every
command runs from a folder outside both copies, with a clean environment, so nothing can be
imported from the working tree by accident. pip's download cache is shared with the rest of
the machine, so only the first run downloads the dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "venv", ".work", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    "*.db", "*.db-wal", "*.db-shm", "snapshot_report.html",
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _clean_env(home: Path) -> dict[str, str]:
    """The caller's environment without anything that points Python at the working tree
    or the development virtualenv."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "FIELDLOG_", "CONDA"))
    }
    env["PATH"] = os.pathsep.join(
        part for part in env.get("PATH", "").split(os.pathsep)
        if part and not Path(part).resolve().is_relative_to(Path(sys.prefix).resolve())
    ) or "/usr/bin:/bin"
    env["FIELDLOG_CONFIG_DIR"] = str(home / "config")
    env["HOME"] = os.environ.get("HOME", str(home))  # pip's cache lives under the real HOME
    env["LANG"] = "C.UTF-8"
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


class Installed:
    def __init__(self, venv: Path, outside: Path, env: dict[str, str]) -> None:
        self.venv, self.outside, self.env = venv, outside, env
        self.bin = venv / ("Scripts" if os.name == "nt" else "bin")

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(self.bin / "fieldlog"), *args], cwd=self.outside, env=self.env,
            capture_output=True, text=True, timeout=300,
        )
        if check:
            assert result.returncode == 0, f"fieldlog {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def python(self, code: str) -> str:
        result = subprocess.run(
            [str(self.bin / "python"), "-c", code], cwd=self.outside, env=self.env,
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    source, venv, outside = root / "source", root / "venv", root / "elsewhere"
    shutil.copytree(REPO, source, ignore=IGNORED)
    outside.mkdir()
    env = _clean_env(root)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, cwd=outside, env=env, timeout=300)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-input", "--progress-bar", "off", str(source)],
        cwd=outside, env=env, capture_output=True, text=True, timeout=850,
    )
    assert result.returncode == 0, f"pip install . failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    shutil.rmtree(source)  # from here on, only the installed copy exists
    return Installed(venv, outside, env)


def test_installed_package_is_not_the_working_tree(installed):
    out = installed.python(
        "import json, pathlib, fieldlog, fieldlog.screens, fieldlog.widgets, fieldlog.migrations\n"
        "mods = (fieldlog, fieldlog.screens, fieldlog.widgets, fieldlog.migrations)\n"
        "print(json.dumps({m.__name__: str(pathlib.Path(m.__file__).resolve()) for m in mods}))"
    )
    site = installed.venv.resolve()
    for module, path in json.loads(out).items():
        assert Path(path).is_relative_to(site), f"{module} comes from {path}, not from the virtualenv"
        assert not Path(path).is_relative_to(REPO), f"{module} comes from the working tree"


def test_installed_package_adds_one_import_name(installed):
    """A `migrations` or `screens` of another project in the same environment cannot clash."""
    out = installed.python(
        "import importlib.util, json, sysconfig, pathlib\n"
        "site = pathlib.Path(sysconfig.get_paths()['purelib'])\n"
        "names = sorted(p.stem for p in site.iterdir() if (p / '__init__.py').exists() or p.suffix == '.py')\n"
        "print(json.dumps({'names': names, 'found': {n: importlib.util.find_spec(n) is not None\n"
        "  for n in ('screens', 'widgets', 'migrations', 'fieldlog.screens', 'fieldlog.widgets')}}))"
    )
    found = json.loads(out)
    ours = [name for name in found["names"] if name in ("fieldlog", "screens", "widgets", "migrations", "tests")]
    assert ours == ["fieldlog"], found["names"]
    assert found["found"] == {"screens": False, "widgets": False, "migrations": False,
                              "fieldlog.screens": True, "fieldlog.widgets": True}


def test_installed_package_carries_its_data(installed):
    out = installed.python(
        "import pathlib, json, fieldlog.migrations, fieldlog.screens\n"
        "m = pathlib.Path(fieldlog.migrations.__file__).parent\n"
        "s = pathlib.Path(fieldlog.screens.__file__).parent\n"
        "print(json.dumps({'env': (m / 'env.py').exists(), 'mako': (m / 'script.py.mako').exists(),\n"
        "  'versions': sorted(p.name for p in (m / 'versions').glob('0*.py')),\n"
        "  'tcss': sorted(p.name for p in s.glob('*.tcss'))}))"
    )
    found = json.loads(out)
    assert found["env"] and found["mako"], found
    expected_versions = sorted(p.name for p in (REPO / "migrations" / "versions").glob("0*.py"))
    assert found["versions"] == expected_versions
    assert found["tcss"] == sorted(p.name for p in (REPO / "screens").glob("*.tcss"))


def test_version(installed):
    result = installed.run("--version", check=True)
    assert result.stdout.strip().startswith("fieldlog ")
    assert any(ch.isdigit() for ch in result.stdout)


def test_demo_then_stats(installed):
    db = installed.outside / "demo.db"
    installed.run("demo", "--db", str(db), "--create-only", check=True)
    assert db.exists() and db.stat().st_size > 0
    figures = json.loads(installed.run("stats", "--json", "--db", str(db), check=True).stdout)
    keys = {"workshops", "participants", "agencies", "outcomes", "attendance_marks",
            "individuals_trained", "women_trained"}
    assert keys <= set(figures), figures
    assert all(isinstance(figures[k], int) and figures[k] > 0 for k in keys), figures
    assert figures["women_trained"] <= figures["individuals_trained"] <= figures["participants"]
    assert figures["attendance_marks"] >= figures["individuals_trained"]


def test_interface_starts_from_the_installed_package(installed):
    """The Textual app, its styles, its Home screen and a section's screen load from the
    installed copy, where the interface exists only as fieldlog.screens."""
    db = installed.outside / "ui.db"
    installed.run("demo", "--db", str(db), "--create-only", check=True)
    out = installed.python(
        "import asyncio\n"
        "from fieldlog.schema import open_database\n"
        "from fieldlog.screens.app import make_app\n"
        "async def main():\n"
        f"    app = make_app(db=open_database({str(db)!r}))\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        for _ in range(50):\n"
        "            await pilot.pause(0.05)\n"
        "            if app.office is not None:\n"
        "                break\n"
        "        print(type(app.screen).__name__, app.office is not None)\n"
        "        await pilot.press('f3')\n"  # a section's screen is imported when first shown
        "        for _ in range(50):\n"
        "            await pilot.pause(0.05)\n"
        "            if type(app.screen).__name__ != 'HomeScreen':\n"
        "                break\n"
        "        print(type(app.screen).__name__)\n"
        "asyncio.run(main())\n"
    )
    assert out.split() == ["HomeScreen", "True", "WorkshopsScreen"]


def test_unusable_database_path_is_one_line_on_stderr(installed):
    result = installed.run("stats", "--db", "/nonexistent/dir/x.db")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "/nonexistent/dir" in lines[0]
    assert result.stdout == ""


def test_installed_package_prints_and_speaks_french(installed, tmp_path):
    """The compiled French catalog and the PDF font ship in the wheel."""
    db = str(tmp_path / "demo.db")
    installed.run("demo", "--create-only", "--db", db, check=True)
    out = tmp_path / "bilan.pdf"
    installed.run("--lang", "fr", "report", "summary", "--from", "01/01/2020", "--db", db, "--out", str(out),
                  check=True)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"DejaVuSansCondensed" in data
    said = installed.python(
        "from fieldlog.i18n import set_language, _\nset_language('fr')\nprint(_('Programme summary'))").strip()
    assert said and said != "Programme summary"
