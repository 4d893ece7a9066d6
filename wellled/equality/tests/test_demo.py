"""The demo's three WRES years show the pattern issue #17 asks for."""

from __future__ import annotations

import pytest

from wellled.engines.equality import year_report
from wellled.engines.equality.inputs import read_counts
from wellled.equality.demo import _counts, _rows


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


@pytest.mark.django_db
def test_the_demo_loads_through_the_real_actions(trust) -> None:
    from wellled.equality.demo import load_demo
    from wellled.equality.models import EqualityYear
    from wellled.improvement.models import Action
    from wellled.organisation.demo import DemoResult

    line = load_demo(DemoResult(trust=trust.trust, users={"edi": trust.people["edi_lead"]}), seed=1)
    assert line.startswith("Workforce equality: WRES for 3 years")
    assert EqualityYear.objects.count() == 3
    assert Action.objects.get(source_kind="equality_indicator").source_id == "WRES:2"
