"""The Making Data Count team's XmR test cases for the Single Chart Tool v5.0 (mdc_excel_v5)."""

from __future__ import annotations

import numpy as np
import pytest

from wellled.engines.spc import xmr
from wellled.engines.spc.tests.cases import COLOUR_OF, mdc_meta, mdc_rows, uk_date

CASES = sorted(mdc_meta()["cases"])
SOURCE_ERRORS = {(e["case"], e["point"]): e for e in mdc_meta().get("source_errors", [])}


def run_case(name: str, target: float | None = None):
    meta = mdc_meta()["cases"][name]
    rows = mdc_rows()[name]
    starts = {uk_date(d) for d in meta.get("rebase", [])}
    rebase = [uk_date(r["Date"]) in starts for r in rows]
    return xmr(
        [float(r["Value"]) for r in rows],
        improvement=meta["improvement"],
        rebase=rebase,
        baseline=meta.get("baseline"),
        target=target,
        profile="mdc_excel_v5",
    )


def test_every_case_in_the_data_has_metadata() -> None:
    assert sorted(mdc_rows()) == CASES
    assert len(CASES) == 35


@pytest.mark.parametrize("name", CASES)
def test_point_colours_match_the_published_case(name: str) -> None:
    result = run_case(name)
    expected = []
    for i, row in enumerate(mdc_rows()[name], start=1):
        error = SOURCE_ERRORS.get((name, i))
        if error:
            assert row["Colour"] == error["source_colour"]
            expected.append(error["rule_colour"])
        else:
            expected.append(row["Colour"])
    assert [COLOUR_OF[p] for p in result.point_type_labels()] == expected


@pytest.mark.parametrize("name", [n for n in CASES if "variation" in mdc_meta()["cases"][n]])
def test_variation_icon_is_read_from_the_last_point(name: str) -> None:
    assert run_case(name).variation_labels()[0] == mdc_meta()["cases"][name]["variation"]


@pytest.mark.parametrize("name", [n for n in CASES if "has_limits" in mdc_meta()["cases"][n]])
def test_limits_are_shown_from_13_points(name: str) -> None:
    meta = mdc_meta()["cases"][name]
    result = run_case(name)
    assert bool(result.has_limits[0]) is meta["has_limits"]
    assert bool(np.isfinite(result.upl).all()) is meta["has_limits"]
    # MDC shows the mean even without limits.
    assert np.isfinite(result.mean).all()


@pytest.mark.parametrize("name", [n for n in CASES if "mean" in mdc_meta()["cases"][n]])
def test_published_mean_and_limits(name: str) -> None:
    meta = mdc_meta()["cases"][name]
    result = run_case(name)
    places = meta["decimals"]
    assert round(float(result.mean[0]), places) == meta["mean"]
    if "upl" in meta:
        assert round(float(result.upl[0]), places) == meta["upl"]
        assert round(float(result.lpl[0]), places) == meta["lpl"]


@pytest.mark.parametrize(
    "case", mdc_meta()["assurance"], ids=lambda c: f"{c['case'][-12:]}-{c['target']}"
)
def test_assurance_icon_compares_the_target_with_the_limits(case: dict) -> None:
    assert run_case(case["case"], target=case["target"]).assurance_labels()[0] == case["expected"]


def test_assurance_with_neither_direction_has_no_icon() -> None:
    meta = mdc_meta()["cases"]["Summary icons - assurance - high is good"]
    values = [float(r["Value"]) for r in mdc_rows()["Summary icons - assurance - high is good"]]
    assert meta["improvement"] == "increase"
    assert xmr(values, improvement="neither", target=40.0).assurance_labels()[0] == ""


def test_the_source_error_is_the_only_disagreement() -> None:
    assert list(SOURCE_ERRORS) == [("Special cause conflict - High is good", 15)]


def test_all_cases_at_once_equal_each_case_alone() -> None:
    names = [n for n in CASES if not mdc_meta()["cases"][n].get("rebase")]
    names = [n for n in names if not mdc_meta()["cases"][n].get("baseline")]
    values = [float(r["Value"]) for n in names for r in mdc_rows()[n]]
    lengths = [len(mdc_rows()[n]) for n in names]
    together = xmr(
        values,
        lengths=lengths,
        improvement=[mdc_meta()["cases"][n]["improvement"] for n in names],
    )
    for i, name in enumerate(names):
        alone = run_case(name)
        part = together.series_slice(i)
        assert together.point_type_labels()[part].tolist() == alone.point_type_labels().tolist()
        assert together.variation_labels()[i] == alone.variation_labels()[0]
