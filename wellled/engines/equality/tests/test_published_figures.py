"""Published figures reproduced from their published inputs.

Every case is from ../shared/reference/workforce-equality.md §4 (and §6), with the source
the reference cites. Where the inputs are rounded or approximate the tolerance says so.
"""

from __future__ import annotations

import pytest

from wellled.engines.equality import (
    BME,
    UNKNOWN,
    WHITE,
    board_gaps,
    fisher_exact_p,
    headcount,
    relative_likelihood,
    representation,
    wres,
)

from .support import known


def test_t1_the_christie_indicator_2_is_a_ratio_of_appointment_rates() -> None:
    """The Christie WRES 2022/23: White 46.99% and BAME 14.65% appointed from shortlisting,
    published as "3.2 times" [V] (https://thechristie.cld.bz/Workforce-Race-Equality-Standard-
    Action-Plan-2022-2023/3/). Only rates were published, so rates stand in for counts out
    of 10,000."""
    r = wres.indicator_2(
        white_shortlisted=10000, white_appointed=4699, bme_shortlisted=10000, bme_appointed=1465
    )
    assert r.ratio == pytest.approx(3.2075, abs=1e-4)
    assert round(known(r.ratio), 1) == 3.2
    assert r.sentence(1).startswith("White applicants are 3.2 times as likely as BME")


def test_t2_ncic_indicator_1_keeps_unknowns_in_the_denominator() -> None:
    """NCIC WRES 2025 (31 March 2025): BME 990, White 6,307, not declared 125 of 7,422,
    published as 13%, 85%, 2% [V] (https://www.ncic.nhs.uk/trust/equality-diversity-and-
    inclusion/workforce-race-equality-standard-wres-report-2025)."""
    staff = [("5", True, BME)] * 990 + [("5", True, WHITE)] * 6307 + [("5", True, UNKNOWN)] * 125
    workforce = representation(staff).workforce
    assert workforce.total == 7422
    assert workforce.percent(BME) == pytest.approx(13.34, abs=0.005)
    assert workforce.percent(WHITE) == pytest.approx(84.98, abs=0.005)
    assert workforce.percent(UNKNOWN) == pytest.approx(1.68, abs=0.005)
    assert [round(known(workforce.percent(g))) for g in (BME, WHITE, UNKNOWN)] == [13, 85, 2]
    assert workforce.declaration_rate == pytest.approx(98.32, abs=0.005)


def test_t3_west_lancashire_small_numbers_give_an_interval_spanning_one() -> None:
    """West Lancashire BC recruitment 2019/20 counts [V] (http://www.westlancs.gov.uk/about-
    the-council/how-the-council-works/equality-and-diversity/what-our-duties-are/equality-
    information-about-employees/recruitment.aspx): shortlisted BME 10, White 389; appointed
    BME 2, White 117. The reference computes RL 1.5039, 95% CI 0.43-5.24 (Katz)."""
    r = wres.indicator_2(
        white_shortlisted=389, white_appointed=117, bme_shortlisted=10, bme_appointed=2
    )
    assert r.ratio == pytest.approx(1.5039, abs=1e-4)
    assert (round(known(r.ci_low), 2), round(known(r.ci_high), 2)) == (0.43, 5.24)
    assert r.outside_band and not r.significant
    # Expected appointments among the 10 BME applicants are about 3, below 5: Fisher's test.
    assert r.small_counts and known(r.fisher_p) > 0.05


def test_t4_kmpt_indicator_3_from_counts_not_rounded_percentages() -> None:
    """KMPT WRES 2020-22: 17 White and 9 BAME staff entered disciplinary; staff 3,296, White
    76%, BAME 22% [V] (https://www.kmpt.nhs.uk/pdf-documents/about-us-documents/publications/
    workforce-reports/workforce-race-equality-standard-2020-2022/indicator-3/). Published
    "1.7 times" (indicator page) and "1.8 times" (summary). Headcounts rebuilt from the
    rounded shares are approximate (reference: 2,505 and 725), so only within 0.05."""
    r = wres.indicator_3(bme_staff=725, bme_disciplinary=9, white_staff=2505, white_disciplinary=17)
    assert r.ratio == pytest.approx(1.83, abs=0.05)
    # Rates rounded to 1.2% and 0.7% first give 1.71 instead: why the engine takes counts.
    rounded = round(100 * 9 / 725, 1) / round(100 * 17 / 2505, 1)
    assert rounded == pytest.approx(1.71, abs=0.01) and abs(rounded - known(r.ratio)) > 0.1
    assert not r.significant  # 26 cases in all: the interval spans 1


def test_t6_kmpt_indicator_9_is_board_minus_workforce() -> None:
    """KMPT: board BAME 17% against workforce BAME 21%, -4 percentage points [V]
    (https://www.kmpt.nhs.uk/pdf-documents/about-us-documents/publications/workforce-reports/
    workforce-race-equality-standard-2020-2022/indicator-9/)."""
    gaps = board_gaps(
        group=BME,
        workforce={BME: 21, WHITE: 79},
        voting={BME: 17, WHITE: 83},
        executive={BME: 17, WHITE: 83},
    )
    assert gaps["voting"].gap == pytest.approx(-4.0)
    assert gaps["voting"].board_percent == pytest.approx(17.0)
    assert headcount({BME: 17, WHITE: 83}).percent(BME) == 17


@pytest.mark.parametrize(
    ("table", "published"),
    [
        # Fisher's lady tasting tea: 3 of 4 cups right each way; p = 0.4857 (two-sided).
        ((3, 1, 1, 3), 0.4857),
        # Wikipedia "Fisher's exact test" worked example (studying vs dieting): 0.002759.
        ((1, 9, 11, 3), 0.002759),
    ],
)
def test_fishers_exact_p_matches_textbook_examples(table, published) -> None:
    """Textbook values for the two-sided test (Fisher 1935; en.wikipedia.org/wiki/
    Fisher%27s_exact_test) [U: from the well-known examples, not from the reference]."""
    assert fisher_exact_p(*table) == pytest.approx(published, abs=5e-5)


def test_the_interval_method_is_katz_log() -> None:
    """Katz log interval, SE = sqrt(1/a - 1/n1 + 1/c - 1/n2) (reference §6.1), checked by
    hand for 20/100 against 10/100: RL 2, SE sqrt(0.13) = 0.3606, 95% CI 0.9866-4.0545."""
    r = relative_likelihood(20, 100, 10, 100)
    assert r.ratio == 2
    assert r.ci_low == pytest.approx(0.9866, abs=1e-4)
    assert r.ci_high == pytest.approx(4.0545, abs=1e-4)
