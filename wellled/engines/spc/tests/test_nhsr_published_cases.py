"""NHSRplotthedots 0.2.2's own test expectations, under profile nhsr_0_2_2."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wellled.engines.spc import NHSR_0_2_2, assurance_icons, xmr
from wellled.engines.spc.tests.cases import ae_series, nhsr_meta

META = nhsr_meta()
RNORM = np.asarray(META["rnorm"]["values"])


def significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


@pytest.mark.parametrize("case", META["limits"], ids=lambda c: c["name"])
def test_limits_match_the_snapshot(case: dict) -> None:
    y = RNORM[: case["n"]].copy()
    if "replace" in case:
        y[case["replace"]["index"]] = case["replace"]["value"]
    profile = (
        NHSR_0_2_2 if case["screen_outliers"] else NHSR_0_2_2.replace(screen_mr_outliers="off")
    )
    result = xmr(y, profile=profile)
    # glimpse() prints 7 significant digits.
    assert significant(result.mean[0], 7) == case["mean"]
    assert significant(result.lpl[0], 7) == case["lpl"]
    assert significant(result.upl[0], 7) == case["upl"]


def test_summary_of_the_unchanged_data() -> None:
    # _snaps/ptd_spc.md @ 174380d6: mean 0.142, lpl -3.01, upl 3.29, n 20, common_cause 20.
    result = xmr(RNORM[:20], profile="nhsr_0_2_2")
    assert (significant(result.mean[0], 3), significant(result.lpl[0], 3)) == (0.142, -3.01)
    assert significant(result.upl[0], 3) == 3.29
    assert result.point_type_labels().tolist() == ["common_cause"] * 20
    assert result.variation_labels().tolist() == ["common_cause"]


def test_screening_narrows_the_limits() -> None:
    y = RNORM[:20].copy()
    y[14] = 10
    screened = xmr(y, profile="nhsr_0_2_2")
    unscreened = xmr(y, profile=NHSR_0_2_2.replace(screen_mr_outliers="off"))
    assert unscreened.upl[0] - unscreened.lpl[0] > screened.upl[0] - screened.lpl[0]
    # NHSR screens the moving ranges only; the mean is the same.
    assert screened.mean[0] == unscreened.mean[0]


def test_facets_are_separate_charts() -> None:
    case = META["facets"][0]
    result = xmr(RNORM[: case["n"]], lengths=case["lengths"], profile="nhsr_0_2_2")
    starts = result.offsets
    digits = case["significant"]
    assert [significant(v, digits) for v in result.mean[starts]] == case["mean"]
    assert [significant(v, digits) for v in result.lpl[starts]] == case["lpl"]
    assert [significant(v, digits) for v in result.upl[starts]] == case["upl"]
    assert set(result.point_type_labels()) == {"common_cause"}


def test_two_in_three_needs_all_three_on_one_side() -> None:
    case = META["two_in_three_opposite_sides"]
    result = xmr(case["data"], profile="nhsr_0_2_2")
    assert result.point_type_labels()[-2:].tolist() == case["last_two"]


@pytest.mark.parametrize("case", META["trend"], ids=lambda c: str(c["data"]))
def test_seven_point_trend(case: dict) -> None:
    result = xmr(case["data"], profile="nhsr_0_2_2")
    assert bool((result.trend != 0).any()) is case["trend"]


def icon_data(second_half: str) -> np.ndarray:
    y = RNORM[:24].copy()
    if second_half == "plus5":
        y[12:] = RNORM[24:36] + 5
    elif second_half == "minus5":
        y[12:] = RNORM[36:48] - 5
    return y


@pytest.mark.parametrize("case", META["icons"], ids=lambda c: c["name"])
def test_icons(case: dict) -> None:
    lengths = [12, 12] if case.get("facets") else None
    result = xmr(
        icon_data(case["second_half"]),
        lengths=lengths,
        target=case.get("target"),
        improvement=case.get("improvement", "increase"),
        profile="nhsr_0_2_2",
    )
    expected_variation = case["expected_variation"]
    if isinstance(expected_variation, str):
        expected_variation = [expected_variation]
    assert result.variation_labels().tolist() == expected_variation
    if "expected_assurance" in case:
        expected = case["expected_assurance"]
        expected = [expected] if isinstance(expected, str) else expected
        assert result.assurance_labels().tolist() == expected


@pytest.mark.parametrize("case", META["assurance"], ids=lambda c: c["improvement"])
def test_assurance_from_given_limits(case: dict) -> None:
    labels = assurance_icons(
        case["target"], case["lpl"], case["upl"], case["improvement"], profile="nhsr_0_2_2"
    )
    assert labels.tolist() == case["expected"]


@pytest.mark.parametrize("case", META["short_group"], ids=lambda c: str(c["n"]))
def test_short_group_warning(case: dict) -> None:
    result = xmr(RNORM[: case["n"]], profile="nhsr_0_2_2")
    warned = any("segment 1 has only" in w for w in result.series_warnings(0))
    assert warned is case["warning"]
    # NHSR draws limits however short the group (there is no minimum).
    assert np.isfinite(result.upl).all()


def ae_values(names: list[str], column: str) -> tuple[np.ndarray, list[int], list[str]]:
    values: list[float] = []
    lengths, periods = [], []
    for name in names:
        rows = ae_series()[name]
        lengths.append(len(rows))
        for row in rows:
            attendances, breaches = float(row["attendances"]), float(row["breaches"])
            values.append(attendances if column == "attendances" else 1 - breaches / attendances)
            periods.append(row["period"])
    return np.asarray(values), lengths, periods


@pytest.mark.parametrize("case", META["ae"], ids=lambda c: c["name"])
def test_real_ae_series_against_the_integration_snapshot(case: dict) -> None:
    y, lengths, periods = ae_values(case["series"], case["column"])
    rebase = np.asarray(periods) == case.get("rebase", "")
    result = xmr(
        y, lengths=lengths, rebase=rebase, baseline=case.get("baseline"), profile="nhsr_0_2_2"
    )
    firsts = np.flatnonzero(
        np.r_[True, np.diff(result.segment) != 0] | np.isin(np.arange(y.size), result.offsets)
    )
    for column in ("mean", "lpl", "upl"):
        got = getattr(result, column)[firsts]
        assert all(
            math.isclose(g, e, rel_tol=1e-12) for g, e in zip(got, case[column], strict=True)
        )

    labels = result.point_type_labels().tolist()
    stale = {s["index"]: s for s in case.get("stale", [])}
    if "point_type_sequence" in case:
        expected = list(case["point_type_sequence"])
        for index, note in stale.items():
            assert expected[index] == note["snapshot"]
            expected[index] = note["nhsr_0_2_2"]
        assert labels == expected
    else:
        assert {k: labels.count(k) for k in set(labels)} == case["point_types"]


def test_the_stale_points_would_be_two_in_three_if_sides_were_ignored() -> None:
    # The reason for the two documented differences: drop the same-side condition and the
    # snapshot's flags come back, so the limits, bands and data are otherwise identical.
    y, _, _ = ae_values(["RL4 type 1"], "attendances")
    result = xmr(y, profile="nhsr_0_2_2")
    band = (result.value > result.upper_two_sigma) & (result.value <= result.upl)
    assert band[33] and band[35] and not band[34]
    assert result.value[34] < result.mean[34]
