"""Small pieces: no application module over 500 lines and no function over
80, so that each can be read whole. Migrations and data files are not code
anyone reads top to bottom, so they are left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("spbe_portal", "indicators", "assessments", "reports")
MODULE_MAX = 500
FUNCTION_MAX = 80


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _sources()
        if (lines := path.read_text().count("\n")) > MODULE_MAX
    }
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                if node.end_lineno - start + 1 > FUNCTION_MAX:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = node.end_lineno - start + 1
    assert long == {}
