"""The trust's involvement rules: pure functions of plain values, read by actions
and forms alike.

Which rung each kind of opportunity can reach is the trust's own judgement, not a
national rule (the TLAP ladder describes rungs, not activities): a survey or a
focus group asks people's views and cannot hand them a share of the decision, so
it stops at consultation; a recruitment panel gives a say in one decision among
others, so it stops at engagement. Change `MAX_RUNG` if the trust decides
otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from wellled.involvement.models import OpportunityKind, Rung, pounds

__all__ = ["pounds"]

MAX_RUNG: dict[str, int] = {
    OpportunityKind.PROJECT: Rung.CO_PRODUCTION,
    OpportunityKind.COMMITTEE_SEAT: Rung.CO_PRODUCTION,
    OpportunityKind.RECRUITMENT_PANEL: Rung.ENGAGEMENT,
    OpportunityKind.TRAINING: Rung.CO_PRODUCTION,
    OpportunityKind.SERVICE_REDESIGN: Rung.CO_PRODUCTION,
    OpportunityKind.CONSULTATION_EVENT: Rung.CONSULTATION,
}

# Up to this many hours is paid at the half-day rate (the NHS England PPV policy's
# historic "under about 4 hours"; reference §4.3, marked as to be confirmed).
HALF_DAY_HOURS = Decimal(4)


def max_rung(kind: str) -> int:
    return MAX_RUNG.get(kind, Rung.CO_PRODUCTION)


def rung_problem(kind: str, rung: int | None) -> str | None:
    """Why a rung cannot be reached by this kind of opportunity, or None."""
    if rung is None or rung <= max_rung(kind):
        return None
    kind_label = OpportunityKind(kind).label.lower()
    return (
        f"A {kind_label} can reach {Rung(max_rung(kind)).label.lower()} at most, "
        f"not {Rung(rung).label.lower()}"
    )


def policy_pence(*, half_day_pence: int, full_day_pence: int, hours: Decimal) -> int:
    """What the policy pays for a session of this length at this level."""
    return half_day_pence if hours <= HALF_DAY_HOURS else full_day_pence
