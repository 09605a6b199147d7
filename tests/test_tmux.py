"""The installed `fieldlog` command in a real terminal (tmux, 80×24), driven by the keyboard."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

FIELDLOG = Path(sys.executable).parent / "fieldlog"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed on this machine"),
    pytest.mark.skipif(not FIELDLOG.exists(), reason="the fieldlog command is not installed beside this Python"),
]


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"fieldlog-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        shell = f"env {exports} {' '.join(command)}; echo EXITED=$?; sleep 60"
        subprocess.run(["tmux", "new-session", "-d", "-x", "80", "-y", "24", "-s", self.name, shell], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.3)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.3)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal_env(tmp_path):
    return {"FIELDLOG_CONFIG_DIR": str(tmp_path / "config"), "TERM": "xterm-256color", "LANG": "C.UTF-8"}


def _stats(db: Path) -> dict:
    out = subprocess.run([str(FIELDLOG), "stats", "--json", "--db", str(db)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_enter_a_participant_with_the_keyboard(tmp_path, terminal_env):
    db = tmp_path / "bko.db"
    subprocess.run(
        [str(FIELDLOG), "init", "--office", "BKO", "--name", "Bureau de Bamako", "--country", "ML", "--db", str(db)],
        check=True, capture_output=True,
    )
    term = Terminal([str(FIELDLOG), "--lang", "en", "--db", str(db)], terminal_env)
    try:
        term.wait_for("Workshops")
        term.keys("F4")
        term.wait_for("Nothing to show")
        term.keys("n")
        term.wait_for("New participant")
        time.sleep(0.5)
        # A person looks at the screen between fields; so does the test.
        term.type("Traoré")
        term.wait_for("Traoré")
        term.keys("Tab")
        term.type("Aïssata")
        term.wait_for("Aïssata")
        term.keys("Tab", "Enter")
        term.wait_for("Male")
        term.type("F")
        term.keys("Enter")
        term.wait_for("Female")
        term.keys("C-s")
        screen = term.wait_for("TRAORÉ")
        assert "Aïssata" in screen and "1–1 of 1" in screen
        term.keys("C-q")
        term.wait_for("EXITED=0")
    finally:
        term.close()
    figures = _stats(db)
    assert figures["participants"] == 1


def test_bad_database_path_gives_one_line(tmp_path, terminal_env):
    term = Terminal([str(FIELDLOG), "--db", str(tmp_path / "missing" / "x.db")], terminal_env)
    try:
        screen = term.wait_for("EXITED=1")
        assert "does not exist" in screen and "Traceback" not in screen
    finally:
        term.close()
