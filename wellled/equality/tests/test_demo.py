"""The demo's three WRES and WDES years show the pattern issue #17 asks for."""

from __future__ import annotations

import pytest

from wellled.engines.equality import year_report
from wellled.engines.equality.inputs import read_counts
from wellled.equality.demo import _counts, _rows, _wdes_counts


def test_recruitment_falls_into_the_band_and_discrimination_worsens() -> None:
    previous = None
    seen = {}
    for year in (2023, 2024, 2025):
        inputs = read_counts(_rows(_counts(year)), standard="WRES", year=year)
        rows = {
            r.indicator.number: r for r in year_report("WRES", current=inputs, previous=previous)
        }
        seen[year] = rows
        previous = inputs
    assert seen[2023]["2"].flags.outside_band and (seen[2023]["2"].value or 0) > 1.25
    assert seen[2024]["2"].flags.change == "improved"
    assert not seen[2025]["2"].flags.outside_band
    assert seen[2025]["8"].flags.change == "worsened"
    # 4,500 staff, as the demo trust has.
    assert inputs.formal_process is not None
    assert sum(inputs.formal_process.totals.values()) == 4500


def test_wdes_comes_from_the_same_4500_staff_and_applicants() -> None:
    previous = None
    for year in (2023, 2024, 2025):
        wres = read_counts(_rows(_counts(year)), standard="WRES", year=year)
        inputs = read_counts(_rows(_wdes_counts(year)), standard="WDES", year=year)
        rows = {
            r.indicator.number: r for r in year_report("WDES", current=inputs, previous=previous)
        }
        previous = inputs
        assert inputs.formal_process is not None and inputs.recruitment is not None
        assert sum(inputs.formal_process.totals.values()) == 4500
        assert wres.recruitment is not None
        assert sum(inputs.recruitment.totals.values()) == sum(wres.recruitment.totals.values())
        assert sum(inputs.recruitment.events.values()) == sum(wres.recruitment.events.values())
        # Disabled staff are more likely to enter the capability process, beyond chance.
        assert rows["3"].flags.outside_band and rows["3"].flags.significant
    assert not rows["2"].flags.outside_band  # recruitment's gap closed by 2025
    assert rows["6"].flags.change == "no_significant_change"


@pytest.mark.django_db
def test_the_demo_loads_through_the_real_actions(trust) -> None:
    from wellled.equality.demo import load_demo
    from wellled.equality.models import EqualityYear
    from wellled.improvement.models import Action
    from wellled.organisation.demo import DemoResult

    line = load_demo(DemoResult(trust=trust.trust, users={"edi": trust.people["edi_lead"]}), seed=1)
    assert line.startswith("Workforce equality: WRES and WDES for 3 years")
    assert EqualityYear.objects.filter(standard="WRES").count() == 3
    assert EqualityYear.objects.filter(standard="WDES").count() == 3
    assert sorted(
        Action.objects.filter(source_kind="equality_indicator").values_list("source_id", flat=True)
    ) == ["WDES:6", "WRES:2"]
