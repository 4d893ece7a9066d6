"""Use case: a guardian has forgotten their password, and the platform operator sets
a new one on the server with `wellled changepassword`. The operator knows it, so the
guardian must replace it, is logged out everywhere and is told by email."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from wellled.accounts import actions
from wellled.accounts.queries import must_change_password
from wellled.core.models import AuditEvent
from wellled.core.testing import PASSWORD

OPERATOR_CHOICE = "typed-by-the-operator-7"


@pytest.fixture
def typed(monkeypatch) -> Callable[..., None]:
    """What the operator types at the command's password prompts, in order."""

    def answers(*passwords: str) -> None:
        queue = list(passwords)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": queue.pop(0))

    return answers


@pytest.fixture
def run(django_capture_on_commit_callbacks) -> Callable[..., str]:
    """`wellled changepassword ARGS`, with its after-commit emails sent."""

    def command(*args: str) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("changepassword", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    return command


def _sessions_of(user: User) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_the_command_is_the_projects_own() -> None:
    assert get_commands()["changepassword"] == "wellled.accounts"


def test_a_reset_forces_a_change_ends_sessions_and_tells_the_owner(guardian, typed, run) -> None:
    Client().force_login(guardian)
    assert _sessions_of(guardian) == 1
    typed(OPERATOR_CHOICE, OPERATOR_CHOICE)

    output = run("guardian")

    guardian.refresh_from_db()
    assert guardian.check_password(OPERATOR_CHOICE)
    assert must_change_password(guardian)
    assert _sessions_of(guardian) == 0
    assert "must choose their own" in output and "emailed" in output
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.object_id == str(guardian.pk)
    assert event.actor_id is None
    assert event.after == {"must_change_password": True, "sessions_ended": 1}
    assert OPERATOR_CHOICE not in str(list(AuditEvent.objects.values("before", "after")))
    [email] = mail.outbox
    assert email.to == [guardian.email]
    assert "password was reset" in email.subject
    assert OPERATOR_CHOICE not in f"{email.subject} {email.body}"
    assert guardian.username not in f"{email.subject} {email.body}"


def test_after_a_reset_the_owner_must_choose_their_own_password(
    client, guardian, typed, run
) -> None:
    typed(OPERATOR_CHOICE, OPERATOR_CHOICE)
    run("guardian")
    client.post("/account/login/", {"username": "guardian", "password": OPERATOR_CHOICE})
    response = client.get(reverse("speakup:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/password/")


def test_no_email_address_means_the_operator_is_told_to_tell_them(staff_member, typed, run) -> None:
    staff_member.email = ""
    staff_member.save()
    typed(OPERATOR_CHOICE, OPERATOR_CHOICE)
    assert "tell them yourself" in run("staff_member")
    assert mail.outbox == []
    assert must_change_password(staff_member)


def test_a_weak_or_mistyped_password_three_times_changes_nothing(guardian, typed, run) -> None:
    typed(OPERATOR_CHOICE, "something-else-entirely", "short", "short", "password", "password")
    with pytest.raises(CommandError, match="unchanged after 3 tries"):
        run("guardian")
    guardian.refresh_from_db()
    assert guardian.check_password(PASSWORD)
    assert not must_change_password(guardian)
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_the_command_needs_a_known_username(db, typed, run) -> None:
    with pytest.raises(CommandError, match="Name the user"):
        run()
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("nobody")


def test_nobody_on_the_web_can_set_someone_elses_password(operator, trust_admin, guardian) -> None:
    for someone_else in (operator, trust_admin):
        with pytest.raises(PermissionDenied):
            actions.change_password(
                acting_user=someone_else, user=guardian, new_password=OPERATOR_CHOICE
            )
        with pytest.raises(PermissionDenied):
            actions.reset_password(
                acting_user=someone_else, user=guardian, new_password=OPERATOR_CHOICE
            )
    guardian.refresh_from_db()
    assert guardian.check_password(PASSWORD)
    assert mail.outbox == []


def test_an_empty_answer_aborts_and_changes_nothing(guardian, typed, run) -> None:
    typed("")
    with pytest.raises(CommandError, match="Nothing was changed"):
        run("guardian")
    guardian.refresh_from_db()
    assert guardian.check_password(PASSWORD)
    assert not must_change_password(guardian)
