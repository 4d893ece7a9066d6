"""Each profile option changes exactly the behaviour it names."""

from __future__ import annotations

import numpy as np
import pytest

from wellled.engines.spc import MDC_EXCEL_V5, MDC_SQL_V2, NHSR_0_2_2, xmr
from wellled.engines.spc.tests.cases import mdc_rows, uk_date


def case(name: str) -> list[float]:
    return [float(r["Value"]) for r in mdc_rows()[name]]


def rebase_at(name: str, day: str) -> np.ndarray:
    return np.asarray([uk_date(r["Date"]) == uk_date(day) for r in mdc_rows()[name]])


def test_shift_length_is_six_for_excel_and_seven_for_sql_and_nhsr() -> None:
    # Six points above the mean open this chart and seven below close it.
    values = case("Special cause - shift - ends")
    assert (xmr(values, profile=MDC_EXCEL_V5).shift[:6] == 1).all()
    for profile in (MDC_SQL_V2, NHSR_0_2_2):
        result = xmr(values, profile=profile)
        assert (result.shift[:6] == 0).all()
        assert (result.shift[-7:] == -1).all()


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    values = [8.0, 8, 8, 5, 8, 8, 8, 2, 2, 2, 5, 2, 2, 2]
    assert np.mean(values) == 5.0
    assert (xmr(values).shift == 0).all()
    values[3] = 8.0
    assert (xmr(values).shift[:7] == 1).all()


def test_an_equal_value_breaks_a_trend_unless_the_profile_says_otherwise() -> None:
    values = [5, 1, 2, 3, 3, 4, 5, 6, 2, 4, 3, 5, 4, 3]
    assert (xmr(values).trend == 0).all()
    lenient = MDC_EXCEL_V5.replace(trend_equal_values="continue")
    assert (xmr(values, profile=lenient).trend[1:8] == 1).all()


def test_two_in_three_ignores_points_beyond_the_limit_unless_asked() -> None:
    values = case("Special cause - two-sigma - 2")
    assert xmr(values).point_type_labels()[20] == "common_cause"
    counting = MDC_EXCEL_V5.replace(two_sigma_includes_beyond_limit=True)
    assert xmr(values, profile=counting).two_sigma[20] == -1


def test_the_two_sigma_rule_can_be_switched_off() -> None:
    values = case("Special cause - two-sigma - 1")
    assert (xmr(values).two_sigma != 0).any()
    assert (xmr(values, profile=MDC_EXCEL_V5.replace(two_sigma_rule=False)).two_sigma == 0).all()


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("Special cause crossing recalculations - shift", "shift"),
        ("Special cause crossing recalculations - trend", "trend"),
        ("Special cause crossing recalculations - two-sigma", "two_sigma"),
    ],
)
def test_which_rules_cross_a_recalculation(name: str, column: str) -> None:
    values, rebase = case(name), rebase_at(name, "16/01/2023")
    six = MDC_SQL_V2.replace(shift_points=6, trend_points=6)
    excel = getattr(xmr(values, rebase=rebase), column)
    sql = getattr(xmr(values, rebase=rebase, profile=six), column)
    nhsr = getattr(
        xmr(values, rebase=rebase, profile=NHSR_0_2_2.replace(shift_points=6, trend_points=6)),
        column,
    )
    assert (excel != 0).any()
    # SQL: only the trend crosses; NHSR: nothing crosses.
    assert bool((sql != 0).any()) is (column == "trend")
    assert not (nhsr != 0).any()


def test_conflict_rules() -> None:
    values = case("Special cause conflict - High is good")
    # Points 8-11 fall in a shift below the mean and rise in a trend (MDC document).
    improvement = xmr(values, improvement="increase")
    concern = xmr(values, improvement="increase", profile=MDC_EXCEL_V5.replace(conflict="concern"))
    assert improvement.point_type_labels()[7:11].tolist() == ["special_cause_improvement"] * 4
    assert concern.point_type_labels()[7:11].tolist() == ["special_cause_concern"] * 4
    nhsr = xmr(values, profile=MDC_EXCEL_V5.replace(conflict="precedence"))
    # Precedence: the trend outranks the shift, and the trend rises from point 8.
    assert nhsr.point_type_labels()[7:11].tolist() == ["special_cause_improvement"] * 4


def test_sql_screening_drops_outliers_from_the_mean_and_nhsr_does_not() -> None:
    values = [10.0, 11, 10, 12, 11, 10, 11, 60, 11, 10, 12, 11, 10, 11, 12]
    off = xmr(values)
    nhsr = xmr(values, profile=MDC_EXCEL_V5.replace(screen_mr_outliers="nhsr"))
    sql = xmr(values, profile=MDC_EXCEL_V5.replace(screen_mr_outliers="sql"))
    assert nhsr.mean[0] == off.mean[0]
    assert nhsr.upl[0] < off.upl[0]
    # 60 jumps in and out: its own moving range and the next point's are outliers.
    assert sql.mean[0] == pytest.approx(
        np.mean([v for i, v in enumerate(values) if i not in (7, 8)])
    )
    assert sql.upl[0] < off.upl[0]


