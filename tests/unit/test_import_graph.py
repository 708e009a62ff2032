"""The portal's import graph has no cycles, except the known ones being removed.

Built with grimp, the library behind import-linter (`lint-imports` checks the
layer contracts in pyproject.toml). Imports under `if TYPE_CHECKING:` are left
out: they never run, and are the usual way to name a type without depending on
its module at run time. Function-local imports count: they are dependencies too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

Cycle = tuple[str, ...]

# Each cycle starts at its alphabetically first module. Issue 11 shrinks these to none;
# delete an entry when its cycle is gone (the test says so).
KNOWN_CYCLES: set[Cycle] = {
    # The app factory registers the CLI, the CLI runs the importer, and the importer's
    # workers build the app again (create_app in plans/importer.py).
    ("citizen_portal", "citizen_portal.cli", "citizen_portal.plans.importer"),
    # @requires asks the policy through a function-local import; the policy imports
    # Permission back.
    ("citizen_portal.security.permissions", "citizen_portal.security.policy"),
}

# Sets of top-level packages that import each other round in a circle (the strongly
# connected components of the package graph; "citizen_portal" is the app factory, which
# imports every package, so everything it reaches is in its circle while the importer
# imports it back). Issue 11's goal is a package graph without circles: none of these.
KNOWN_PACKAGE_TANGLES: set[frozenset[str]] = {
    frozenset(
        {
            "citizen_portal",
            "citizen_portal.api",
            "citizen_portal.audit",
            "citizen_portal.auth",
            "citizen_portal.cli",
            "citizen_portal.consents",
            "citizen_portal.demo",
            "citizen_portal.devidp",
            "citizen_portal.errors",
            "citizen_portal.fhir",
            "citizen_portal.glossary",
            "citizen_portal.notifications",
            "citizen_portal.plans",
            "citizen_portal.pwa",
            "citizen_portal.representation",
            "citizen_portal.security",
            "citizen_portal.views",
            "citizen_portal.wishes",
        }
    ),
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("citizen_portal", exclude_type_checking_imports=True, cache_dir=None)


def _imports(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def _reachable(imports: Mapping[str, Iterable[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(imports[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(imports[module])
    return seen


def _tangles(imports: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module: the modules
    that each reach all the others (the graph has about a hundred, so plain
    reachability is quick enough)."""
    reach = {module: _reachable(imports, module) for module in imports}
    tangles: list[set[str]] = []
    for module in sorted(imports):
        if module in reach[module] and not any(module in tangle for tangle in tangles):
            tangles.append({other for other in reach[module] if module in reach[other]})
    return tangles


def _cycles(imports: Mapping[str, Iterable[str]]) -> set[Cycle]:
    """Every elementary cycle, each starting at its alphabetically first module."""
    cycles: set[Cycle] = set()
    for tangle in _tangles(imports):
        for start in sorted(tangle):
            _walk(imports, tangle, [start], cycles)
    return cycles


def _walk(
    imports: Mapping[str, Iterable[str]], tangle: set[str], path: list[str], cycles: set[Cycle]
) -> None:
    """Extend ``path`` by modules after its first, recording each way back to the first."""
    start = path[0]
    for imported in sorted(set(imports[path[-1]]) & tangle):
        if imported == start:
            cycles.add(tuple(path))
        elif imported > start and imported not in path:
            _walk(imports, tangle, [*path, imported], cycles)


def _describe(graph: grimp.ImportGraph, cycle: Cycle) -> str:
    steps = []
    for importer, imported in zip(cycle, (*cycle[1:], cycle[0]), strict=True):
        lines = [
            str(detail["line_number"])
            for detail in graph.get_import_details(importer=importer, imported=imported)
        ]
        steps.append(f"  {importer} (line {', '.join(lines)}) imports {imported}")
    return "\n".join(steps)


def test_the_only_import_cycles_are_the_known_ones(graph: grimp.ImportGraph) -> None:
    cycles = _cycles(_imports(graph))
    new = sorted(cycles - KNOWN_CYCLES)
    gone = sorted(KNOWN_CYCLES - cycles)
    message = "".join(f"\nnew import cycle:\n{_describe(graph, cycle)}" for cycle in new) + "".join(
        f"\ncycle gone, delete it from KNOWN_CYCLES: {cycle}" for cycle in gone
    )
    assert cycles == KNOWN_CYCLES, message


def _package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _describe_tangle(imports: Mapping[str, Iterable[str]], tangle: frozenset[str]) -> str:
    """Each import from one package of the tangle into another, once per pair of packages."""
    seen: dict[tuple[str, str], str] = {}
    for importer in sorted(imports):
        for imported in sorted(imports[importer]):
            pair = (_package_of(importer), _package_of(imported))
            if pair[0] != pair[1] and set(pair) <= tangle and pair not in seen:
                seen[pair] = f"  {pair[0]} -> {pair[1]}  (e.g. {importer} imports {imported})"
    return "\n".join(seen[pair] for pair in sorted(seen))


def test_the_only_package_circles_are_the_known_ones(graph: grimp.ImportGraph) -> None:
    imports = _imports(graph)
    packages: dict[str, set[str]] = {}
    for importer, imported_modules in imports.items():
        importing = packages.setdefault(_package_of(importer), set())
        importing.update(_package_of(imported) for imported in imported_modules)
    for package, imported_packages in packages.items():
        imported_packages.discard(package)
    tangles = {frozenset(tangle) for tangle in _tangles(packages)}
    message = "".join(
        f"\npackages in a circle: {sorted(tangle)}\nthe imports between them:\n"
        + _describe_tangle(imports, tangle)
        for tangle in tangles - KNOWN_PACKAGE_TANGLES
    ) + "".join(
        f"\ncircle gone or changed, update KNOWN_PACKAGE_TANGLES: {sorted(tangle)}"
        for tangle in KNOWN_PACKAGE_TANGLES - tangles
    )
    assert tangles == KNOWN_PACKAGE_TANGLES, message
