"""The engines must run in a notebook with no Django project around them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINES = Path(__file__).resolve().parent.parent / "wellled" / "engines"


def test_no_engine_module_imports_django() -> None:
    offenders = []
    for path in ENGINES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_the_engines_package_imports_without_django_settings() -> None:
    # A fresh interpreter with no DJANGO_SETTINGS_MODULE, as in a notebook.
    code = (
        "import importlib, pkgutil, wellled.engines as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'wellled.engines.'):\n"
        "    importlib.import_module(m.name)\n"
        "import sys; print('django.conf' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert result.stdout.strip() == "False"
