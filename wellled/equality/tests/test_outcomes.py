"""Use case: when a new year arrives the board reads, for each EDI action, whether the
indicator it names changed significantly the intended way, did not, or worsened, and sees
each indicator's trend with its interval."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.equality.improvement_source import KIND
from wellled.equality.outcomes import baseline_year
from wellled.equality.tests.support import COUNTS, store_year
from wellled.improvement import actions

pytestmark = pytest.mark.django_db

# Recruitment nearly equal; BME staff's disciplinary rate doubled.
LATER = (
    COUNTS.replace("appointed,white,600", "appointed,white,560")
    .replace("appointed,bme,120", "appointed,bme,225")
    .replace("entered_formal_process,bme,20", "entered_formal_process,bme,60")
)


def raise_on(trust: Trust, indicator: str, raised_on: datetime.date) -> Any:
    return actions.raise_action(
        acting_user=trust.people["edi_lead"],
        source_kind=KIND,
        source_id=indicator,
        title=f"Action on {indicator}",
        owner=trust.people["edi_lead"],
        due_on=raised_on + datetime.timedelta(days=300),
        raised_on=raised_on,
    )


def test_the_baseline_is_the_last_snapshot_before_the_action() -> None:
    assert baseline_year(datetime.date(2024, 6, 1), [2023, 2024, 2025]) == 2024
    assert baseline_year(datetime.date(2024, 3, 30), [2023, 2024, 2025]) == 2023
    assert baseline_year(datetime.date(2022, 1, 1), [2023, 2024]) is None


def test_the_board_reads_which_actions_indicators_moved(trust: Trust, client_for: Any) -> None:
    store_year(2024)
    store_year(2025, LATER)
    raise_on(trust, "WRES:2", datetime.date(2024, 6, 1))
    raise_on(trust, "WRES:3", datetime.date(2024, 6, 1))
    raise_on(trust, "WRES:4", datetime.date(2024, 6, 1))  # no training figures held
    raise_on(trust, "WRES:5", datetime.date(2025, 5, 1))  # after the latest year
    raise_on(trust, "WRES:8", datetime.date(2024, 6, 1))  # BME answers under 11: suppressed
    html = client_for("board_member").get(reverse("equality:report", args=["WRES", 2025]))
    text = html.content.decode()
    assert "1 action: indicator improved significantly" in text
    assert "1 action: indicator worsened significantly" in text
    assert "2 actions: not enough data to compare" in text
    assert "2024 to 2025: 2.00 to 1.00" in text  # the ratios compared
    assert "1 action: waiting for a later year&#x27;s figures" in text
    # As of 2024 nothing can be judged yet: every action was raised after that snapshot.
    earlier = client_for("board_member").get(reverse("equality:report", args=["WRES", 2024]))
    assert "5 actions: waiting for a later year&#x27;s figures" in earlier.content.decode()


def test_a_survey_indicator_is_judged_on_the_protected_groups_percentage(
    trust: Trust, client_for: Any
) -> None:
    store_year(2024)
    store_year(2025, COUNTS.replace("survey_5_positive,bme,100", "survey_5_positive,bme,60"))
    raise_on(trust, "WRES:5", datetime.date(2024, 6, 1))
    page = client_for("board_member").get(reverse("equality:report", args=["WRES", 2025]))
    text = page.content.decode()
    assert "1 action: indicator improved significantly" in text  # 25% to 15%: aim lower
    assert "2024 to 2025: 25.0% to 15.0%" in text


def test_each_ratio_is_drawn_across_the_years_with_its_interval(
    trust: Trust, client_for: Any
) -> None:
    store_year(2023)
    store_year(2024, LATER)
    page = client_for("edi_lead").get(reverse("equality:report", args=["WRES", 2024]))
    text = page.content.decode()
    assert 'aria-labelledby="trend-WRES-2-title trend-WRES-2-desc"' in text
    assert "WRES indicator 2: the ratio each year with its 95% interval" in text
    assert "<li>2023: 2.00 (95% interval" in text  # the figures in words, beside the chart
    # One year only: nothing to draw.
    single = client_for("edi_lead").get(reverse("equality:report", args=["WRES", 2023]))
    assert "trend-WRES-2-title" not in single.content.decode()
