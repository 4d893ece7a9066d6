"""The engines must run in a notebook with no Django project around them.

What the engines' modules import is the `engines-standalone` import-linter contract in
pyproject.toml (run by tests/test_import_contracts.py and by .ci/run): no Django, no
framework, no other part of wellled. This test checks what that cannot see: that importing
every engine module in a fresh interpreter, third-party imports and all, loads no Django.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.source_rules


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
