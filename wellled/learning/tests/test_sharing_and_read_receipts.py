"""Learning is shared with chosen teams, services or sites; staff there confirm
they have read it; managers see read rates. Shared text never names the people
on the case."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.navigation import work_for
from wellled.core.testing import Trust
from wellled.learning import actions
from wellled.learning.models import ReadReceipt
from wellled.learning.queries import audience_users, read_rate
from wellled.learning.tests.support import LEARNING, add_action, share, upheld_case

pytestmark = pytest.mark.django_db


def _share_text(trust: Trust, summary: str, **kwargs: object) -> None:
    complaint, _ = upheld_case(trust)
    actions.share_learning(
        acting_user=trust.people["complaints_manager"],
        complaint=complaint,
        title=str(kwargs.get("title", "Call-backs")),
        summary=summary,
        audience=[trust.team],
    )


@pytest.mark.parametrize(
    ("summary", "named"),
    [
        ("Alex Rivera's father waited too long.", "the complainant's name"),
        ("Mr Okafor waited too long.", "the patient's name"),
        ("Write to alex@example.org when done.", "an email address"),
        ("NHS number 943 476 5919 was mis-keyed.", "an NHS number"),
        ("Call 07700 900123 back.", "a phone number"),
    ],
)
def test_shared_learning_that_identifies_someone_is_refused(
    trust: Trust, summary: str, named: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _share_text(trust, summary)
    message = caught.value.message_dict["summary"][0]
    assert named in message
    assert message.startswith("This will be read by people who must not be able to identify")


def test_the_case_reference_is_refused_in_the_title(trust: Trust) -> None:
    complaint, _ = upheld_case(trust)
    with pytest.raises(ValidationError) as caught:
        actions.share_learning(
            acting_user=trust.people["complaints_manager"],
            complaint=complaint,
            title=f"Learning from {complaint.reference}",
            summary=LEARNING,
            audience=[trust.team],
        )
    assert "the case reference" in caught.value.message_dict["title"][0]


def test_sharing_needs_learning_and_an_audience(trust: Trust) -> None:
    complaint, _ = upheld_case(trust, learning="")
    with pytest.raises(ValidationError) as caught:
        actions.share_learning(
            acting_user=trust.people["complaints_manager"],
            complaint=complaint,
            title="Call-backs",
            summary=LEARNING,
            audience=[],
        )
    errors = caught.value.message_dict
    assert "there is none yet" in errors["summary"][0]
    assert errors["audience"] == ["Choose at least one team, service or site to share it with"]


@pytest.mark.parametrize("persona", ["service_lead", "staff_member", "governance_lead", "operator"])
def test_only_complaints_staff_share(trust: Trust, persona: str) -> None:
    complaint, _ = upheld_case(trust)
    with pytest.raises(PermissionDenied):
        actions.share_learning(
            acting_user=trust.people[persona],
            complaint=complaint,
            title="Call-backs",
            summary=LEARNING,
            audience=[trust.team],
        )


def test_the_team_confirms_it_has_read_and_the_rate_counts_them(trust: Trust) -> None:
    complaint, _ = upheld_case(trust)
    shared = share(trust, complaint)
    reader = trust.people["staff_member"]  # a role on the team
    assert reader in audience_users(shared)
    assert read_rate(shared).readers == 0
    actions.confirm_read(acting_user=reader, share=shared)
    actions.confirm_read(acting_user=reader, share=shared)  # twice is harmless
    assert ReadReceipt.objects.filter(share=shared).count() == 1
    rate = read_rate(shared)
    assert (rate.readers, rate.audience) == (1, audience_users(shared).count())


def test_someone_outside_the_audience_cannot_confirm(trust: Trust) -> None:
    complaint, _ = upheld_case(trust)
    shared = share(trust, complaint)
    with pytest.raises(PermissionDenied):
        actions.confirm_read(acting_user=trust.people["guardian"], share=shared)


def test_a_site_audience_reaches_teams_of_services_delivered_there(trust: Trust) -> None:
    from wellled.organisation import actions as org_actions

    org_actions.set_unit_sites(acting_user=None, unit=trust.service, sites=[trust.site])
    complaint, _ = upheld_case(trust)
    shared = actions.share_learning(
        acting_user=trust.people["complaints_manager"],
        complaint=complaint,
        title="Call-backs",
        summary=LEARNING,
        audience=[trust.site],
    )
    assert trust.people["staff_member"] in audience_users(shared)
    assert trust.people["guardian"] not in audience_users(shared)


def test_my_work_lists_unread_learning_and_my_open_actions(trust: Trust) -> None:
    import datetime

    from django.utils import timezone

    complaint, issue = upheld_case(trust)
    shared = actions.share_learning(
        acting_user=trust.people["complaints_manager"],
        complaint=complaint,
        title="Call-backs that were never made",
        summary=LEARNING,
        audience=[trust.team],
        shared_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    add_action(trust, issue, owner="staff_member")
    titles = [item.title for item in work_for(trust.people["staff_member"])]
    assert "Read shared learning: Call-backs that were never made" in titles
    # The action is an improvement action: "my work" lists it with every other one.
    assert "Action: Log every call-back request on the shared list" in titles
    actions.confirm_read(acting_user=trust.people["staff_member"], share=shared)
    titles = [item.title for item in work_for(trust.people["staff_member"])]
    assert "Read shared learning: Call-backs that were never made" not in titles
