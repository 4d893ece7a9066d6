"""Persona groups for the URL access matrix.

Each app lists who may open its URLs in `wellled/<app>/tests/url_access.py`
(ACCESS, and SAMPLES for URLs that take arguments); tests/url_matrix.py
merges them, so apps never edit one shared table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wellled.core.testing import PERSONAS, Trust

Access = dict[str, "str | frozenset[str]"]
Samples = dict[str, Callable[[Trust], dict[str, Any]]]

ALL_PERSONAS = frozenset([*PERSONAS, "operator"])
WITH_A_ROLE = ALL_PERSONAS - {"outsider"}
PUBLIC = "public"

ADMINS = frozenset({"trust_admin", "operator"})
AUDITORS = frozenset({"governance_lead", "auditor", "operator"})
STAFF_VIEWERS = frozenset(
    {
        "trust_admin",
        "executive",
        "governance_lead",
        "complaints_manager",
        "service_lead",
        "auditor",
        "operator",
    }
)
COMPLAINTS_STAFF = frozenset({"complaints_manager", "complaints_handler"})
COMPLAINTS_VIEWERS = COMPLAINTS_STAFF | {"service_lead"}
