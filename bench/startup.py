"""Start-up of the fieldlog interface on 100,000 participants, against a bare Textual app
started the same way in the same run.

Each app runs in a real terminal (tmux, 80x24, a tmux server of its own); the screen is read
with `tmux capture-pane -p` every ~10 ms from the moment `tmux new-session` is called:

- first paint: fieldlog's header ("fieldlog") and footer ("Quit") are on screen; for the bare
  app (bench/bare_app.py: Header, DataTable with 100 rows, Footer) its header and footer;
- first rows: fieldlog gets F4 as soon as it has painted and the time runs until a
  participant row of the Participants list is on screen; the bare app's first table row.

Runs alternate fieldlog and the bare app (one warm-up of each first) and the medians are
compared. Goals: first paint <= 1.5x, first rows <= 2.5x the bare app.

    python bench/startup.py                 # 5 runs of each (builds bench/.work/scale100k.db once)
    python bench/startup.py --runs 9
    python bench/startup.py --importtime    # also: what fieldlog imports before its first paint
    python bench/startup.py --timeline      # also: one traced launch, event by event
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, median, ratio, scale_database  # noqa: E402

from fieldlog.demo import FAMILY_NAMES  # noqa: E402

POLL_S = 0.01
TIMEOUT_S = 60
EXITED = "FIELDLOG-BENCH-EXITED"
# A table row starts with a family name in capitals ("TRAORÉ Moussa"), perhaps cut short to
# fit its column ("TRAO…"), followed by other cells.
_FAMILY = tuple(name.upper() for name in FAMILY_NAMES)
_FIRST_WORD = re.compile(r"^\s*([A-ZÀ-ÖØ-Þ]{2,})\S*\s+\S")


def has_rows(screen: str) -> bool:
    for line in screen.splitlines():
        match = _FIRST_WORD.match(line)
        if match and any(name.startswith(match[1]) for name in _FAMILY):
            return True
    return False


FIELDLOG_MAIN = "import sys; from fieldlog.cli import main; sys.exit(main())"  # what the `fieldlog` script runs


def painted(title: str):
    def check(screen: str) -> bool:
        lines = screen.splitlines()
        return bool(lines) and title in lines[0] and "Quit" in screen

    return check


class Terminal:
    """One tmux session of 80x24 on a private tmux server."""

    def __init__(self, socket: str, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.socket, self.name = socket, name
        exports = " ".join(f"{key}={_quote(value)}" for key, value in env.items())
        self.command = f"env {exports} {' '.join(_quote(a) for a in argv)}; echo {EXITED} $?; sleep 30"
        self.started = 0.0

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check)

    def start(self) -> None:
        self.started = time.perf_counter()
        self.tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", self.name, self.command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait(self, condition, what: str) -> float:
        """Seconds from start() until `condition(screen)` holds."""
        deadline = self.started + TIMEOUT_S
        while True:
            screen = self.screen()
            now = time.perf_counter()
            if condition(screen):
                return now - self.started
            if EXITED in screen or now > deadline:
                raise RuntimeError(f"{self.name}: no {what} after {now - self.started:.1f} s:\n{screen}")
            time.sleep(POLL_S)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.name, check=False)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def run_fieldlog(socket: str, n: int, db: Path, env: dict[str, str]) -> tuple[float, float]:
    term = Terminal(socket, f"fieldlog-{n}", [sys.executable, "-c", FIELDLOG_MAIN, "--lang", "en", "--db", str(db)], env)
    term.start()
    try:
        paint = term.wait(painted("fieldlog"), "first paint")
        term.keys("F4")
        rows = term.wait(has_rows, "participant rows")
        return paint, rows
    finally:
        term.close()


def timeline(socket: str, db: Path, env: dict[str, str]) -> str:
    """One launch under bench/trace_startup.py, with F4 after the first paint: its log."""
    log = Path(env["FIELDLOG_CONFIG_DIR"]) / "trace.log"
    argv = [sys.executable, str(BENCH_DIR / "trace_startup.py"), "--lang", "en", "--db", str(db)]
    term = Terminal(socket, "timeline", argv, {**env, "TRACE_LOG": str(log)})
    term.start()
    try:
        paint = term.wait(painted("fieldlog"), "first paint")
        term.keys("F4")
        rows = term.wait(has_rows, "participant rows")
        time.sleep(0.3)
    finally:
        term.close()
    return (
        f"\ntimeline of one launch (first paint seen at {paint * 1000:.0f} ms, F4 sent then, rows seen at "
        f"{rows * 1000:.0f} ms, counted from tmux new-session; the log below counts from Python's start):\n"
        + log.read_text().rstrip()
    )


def run_bare(socket: str, n: int, env: dict[str, str]) -> tuple[float, float]:
    term = Terminal(socket, f"bare-{n}", [sys.executable, str(BENCH_DIR / "bare_app.py")], env)
    term.start()
    try:
        paint = term.wait(painted("barebench"), "first paint")
        rows = term.wait(has_rows, "rows")
        return paint, rows
    finally:
        term.close()


def importtime(code: str) -> list[tuple[int, int, int, str]]:
    """(self us, cumulative us, depth, module) for each import `code` makes."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((int(match[1]), int(match[2]), len(match[3]) // 2, match[4]))
    return rows


