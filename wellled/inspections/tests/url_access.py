"""Who may open each URL of inspections: merged into tests/test_url_permissions.py."""

from __future__ import annotations

from tests.url_access_groups import Access, Samples

ACCESS: Access = {}
SAMPLES: Samples = {}
