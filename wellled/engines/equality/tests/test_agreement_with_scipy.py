"""Fisher's exact p agrees with scipy.stats.fisher_exact (scipy 1.17.1, two-sided).

The engine computes it on the standard library to keep scipy out of the lock file. Checked
once against scipy on 3,000 random tables with groups of up to 300 (largest difference
5e-13); these values, printed by scipy then, pin the agreement.
"""

from __future__ import annotations

import pytest

from wellled.engines.equality import fisher_exact_p, wres


@pytest.mark.parametrize(
    ("table", "scipy_p"),
    [
        ((117, 272, 2, 8), 0.7297782793243844),  # reference T3 (West Lancashire)
        ((9, 716, 17, 2488), 0.1550322655170232),  # reference T4 (KMPT, approximate)
        ((4, 196, 20, 3980), 0.025063789678325944),
    ],
)
def test_fisher_p_matches_scipy(table, scipy_p) -> None:
    assert fisher_exact_p(*table) == pytest.approx(scipy_p, rel=1e-9)


def test_indicators_give_fisher_p_only_when_an_expected_count_is_below_5() -> None:
    # T3: about 3 appointments expected among the 10 BME applicants.
    west_lancs = wres.indicator_2(
        white_shortlisted=389, white_appointed=117, bme_shortlisted=10, bme_appointed=2
    )
    assert west_lancs.fisher_p == pytest.approx(0.7297782793243844, rel=1e-9)
    # T4: 5.8 cases expected among BME staff, so the interval is the guide; no Fisher p.
    kmpt = wres.indicator_3(
        bme_staff=725, bme_disciplinary=9, white_staff=2505, white_disciplinary=17
    )
    assert kmpt.fisher_p is None
