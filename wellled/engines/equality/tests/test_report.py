"""A year's WRES and WDES in one call: three years of a fictional trust's counts.

The pattern the demo will show (issue #17): BME staff concentrated in lower bands, a
recruitment ratio above 1.25 that falls after a targeted action, and one survey indicator
that worsens.
"""

from __future__ import annotations

import pytest

from wellled.engines.equality import (
    BME,
    DISABLED,
    NON_DISABLED,
    UNKNOWN,
    WHITE,
    EventCounts,
    YearInputs,
    year_report,
)

from .support import known

STAFF = (
    [("3", True, BME)] * 300 + [("3", True, WHITE)] * 500 + [("3", True, UNKNOWN)] * 20
    + [("8c", False, BME)] * 5 + [("8c", False, WHITE)] * 45
)  # fmt: skip


def year(year: int, white_appointed: int, bme_appointed: int, bme_hba: int) -> YearInputs:
    return YearInputs(
        year=year,
        staff=STAFF,
        recruitment=EventCounts(
            totals={WHITE: 2000, BME: 1000, UNKNOWN: 40},
            events={WHITE: white_appointed, BME: bme_appointed},
        ),
        formal_process=EventCounts(totals={WHITE: 545, BME: 305}, events={WHITE: 6, BME: 5}),
        training=EventCounts(totals={WHITE: 545, BME: 305}, events={WHITE: 200, BME: 100}),
        board={"voting": {WHITE: 11, BME: 1}, "executive": {WHITE: 6}},
        survey={"5": {BME: (bme_hba, 400), WHITE: (150, 600)}, "8": {BME: (8, 9)}},
    )


def test_a_year_has_every_wres_indicator_in_order_with_its_flags() -> None:
    y2023 = year(2023, white_appointed=600, bme_appointed=150, bme_hba=100)
    y2024 = year(2024, white_appointed=560, bme_appointed=250, bme_hba=140)
    rows = year_report("WRES", current=y2024, previous=y2023)
    assert [r.indicator.number for r in rows] == [str(n) for n in range(1, 10)]
    one, two, three, four, five, six, seven, eight, nine = rows
    assert two.value == pytest.approx((560 / 2000) / (250 / 1000))
    assert two.flags.change == "improved"  # 2.00 -> 1.12 after the targeted action
    declared = known(known(two.likelihood).declaration)
    assert (declared.known, declared.unknown) == (3000, 40)
    assert five.flags.change == "worsened" and five.value == 35.0  # 25% -> 35% of BME staff
    assert eight.survey is not None and eight.survey.figure(BME).suppressed  # 9 responses
    assert eight.flags.significant is None
    assert six.missing and seven.missing and six.flags.change is None
    band_3 = known(known(one.representation).band("3", clinical=True))
    assert known(band_3.gap(BME, known(one.representation).workforce)) > 0
    assert known(nine.board)["executive"].gap == pytest.approx(-100 * 305 / 870)
    assert three.change is not None and three.change.verdict == "no_significant_change"
    assert four.flags.outside_band is False


def test_the_first_year_has_no_change_and_wdes_reads_disability_keys() -> None:
    rows = year_report(
        "WDES",
        current=YearInputs(
            year=2024,
            recruitment=EventCounts(
                totals={NON_DISABLED: 2700, DISABLED: 300}, events={NON_DISABLED: 600, DISABLED: 40}
            ),
        ),
    )
    metric_2 = next(r for r in rows if r.indicator.number == "2")
    assert metric_2.value == pytest.approx((600 / 2700) / (40 / 300))
    assert metric_2.flags.outside_band and metric_2.flags.significant
    assert metric_2.flags.change is None
    assert sum(not r.missing for r in rows) == 1