def report_imports(repeat: int = 3) -> None:
    fieldlog_code = "import fieldlog.cli, fieldlog.schema, fieldlog.screens.app, fieldlog.screens.home"
    bare_code = "import textual.app, textual.widgets; from textual.widgets import DataTable, Footer, Header"
    samples = {"fieldlog": [], "bare": []}
    runs = {}
    for _ in range(repeat):  # alternate, keep the run with the median total
        for name, code in (("fieldlog", fieldlog_code), ("bare", bare_code)):
            rows = importtime(code)
            total = sum(r[0] for r in rows)
            samples[name].append(total)
            runs.setdefault(name, []).append((total, rows))
    f_total, b_total = median(samples["fieldlog"]), median(samples["bare"])
    print(f"\nimports before the first paint (python -X importtime, median of {repeat}):")
    print(f"  fieldlog: {fieldlog_code}\n      {f_total / 1000:.0f} ms")
    print(f"  bare:     {bare_code}\n      {b_total / 1000:.0f} ms   -> fieldlog/bare {ratio(f_total, b_total)}")
    rows = sorted(runs["fieldlog"], key=lambda r: r[0])[len(runs["fieldlog"]) // 2][1]
    top = {r[3]: r for r in rows if r[2] == 0}
    print("  fieldlog's top-level imports by cumulative time:")
    for self_us, cumulative, _depth, module in sorted(top.values(), key=lambda r: -r[1])[:10]:
        print(f"    {cumulative / 1000:7.1f} ms  {module}")
    heavy = {}
    for self_us, cumulative, _depth, module in rows:
        package = module.split(".")[0]
        heavy[package] = heavy.get(package, 0) + self_us
    print("  by package (self time):")
    for package, us in sorted(heavy.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {us / 1000:7.1f} ms  {package}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each app (5)")
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    parser.add_argument("--importtime", action="store_true", help="also report what fieldlog imports before it paints")
    parser.add_argument("--timeline", action="store_true", help="also trace one launch of fieldlog event by event")
    args = parser.parse_args(argv)
    if subprocess.run(["tmux", "-V"], capture_output=True).returncode != 0:
        print("tmux is needed: apt-get install tmux", file=sys.stderr)
        return 2
    db = args.db or scale_database(args.scale)
    socket = f"fieldlog-bench-{os.getpid()}"
    config = tempfile.mkdtemp(prefix="fieldlog-bench-")
    env = {"FIELDLOG_CONFIG_DIR": config, "LANG": "C.UTF-8"}
    keeper = Terminal(socket, "keeper", ["sleep", "3600"], {})
    keeper.start()  # the tmux server's own start-up is not measured
    socket_path = keeper.tmux("display-message", "-p", "#{socket_path}", check=False).stdout.strip()
    results = {"fieldlog": [], "bare": []}
    trace = ""
    try:
        run_fieldlog(socket, 0, db, env)  # warm-up: byte-code, OS caches
        run_bare(socket, 0, env)
        for n in range(1, args.runs + 1):
            order = (("fieldlog", lambda: run_fieldlog(socket, n, db, env)), ("bare", lambda: run_bare(socket, n, env)))
            for name, run in order if n % 2 else order[::-1]:
                results[name].append(run())
                time.sleep(0.2)
        if args.timeline:
            trace = timeline(socket, db, env)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        if socket_path.endswith(socket):
            Path(socket_path).unlink(missing_ok=True)
        shutil.rmtree(config, ignore_errors=True)
    size = db.stat().st_size
    print(f"start-up in tmux 80x24, {args.runs} runs of each, alternating ({db.name}, {size / 2**20:.0f} MiB)")
    print(f"{'run':>5}{'fieldlog paint':>16}{'bare paint':>12}{'fieldlog rows':>15}{'bare rows':>11}")
    for n, ((fp, fr), (bp, br)) in enumerate(zip(results["fieldlog"], results["bare"]), 1):
        print(f"{n:>5}{fp * 1000:>14.0f}ms{bp * 1000:>10.0f}ms{fr * 1000:>13.0f}ms{br * 1000:>9.0f}ms")
    fp = median([r[0] for r in results["fieldlog"]])
    fr = median([r[1] for r in results["fieldlog"]])
    bp = median([r[0] for r in results["bare"]])
    br = median([r[1] for r in results["bare"]])
    print(f"{'median':>5}{fp * 1000:>14.0f}ms{bp * 1000:>10.0f}ms{fr * 1000:>13.0f}ms{br * 1000:>9.0f}ms")
    paint_ok, rows_ok = fp <= 1.5 * bp, fr <= 2.5 * br
    print(f"first paint: fieldlog/bare {ratio(fp, bp)}   goal <= 1.5x: {'met' if paint_ok else 'MISSED'}")
    print(f"first rows:  fieldlog/bare {ratio(fr, br)}   goal <= 2.5x: {'met' if rows_ok else 'MISSED'}"
          "   (fieldlog: launch, paint, F4, participant rows)")
    if args.importtime:
        report_imports()
    if trace:
        print(trace)
    return 0


if __name__ == "__main__":
    sys.exit(main())
