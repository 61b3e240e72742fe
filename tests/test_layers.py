"""The house's layers run one way (DESIGN.md): the domain packages never reach up into rendering,
commands or the CLI, and no two modules import each other, directly or around a loop. Read from
the source with ast, so a lazy import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mockint"
DOMAIN = ("mockint.review", "mockint.speech", "mockint.store", "mockint.bank", "mockint.stories")
ABOVE_DOMAIN = ("mockint.render", "mockint.commands", "mockint.cli", "mockint.session", "mockint.web")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The mockint modules `path` imports (a `from package import name` that names a submodule
    counts as importing that submodule)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mockint"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mockint"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return {m for m in found if m in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {name: _imports(path, modules) for name, path in modules.items()}
    for name in graph:  # a package's own __init__ importing its submodules is not an arrow upward
        graph[name].discard(name)
    return graph


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_domain_never_imports_rendering_commands_or_the_cli():
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in _graph().items()
        if _within(m, DOMAIN)
        for t in targets
        if _within(t, ABOVE_DOMAIN)
    )
    assert wrong == []


def test_commands_and_rendering_are_not_imported_by_what_they_drive():
    """Only the CLI reaches commands; nothing below render reaches render."""
    graph = _graph()
    into_commands = sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if not _within(m, ("mockint.cli", "mockint.commands", "mockint.__main__"))
        for t in targets
        if _within(t, ("mockint.commands", "mockint.cli"))
    )
    assert into_commands == []


def test_no_import_cycles():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):  # a package importing its own submodule
                continue
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_check_sees_the_imports_it_judges():
    """The reader finds real arrows (a layer test that reads nothing passes everything)."""
    graph = _graph()
    assert "mockint.review.rubric" in graph["mockint.review"]
    assert "mockint.store" in graph["mockint.session"]
    assert any(t.startswith("mockint.speech") for t in graph["mockint.commands.transcribe"])
