"""Use case: the IPR charts speak-up measures month by month, with small numbers left out."""

from __future__ import annotations

import datetime

import pytest

from wellled.core.testing import Trust
from wellled.reports.sources import get_source
from wellled.speakup.reporting import (
    anonymous_share,
    concerns_per_month,
    detriment_share,
    register_metric_sources,
    would_speak_up_again_share,
)
from wellled.speakup.tests.test_reporting_support import make_cases

pytestmark = pytest.mark.django_db

APR, MAY, JUN = datetime.date(2025, 4, 1), datetime.date(2025, 5, 1), datetime.date(2025, 6, 1)
# Mondays inside each month, so the week's Monday is in the month.
IN_APR, IN_MAY, IN_JUN = (
    datetime.date(2025, 4, 14),
    datetime.date(2025, 5, 12),
    datetime.date(2025, 6, 9),
)


def test_the_sources_are_registered_for_the_ipr() -> None:
    register_metric_sources()
    register_metric_sources()  # twice is harmless: AppConfig.ready may run again
    for key, unit in (
        ("speakup.concerns_raised", "count"),
        ("speakup.anonymous_share", "%"),
        ("speakup.detriment_share", "%"),
        ("speakup.would_speak_up_again", "%"),
    ):
        source = get_source(key)
        assert source.unit == unit and source.frequency == "monthly"
        assert "WELLLED_SPEAKUP_SUPPRESS_BELOW" in source.definition


def test_concerns_per_month_shows_counts_of_five_or_more(trust: Trust) -> None:
    make_cases(6, IN_APR)
    make_cases(7, IN_MAY)
    make_cases(8, IN_JUN)
    assert concerns_per_month(APR, JUN, None) == [(APR, 6.0), (MAY, 7.0), (JUN, 8.0)]


def test_a_small_month_hides_another_so_the_quarter_gives_nothing_away(trust: Trust) -> None:
    make_cases(6, IN_APR)
    make_cases(7, IN_MAY)
    make_cases(2, IN_JUN)
    assert concerns_per_month(APR, JUN, None) == [(APR, None), (MAY, 7.0), (JUN, None)]
    # The same months hide when asked for one month alone.
    assert concerns_per_month(APR, APR, None) == [(APR, None)]


def test_a_month_with_none_is_zero(trust: Trust) -> None:
    assert concerns_per_month(APR, MAY, None) == [(APR, 0.0), (MAY, 0.0)]


def test_anonymous_share_hides_months_with_few_either_way(trust: Trust) -> None:
    make_cases(6, IN_APR, route="anonymous")
    make_cases(6, IN_APR, route="open")
    make_cases(1, IN_MAY, route="anonymous")
    make_cases(9, IN_MAY, route="open")
    make_cases(6, IN_JUN, route="anonymous")
    make_cases(7, IN_JUN, route="open")
    values = dict(anonymous_share(APR, JUN, None))
    assert values[MAY] is None  # one anonymous concern
    # With May's anonymous count hidden, another month's must hide too (quarter total).
    assert [values[APR], values[JUN]].count(None) == 1
    shown = values[APR] if values[APR] is not None else values[JUN]
    assert shown in (50.0, 46.2)


def test_detriment_share(trust: Trust) -> None:
    for month in (IN_APR, IN_MAY, IN_JUN):
        make_cases(6, month, detriment_reported=True)
        make_cases(18, month)
    assert detriment_share(APR, JUN, None) == [(APR, 25.0), (MAY, 25.0), (JUN, 25.0)]


def test_would_speak_up_again_counts_answers_of_closed_cases(trust: Trust) -> None:
    for month in (IN_APR, IN_MAY, IN_JUN):
        make_cases(6, datetime.date(2025, 1, 6), closed=month, feedback_answer="yes")
        make_cases(6, datetime.date(2025, 1, 6), closed=month, feedback_answer="maybe")
        make_cases(9, datetime.date(2025, 1, 6), closed=month, feedback_answer="blank")
    assert would_speak_up_again_share(APR, JUN, None) == [
        (APR, 50.0),
        (MAY, 50.0),
        (JUN, 50.0),
    ]


def test_only_whole_trust_figures_are_given(trust: Trust) -> None:
    make_cases(9, IN_APR, unit=trust.service)
    assert concerns_per_month(APR, APR, trust.service) == [(APR, None)]
    assert anonymous_share(APR, APR, trust.service) == [(APR, None)]
    assert concerns_per_month(APR, APR, trust.trust) == [(APR, 9.0)]
