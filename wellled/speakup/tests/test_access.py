"""Only guardians a case was sent to can read it. Everyone else is refused:
every other role, platform operators and trust administrators included."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tests.url_access_groups import ALL_PERSONAS
from wellled.speakup import actions, queries
from wellled.speakup.models import Case
from wellled.speakup.tests.support import anonymous_concern, give_key, unlocked_client

NOT_GUARDIANS = sorted(ALL_PERSONAS - {"guardian"})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", NOT_GUARDIANS)
def test_no_other_role_reaches_casework(persona, trust, guardian) -> None:
    private = give_key(guardian)
    case = anonymous_concern("Secret narrative").case
    user = trust.people[persona]
    client = Client()
    client.force_login(user)
    for url in [
        "/speak-up/guardian/",
        "/speak-up/guardian/key/",
        "/speak-up/guardian/unlock/",
        "/speak-up/guardian/record/",
        f"/speak-up/guardian/case/{case.reference}/",
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"op": "reply", "body": "x"}).status_code == 403, url
    assert list(queries.cases_visible_to(user)) == []
    for call in [
        lambda: actions.set_up_guardian_key(
            acting_user=user, passphrase="x" * 20, confirm="x" * 20
        ),
        lambda: actions.open_case(acting_user=user, case=case, private_key=private),
        lambda: actions.post_guardian_message(
            acting_user=user, case=case, private_key=private, body="x"
        ),
        lambda: actions.set_status(acting_user=user, case=case, status="in_progress"),
        lambda: actions.shred_case(acting_user=user, case=case),
        lambda: actions.record_on_behalf(
            acting_user=user,
            concern=actions.NewConcern(narrative="x", route="anonymous"),
            channel="phone",
            received_on=timezone.localdate(),
            issue_code=False,
        ),
    ]:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.django_db
def test_a_guardian_not_on_the_case_gets_not_found(trust, guardian) -> None:
    from wellled.core.testing import make_user
    from wellled.organisation.models import Role, RoleAssignment

    give_key(guardian)
    case = anonymous_concern().case
    other = make_user("guardian.late")
    RoleAssignment.objects.create(user=other, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    client = unlocked_client(Client(), other, "a late guardian passphrase")
    assert client.get(f"/speak-up/guardian/case/{case.reference}/").status_code == 404
    assert case.reference not in client.get("/speak-up/guardian/").content.decode()


@pytest.mark.django_db
def test_outsiders_cannot_raise_a_logged_in_concern(trust, outsider) -> None:
    client = Client()
    client.force_login(outsider)
    # The page offers the ways they can speak up instead; the form itself is refused.
    page = client.get("/speak-up/raise/")
    assert page.status_code == 200 and 'href="/speak-up/anonymous/"' in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    assert client.post("/speak-up/raise/", {"narrative": "x", "route": "open"}).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.raise_concern(
            acting_user=outsider, concern=actions.NewConcern(narrative="x", route="open")
        )
    # The anonymous route is open to anyone.
    assert Client().get("/speak-up/anonymous/").status_code == 200


@pytest.mark.django_db
def test_logged_out_visitors_are_sent_to_log_in_for_staff_pages(trust) -> None:
    client = Client()
    for url in ["/speak-up/raise/", "/speak-up/guardian/", "/speak-up/guardian/unlock/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"]


@pytest.mark.django_db
def test_the_guardian_is_sent_to_set_up_then_unlock(trust, guardian) -> None:
    client = Client()
    client.force_login(guardian)
    response = client.get("/speak-up/guardian/")
    assert response["Location"] == "/speak-up/guardian/key/"
    response = client.post("/speak-up/guardian/key/", {"passphrase": "short", "confirm": "short"})
    assert "at least 12 characters" in response.content.decode()
    response = client.post(
        "/speak-up/guardian/key/",
        {"passphrase": "a long enough passphrase", "confirm": "a different passphrase!"},
    )
    assert "The two passphrases are different" in response.content.decode()
    response = client.post(
        "/speak-up/guardian/key/",
        {"passphrase": "a long enough passphrase", "confirm": "a long enough passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/speak-up/guardian/").status_code == 200
    client.post("/speak-up/guardian/lock/")
    response = client.post("/speak-up/guardian/unlock/", {"passphrase": "wrong passphrase here"})
    assert "did not unlock" in response.content.decode()
    response = client.post(
        "/speak-up/guardian/unlock/?next=https://evil.example/",
        {"passphrase": "a long enough passphrase"},
    )
    assert response["Location"] == "/speak-up/guardian/"


@pytest.mark.django_db
def test_database_rows_alone_give_an_operator_nothing(trust, guardian, operator) -> None:
    give_key(guardian)
    anonymous_concern("The content nobody else may read")
    client = Client()
    client.force_login(operator)
    assert client.get("/speak-up/guardian/").status_code == 403
    # The admin site offers no speak-up model.
    from django.contrib import admin

    assert not [m for m in admin.site._registry if m._meta.app_label == "speakup"]
    assert Case.objects.count() == 1
