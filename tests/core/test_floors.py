"""The package reads from the ground up (docs/architecture.md, "Floors"), checked from the
imports themselves: a new upward import or import circle fails here."""

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "coalition"
GROUND = {"config", "db", "core", "mail"}
# the floors, bottom first; a package reads only its own floor and those below it
FLOORS = [
    GROUND,
    {"models", "access"},
    {"coalitions"},
    {"auth"},
    {"actors"},
    {"roadmap"},
    {"meetings"},
    {"people", "admin"},
    {"resources", "consultations", "workshops"},
    {"framing"},
    {"signups", "charter"},
    {"recommendations", "panels"},
    {"diagnostics", "opendata", "register"},
    {"notices"},
    {"web", "seed", "cli", "__init__"},
]
# the one domain link read both ways, named in docs/architecture.md
BOTH_WAYS = {("roadmap", "meetings")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> set[str]:
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []  # names for the type checker only: no import at run time
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("coalition.") or name == "coalition"}


def _graph() -> nx.DiGraph:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        for target in _imports(path, module):
            while target not in modules:  # `from pkg.module import name`: the module
                target = target.rpartition(".")[0]
            if target != module:
                graph.add_edge(module, target)
    return graph


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _floor(package: str) -> int:
    return next(index for index, floor in enumerate(FLOORS) if package in floor)


def _is_models(module: str) -> bool:
    return module.endswith(".models") or module == "coalition.models"


def test_every_package_has_a_floor() -> None:
    packages = {_package(module) for module in _graph()}
    assert packages <= set().union(*FLOORS)


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    graph.remove_node("coalition")  # create_app imports every blueprint inside a function
    assert [cycle for cycle in nx.strongly_connected_components(graph) if len(cycle) > 1] == []


def test_the_ground_imports_no_domain() -> None:
    wrong = [
        (source, target)
        for source, target in _graph().edges
        if _package(source) in GROUND and _package(target) not in GROUND
    ]
    assert wrong == []


def test_nothing_reads_a_floor_above_its_own_but_the_named_link() -> None:
    upward = set()
    for source, target in _graph().edges:
        if _is_models(target) and _is_models(source):
            continue  # tables refer to each other's tables
        if _is_models(target) and _floor(_package(source)) > 0:
            continue  # every domain may read any model
        pair = (_package(source), _package(target))
        if _floor(pair[1]) > _floor(pair[0]):
            upward.add(pair)
    assert upward == BOTH_WAYS
