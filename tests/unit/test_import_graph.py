"""The portal's import graph has no cycles: between modules none at all, and between
packages none below the web layer.

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

# The web layer: where packages meet (a plan page shows the citizen's stance, a wish
# form names their plans). Views and forms live in their domain package, so the
# packages may import each other round through them; below them they may not.
WEB_LAYER = ("citizen_portal.security.web",)
WEB_MODULE_NAMES = ("views", "forms")


def _is_web(module: str) -> bool:
    return module in WEB_LAYER or module.rsplit(".", 1)[-1] in WEB_MODULE_NAMES


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


def test_no_module_imports_itself_round_a_cycle(graph: grimp.ImportGraph) -> None:
    cycles = sorted(_cycles(_imports(graph)))
    message = "".join(f"\nimport cycle:\n{_describe(graph, cycle)}" for cycle in cycles)
    assert cycles == [], message


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


def test_below_the_web_layer_no_packages_import_each_other_round(
    graph: grimp.ImportGraph,
) -> None:
    imports = {
        module: {imported for imported in imported_modules if not _is_web(imported)}
        for module, imported_modules in _imports(graph).items()
        if not _is_web(module)
    }
    packages: dict[str, set[str]] = {}
    for importer, imported_modules in imports.items():
        importing = packages.setdefault(_package_of(importer), set())
        importing.update(_package_of(imported) for imported in imported_modules)
    for package, imported_packages in packages.items():
        imported_packages.discard(package)
    tangles = [frozenset(tangle) for tangle in _tangles(packages)]
    message = "".join(
        f"\npackages in a circle: {sorted(tangle)}\nthe imports between them:\n"
        + _describe_tangle(imports, tangle)
        for tangle in tangles
    )
    assert tangles == [], message


def test_the_web_layer_is_found(graph: grimp.ImportGraph) -> None:
    """The exclusion above must name real modules, or it would hide nothing and prove nothing."""
    web = {module for module in graph.modules if _is_web(module)}
    assert {"citizen_portal.security.web", "citizen_portal.plans.views"} <= web
    assert not any(_is_web(m) for m in ("citizen_portal.plans.services", "citizen_portal.db"))
