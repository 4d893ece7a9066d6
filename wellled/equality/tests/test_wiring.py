"""Use case: the board reads WRES and WDES beside the trust's other measures, in the
catalogue and the IPR, and as live evidence on the well-led statement on workforce
equality; staff see neither."""

from __future__ import annotations

import datetime

import pytest

from wellled.assurance.panels import panels_for
from wellled.core.testing import Trust
from wellled.equality.tests.support import store_year
from wellled.reports.sources import get_source

pytestmark = pytest.mark.django_db

STATEMENT = "workforce-equality-diversity-and-inclusion"


def test_each_indicator_is_a_metric_source_with_one_value_a_year(trust: Trust) -> None:
    store_year(2024)
    source = get_source("equality.wres_2")
    assert source.domain == "equality" and source.frequency == "monthly"
    assert source.improvement == "neither"  # nearer 1 from either side
    values = dict(source.compute(datetime.date(2023, 1, 1), datetime.date(2024, 12, 1), None))
    assert values[datetime.date(2024, 3, 1)] == pytest.approx(2.0)  # 0.3 / 0.15
    assert values[datetime.date(2023, 3, 1)] is None  # not held
    assert values[datetime.date(2024, 4, 1)] is None  # annual: March only
    # The figures are the whole trust's: a site has none of its own.
    below = source.compute(datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), trust.site)
    assert below == [(datetime.date(2024, 3, 1), None)]
    whole = source.compute(datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), trust.trust)
    assert whole[0][1] == pytest.approx(2.0)
    survey = get_source("equality.wres_5")
    assert survey.unit == "%" and survey.improvement == "decrease"
    assert "BME staff" in survey.title
    assert get_source("equality.wdes_4a_iii").improvement == "decrease"


def test_the_well_led_statement_shows_the_latest_year_to_leaders_only(trust: Trust) -> None:
    store_year(2023)
    store_year(2024)
    (panel,) = [
        p
        for p in panels_for(trust.people["board_member"], "saf_2024_statements", STATEMENT)
        if p.module == "Workforce equality"
    ]
    labels = [row.label for row in panel.rows]
    assert "WRES indicator 2 (2024)" in labels and "WRES indicator 2 (2023)" not in labels
    recruitment = panel.rows[labels.index("WRES indicator 2 (2024)")]
    assert recruitment.value.startswith("2.00 (95% interval")
    assert "outside the 0.80 to 1.25 band" in recruitment.value
    assert recruitment.href == "/equality/WRES/2024/"
    staff = panels_for(trust.people["staff_member"], "saf_2024_statements", STATEMENT)
    assert not [p for p in staff if p.module == "Workforce equality"]
    other = panels_for(trust.people["board_member"], "saf_2024_statements", "freedom-to-speak-up")
    assert not [p for p in other if p.module == "Workforce equality"]
