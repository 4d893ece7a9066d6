"""Principal risks on the BAF: scores on the 5x5 matrix (reference §2.1), a target
above the current score only with a reason, nothing saved half."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.core.testing import Trust
from wellled.strategy.actions.baf import _check_scores
from wellled.strategy.models import PrincipalRisk
from wellled.strategy.tests.support import principal_risk

pytestmark = pytest.mark.django_db


def test_a_likelihood_outside_1_to_5_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        principal_risk(trust, current_likelihood=6, target_consequence=0)
    assert set(refused.value.message_dict) == {"current_likelihood", "target_consequence"}
    assert not PrincipalRisk.objects.exists()


def test_a_target_above_the_current_score_needs_a_reason(trust: Trust) -> None:
    with pytest.raises(ValidationError, match="worse than the current one"):
        principal_risk(trust, target_likelihood=5, target_consequence=5)
    risk = principal_risk(
        trust,
        target_likelihood=5,
        target_consequence=5,
        target_reason="Accepting more risk while the new model beds in",
    )
    assert risk.target_score == 25 and risk.current_band == "High"


scores = st.integers(min_value=-2, max_value=8)


# A pure check: on a busy machine generation alone can look slow.
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {
            f"{w}_{a}": scores
            for w in ("inherent", "current", "target")
            for a in ("likelihood", "consequence")
        }
    ),
    st.booleans(),
)
def test_the_score_check_refuses_exactly_the_bad_input(
    values: dict[str, int], reason: bool
) -> None:
    """Property: refused iff an axis is outside 1-5, or target > current with no reason."""
    errors: dict[str, str] = {}
    _check_scores({**values, "target_reason": "why" if reason else ""}, errors)
    out_of_range = any(v not in range(1, 6) for v in values.values())
    above = (
        values["target_likelihood"] * values["target_consequence"]
        > values["current_likelihood"] * values["current_consequence"]
    )
    assert bool(errors) == (out_of_range or (above and not reason))
