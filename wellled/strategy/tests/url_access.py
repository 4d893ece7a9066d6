"""Who may open each URL of strategy: merged into tests/test_url_permissions.py.

Everyone with a role reads the golden thread of the units they belong to (the
samples are at the test trust's team, which every persona with a role covers).
The team's member of staff proposes; the service lead above it answers and holds
its reviews; the executive, granted on the whole trust, may do both anywhere.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.url_access_groups import WITH_A_ROLE, Access, Samples
from wellled.core.testing import Trust

_numbers = itertools.count(1)
_months = itertools.count(0)  # its own count, so the months stay in the past

PROPOSERS = frozenset({"staff_member", "service_lead", "executive", "operator"})
LEVEL_ABOVE = frozenset({"service_lead", "executive", "operator"})
MANAGERS = frozenset({"executive", "governance_lead", "operator"})
BAF_MANAGERS = frozenset({"executive", "governance_lead", "operator"})
BAF_READERS = frozenset({"board_member", "executive", "governance_lead", "auditor", "operator"})

ACCESS: Access = {
    "strategy:index": WITH_A_ROLE,
    "strategy:unit": WITH_A_ROLE,
    "strategy:propose": PROPOSERS,
    "strategy:review_new": LEVEL_ABOVE,
    "strategy:inbox": LEVEL_ABOVE,
    "strategy:reply": LEVEL_ABOVE,
    "strategy:propose_again": PROPOSERS,
    "strategy:review": WITH_A_ROLE,
    "strategy:review_close": LEVEL_ABOVE,
    "strategy:countermeasure": LEVEL_ABOVE,
    "strategy:objective_new": MANAGERS,
    "strategy:baf": BAF_READERS,
    "strategy:baf_paper": BAF_READERS,
    "strategy:appetite": BAF_READERS,  # the governance lead alone records it (POST)
    "strategy:risk": BAF_READERS,
    # The sample risk is owned by the executive, who also manages the BAF.
    "strategy:risk_new": BAF_MANAGERS,
    "strategy:risk_edit": BAF_MANAGERS,
    "strategy:risk_rescore": BAF_MANAGERS,
    # API: lists are filtered by the same rules (an empty list is a refusal).
    "strategy-driver-list": WITH_A_ROLE,
    "strategy-risk-list": BAF_READERS,
}


def _metric(trust: Trust) -> Any:
    from wellled.strategy.tests.support import team_metric

    return team_metric(trust, name=f"Sample driver {next(_numbers)}")


def _team(trust: Trust) -> dict[str, Any]:
    return {"pk": trust.team.pk}


def _proposal(trust: Trust) -> dict[str, Any]:
    from wellled.strategy.tests.support import proposal

    # Watch metrics: a unit may have only 3 driver metrics, and the walk makes many.
    return {"pk": proposal(trust, metric=_metric(trust), kind="watch").pk}


def _returned(trust: Trust) -> dict[str, Any]:
    from wellled.strategy import actions
    from wellled.strategy.tests.support import proposal

    driver = proposal(trust, metric=_metric(trust), kind="watch")
    actions.reply_to_proposal(
        acting_user=trust.people["service_lead"],
        driver=driver,
        decision="returned",
        comment="Too timid",
    )
    return {"pk": driver.pk}


def _open_review(trust: Trust) -> Any:
    import datetime

    from wellled.strategy import actions
    from wellled.strategy.tests.support import agreed

    agreed(trust, metric=_metric(trust), target=1, kind="watch")
    # One review a month per unit: each sample takes a month of its own.
    month = datetime.date(2000, 1, 1) + datetime.timedelta(days=31 * next(_months))
    return actions.open_review(
        acting_user=trust.people["service_lead"], unit=trust.team, month=month.replace(day=1)
    )


def _risk(trust: Trust) -> dict[str, Any]:
    from wellled.strategy.tests.support import principal_risk

    return {"pk": principal_risk(trust, reference=f"SR-walk-{next(_numbers)}").pk}


SAMPLES: Samples = {
    "strategy:baf_paper": lambda t: {"fmt": "pdf"},
    "strategy:risk": _risk,
    "strategy:risk_edit": _risk,
    "strategy:risk_rescore": _risk,
    "strategy:unit": _team,
    "strategy:propose": _team,
    "strategy:review_new": _team,
    "strategy:reply": _proposal,
    "strategy:propose_again": _returned,
    "strategy:review": lambda t: {"pk": _open_review(t).pk},
    "strategy:review_close": lambda t: {"pk": _open_review(t).pk},
    "strategy:countermeasure": lambda t: {"pk": _open_review(t).items.get().pk},
}
