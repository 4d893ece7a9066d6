"""The register, an inspection's page and the board summary cost the same number of
queries however many rows they show: counts and actions come in with the rows."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

from wellled.core.testing import Trust
from wellled.inspections.models import Inspection
from wellled.inspections.tests.support import D, finding, inspection, plan

pytestmark = pytest.mark.django_db

CountQueries = Callable[..., AbstractContextManager[object]]


def _queries_for(client: Client, url: str, django_assert_max_num_queries: CountQueries) -> int:
    """How many queries the page takes (it must answer 200)."""
    with django_assert_max_num_queries(10_000) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)  # type: ignore[attr-defined]


def _add_rows(trust: Trust, record: Inspection, count: int, start: int) -> None:
    """`count` more findings on the inspection, each with an action (half overdue)."""
    for n in range(start, start + count):
        found = finding(record, reference=f"MD{n}")
        due = D(2020, 1, 1) if n % 2 else D(2030, 1, 1)
        plan(trust, found, title=f"Action {n}", due_on=due, raised_on=D(2019, 6, 1), milestones=[])


def _add_inspections(trust: Trust, count: int, start: int) -> None:
    for n in range(start, start + count):
        record = inspection(trust, title=f"Inspection {n}")
        _add_rows(trust, record, 1, n * 10)


@pytest.mark.parametrize("url", ["/inspections/", "/inspections/board/"])
def test_the_register_and_board_do_not_grow_with_inspections(
    trust: Trust, client_for, django_assert_max_num_queries: CountQueries, url: str
) -> None:
    client = client_for("governance_lead")
    _add_inspections(trust, 1, 1)
    one = _queries_for(client, url, django_assert_max_num_queries)
    _add_inspections(trust, 5, 2)
    assert _queries_for(client, url, django_assert_max_num_queries) == one


def test_an_inspection_page_does_not_grow_with_findings(
    trust: Trust, client_for, django_assert_max_num_queries: CountQueries
) -> None:
    client = client_for("governance_lead")
    record = inspection(trust)
    _add_rows(trust, record, 1, 1)
    url = f"/inspections/{record.pk}/"
    one = _queries_for(client, url, django_assert_max_num_queries)
    _add_rows(trust, record, 5, 2)
    assert _queries_for(client, url, django_assert_max_num_queries) == one
