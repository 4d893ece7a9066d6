"""Uploaded evidence goes to a temporary media folder in these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _media(tmp_path: Path):
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield
