"""Run `fieldlog` with a timeline of its start-up written to $TRACE_LOG (bench/startup.py
--timeline). It patches a few functions from outside, each only if it still exists, and
imports nothing fieldlog would not import before its first paint."""

from __future__ import annotations

import importlib.abc
import os
import sys
import threading
import time

T0 = time.perf_counter()
_LOG = open(os.environ["TRACE_LOG"], "w", buffering=1, encoding="utf-8")  # noqa: SIM115


_state = {"frames": 0, "pending": True}


def log(what: str, *, frame: bool = False) -> None:
    _LOG.write(f"{(time.perf_counter() - T0) * 1000:8.0f} ms  {what}\n")
    if not frame:
        _state["pending"] = True  # show the next frame: it is the one that shows this


def wrap(owner, name: str, label: str, after=None) -> None:
    original = getattr(owner, name, None)
    if original is None:
        log(f"(cannot trace {label}: {name} is gone)")
        return

    def traced(*args, **kwargs):
        log(f"{label} start")
        result = original(*args, **kwargs)
        log(f"{label} end")
        if after is not None:
            after()
        return result

    setattr(owner, name, traced)


log("interpreter ready")
import fieldlog.cli as cli  # noqa: E402

log("fieldlog.cli imported")
import fieldlog.schema as schema  # noqa: E402


# Heavy or interesting modules: log when each is imported (on which thread), and trace the
# service functions as soon as their module is loaded, without importing anything early.
_WATCHED = ("sqlalchemy", "sqlalchemy.orm", "sqlmodel", "fieldlog.database", "fieldlog.models",
            "fieldlog.services.participants", "fieldlog.services.stats", "fieldlog.services.offices",
            "fieldlog.screens.participants", "alembic")
_PATCHES = {
    "fieldlog.services.participants": ("list_participants", "list_participants"),
    "fieldlog.services.stats": ("home_counts", "home_counts"),
}


class _Watcher(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name not in _WATCHED:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _Loader(spec.loader)
                return spec
        return None


class _Loader(importlib.abc.Loader):
    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        thread = threading.current_thread().name
        log(f"import {module.__name__} start ({thread})")
        self.loader.exec_module(module)
        log(f"import {module.__name__} end")
        if module.__name__ in _PATCHES:
            name, label = _PATCHES[module.__name__]
            wrap(module, name, label)


sys.meta_path.insert(0, _Watcher())
wrap(schema, "open_database", "open_database")
import fieldlog.screens.app as app_module  # noqa: E402

log("fieldlog.screens.app imported")
App = app_module.FieldlogApp
_post = App.post_message
_QUIET = {"Callback", "Prompt", "StateChanged", "InvokeLater", "Key", "Resize", "DescendantFocus",
          "DescendantBlur", "Blurred", "Focus", "Blur"}


def post_message(self, message):
    if type(message).__name__ not in _QUIET:
        log(f"message {type(message).__name__}")
    return _post(self, message)


App.post_message = post_message
_display = getattr(App, "_display", None)
if _display is not None:
    def _traced_display(self, *args, **kwargs):
        result = _display(self, *args, **kwargs)
        _state["frames"] += 1
        if _state["pending"]:
            _state["pending"] = False
            log(f"frame {_state['frames']} written ({type(self.screen).__name__})", frame=True)
        return result

    App._display = _traced_display

if __name__ == "__main__":
    code = cli.main(sys.argv[1:])
    log(f"exit {code}")
    sys.exit(code)
