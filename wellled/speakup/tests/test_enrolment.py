"""Who becomes a guardian, and what happens when one leaves (issue findings 1 and 2).

Personas: Alex Morgan, trust administrator ("trust_admin"); the platform operator
("operator"); Chris Lowe, guardian ("guardian"); Priya, a newly nominated guardian.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from wellled.accounts.actions import issue_api_token
from wellled.core.models import AuditEvent
from wellled.organisation import actions as org
from wellled.organisation.access import Cap, can, forget_grants
from wellled.organisation.models import GrantStatus, Role, RoleAssignment
from wellled.speakup import actions, crypto, enrolment, recovery
from wellled.speakup.models import CaseKey, GuardianCertificate, GuardianKey, KeyHolder
from wellled.speakup.tests.support import PASSPHRASE, anonymous_concern, give_key

SECRET = "The ward manager altered the controlled drugs register"


def _nominee(trust, *, via_api: bool = True) -> tuple[User, RoleAssignment]:
    """A trust administrator makes a login and grants it the guardian role."""
    admin = trust.people["trust_admin"]
    user = User.objects.create_user("priya", "priya@example.org", "x" * 20, first_name="Priya")
    if via_api:
        token, _ = issue_api_token(acting_user=admin, user=admin)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            "/api/v1/role-assignments/",
            {"user": user.pk, "role": Role.FTSU_GUARDIAN, "unit": trust.trust.pk},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "pending"
    else:
        org.grant_role(acting_user=admin, user=user, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    grant = RoleAssignment.objects.get(user=user, role=Role.FTSU_GUARDIAN)
    return user, grant


@pytest.mark.django_db
def test_an_administrator_who_grants_the_role_cannot_read_new_concerns(trust, guardian) -> None:
    """Finding 1: a grant by an administrator is pending; the nominee can set up a
    key, but nothing is wrapped for it and no casework page opens."""
    give_key(guardian)
    user, grant = _nominee(trust)
    assert grant.status == GrantStatus.PENDING
    assert not can(user, Cap.READ_SPEAKUP_CASES)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    case = anonymous_concern(SECRET).case
    assert not CaseKey.objects.filter(case=case, guardian=user).exists()
    client = Client()
    client.force_login(user)
    assert client.get("/speak-up/guardian/").status_code == 403
    # The nominee's own page shows the fingerprint to read to a guardian.
    page = client.get("/speak-up/guardian/key/").content.decode()
    key = GuardianKey.objects.get(user=user)
    assert crypto.fingerprint(bytes(key.public_key)) in page


@pytest.mark.django_db
def test_an_approval_written_into_the_database_enrols_nobody(trust, guardian) -> None:
    """Finding 1: flipping the grant to active and adding a certificate whose
    signature does not check gives no wrap."""
    give_key(guardian)
    user, grant = _nominee(trust, via_api=False)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    key = GuardianKey.objects.get(user=user)
    RoleAssignment.objects.filter(pk=grant.pk).update(status=GrantStatus.ACTIVE)
    forged = GuardianCertificate.objects.create(
        user=user,
        box_public_key=bytes(key.public_key),
        signing_public_key=bytes(key.signing_public_key or b""),
        signer_public_key=bytes(GuardianKey.objects.get(user=guardian).signing_public_key or b""),
        signature=b"\0" * 64,
        approved_on=trust.trust.created_at.date(),
    )
    assert not enrolment.is_trusted(key)
    case = anonymous_concern(SECRET).case
    assert not CaseKey.objects.filter(case=case, guardian=user).exists()
    forged.delete()


@pytest.mark.django_db
def test_a_guardian_approves_by_signing_and_everyone_is_told(
    trust, guardian, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    guardian.email = "chris@example.org"
    guardian.save()
    private = give_key(guardian)
    with django_capture_on_commit_callbacks(execute=True):
        user, grant = _nominee(trust)
    assert any("nominated" in m.subject for m in mailoutbox)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    with pytest.raises(ValidationError, match="fingerprint"):
        enrolment.approve_guardian(
            acting_user=guardian, grant=grant, private_key=private, fingerprint_checked=False
        )
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.approve_guardian(
            acting_user=guardian, grant=grant, private_key=private, fingerprint_checked=True
        )
    forget_grants(user)
    assert can(user, Cap.READ_SPEAKUP_CASES)
    case = anonymous_concern(SECRET).case
    assert CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).exists()
    assert any("is now a Freedom to Speak Up guardian" in m.subject for m in mailoutbox)
    assert AuditEvent.objects.filter(action="speakup.guardian_approved").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["trust_admin", "operator"])
def test_administrators_cannot_approve(trust, guardian, who) -> None:
    give_key(guardian)
    user, grant = _nominee(trust, via_api=False)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    with pytest.raises(PermissionDenied):
        enrolment.approve_first_guardian(acting_user=trust.people[who], grant=grant)
    with pytest.raises(PermissionDenied):
        enrolment.approve_guardian(
            acting_user=trust.people[who],
            grant=grant,
            private_key=crypto.new_case_key(),
            fingerprint_checked=True,
        )


@pytest.mark.django_db
def test_the_first_guardian_needs_the_executive_lead_and_a_second_senior_leader(
    trust, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    user, grant = _nominee(trust, via_api=False)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    executive, board = trust.people["executive"], trust.people["board_member"]
    org.grant_role(
        acting_user=None, user=executive, role=Role.FTSU_EXECUTIVE_LEAD, unit=trust.trust
    )
    forget_grants(executive)
    assert enrolment.approve_first_guardian(acting_user=board, grant=grant) is None
    assert not enrolment.trusted_guardian_keys()
    # A senior leader who took no part hears of it: logins an administrator made
    # for the purpose could not enrol a guardian unseen.
    bystander = User.objects.create_user("chair", "chair@example.org")
    RoleAssignment.objects.create(user=bystander, role=Role.BOARD_MEMBER, unit=trust.trust)
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolment.approve_first_guardian(acting_user=executive, grant=grant) is not None
    assert [k.user_id for k in enrolment.trusted_guardian_keys()] == [user.pk]
    assert any("chair@example.org" in m.to for m in mailoutbox)
    # Once a guardian exists, guardians approve new ones: the bootstrap is closed.
    other, other_grant = User.objects.create_user("other"), None
    other_grant = org.grant_role(
        acting_user=None, user=other, role=Role.FTSU_GUARDIAN, unit=trust.trust
    )
    actions.set_up_guardian_key(acting_user=other, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    with pytest.raises(ValidationError, match="approved guardian"):
        enrolment.approve_first_guardian(acting_user=board, grant=other_grant)


@pytest.mark.django_db
def test_the_last_reader_of_a_case_cannot_be_removed(trust, guardian) -> None:
    """Finding 2: revoking the only guardian who can open a case is refused."""
    give_key(guardian)
    case = anonymous_concern(SECRET).case
    grant = RoleAssignment.objects.get(user=guardian, role=Role.FTSU_GUARDIAN)
    with pytest.raises(
        ValidationError, match="only guardian who can open 1 speak-up case"
    ) as refused:
        org.revoke_role(acting_user=trust.people["trust_admin"], grant=grant)
    assert case.reference not in str(refused.value)
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()
    # With a second approved guardian holding the case, the role can go.
    other = User.objects.create_user("other")
    RoleAssignment.objects.create(user=other, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    give_key(other)
    actions.assign_guardian(
        acting_user=guardian, case=case, private_key=give_key(guardian), guardian=other
    )
    org.revoke_role(acting_user=trust.people["trust_admin"], grant=grant)
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


@pytest.mark.django_db
def test_a_stale_wrap_does_not_block_sending_a_case_to_current_guardians(trust, guardian) -> None:
    """Finding 2: a case held only by a former guardian reaches the current ones
    when its reporter next opens it."""
    give_key(guardian)
    result = anonymous_concern(SECRET)
    # Chris leaves without the refusal (e.g. the login was deactivated directly).
    User.objects.filter(pk=guardian.pk).update(is_active=False)
    successor = User.objects.create_user("successor")
    RoleAssignment.objects.create(user=successor, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    User.objects.filter(pk=guardian.pk).update(is_active=True)
    give_key(successor)
    User.objects.filter(pk=guardian.pk).update(is_active=False)
    assert [c.reference for c in recovery.stranded_cases()] == [result.case.reference]
    actions.open_with_code(code=result.code or "")
    assert CaseKey.objects.filter(case=result.case, guardian=successor).exists()


@pytest.mark.django_db
def test_two_of_three_holders_recover_a_stranded_case(trust, guardian, mailoutbox) -> None:
    """Finding 2: the recovery key re-opens a case for a current guardian; audited,
    shown on the case, one share is not enough."""
    private = give_key(guardian)
    executive, board = trust.people["executive"], trust.people["board_member"]
    lead = User.objects.create_user("lead", first_name="Lena")
    RoleAssignment.objects.create(user=lead, role=Role.FTSU_EXECUTIVE_LEAD, unit=trust.trust)
    with pytest.raises(ValidationError):
        recovery.set_up_recovery_key(
            acting_user=guardian,
            private_key=private,
            holders=[executive, trust.people["trust_admin"], board],
            threshold=2,
        )
    key, shares = recovery.set_up_recovery_key(
        acting_user=guardian, private_key=private, holders=[executive, board, lead], threshold=2
    )
    assert len(shares) == 3 and len(shares[0].words.split()) == 33
    case = anonymous_concern(SECRET).case
    assert CaseKey.objects.filter(case=case, holder=KeyHolder.ESCROW, recovery_key=key).exists()
    # Chris's copy is lost (say a forgotten passphrase); a successor is approved.
    CaseKey.objects.filter(case=case, guardian=guardian).delete()
    successor = User.objects.create_user("successor")
    RoleAssignment.objects.create(user=successor, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    successor_private = give_key(successor)
    with pytest.raises(ValidationError, match="at least 2"):
        recovery.recover_case(
            acting_user=successor,
            private_key=successor_private,
            case=case,
            shares=[shares[0].words],
            reason="Chris has left",
        )
    recovery.recover_case(
        acting_user=successor,
        private_key=successor_private,
        case=case,
        shares=[shares[0].words, shares[2].words],
        reason="Chris has left",
    )
    ctx = actions.open_case(acting_user=successor, case=case, private_key=successor_private)
    assert crypto.open_text(ctx.case_key, case.sealed_narrative) == SECRET
    event = AuditEvent.objects.get(action="speakup.recovered")
    assert (event.after or {})["holder_ids"] == [executive.pk, lead.pk]
    client = Client()
    client.force_login(successor)
    client.post("/speak-up/guardian/unlock/", {"passphrase": PASSPHRASE})
    page = client.get(f"/speak-up/guardian/case/{case.reference}/").content.decode()
    assert "Opened with the recovery key" in page


@pytest.mark.django_db
def test_my_work_leads_the_nominee_and_the_approving_guardian(trust, guardian) -> None:
    """Nobody needs the docs: the nominee's home page says to set up a key, then to
    read its fingerprint; an approved guardian's says whom to approve."""
    give_key(guardian)
    user, _ = _nominee(trust, via_api=False)
    assert [i.title for i in enrolment.enrolment_work(user)] == ["Set up your speak-up key"]
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    assert [i.title for i in enrolment.enrolment_work(user)] == [
        "Read your speak-up key fingerprint to a guardian"
    ]
    titles = [i.title for i in enrolment.enrolment_work(guardian)]
    assert titles == ["Approve Priya as a speak-up guardian"]
    assert enrolment.enrolment_work(trust.people["trust_admin"]) == []


@pytest.mark.django_db
def test_approving_without_the_fingerprint_tick_keeps_the_whole_page(trust, guardian) -> None:
    give_key(guardian)
    user, grant = _nominee(trust, via_api=False)
    actions.set_up_guardian_key(acting_user=user, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    client = Client()
    client.force_login(guardian)
    client.post("/speak-up/guardian/unlock/", {"passphrase": PASSPHRASE})
    response = client.post(f"/speak-up/guardian/guardians/{grant.pk}/approve/", {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Check the key fingerprint with the new guardian first" in page
    assert 'id="id_fingerprint_checked"' in page and "Recovery key" in page
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
