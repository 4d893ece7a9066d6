"""The import rules between apps and between an app's layers hold, and would catch a break.

The contracts are in pyproject.toml ([tool.importlinter]); .ci/run also runs `lint-imports`
itself. Here they run on the real tree (about two seconds), on a planted copy of the tree's
shape with nothing wrong, and on the same copy with one break per contract, so a contract
that silently stopped matching anything would fail a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.architecture_checks import REPO, report
from tests.import_contracts import contracts, module_file, run_lint_imports, where_broken

pytestmark = pytest.mark.source_rules

WELLLED = REPO / "wellled"


def apps() -> set[str]:
    return {p.parent.name for p in WELLLED.glob("*/__init__.py") if (p.parent / "apps.py").exists()}


def listed_in(contract_id: str, key: str) -> str:
    """A list option of one contract, as one string to search."""
    (contract,) = (c for c in contracts() if c["id"] == contract_id)
    listed = contract[key]
    assert isinstance(listed, list)
    return " ".join(map(str, listed))


def named_in(contract_id: str, key: str) -> set[str]:
    """The apps a contract's list names (wellled.x or wellled.x.y both name x)."""
    return set(re.findall(r"\bwellled\.(\w+)", listed_in(contract_id, key)))


def test_the_import_contracts_hold() -> None:
    result = run_lint_imports(REPO)
    if result.returncode != 0:
        pytest.fail(
            f"{result.stdout}{result.stderr}\n{report(where_broken(result.stdout))}",
            pytrace=False,
        )


def test_every_app_is_placed_in_every_contract() -> None:
    # A new app left out of the lists would be free of the rules without anyone noticing.
    placed = named_in("apps-direction", "layers")
    assert apps() - placed == set()
    assert apps() - named_in("app-layers", "containers") == set()
    assert apps() - named_in("engines-standalone", "forbidden_modules") == set()
    assert "engines" in placed and "engines" not in apps()


def test_every_page_module_is_placed_in_the_app_layers() -> None:
    # Layer names cannot be patterns, so a new audit_views.py or reports_urls.py would sit
    # outside the layers, free of their rules, unless someone lists it.
    listed = set(re.findall(r"\w+", listed_in("app-layers", "layers")))
    pages = {
        path.stem
        for path in WELLLED.glob("*/*")
        if re.fullmatch(r"\w+_(views|urls)", path.stem)
        and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert pages - listed == set(), "add these to app-layers' top layers in pyproject.toml"


# Planted ---------------------------------------------------------------------------------

PLANTED = "planted"


def planted_config(tmp_path: Path) -> Path:
    """pyproject.toml's contracts, aimed at a package named `planted` instead of wellled."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    section = text[text.index("[tool.importlinter]") :]
    section = re.sub(r"\bwellled(?=\.[\w*])", PLANTED, section)
    section = section.replace('"wellled"', f'"{PLANTED}"')
    config = tmp_path / "pyproject.toml"
    config.write_text(section, encoding="utf-8")
    return config


def plant_tree(tmp_path: Path) -> Path:
    """Empty modules in wellled's shape: every package and every module directly in one."""
    for path in WELLLED.rglob("*.py"):
        rel = path.relative_to(WELLLED)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        target = tmp_path / PLANTED / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("", encoding="utf-8")
    return tmp_path / PLANTED


def write(package: Path, name: str, source: str) -> None:
    target = package / name
    if target.with_suffix("").is_dir():  # the module has become a package in the real tree
        target = target.with_suffix("") / "__init__.py"
    target.write_text(source, encoding="utf-8")


def test_the_contracts_pass_on_a_planted_tree_with_nothing_wrong(tmp_path: Path) -> None:
    package = plant_tree(tmp_path)
    # Imports that every rule allows: downwards, between layers and between apps.
    write(package, "complaints/views.py", "from planted.complaints import actions, forms\n")
    write(package, "complaints/actions.py", "from planted.complaints import queries\n")
    write(package, "complaints/queries.py", "from planted.organisation import access\n")
    write(package, "learning/queries.py", "from planted.complaints import models\n")
    write(package, "reports/charting.py", "from planted.engines import spc\n")

    result = run_lint_imports(tmp_path, planted_config(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_a_planted_break_of_each_contract_is_reported_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = plant_tree(tmp_path)
    write(package, "engines/planted_engine.py", "import math\n\nimport django.conf\n")
    write(package, "core/models.py", "from planted.organisation import access\n")
    write(package, "reports/queries.py", "from planted.reports import actions\n")
    # A cycle dodged with a function-level import is still a cycle.
    write(
        package,
        "complaints/planted_a.py",
        "def f():\n    from planted.complaints import planted_b\n",
    )
    write(package, "complaints/planted_b.py", "from planted.complaints import planted_a\n")

    result = run_lint_imports(tmp_path, planted_config(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    where = {str(v) for v in where_broken(result.stdout, root=tmp_path)}

    def at(importer: str, line: int, rule: str, imported: str, more: str = "") -> str:
        path = module_file(f"planted.{importer}", tmp_path)
        return f"{path}:{line}: [{rule}] planted.{importer} imports {imported}{more}"

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Contracts: 0 kept, {len(contracts())} broken." in result.stdout
    assert where >= {
        at("engines.planted_engine", 3, "engines-standalone", "django"),
        at("core.models", 1, "apps-direction", "planted.organisation.access"),
        at("reports.queries", 1, "app-layers", "planted.reports.actions"),
    }
    cycle = ", which closes a cycle in planted.complaints"
    assert where & {
        at("complaints.planted_a", 2, "no-cycles", "planted.complaints.planted_b", cycle),
        at("complaints.planted_b", 1, "no-cycles", "planted.complaints.planted_a", cycle),
    }
