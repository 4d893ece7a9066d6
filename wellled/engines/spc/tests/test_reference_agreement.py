"""The vectorised engine against the loop-by-loop reference (tests/reference.py) on random data."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.engines.spc import PROFILES, xmr
from wellled.engines.spc.tests.reference import reference_chart

variants = st.fixed_dictionaries(
    {
        "conflict": st.sampled_from(["improvement", "concern", "precedence"]),
        "screen_mr_outliers": st.sampled_from(["off", "nhsr", "sql"]),
        "baseline_mode": st.sampled_from(["baseline_only", "first_partition", "per_segment"]),
        "shift_crosses_rebase": st.booleans(),
        "trend_crosses_rebase": st.booleans(),
        "two_sigma_crosses_rebase": st.booleans(),
        "two_sigma_includes_beyond_limit": st.booleans(),
        "assurance_edge": st.sampled_from(["inclusive", "strict"]),
        "variation_from": st.sampled_from(["last_point", "last_special_cause"]),
        "shift_points": st.integers(5, 8),
        "trend_points": st.integers(5, 8),
        "min_points": st.sampled_from([1, 13, 15]),
        "baseline_min_points": st.just(2),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(PROFILES)),
    changes=st.one_of(st.just({}), variants),
    values=st.lists(st.integers(0, 12), min_size=1, max_size=40),
    data=st.data(),
)
def test_engine_equals_the_reference(name, changes, values, data) -> None:
    profile = PROFILES[name].replace(**changes)
    n = len(values)
    rebase = set(data.draw(st.lists(st.integers(0, n - 1), max_size=3)))
    baseline = data.draw(st.one_of(st.just(0), st.integers(2, n + 2)))
    if baseline < profile.baseline_min_points:
        baseline = 0
    direction = data.draw(st.sampled_from(["increase", "decrease", "neither"]))
    target = data.draw(st.one_of(st.none(), st.integers(-2, 14).map(float)))
    mask = np.zeros(n, dtype=bool)
    mask[list(rebase)] = True

    got = xmr(
        values,
        rebase=mask,
        baseline=baseline,
        improvement=direction,
        target=target,
        profile=profile,
    )
    want = reference_chart(
        [float(v) for v in values],
        prof=profile,
        improvement=direction,
        rebase=rebase,
        baseline=baseline,
        target=target,
    )

    np.testing.assert_allclose(got.mean, want.mean, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got.upl, want.upl, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got.lpl, want.lpl, rtol=1e-12, equal_nan=True)
    assert got.point_type_labels().tolist() == want.point_type
    assert got.variation_labels()[0] == want.variation
    assert got.assurance_labels()[0] == want.assurance
