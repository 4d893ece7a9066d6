"""Staff survey indicators: group percentages, tests, suppression under 11 responses."""

from __future__ import annotations

import pytest

from wellled.engines.equality import (
    BME,
    DISABLED,
    NON_DISABLED,
    SUPPRESS_BELOW,
    WHITE,
    get_indicator,
    survey_indicator,
    two_proportion_test,
    wdes,
    wres,
)

from .support import known


def test_between_groups_and_year_on_year_for_wres_8() -> None:
    # Discrimination from colleagues: BME 18% this year (was 12%), White 6% (was 6%).
    r = survey_indicator(
        wres.INDICATOR_8,
        current={BME: (90, 500), WHITE: (120, 2000)},
        previous={BME: (60, 500), WHITE: (126, 2100)},
    )
    bme, white = r.figure(BME), r.figure(WHITE)
    assert bme.percent == pytest.approx(18.0) and white.percent == pytest.approx(6.0)
    between = known(r.between)
    assert between.significant and between.difference == pytest.approx(0.12)
    assert r.protected_worse is True
    assert known(bme.change).verdict == "worsened"
    assert known(white.change).verdict == "no_significant_change"


def test_a_higher_percentage_is_better_for_wres_7() -> None:
    r = survey_indicator(
        get_indicator("WRES", 7),
        current={BME: (200, 500), WHITE: (1100, 2000)},
        previous={BME: (150, 500), WHITE: (1100, 2000)},
    )
    assert known(r.figure(BME).change).verdict == "improved"
    assert r.protected_worse is True  # 40% against 55%: lower is worse here


def test_groups_under_11_responses_are_suppressed_with_no_test() -> None:
    assert SUPPRESS_BELOW == 11
    r = survey_indicator(wdes.METRIC_6, current={DISABLED: (3, 10), NON_DISABLED: (40, 200)})
    disabled = r.figure(DISABLED)
    assert disabled.suppressed and disabled.percent is None and disabled.positive is None
    assert r.between is None and r.protected_worse is None
    shown = survey_indicator(wdes.METRIC_6, current={DISABLED: (3, 11), NON_DISABLED: (40, 200)})
    assert not shown.figure(DISABLED).suppressed and shown.between is not None


def test_metric_8_has_one_group_and_no_between_group_test() -> None:
    r = survey_indicator(wdes.METRIC_8, current={DISABLED: (150, 200)})
    assert r.figure(DISABLED).percent == 75 and r.between is None


def test_a_group_with_no_figures_is_not_mistaken_for_a_suppressed_one() -> None:
    r = survey_indicator(wres.INDICATOR_8, current={BME: (2, 9)})
    assert r.figure(BME).suppressed and r.figure(BME).held
    assert r.figure(WHITE).suppressed and not r.figure(WHITE).held


def test_a_workforce_indicator_is_not_a_survey_indicator() -> None:
    with pytest.raises(ValueError, match="not a survey indicator"):
        survey_indicator(wres.INDICATOR_2, current={})


def test_the_two_proportion_z_statistic_by_hand() -> None:
    """z = (p2 - p1) / sqrt(p1 q1 / n1 + p2 q2 / n2) (reference §6.2, Scottish HACE survey
    technical report): 30/100 against 45/100 gives z = 0.15 / sqrt(0.0021 + 0.002475) =
    2.2177, p = 0.0266."""
    t = two_proportion_test(30, 100, 45, 100)
    assert t.z == pytest.approx(2.2177, abs=1e-4)
    assert t.p_value == pytest.approx(0.0266, abs=1e-4) and t.significant
    # A design effect of 2 (weighted data) halves the effective sample: no longer significant.
    assert not two_proportion_test(30, 100, 45, 100, deff1=2, deff2=2).significant
