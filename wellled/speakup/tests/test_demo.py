"""The demo year loads through the actions and the demo guardian can read it."""

from __future__ import annotations

import pytest
from django.test import Client

from wellled.organisation.demo import build_demo, plan_demo
from wellled.speakup import actions, demo, queries
from wellled.speakup.models import Case, Route, Status


@pytest.mark.django_db
def test_the_demo_year_is_readable_by_the_demo_guardian() -> None:
    result = build_demo(plan_demo(staff_count=30))
    line = demo.load_demo(result, seed=7)
    assert demo.DEMO_GUARDIAN_PASSPHRASE in line
    guardian = result.users["guardian"]
    cases = Case.objects.all()
    assert 100 <= cases.count() <= 200
    assert {c.route for c in cases} == {Route.OPEN, Route.CONFIDENTIAL, Route.ANONYMOUS}
    assert cases.filter(status=Status.CLOSED).count() > 50
    assert cases.exclude(feedback_answer="blank").exists()
    weeks = sorted({c.received_week for c in cases})
    assert (weeks[-1] - weeks[0]).days > 300
    private = actions.unlock_guardian_key(
        acting_user=guardian, passphrase=demo.DEMO_GUARDIAN_PASSPHRASE
    )
    rows, total = queries.caseload(guardian, status="all", per_page=500)
    assert total == cases.count()
    summaries = queries.decrypt_summaries(guardian, private, rows)
    assert all("cannot be opened" not in row.summary for row in summaries)
    # And through the pages.
    client = Client()
    client.force_login(guardian)
    client.post("/speak-up/guardian/unlock/", {"passphrase": demo.DEMO_GUARDIAN_PASSPHRASE})
    case = cases.first()
    assert case is not None
    assert client.get(f"/speak-up/guardian/case/{case.reference}/").status_code == 200
