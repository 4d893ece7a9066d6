"""An inspection finding as a source of improvement actions: raised by governance,
described by the inspection and the finding's reference, its evidence filed under
the finding's quality statements, signed off by an executive."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from wellled.core.testing import Trust
from wellled.improvement import actions
from wellled.improvement.queries import source_labels
from wellled.inspections.improvement_source import KIND
from wellled.inspections.tests.support import finding, inspection

pytestmark = pytest.mark.django_db


def _raise(trust: Trust, source_id: str, who: str = "governance_lead") -> object:
    return actions.raise_action(
        acting_user=trust.people[who],
        source_kind=KIND,
        source_id=source_id,
        title="Weekly huddle on open complaints",
        owner=trust.people["service_lead"],
        due_on=datetime.date(2026, 9, 1),
        raised_on=datetime.date(2026, 7, 1),
    )


def test_a_finding_raises_an_action_signed_off_by_an_executive(trust: Trust) -> None:
    must_do = finding(inspection(trust))
    action = _raise(trust, str(must_do.pk))
    assert action.unit == trust.trust and action.sign_off_role == "executive"  # type: ignore[attr-defined]
    info = source_labels([action], trust.people["auditor"])[(KIND, str(must_do.pk))]  # type: ignore[list-item]
    assert info.label == "CQC well-led inspection 2025: Must-do action MD1"
    assert info.statement_ids == ("learning-improvement-and-innovation",)
    assert info.href == f"/inspections/{must_do.inspection_id}/"
    assert source_labels([action], trust.people["staff_member"])[(KIND, str(must_do.pk))].href == ""  # type: ignore[list-item]


def test_only_those_who_manage_the_inspection_raise_on_its_findings(trust: Trust) -> None:
    must_do = finding(inspection(trust))
    with pytest.raises(PermissionDenied):
        _raise(trust, str(must_do.pk), who="service_lead")
