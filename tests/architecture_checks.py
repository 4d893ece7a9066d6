"""Checks of the codebase's own rules (docs/architecture.md), read from the source text.

Each checker takes a file's display name and its text and returns the places that break its
rule, so the tests can run it on the real tree and on small planted files alike. A finding
prints as `path:line: [rule] what is wrong and what to do`, so a developer can go straight
to it. The import rules between apps and layers are import-linter contracts in
pyproject.toml, not here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent

# Where the project's own Python lives (the virtualenv and node_modules sit beside these).
SOURCE_ROOTS = ("wellled", "tests", "bench", "scripts", "conftest.py", "manage.py")

MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 60

# Modules that adapt a request (or a command line) to the actions: pages, the public form,
# the API, serializers, forms, the admin and management commands. A module counts when its
# own name or the package it sits in (a views/ package) matches, anywhere below the app.
ADAPTER_NAME = re.compile(r"^(views|\w+_views|public|api|serializers|forms|admin|management)$")

# Model and queryset writes. `.update(...)` with a positional argument is a dict or set
# update (QuerySet.update takes keywords only), so only the keyword form counts.
WRITE_METHODS = frozenset(
    {"save", "create", "update", "delete", "bulk_create", "get_or_create", "update_or_create"}
)

SAFE_MARKERS = frozenset({"mark_safe", "SafeString"})

Checker = Callable[[str, str], list["Violation"]]


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


def python_files(root: Path = REPO) -> Iterator[Path]:
    """Every project Python file below root, migrations included (checkers skip them)."""
    for name in SOURCE_ROOTS:
        top = root / name
        if top.is_file():
            yield top
        elif top.is_dir():
            yield from sorted(p for p in top.rglob("*.py") if "__pycache__" not in p.parts)


def relative(path: Path, root: Path) -> PurePosixPath:
    return PurePosixPath(path.relative_to(root).as_posix())


def is_migration(rel: PurePosixPath) -> bool:
    return "migrations" in rel.parts


def is_demo_data(rel: PurePosixPath) -> bool:
    return rel.name == "demo.py"


def is_test(rel: PurePosixPath) -> bool:
    return rel.parts[0] == "tests" or "tests" in rel.parts or rel.name == "conftest.py"


def is_app_module(rel: PurePosixPath) -> bool:
    """wellled/<app>/... outside tests and migrations."""
    return (
        len(rel.parts) >= 3
        and rel.parts[0] == "wellled"
        and not is_test(rel)
        and not is_migration(rel)
    )


def is_adapter_module(rel: PurePosixPath) -> bool:
    if not is_app_module(rel):
        return False
    below_app = rel.with_suffix("").parts[2:]
    return any(ADAPTER_NAME.match(part) for part in below_app)


def run_checks(
    root: Path, checker: Checker, applies: Callable[[PurePosixPath], bool]
) -> list[Violation]:
    found: list[Violation] = []
    for path in python_files(root):
        rel = relative(path, root)
        if applies(rel):
            found += checker(str(rel), path.read_text(encoding="utf-8"))
    return sorted(found)


def report(found: list[Violation]) -> str:
    return f"{len(found)} found:\n" + "\n".join(str(v) for v in found)


# Rules ---------------------------------------------------------------------------------


def adapter_writes(name: str, source: str) -> list[Violation]:
    """A page, API, serializer, form, admin or command module writes through the actions only."""
    if not any(f".{method}(" in source for method in WRITE_METHODS):
        return []  # skip the parse: ruff-formatted code has no space before the bracket
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITE_METHODS or (method == "update" and node.args):
            continue
        found.append(
            Violation(
                name,
                node.lineno,
                "writes-through-actions",
                f"`{ast.unparse(node.func)}(...)` writes from an adapter module; call the app's "
                "action instead (docs/architecture.md, The layers)",
            )
        )
    return found


def is_api_module(rel: PurePosixPath) -> bool:
    """An app's api.py or api/ package (core's own API kit excepted: it is the reader)."""
    return (
        is_app_module(rel)
        and rel.parts[1] != "core"
        and ("api" in rel.parts[2:-1] or rel.name == "api.py")
    )


def raw_query_params(name: str, source: str) -> list[Violation]:
    """An API module reads filters through wellled.core.api (query_int, query_choice,
    query_text), which answer a bad value with a 400 naming it, never a 500."""
    if "query_params" not in source:
        return []
    return [
        Violation(
            name,
            node.lineno,
            "filters-through-core-api",
            "reads `request.query_params` directly; use query_int, query_choice or "
            "query_text from wellled.core.api (docs/architecture.md, The layers)",
        )
        for node in ast.walk(ast.parse(source, filename=name))
        if isinstance(node, ast.Attribute) and node.attr == "query_params"
    ]


def _is_built_text(node: ast.expr) -> bool:
    """An f-string with a placeholder, `.format(...)`, `%` or `+`: text built from values."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Add | ast.Mod)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "format_map"}
    )


def unsafe_mark_safe(name: str, source: str) -> list[Violation]:
    """mark_safe on built text skips escaping the values in it; format_html escapes them."""
    if not any(marker in source for marker in SAFE_MARKERS):
        return []  # parsing every module takes seconds; most never mention either
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called in SAFE_MARKERS and _is_built_text(node.args[0]):
            found.append(
                Violation(
                    name,
                    node.lineno,
                    "no-mark-safe-on-built-text",
                    f"{called}() on an f-string, .format(), % or +: build it with "
                    "format_html() or format_html_join(), which escape the values",
                )
            )
    return found


def long_module(name: str, source: str, limit: int = MAX_MODULE_LINES) -> list[Violation]:
    lines = len(source.splitlines())
    if lines <= limit:
        return []
    return [
        Violation(
            name,
            1,
            "module-size",
            f"module is {lines} lines, over the limit of {limit}: split it by use case "
            "(an actions/ or views/ package with one module per use case)",
        )
    ]


def long_functions(name: str, source: str, limit: int = MAX_FUNCTION_LINES) -> list[Violation]:
    """Counted from the def line to the last line, nested functions inside it included."""
    found = []
    for node in _function_defs(ast.parse(source, filename=name).body):
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > limit:
            found.append(
                Violation(
                    name,
                    node.lineno,
                    "function-size",
                    f"{node.name}() is {length} lines, over the limit of {limit}: split it "
                    "into named steps",
                )
            )
    return found


def _function_defs(statements: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every def among these statements and inside them; expressions are not walked (a def
    cannot sit inside one), which keeps a pass over the whole tree quick."""
    for statement in statements:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield statement
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(statement, field, None)
            if isinstance(children, list):
                yield from _function_defs(children)
