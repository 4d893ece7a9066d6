"""Properties every relative likelihood and test must have, checked with hypothesis."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wellled.engines.equality import (
    BME,
    WHITE,
    Employee,
    fisher_exact_p,
    likelihood_change,
    pay_gap,
    relative_likelihood,
    survey_indicator,
    two_proportion_test,
    wres,
)
from wellled.engines.equality.paygap import quartiles

from .support import known

# No example database: it would write a .hypothesis folder into the checkout.
checked = settings(max_examples=300, deadline=None, database=None)


@st.composite
def group(draw: st.DrawFn, max_total: int = 5000) -> tuple[int, int]:
    total = draw(st.integers(0, max_total))
    return draw(st.integers(0, total)), total


@checked
@given(a=group(), b=group(), confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_swapping_the_groups_inverts_the_ratio_and_the_interval(a, b, confidence) -> None:
    forward = relative_likelihood(*a, *b, confidence=confidence)
    back = relative_likelihood(*b, *a, confidence=confidence)
    assert forward.insufficient == back.insufficient
    if forward.insufficient:
        return
    assert math.isclose(known(forward.ratio) * known(back.ratio), 1, rel_tol=1e-9)
    assert math.isclose(known(forward.ci_low) * known(back.ci_high), 1, rel_tol=1e-9)
    assert math.isclose(known(forward.ci_high) * known(back.ci_low), 1, rel_tol=1e-9)
    assert forward.significant == back.significant
    assert forward.swapped == back
    # The band is symmetric on the log scale (0.80 = 1 / 1.25), so it flags both ways alike
    # except where rounding puts a ratio exactly on an edge.
    on_edge = any(math.isclose(known(forward.ratio), edge) for edge in (0.8, 1.25))
    assert forward.outside_band == back.outside_band or on_edge
    if forward.fisher_p is not None:
        assert math.isclose(forward.fisher_p, known(back.fisher_p), rel_tol=1e-9)


@checked
@given(a=group(), b=group(), confidence=st.sampled_from([0.8, 0.95, 0.99]))
def test_the_interval_contains_the_ratio_and_widens_with_confidence(a, b, confidence) -> None:
    r = relative_likelihood(*a, *b, confidence=confidence)
    assume(not r.insufficient)
    low, ratio, high = known(r.ci_low), known(r.ratio), known(r.ci_high)
    assert 0 < low <= ratio <= high
    wider = relative_likelihood(*a, *b, confidence=0.999)
    assert known(wider.ci_low) <= low and high <= known(wider.ci_high)


@checked
@given(a=group(), b=group())
def test_no_events_or_no_people_in_either_group_is_insufficient_data(a, b) -> None:
    r = relative_likelihood(*a, *b)
    empty = 0 in (a[0], a[1], b[0], b[1])
    assert r.insufficient == empty
    if empty:
        assert (r.ratio, r.ci_low, r.ci_high) == (None, None, None)
        assert not r.significant and not r.outside_band


@checked
@given(a=group(60), b=group(60))
def test_fisher_p_is_a_probability_and_ignores_which_row_comes_first(a, b) -> None:
    table = (a[0], a[1] - a[0], b[0], b[1] - b[0])
    p = fisher_exact_p(*table)
    assert 0 <= p <= 1
    assert math.isclose(p, fisher_exact_p(table[2], table[3], table[0], table[1]), rel_tol=1e-9)
    # The transposed table has the same margins swapped, so the same p.
    assert math.isclose(p, fisher_exact_p(table[0], table[2], table[1], table[3]), rel_tol=1e-9)


@checked
@given(first=group(2000).filter(lambda g: g[1] > 0), second=group(2000).filter(lambda g: g[1] > 0))
def test_the_two_proportion_test_is_antisymmetric(first, second) -> None:
    forward = two_proportion_test(*first, *second)
    back = two_proportion_test(*second, *first)
    assert math.isclose(forward.difference, -back.difference, abs_tol=1e-12)
    if forward.z is None:
        assert back.z is None and not forward.significant
    else:
        assert math.isclose(forward.z, -known(back.z), abs_tol=1e-9)
        assert math.isclose(known(forward.p_value), known(back.p_value), abs_tol=1e-12)


pay = st.floats(5, 200, allow_nan=False).map(lambda x: round(x, 2))
people = st.lists(st.tuples(st.sampled_from(["male", "female"]), pay), min_size=1, max_size=80)


@checked
@given(staff=people)
def test_quartiles_split_everyone_into_four_near_equal_bands(staff) -> None:
    employees = [Employee(group, rate) for group, rate in staff]
    bands = quartiles(employees, ("male", "female"))
    assert len(bands) == 4
    for band in bands:
        total = sum(band.values())
        assert math.isclose(total, 100) or total == 0


@checked
@given(staff=people)
def test_the_same_pay_for_both_groups_means_no_gap(staff) -> None:
    # All the men first: a stable sort alone would keep them ahead of the women on each rate.
    employees = [Employee(g, rate) for g in ("male", "female") for _, rate in staff]
    gap = pay_gap(employees)
    assert math.isclose(known(gap.mean_gap), 0, abs_tol=1e-9)
    assert math.isclose(known(gap.median_gap), 0, abs_tol=1e-9)
    n = len(employees)
    for k, band in enumerate(gap.quartiles):
        # Ties are spread evenly (reg 13(2)): every rate is shared by as many men as
        # women, so a band can lean by at most one person at each of its two edges.
        size = (k + 1) * n // 4 - k * n // 4
        assert abs(band["male"] - band["female"]) * size / 100 <= 2 + 1e-9


@checked
@given(a=group(3000), b=group(3000), c=group(3000), d=group(3000))
def test_a_change_read_backwards_is_the_opposite_verdict(a, b, c, d) -> None:
    before, after = relative_likelihood(*a, *b), relative_likelihood(*c, *d)
    forward, backward = likelihood_change(before, after), likelihood_change(after, before)
    opposite = {
        "improved": "worsened",
        "worsened": "improved",
        "no_significant_change": "no_significant_change",
        "not_comparable": "not_comparable",
    }
    # Equal distance from 1 on either side (e.g. 0.8 and 1.25) is neither better nor worse.
    assume(before.insufficient or after.insufficient
           or not math.isclose(abs(math.log(known(before.ratio))),
                               abs(math.log(known(after.ratio)))))  # fmt: skip
    assert backward.verdict == opposite[forward.verdict]


@checked
@given(
    bme=st.integers(0, 30).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    white=st.integers(0, 30).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_a_group_under_11_responses_reveals_nothing(bme, white) -> None:
    result = survey_indicator(wres.INDICATOR_7, current={BME: bme, WHITE: white})
    for key, (_, responses) in ((BME, bme), (WHITE, white)):
        figure = result.figure(key)
        assert figure.suppressed == (responses < 11)
        if figure.suppressed:
            assert (figure.percent, figure.positive, figure.responses) == (None, None, None)
    assert (result.between is None) == (bme[1] < 11 or white[1] < 11)
