"""The board member's home page: the IPR's summary matrix as counts, and the measures
that changed status last month, read from the same charts as the IPR."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta

from wellled.core.testing import Trust
from wellled.reports.overview import performance_overview
from wellled.reports.queries import last_month
from wellled.reports.tests.support import load_values, make_metric

pytestmark = pytest.mark.django_db

STEADY = [50.0, 52, 49, 51, 50, 48, 52, 51, 49, 50, 51, 50, 49, 52, 50, 51]
# The same months, with last month far above the limits: special cause appears.
JUMPED = [*STEADY[:-1], 90.0]


def _measures(trust: Trust) -> None:
    start = last_month() - relativedelta(months=len(STEADY) - 1)
    load_values(make_metric(trust, name="Falls", domain="safe"), STEADY, start=start)
    waits = make_metric(trust, name="Waits", domain="responsive", target=60.0)
    load_values(waits, JUMPED, start=start)


def test_the_home_page_counts_the_matrix_and_names_what_changed(trust: Trust, client_for) -> None:
    _measures(trust)
    panel = performance_overview(trust.people["board_member"])
    assert panel is not None and panel.table is not None
    assert panel.table.columns == ("Failing", "Hit or miss", "Passing", "No target")
    # Waits rose into concern with its target inside the limits; falls is steady.
    assert panel.table.rows == (
        ("Concern", ("0", "1", "0", "0")),
        ("No change", ("0", "0", "0", "1")),
    )
    assert panel.table.caption.startswith("2 measures")
    labels = [(row.label, row.value, row.alert) for row in panel.rows]
    assert labels[0] == (f"Changed status in {last_month():%B}", "1", False)
    assert labels[1] == ("Waits", "now concern, high values", True)

    page = client_for("board_member").get("/").content.decode()
    assert (
        "Changed status in" in page
        and '<th scope="col" class="nhsuk-table__header">Variation</th>' in page
    )


def test_nothing_changed_is_said_plainly(trust: Trust) -> None:
    start = last_month() - relativedelta(months=len(STEADY) - 1)
    load_values(make_metric(trust, name="Falls", domain="safe"), STEADY, start=start)
    panel = performance_overview(trust.people["board_member"])
    assert panel is not None
    assert [(row.label, row.value) for row in panel.rows] == [
        (f"Changed status in {last_month():%B}", "0")
    ]


def test_staff_who_read_no_board_pack_get_no_performance_panel(trust: Trust) -> None:
    _measures(trust)
    assert performance_overview(trust.people["staff_member"]) is None
