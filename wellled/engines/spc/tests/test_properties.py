"""Properties any XmR engine must have, checked on random data with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wellled.engines.spc import PROFILES, XmrResult, xmr

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
profiles = st.sampled_from(sorted(PROFILES))
directions = st.sampled_from(["increase", "decrease", "neither"])
series = st.lists(st.integers(-40, 40), min_size=1, max_size=40)

LINES = ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma")


def clear_of_ties(r: XmrResult, target: float | None = None) -> bool:
    """No value (or target) within rounding error of a line it is compared with."""
    scale = 1.0 + float(np.max(np.abs(r.value)))
    for name in LINES:
        line = getattr(r, name)
        gap = np.abs(r.value - line)
        if np.any(np.isfinite(gap) & (gap < 1e-9 * scale) & (gap > 0)):
            return False
        if target is not None:
            last = line[r.offsets + r.lengths - 1]
            if np.any(np.abs(last - target) < 1e-9 * scale):
                return False
    return True


@SETTINGS
@given(values=series, shift=st.integers(-1000, 1000), profile=profiles, direction=directions)
def test_limits_move_with_a_constant_added(values, shift, profile, direction) -> None:
    base = xmr(values, profile=profile, improvement=direction)
    moved = xmr(np.asarray(values, float) + shift, profile=profile, improvement=direction)
    assume(clear_of_ties(base) and clear_of_ties(moved))
    for name in LINES:
        np.testing.assert_allclose(getattr(moved, name), getattr(base, name) + shift, atol=1e-9)
    np.testing.assert_allclose(moved.mean_moving_range, base.mean_moving_range, atol=1e-9)
    assert moved.point_type.tolist() == base.point_type.tolist()
    assert moved.variation.tolist() == base.variation.tolist()


@SETTINGS
@given(values=series, factor=st.sampled_from([0.5, 2.0, 3.0, 10.0]), profile=profiles)
def test_limits_scale_with_the_data(values, factor, profile) -> None:
    base = xmr(values, profile=profile)
    scaled = xmr(np.asarray(values, float) * factor, profile=profile)
    assume(clear_of_ties(base) and clear_of_ties(scaled))
    for name in LINES:
        np.testing.assert_allclose(getattr(scaled, name), getattr(base, name) * factor, atol=1e-9)
    assert scaled.point_type.tolist() == base.point_type.tolist()


@SETTINGS
@given(
    value=st.floats(-1e6, 1e6, allow_nan=False),
    n=st.integers(1, 60),
    profile=profiles,
    direction=directions,
)
def test_a_constant_series_has_no_special_cause(value, n, profile, direction) -> None:
    r = xmr([value] * n, profile=profile, improvement=direction)
    assert set(r.point_type_labels()) == {"common_cause"}
    assert r.variation_labels()[0] == ("common_cause" if r.has_limits[0] else "")


@SETTINGS
@given(values=series, profile=profiles, target=st.integers(-50, 50))
def test_reversing_the_direction_swaps_improvement_and_concern(values, profile, target) -> None:
    up = xmr(values, profile=profile, improvement="increase", target=target)
    down = xmr(values, profile=profile, improvement="decrease", target=target)
    assume(clear_of_ties(up, float(target)))
    high = (up.outside_limits > 0) | (up.shift > 0) | (up.two_sigma > 0) | (up.trend >= 1)
    low = (up.outside_limits < 0) | (up.shift < 0) | (up.two_sigma < 0) | np.isin(up.trend, (-1, 2))
    # Under "improvement wins" (or "concern wins") a point flagged on both sides stays
    # improvement (concern) whichever way is better; precedence gives one side regardless.
    comparable = ~(high & low) if up.profile.conflict != "precedence" else np.ones_like(high)
    swapped = {0: 0, 1: 2, 2: 1}
    assert [swapped[int(t)] for t in up.point_type[comparable]] == down.point_type[
        comparable
    ].tolist()
    flip = {"pass": "fail", "fail": "pass", "hit_or_miss": "hit_or_miss", "": ""}
    assert flip[up.assurance_labels()[0]] == down.assurance_labels()[0]
    if comparable[-1]:
        icon = {
            "improvement_high": "concern_high",
            "concern_low": "improvement_low",
            "common_cause": "common_cause",
            "": "",
        }
        assert icon[up.variation_labels()[0]] == down.variation_labels()[0]


@st.composite
def charts(draw):
    profile = draw(profiles)
    minimum = PROFILES[profile].baseline_min_points
    items = []
    for _ in range(draw(st.integers(1, 8))):
        values = draw(st.lists(st.integers(-20, 20), min_size=1, max_size=30))
        n = len(values)
        rebase = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        baseline = draw(st.sampled_from([0, 0, minimum, n]))
        if baseline and baseline < minimum:
            baseline = 0
        target = draw(st.one_of(st.none(), st.integers(-25, 25)))
        items.append((values, rebase, baseline, draw(directions), target))
    return profile, items


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@SETTINGS
@given(chart=charts())
def test_many_series_at_once_equal_one_series_at_a_time(chart) -> None:
    profile, items = chart
    together = xmr(
        [v for item in items for v in item[0]],
        lengths=[len(item[0]) for item in items],
        rebase=[r for item in items for r in item[1]],
        baseline=[item[2] for item in items],
        improvement=[item[3] for item in items],
        target=[item[4] for item in items],
        profile=profile,
    )
    for i, (values, rebase, baseline, direction, target) in enumerate(items):
        alone = xmr(
            values,
            rebase=rebase,
            baseline=baseline,
            improvement=direction,
            target=target,
            profile=profile,
        )
        part = together.series_slice(i)
        for name in (
            *LINES,
            "moving_range",
            "segment",
            "point_type",
            "signal_side",
            "outside_limits",
            "shift",
            "trend",
            "two_sigma",
        ):
            assert same(getattr(together, name)[part], getattr(alone, name)), name
        assert together.variation[i] == alone.variation[0]
        assert together.assurance[i] == alone.assurance[0]
        assert together.series_warnings(i) == alone.series_warnings(0)


@SETTINGS
@given(values=series, profile=profiles, direction=directions)
def test_rebasing_at_the_first_date_is_no_rebase(values, profile, direction) -> None:
    rebase = np.zeros(len(values), dtype=bool)
    rebase[0] = True
    a = xmr(values, profile=profile, improvement=direction)
    b = xmr(values, profile=profile, improvement=direction, rebase=rebase)
    for name in (*LINES, "point_type", "segment"):
        assert same(getattr(a, name), getattr(b, name))
    assert a.variation.tolist() == b.variation.tolist()


@SETTINGS
@given(
    rows=st.integers(1, 30),
    cols=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    profile=profiles,
)
def test_a_2d_array_is_one_series_per_row(rows, cols, seed, profile) -> None:
    data = np.random.default_rng(seed).integers(0, 9, size=(rows, cols)).astype(float)
    grid = xmr(data, profile=profile)
    flat = xmr(data.reshape(-1), lengths=[cols] * rows, profile=profile)
    assert same(grid.upl, flat.upl)
    assert grid.point_type.tolist() == flat.point_type.tolist()
    assert grid.variation.tolist() == flat.variation.tolist()
