"""The import graph of the whole of fieldlog, for the import contract in pyproject.toml
([tool.importlinter], run by `lint-imports`) and for tests/test_import_contract.py.

fieldlog.screens, fieldlog.widgets and fieldlog.migrations are kept in the repository's
screens/, widgets/ and migrations/ folders ([tool.setuptools.package-dir]). Grimp finds a
package's modules by walking the folder its import spec names, and an editable install (the one
CI and development use) maps those subpackages to their folders through a finder of its own:
Grimp then sees fieldlog/ only, and silently drops every import of the subpackages, so that
`fieldlog.cli -> fieldlog.screens.app` is not in its graph at all. Here each subpackage whose
installed folder lies outside fieldlog's is scanned as a package of its own, under its installed
name, into the same graph. (Installed from a wheel they lie inside it, and nothing is added.)

import-linter loads the contract types its configuration names (`contract_types`) after it has
built its own graph; those below are its own contracts, checked against this graph instead.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from copy import deepcopy
from functools import cache
from pathlib import Path

import grimp
from grimp.adaptors.packagefinder import ImportLibPackageFinder
from grimp.application.config import settings as grimp_settings
from importlinter.contracts import forbidden, layers, protected

REPOSITORY = Path(__file__).resolve().parent.parent


def _folders(package: str) -> list[str]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{package} is not an importable package")
    return [os.path.realpath(folder) for folder in spec.submodule_search_locations]


def packages_elsewhere(root: str) -> list[str]:
    """The subpackages of `root` that pyproject.toml maps to a folder of their own, and whose
    folder, as installed here, is not inside root's."""
    with open(REPOSITORY / "pyproject.toml", "rb") as file:
        package_dir = tomllib.load(file)["tool"]["setuptools"].get("package-dir", {})
    root_folders = _folders(root)
    return sorted(
        name for name in package_dir
        if name.startswith(root + ".")
        and not any(Path(folder).is_relative_to(inside) for folder in _folders(name) for inside in root_folders)
    )


class _SubpackageFinder(ImportLibPackageFinder):
    """Grimp's own finder, which also takes a subpackage as a package to scan: its folder is
    the one the import system gives it (Grimp's refuses any package that has a parent)."""

    def determine_package_directories(self, package_name, file_system):
        if "." not in package_name:
            return super().determine_package_directories(package_name, file_system)
        return set(_folders(package_name))


@cache
def _build(roots: tuple[str, ...], include_external_packages: bool, exclude_type_checking_imports: bool):
    names = [*roots, *(name for root in roots for name in packages_elsewhere(root))]
    standard = grimp_settings.PACKAGE_FINDER
    grimp_settings.configure(PACKAGE_FINDER=_SubpackageFinder())
    try:
        return grimp.build_graph(
            *names,
            include_external_packages=include_external_packages,
            exclude_type_checking_imports=exclude_type_checking_imports,
            cache_dir=None,
        )
    finally:
        grimp_settings.configure(PACKAGE_FINDER=standard)


def build_graph(
    *roots: str, include_external_packages: bool = True, exclude_type_checking_imports: bool = False,
) -> grimp.ImportGraph:
    """A fresh graph of `roots` (default: fieldlog) with their subpackages kept elsewhere.
    Imports made inside functions are in it, as in any Grimp graph."""
    graph = _build(roots or ("fieldlog",), include_external_packages, exclude_type_checking_imports)
    return deepcopy(graph)  # contracts take out the imports they ignore


class _CheckedOnTheWholeGraph:
    def check(self, graph, verbose):
        options = self.session_options
        whole = build_graph(
            *options["root_packages"],
            include_external_packages=str(options.get("include_external_packages")) in ("True", "true"),
            exclude_type_checking_imports=str(options.get("exclude_type_checking_imports")) in ("True", "true"),
        )
        return super().check(whole, verbose)


class ProtectedContract(_CheckedOnTheWholeGraph, protected.ProtectedContract):
    pass


class ForbiddenContract(_CheckedOnTheWholeGraph, forbidden.ForbiddenContract):
    pass


class LayersContract(_CheckedOnTheWholeGraph, layers.LayersContract):
    pass
