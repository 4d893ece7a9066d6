"""No module over 800 lines and no function over 60 (docs/architecture.md), tests included.

Demo loaders (`demo.py`) are long lists of fictional records and are exempt; migrations are
generated and exempt from the module limit (their functions still count).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from tests.architecture_checks import (
    MAX_FUNCTION_LINES,
    MAX_MODULE_LINES,
    REPO,
    is_demo_data,
    is_migration,
    long_functions,
    long_module,
    python_files,
    relative,
    report,
    run_checks,
)

pytestmark = pytest.mark.source_rules


def module_limit_applies(rel: PurePosixPath) -> bool:
    return not is_demo_data(rel) and not is_migration(rel)


def function_limit_applies(rel: PurePosixPath) -> bool:
    return not is_demo_data(rel)


def test_no_module_is_over_the_line_limit() -> None:
    found = run_checks(REPO, long_module, module_limit_applies)
    if found:
        pytest.fail(report(found), pytrace=False)


def test_no_function_is_over_the_line_limit() -> None:
    found = run_checks(REPO, long_functions, function_limit_applies)
    if found:
        pytest.fail(report(found), pytrace=False)


def test_the_trees_checked_are_the_projects_own() -> None:
    # Guards against a rule that passes because it reads nothing.
    seen = {relative(path, REPO).parts[0] for path in python_files(REPO)}
    assert {"wellled", "tests", "bench", "conftest.py"} <= seen
    assert not any(".venv" in path.parts for path in python_files(REPO))


def body(lines: int) -> str:
    return "".join(f"    x{i} = {i}\n" for i in range(lines))


def indented(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def test_a_planted_long_function_is_named_with_its_line(tmp_path: Path) -> None:
    limit = MAX_FUNCTION_LINES
    source = (
        "import os\n\n"
        f"def short():\n{body(limit - 1)}\n"  # def line + body: exactly the limit
        f"def too_long():\n{body(limit)}\n"
        f"class Page:\n    async def handle(self):\n{indented(body(limit))}\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text(source, encoding="utf-8")
    (tmp_path / "wellled" / "things").mkdir(parents=True)
    (tmp_path / "wellled" / "things" / "demo.py").write_text(
        f"def load_demo():\n{body(limit * 3)}", encoding="utf-8"
    )

    found = run_checks(tmp_path, long_functions, function_limit_applies)

    too_long_line = 3 + limit + 1
    assert [str(v) for v in found] == [
        f"tests/test_long.py:{too_long_line}: [function-size] too_long() is {limit + 1} lines,"
        f" over the limit of {limit}: split it into named steps",
        f"tests/test_long.py:{too_long_line + limit + 3}: [function-size] handle() is"
        f" {limit + 1} lines, over the limit of {limit}: split it into named steps",
    ]


def test_a_planted_long_module_is_named(tmp_path: Path) -> None:
    things = tmp_path / "wellled" / "things"
    (things / "migrations").mkdir(parents=True)
    long_text = "x = 1\n" * (MAX_MODULE_LINES + 1)
    (things / "actions.py").write_text(long_text, encoding="utf-8")
    (things / "queries.py").write_text("x = 1\n" * MAX_MODULE_LINES, encoding="utf-8")
    (things / "demo.py").write_text(long_text, encoding="utf-8")
    (things / "migrations" / "0001_initial.py").write_text(long_text, encoding="utf-8")

    found = run_checks(tmp_path, long_module, module_limit_applies)

    assert [str(v) for v in found] == [
        f"wellled/things/actions.py:1: [module-size] module is {MAX_MODULE_LINES + 1} lines,"
        f" over the limit of {MAX_MODULE_LINES}: split it by use case (an actions/ or views/"
        " package with one module per use case)"
    ]
