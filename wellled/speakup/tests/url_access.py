"""Who may open each URL of speakup: merged into tests/test_url_permissions.py.

The anonymous routes are public on purpose. Casework is for guardians only:
platform operators are excluded (OPERATOR_EXCLUDED), and a guardian reaches a
case only if it was sent to them.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.url_access_groups import ALL_PERSONAS, PUBLIC, Access, Samples
from wellled.core.testing import Trust

GUARDIANS = frozenset({"guardian"})

ACCESS: Access = {
    "speakup:index": PUBLIC,
    "speakup:anonymous_new": PUBLIC,
    "speakup:anonymous_return": PUBLIC,
    "speakup:anonymous_file": PUBLIC,
    # Everyone with a login may open it; without a role or staff record it shows
    # the other ways to speak up, and a POST is refused (test_raise_openly.py).
    "speakup:raise": ALL_PERSONAS,
    "speakup:caseload": GUARDIANS,
    "speakup:key_setup": GUARDIANS,
    "speakup:key_manage": GUARDIANS,
    "speakup:unlock": GUARDIANS,
    "speakup:lock": GUARDIANS,
    "speakup:record": GUARDIANS,
    "speakup:case": GUARDIANS,
    "speakup:case_file": GUARDIANS,
    "speakup:guardians": GUARDIANS,
    "speakup:approve": GUARDIANS,
    "speakup:recovery_setup": GUARDIANS,
    "speakup:recover": GUARDIANS,
    # Approving the first guardian: the executive lead for speaking up and senior
    # leaders; never a trust administrator or a platform operator.
    "speakup:first_guardian": frozenset({"executive", "board_member"}),
    # API: the anonymous reporter's channel, public like its pages.
    "speakup-anonymous-submit": PUBLIC,
    "speakup-anonymous-open": PUBLIC,
    "speakup-anonymous-messages": PUBLIC,
    "speakup-anonymous-feedback": PUBLIC,
}

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _case(trust: Trust) -> dict[str, Any]:
    from wellled.speakup import actions
    from wellled.speakup.models import Attachment, Case, GuardianKey
    from wellled.speakup.tests.support import fast_key_for

    guardian = trust.people["guardian"]
    if not GuardianKey.objects.filter(user=guardian).exists():
        fast_key_for(guardian)
    case = Case.objects.first()
    if case is None:
        case = actions.record_on_behalf(
            acting_user=guardian,
            concern=actions.NewConcern(
                narrative="Told in person: rota changes made without consultation.",
                route="confidential",
                reporter_name="Sam Example",
                files=[("rota.png", PNG)],
            ),
            channel="in_person",
            received_on=datetime.date(2026, 3, 2),
            issue_code=False,
        ).case
    attachment = Attachment.objects.filter(case=case).first()
    assert attachment is not None
    return {"reference": case.reference, "file_id": attachment.pk}


def _grant(trust: Trust) -> dict[str, Any]:
    from wellled.organisation.models import RoleAssignment

    grant = RoleAssignment.objects.get(user=trust.people["guardian"], role="ftsu_guardian")
    return {"grant_id": grant.pk}


SAMPLES: Samples = {
    "speakup:case": lambda t: {"reference": _case(t)["reference"]},
    "speakup:recover": lambda t: {"reference": _case(t)["reference"]},
    "speakup:approve": _grant,
    "speakup:case_file": _case,
}
