from __future__ import annotations

import dataclasses

import pytest

from wellled.engines.spc import (
    DEFAULT_PROFILE,
    PROFILES,
    Profile,
    UnknownProfileError,
    get_profile,
    xmr,
)


def test_the_three_profiles_and_the_default() -> None:
    assert sorted(PROFILES) == ["mdc_excel_v5", "mdc_sql_v2", "nhsr_0_2_2"]
    assert DEFAULT_PROFILE == "mdc_excel_v5"
    assert get_profile() is PROFILES["mdc_excel_v5"]
    assert xmr([1.0, 2.0]).profile.name == "mdc_excel_v5"


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(UnknownProfileError) as caught:
        get_profile("mdc_excel_v4")
    assert str(caught.value) == (
        "unknown SPC profile 'mdc_excel_v4'; the known profiles are: "
        "mdc_excel_v5, mdc_sql_v2, nhsr_0_2_2"
    )
    with pytest.raises(UnknownProfileError):
        xmr([1.0], profile="nope")


def test_profiles_are_frozen_and_replace_makes_a_variant() -> None:
    excel = get_profile("mdc_excel_v5")
    with pytest.raises(dataclasses.FrozenInstanceError):
        excel.shift_points = 7  # type: ignore[misc]
    seven = excel.replace(shift_points=7)
    assert seven.shift_points == 7 and excel.shift_points == 6
    assert get_profile(seven) is seven


def test_every_difference_between_the_tools_is_a_field() -> None:
    excel, sql, nhsr = (
        PROFILES[n].settings() for n in ("mdc_excel_v5", "mdc_sql_v2", "nhsr_0_2_2")
    )
    differing = {k for k in excel if len({str(excel[k]), str(sql[k]), str(nhsr[k])}) > 1}
    assert differing >= {
        "shift_points",
        "trend_points",
        "shift_crosses_rebase",
        "trend_crosses_rebase",
        "two_sigma_crosses_rebase",
        "conflict",
        "min_points",
        "screen_mr_outliers",
        "baseline_mode",
        "assurance_edge",
    }


@pytest.mark.parametrize(
    "changes",
    [{"shift_points": 1}, {"trend_points": 0}, {"min_points": 0}, {"limit_constant": 0.0}],
)
def test_nonsense_settings_are_refused(changes: dict) -> None:
    with pytest.raises(ValueError):
        Profile(name="x", description="x", **changes)
