"""The layering is a contract (docs/ARCHITECTURE.md §5): the import-linter contracts in pyproject.toml are
kept, every module of the core has its place in the layers, no modules import each other, and
no module uses another's private names."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.import_graph import REPOSITORY, build_graph

INTERFACE = ("fieldlog.screens", "fieldlog.widgets")
SOURCE_FOLDERS = {"fieldlog": "fieldlog", "screens": "fieldlog.screens", "widgets": "fieldlog.widgets",
                  "migrations": "fieldlog.migrations"}


def _internal(graph) -> set[str]:
    return {module for module in graph.modules if module.split(".")[0] == "fieldlog"}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _contracts() -> list[dict]:
    with open(REPOSITORY / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]["contracts"]


def test_the_graph_holds_the_subpackages_kept_in_other_folders():
    """Grimp alone would see fieldlog/ only (tests/import_graph.py): without them every contract
    about the interface would hold for want of anything to check."""
    graph = build_graph()
    for package in ("fieldlog.screens", "fieldlog.widgets", "fieldlog.migrations"):
        assert len(graph.find_descendants(package)) > 3, package
    assert "fieldlog.screens.app" in graph.find_modules_directly_imported_by("fieldlog.cli")


def test_lint_imports_keeps_the_contracts():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
                               "sys.exit(lint_imports_command(['--no-cache', '--no-logo']))"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " kept, 0 broken." in result.stdout, result.stdout


def test_every_core_module_has_its_layer():
    """A new module of the core is placed in the layers contract: where it sits is a decision.
    Only packages whose modules are placed one by one stay out, and they import nothing."""
    graph = build_graph()
    [contract] = [c for c in _contracts() if c["type"] == "layers"]
    placed = [name.strip().strip("()") for layer in contract["layers"] for name in layer.replace("|", ":").split(":")]
    internal = _internal(graph)

    def package_importing_nothing(module: str) -> bool:
        return bool(graph.find_children(module)) and not internal & graph.find_modules_directly_imported_by(module)

    left_out = sorted(
        module for module in internal
        if not any(_within(module, name) for name in placed) and not package_importing_nothing(module)
    )
    assert left_out == [], f"not in any layer of the layers contract in pyproject.toml: {left_out}"


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.find_modules_directly_imported_by(successor) & modules))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _one_cycle(graph, component: list[str]) -> str:
    """One loop through the component, each import with its line: what to break."""
    first = component[0]
    members = set(component)
    shortest = None
    for imported in graph.find_modules_directly_imported_by(first) & members:
        back = graph.find_shortest_chain(importer=imported, imported=first)
        if back and (shortest is None or len(back) < len(shortest)):
            shortest = (first, *back)
    steps = []
    for importer, imported in zip(shortest, shortest[1:]):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = sorted(detail["line_number"] for detail in details)
        steps.append(f"{importer} -> {imported} (l.{', '.join(map(str, lines))})")
    return "\n    ".join(steps)


def test_no_import_cycles():
    """Counting the imports made inside functions: hiding one side of a cycle in a function
    still makes two modules that cannot be understood, or moved, apart."""
    graph = build_graph()
    cycles = _cycles(graph, _internal(graph))
    report = "\n".join(f"- {', '.join(c)}:\n    {_one_cycle(graph, c)}" for c in cycles)
    assert cycles == [], f"modules that import each other:\n{report}"


def _module_name(path: Path) -> str:
    relative = path.relative_to(REPOSITORY).with_suffix("")
    parts = [SOURCE_FOLDERS[relative.parts[0]], *relative.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private_uses(path: Path, modules: set[str]) -> list[str]:
    """`from x import _name`, and `x._name` on a module x of fieldlog's, in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    module_names: dict[str, str] = {}  # local name -> fieldlog module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([source] if source else [])])
            if not _within(source, "fieldlog"):
                continue
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    module_names[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif alias.name.startswith("_") and not alias.name.startswith("__") and not (
                        alias.name == "_" and source == "fieldlog.i18n"):
                    found.append(f"{path.relative_to(REPOSITORY)}:{node.lineno} imports {alias.name} from {source}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _within(alias.name, "fieldlog") and alias.asname:
                    module_names[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_names
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.relative_to(REPOSITORY)}:{node.lineno} uses {module_names[node.value.id]}.{node.attr}")
    return found


def test_no_private_names_used_across_modules():
    """A name that starts with _ belongs to its module; one another module needs is made public
    (or moved where both can use it). The i18n function `_` is the exception."""
    modules = _internal(build_graph())
    found = [
        use for folder in SOURCE_FOLDERS for path in sorted((REPOSITORY / folder).rglob("*.py"))
        for use in _private_uses(path, modules)
    ]
    assert found == []
