"""Who may open each URL of the equality app. Merged into tests/test_url_permissions.py."""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import Access, Samples
from wellled.core.testing import Trust

# VIEW_EQUALITY: aggregates for leaders and the EDI lead; IMPORT_EQUALITY: the EDI lead.
VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "edi_lead", "auditor", "operator"}
)
IMPORTERS = frozenset({"edi_lead", "operator"})

ACCESS: Access = {
    "equality:index": VIEWERS,
    "equality:report": VIEWERS,
    "equality:import": IMPORTERS,
    # API: the list is filtered (an empty list is a refusal); a year refuses with 404.
    "equality-year-list": VIEWERS,
    "equality-year-detail": VIEWERS,
}


def _held(trust: Trust) -> Any:
    """WRES 2024, stored once however many samples of one walk ask for it."""
    from wellled.equality.models import EqualityYear
    from wellled.equality.tests.support import store_year

    return EqualityYear.objects.filter(standard="WRES", year=2024).first() or store_year(2024)


def _year(trust: Trust) -> dict[str, Any]:
    held = _held(trust)
    return {"standard": held.standard, "year": held.year}


def _year_id(trust: Trust) -> dict[str, Any]:
    return {"pk": _held(trust).pk}


SAMPLES: Samples = {"equality:report": _year, "equality-year-detail": _year_id}
