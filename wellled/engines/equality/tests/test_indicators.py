"""The indicators' keys, directions, declarations and refusals of impossible counts."""

from __future__ import annotations

import pytest

from wellled.engines.equality import (
    INDICATORS,
    CountError,
    UnknownIndicatorError,
    get_indicator,
    likelihood_change,
    pool,
    wdes,
    wres,
)

from .support import known


def test_every_official_number_is_a_key_with_its_version() -> None:
    wres_numbers = [n for (s, n, v) in INDICATORS if s == "WRES"]
    assert wres_numbers == [str(n) for n in range(1, 10)]
    wdes_numbers = [n for (s, n, v) in INDICATORS if s == "WDES"]
    assert wdes_numbers[:3] == ["1", "2", "3"] and wdes_numbers[-1] == "10"
    assert get_indicator("wres", 2) is wres.INDICATOR_2
    assert get_indicator("WDES", "3", "2023") is wdes.METRIC_3
    with pytest.raises(UnknownIndicatorError, match="known: WRES 1"):
        get_indicator("WRES", 10)


def test_indicator_2_puts_white_applicants_on_top() -> None:
    # White 30% appointed, BME 15%: White applicants twice as likely, adverse to BME.
    r = wres.indicator_2(
        white_shortlisted=1000, white_appointed=300, bme_shortlisted=400, bme_appointed=60
    )
    assert r.ratio == pytest.approx(2.0)
    assert r.indicator is wres.INDICATOR_2 and r.indicator.adverse(known(r.ratio))
    assert r.outside_band and r.significant and r.fisher_p is None


def test_indicator_3_puts_bme_staff_on_top() -> None:
    r = wres.indicator_3(
        bme_staff=1000, bme_disciplinary=20, white_staff=3000, white_disciplinary=30
    )
    assert r.ratio == pytest.approx(2.0)
    assert r.sentence() == (
        "BME staff are 2.00 times as likely as White staff "
        "to enter the formal disciplinary process."
    )


def test_indicator_4_puts_white_staff_on_top() -> None:
    r = wres.indicator_4(white_staff=3000, white_trained=900, bme_staff=1000, bme_trained=300)
    assert r.ratio == pytest.approx(1.0) and not r.outside_band and not r.significant


def test_wdes_metric_2_and_3_directions() -> None:
    m2 = wdes.metric_2(
        non_disabled_shortlisted=900,
        non_disabled_appointed=270,
        disabled_shortlisted=100,
        disabled_appointed=15,
    )
    assert (
        m2.ratio == pytest.approx(2.0)
        and known(m2.indicator).numerator == "Non-disabled applicants"
    )
    m3 = wdes.metric_3(
        disabled_staff=200,
        disabled_capability=4,
        non_disabled_staff=4000,
        non_disabled_capability=20,
    )
    assert m3.ratio == pytest.approx(4.0) and known(m3.indicator).numerator == "Disabled staff"
    assert m3.small_counts  # 24 cases among 4,200 people: expected Disabled cases about 1


def test_unknowns_are_left_out_of_the_ratio_and_reported_as_a_declaration_rate() -> None:
    with_unknowns = wres.indicator_4(
        white_staff=3000, white_trained=900, bme_staff=1000, bme_trained=200, unknown_staff=250
    )
    without = wres.indicator_4(white_staff=3000, white_trained=900, bme_staff=1000, bme_trained=200)
    assert with_unknowns.ratio == without.ratio
    assert known(with_unknowns.declaration).rate == pytest.approx(4000 / 4250)
    assert without.declaration is None


@pytest.mark.parametrize(
    "counts",
    [
        {"white_shortlisted": 10, "white_appointed": 11, "bme_shortlisted": 5, "bme_appointed": 1},
        {"white_shortlisted": 10, "white_appointed": -1, "bme_shortlisted": 5, "bme_appointed": 1},
        {"white_shortlisted": 10, "white_appointed": 2.5, "bme_shortlisted": 5, "bme_appointed": 1},
        {"white_shortlisted": True, "white_appointed": 1, "bme_shortlisted": 5, "bme_appointed": 1},
    ],
)
def test_counts_that_cannot_describe_people_are_refused(counts) -> None:
    with pytest.raises(CountError):
        wres.indicator_2(**counts)


def test_counts_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        wres.indicator_2(10, 5, 10, 5)  # type: ignore[misc]


def test_the_rolling_average_pools_two_years_counts() -> None:
    this_year = {
        "bme_staff": 700,
        "bme_disciplinary": 6,
        "white_staff": 2500,
        "white_disciplinary": 10,
    }
    last_year = {
        "bme_staff": 650,
        "bme_disciplinary": 3,
        "white_staff": 2520,
        "white_disciplinary": 9,
    }
    r = wres.indicator_3(**pool(this_year, last_year))  # type: ignore[arg-type]
    assert r.ratio == pytest.approx((9 / 1350) / (19 / 5020))
    with pytest.raises(ValueError, match="same counts"):
        pool(this_year, {"bme_staff": 1})


def test_a_ratio_falling_from_well_above_the_band_is_a_significant_improvement() -> None:
    before = wres.indicator_2(
        white_shortlisted=2000, white_appointed=600, bme_shortlisted=800, bme_appointed=120
    )
    after = wres.indicator_2(
        white_shortlisted=2000, white_appointed=560, bme_shortlisted=900, bme_appointed=225
    )
    change = likelihood_change(before, after)
    assert before.ratio == pytest.approx(2.0) and after.ratio == pytest.approx(1.12)
    assert change.verdict == "improved" and change.significant
    assert likelihood_change(after, before).verdict == "worsened"
    assert likelihood_change(before, before).verdict == "no_significant_change"


def test_a_small_move_is_no_significant_change_and_missing_data_is_not_comparable() -> None:
    before = wres.indicator_2(
        white_shortlisted=389, white_appointed=117, bme_shortlisted=10, bme_appointed=2
    )
    after = wres.indicator_2(
        white_shortlisted=380, white_appointed=110, bme_shortlisted=12, bme_appointed=3
    )
    assert likelihood_change(before, after).verdict == "no_significant_change"
    none = wres.indicator_2(
        white_shortlisted=380, white_appointed=110, bme_shortlisted=12, bme_appointed=0
    )
    assert none.insufficient and none.sentence() == (
        "Not enough data to compare White applicants with BME applicants: "
        "a group has no one to be appointed from shortlisting."
    )
    assert likelihood_change(before, none).verdict == "not_comparable"


def test_everyone_having_the_event_both_years_is_no_change_not_an_error() -> None:
    """Found by hypothesis: every group's events equal its total makes the log SE zero."""
    full = wres.indicator_4(white_staff=5, white_trained=5, bme_staff=3, bme_trained=3)
    assert full.ratio == 1 and full.ci_low == full.ci_high == 1
    assert likelihood_change(full, full).verdict == "no_significant_change"
