"""The API honours ?page_size=, up to a ceiling (docs/architecture.md)."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from wellled.core.pagination import MAX_PAGE_SIZE, Pagination

pytestmark = pytest.mark.django_db


def _size(query: str) -> int | None:
    return Pagination().get_page_size(Request(APIRequestFactory().get(f"/x/{query}")))


def test_page_size_is_honoured_and_capped() -> None:
    assert _size("") == 100
    assert _size("?page_size=7") == 7
    assert _size(f"?page_size={MAX_PAGE_SIZE * 10}") == MAX_PAGE_SIZE
    # Nonsense falls back to the default rather than failing.
    assert _size("?page_size=lots") == 100


def test_a_complaints_manager_pages_the_caseload_two_at_a_time(trust, api_for) -> None:
    from wellled.complaints.tests.support import record

    for _ in range(3):
        record(trust)
    body = api_for("complaints_manager").get("/api/v1/complaints/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page_size=2" in body["next"]
