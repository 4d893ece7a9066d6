"""Pay gaps per the Equality Act 2010 (Gender Pay Gap Information) Regulations 2017."""

from __future__ import annotations

import pytest

from wellled.engines.equality import BME, UNKNOWN, WHITE, Employee, pay_gap


def test_the_six_measures_on_a_small_payroll_by_hand() -> None:
    """Regs 8-13 (SI 2017/172, legislation.gov.uk): (A - B) / A x 100 with A the men's mean
    or median. Men 10, 20, 30, 40 an hour; women 10, 10, 20, 20. Mean gap (25 - 15) / 25 =
    40%; median gap (25 - 15) / 25 = 40%. Bonus paid to two of four men (1,000 and 3,000)
    and one of four women (1,000): mean bonus gap 50%, median 50%; 50% and 25% paid."""
    staff = [
        Employee("male", 10, 0),
        Employee("male", 20, 1000),
        Employee("male", 30, 0),
        Employee("male", 40, 3000),
        Employee("female", 10, 1000),
        Employee("female", 10, 0),
        Employee("female", 20, 0),
        Employee("female", 20, 0),
    ]
    gap = pay_gap(staff)
    assert gap.mean_gap == pytest.approx(40.0)
    assert gap.median_gap == pytest.approx(40.0)
    assert gap.mean_bonus_gap == pytest.approx(50.0)
    assert gap.median_bonus_gap == pytest.approx(50.0)
    assert gap.paid_bonus == {"male": 50.0, "female": 25.0}
    # Ranked: 10 10 10 | 20 20 20 | 30 40 ... two per quartile. Lowest band: the three on
    # 10 an hour (one man, two women) straddle the first boundary and are spread evenly.
    lower, lower_middle, upper_middle, upper = gap.quartiles
    assert upper == {"male": 100.0, "female": 0.0}
    assert upper_middle["male"] == 50.0
    assert lower["female"] + lower_middle["female"] == 150.0


def test_people_on_reduced_pay_count_for_bonus_but_not_hourly_pay() -> None:
    """Hourly gaps and quartiles use full-pay relevant employees only (regs 8, 9, 13);
    bonus measures use every relevant employee (regs 10-12)."""
    staff = [
        Employee("male", 20),
        Employee("female", 20),
        Employee("female", None, 500),  # on maternity leave at reduced pay, paid a bonus
        Employee("male", None, 500),
    ]
    gap = pay_gap(staff)
    assert gap.mean_gap == 0 and gap.full_pay == {"male": 1, "female": 1}
    assert gap.relevant == {"male": 2, "female": 2} and gap.mean_bonus_gap == 0


def test_ethnicity_pay_gap_leaves_unknowns_out_and_counts_them() -> None:
    staff = [Employee(WHITE, 25), Employee(WHITE, 15), Employee(BME, 16), Employee(UNKNOWN, 90)]
    gap = pay_gap(staff, reference=WHITE, comparison=BME)
    assert gap.mean_gap == pytest.approx(20.0) and gap.excluded == 1
    assert gap.mean_bonus_gap is None  # nobody paid a bonus: no gap, not 0


def test_negative_pay_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        pay_gap([Employee("male", -1), Employee("female", 10)])
