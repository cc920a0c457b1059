"""The folders show the architecture only if the imports respect it: no
module imports another that imports it back (imports inside functions
count), and nothing low (indicators) imports anything high (assessments,
reports). Read from the source with ast, so a hidden import cannot hide."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("spbe_portal", "indicators", "assessments", "reports")
LAYER = {"indicators": 0, "assessments": 1, "reports": 2}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(path: Path, name: str, modules) -> set[str]:
    """First-party modules `path` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                targets.add(child if child in modules else base)
    return {t for t in targets if t in modules and t != name}


def _graph():
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def test_no_module_imports_one_that_imports_it_back():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            # A package's __init__ may re-export its own submodules.
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_dependencies_point_one_way_between_apps():
    wrong = [
        (name, target)
        for name, targets in _graph().items()
        for target in targets
        if name.split(".")[0] in LAYER
        and target.split(".")[0] in LAYER
        and LAYER[target.split(".")[0]] > LAYER[name.split(".")[0]]
    ]
    assert wrong == []
