"""Runs the import-linter contracts in pyproject.toml and says where each broken one breaks.

lint-imports names modules and line numbers; `where_broken` turns its report into
`path:line: [contract] importer imports imported` lines, so a developer can go to the file.
For a cycle it names every import that closes one, from the import graph itself, since the
linter shows only the first few.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import grimp

from tests.architecture_checks import REPO, Violation

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# "- wellled.a.b -> wellled.c.d (l.12)" starts a chain; indented lines continue it. A chain
# of several links is one indirect import, and each link is reported with the chain's ends.
LINK = re.compile(
    r"^(?P<start>-|\s)\s+(?P<importer>[\w.]+) -> (?P<imported>[\w.]+) \((?P<lines>l\.[l\d., ]+)\)$"
)
CYCLE = re.compile(r"^No cycles are allowed in (?P<package>[\w.]+)\.$")
RULE_LINE = re.compile(r"^-{10,}$")


def run_lint_imports(cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo"]
    if config is not None:
        args.append(str(config))
    env = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1", "PYTHONPATH": str(cwd)}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def contracts(pyproject: Path = REPO / "pyproject.toml") -> list[dict[str, object]]:
    with pyproject.open("rb") as file:
        found: list[dict[str, object]] = tomllib.load(file)["tool"]["importlinter"]["contracts"]
    return found


def module_file(module: str, root: Path = REPO) -> str:
    path = root.joinpath(*module.split("."))
    name = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return name.relative_to(root).as_posix() if name.exists() else module


def where_broken(output: str, root: Path = REPO) -> list[Violation]:
    """Each import the report names, as a file and line under the contract it breaks."""
    ids = {str(c["name"]): str(c["id"]) for c in contracts()}
    found: list[Violation] = []
    lines = output.splitlines()
    rule, chain = "import-contracts", []
    for number, text in enumerate([*lines, ""]):
        link = LINK.match(text)
        if chain and not (link and link["start"] != "-"):
            found += chain_imports(chain, rule, root)
            chain = []
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if RULE_LINE.match(following) and text.strip() in ids:
            rule = ids[text.strip()]
        elif link:
            chain.append(link)
        elif cycle := CYCLE.match(text):
            found += cycle_imports(cycle["package"], rule, root)
    return sorted(set(found))


def chain_imports(chain: list[re.Match[str]], rule: str, root: Path) -> list[Violation]:
    """One import, or each link of an indirect one with where the chain starts and ends."""
    found = []
    start, end = chain[0]["importer"], chain[-1]["imported"]
    for position, link in enumerate(chain, start=1):
        message = f"{link['importer']} imports {link['imported']}"
        if len(chain) > 1:
            message += f" (link {position} of {len(chain)} in a chain from {start} to {end})"
        for line in re.findall(r"\d+", link["lines"]):
            found.append(Violation(module_file(link["importer"], root), int(line), rule, message))
    return found


def cycle_imports(package: str, rule: str, root: Path = REPO) -> list[Violation]:
    """The imports that would have to go for the package's children to have no cycle."""
    graph = graph_without_tests(package.split(".")[0])
    found = []
    for importer, imported in graph.nominate_cycle_breakers(package):
        for detail in graph.get_import_details(importer=importer, imported=imported):
            message = f"{importer} imports {imported}, which closes a cycle in {package}"
            found.append(
                Violation(module_file(importer, root), detail["line_number"], rule, message)
            )
    return found


@cache
def graph_without_tests(root_package: str) -> grimp.ImportGraph:
    """The import graph as the contracts see it: what tests import is ignored."""
    graph = grimp.build_graph(root_package, cache_dir=None)
    for module in graph.modules:
        if ".tests" in module or module.endswith(".testing"):
            for imported in graph.find_modules_directly_imported_by(module):
                graph.remove_import(importer=module, imported=imported)
    return graph