def test_sql_baseline_is_a_partition_whose_limits_the_next_partition_copies() -> None:
    values = case("Recalculations")
    base = xmr(values, baseline=15, profile=MDC_SQL_V2)
    assert base.segment.tolist() == [0] * 15 + [1] * 15
    assert base.upl[0] == base.upl[-1]
    assert np.isclose(base.mean[-1], np.mean(values[:15]))
    # A later rebase recalculates from its own points.
    rebase = np.zeros(30, dtype=bool)
    rebase[22] = True
    later = xmr(values, baseline=15, rebase=rebase, profile=MDC_SQL_V2)
    assert later.segment.tolist() == [0] * 15 + [1] * 7 + [2] * 8
    assert later.upl[15] == base.upl[0]
    assert np.isclose(later.mean[-1], np.mean(values[22:]))
    # A rebase inside the baseline: the SQL warns, and nothing copies the baseline's limits.
    inside = np.zeros(30, dtype=bool)
    inside[5] = True
    odd = xmr(values, baseline=15, rebase=inside, profile=MDC_SQL_V2)
    assert np.isclose(odd.mean[-1], np.mean(values[15:]))
    assert any("inside the baseline" in w for w in odd.series_warnings(0))


def test_excel_baseline_ignores_rebases_and_says_so() -> None:
    values = case("Recalculations")
    rebase = np.zeros(30, dtype=bool)
    rebase[15] = True
    both = xmr(values, baseline=15, rebase=rebase)
    alone = xmr(values, baseline=15)
    assert both.point_type.tolist() == alone.point_type.tolist()
    assert any("ignored because a baseline" in w for w in both.series_warnings(0))
    assert alone.series_warnings(0) == []


def test_nhsr_fixes_limits_within_each_rebase_group_and_needs_12_points() -> None:
    values = case("Recalculations")
    rebase = np.zeros(30, dtype=bool)
    rebase[15] = True
    result = xmr(values, baseline=12, rebase=rebase, profile=NHSR_0_2_2)
    assert np.isclose(result.mean[0], np.mean(values[:12]))
    assert np.isclose(result.mean[-1], np.mean(values[15:27]))
    with pytest.raises(ValueError, match="at least 12 points under profile nhsr_0_2_2"):
        xmr(values, baseline=11, profile=NHSR_0_2_2)


@pytest.mark.parametrize(("profile", "minimum"), [(MDC_EXCEL_V5, 13), (MDC_SQL_V2, 15)])
def test_minimum_points_for_limits(profile, minimum) -> None:
    values = case("Recalculations")
    short = xmr(values[: minimum - 1], profile=profile)
    enough = xmr(values[:minimum], profile=profile)
    assert not short.has_limits[0] and np.isnan(short.upl).all()
    assert set(short.point_type_labels()) == {"common_cause"}
    assert short.variation_labels()[0] == "" and short.assurance_labels()[0] == ""
    assert enough.has_limits[0] and np.isfinite(enough.upl).all()


def test_short_segment_after_a_rebase_is_warned_about() -> None:
    values = case("Recalculations")
    rebase = np.zeros(30, dtype=bool)
    rebase[25] = True
    result = xmr(values, rebase=rebase)
    assert result.series_warnings(0) == [
        "segment 2 has only 5 points; limits from fewer than 12 points are unstable"
    ]


def test_assurance_on_the_limit_is_pass_or_fail_for_sql_and_hit_or_miss_for_nhsr() -> None:
    values = [0.0, 1.0] * 10
    on_limit = float(xmr(values).upl[-1])
    inclusive = xmr(values, target=on_limit, improvement="increase", profile=MDC_SQL_V2)
    strict = xmr(values, target=on_limit, improvement="increase", profile=NHSR_0_2_2)
    assert inclusive.assurance_labels()[0] == "fail"
    assert strict.assurance_labels()[0] == "hit_or_miss"


def test_variation_from_the_last_special_cause_is_an_option_no_mdc_tool_uses() -> None:
    values = case("Summary icons - variation - High is good 2")
    assert xmr(values).variation_labels()[0] == "common_cause"
    abspc_like = MDC_EXCEL_V5.replace(variation_from="last_special_cause")
    assert xmr(values, profile=abspc_like).variation_labels()[0] == "improvement_high"


def test_turning_point_belongs_to_both_trends() -> None:
    values = case("Special cause conflict - High is good")
    assert xmr(values).trend[7] == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": []}, "there are no values"),
        ({"values": [1.0, float("nan")]}, "position 1 is not a finite number"),
        ({"values": [1.0, 2.0], "lengths": [1, 2]}, "lengths add up to 3"),
        ({"values": [[1.0, 2.0]], "lengths": [2]}, "lengths is only for 1-D values"),
        ({"values": [1.0], "improvement": "up"}, "improvement must be one of"),
        ({"values": [1.0, 2.0], "lengths": [1, 1], "target": [1.0]}, "target needs one value"),
        ({"values": [1.0], "baseline": -1}, "baseline cannot be negative"),
        ({"values": [1.0, 2.0], "rebase": [True]}, "rebase has 1 entries"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs: dict, message: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(ValueError, match=message):
        xmr(values, **kwargs)


def test_series_gives_plain_python_values() -> None:
    result = xmr(case("Process limits - 15"), target=30.0)
    chart = result.series(0)
    assert chart["upl"][0] == pytest.approx(37.64)
    assert chart["variation"] == "common_cause" and chart["assurance"] == "hit_or_miss"
    assert chart["point_type"] == ["common_cause"] * 15
