"""API tokens: `wellled api-token USERNAME` for scripts, and the profile page's section."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connections
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from wellled import cli
from wellled.accounts.actions import issue_api_token
from wellled.core.models import AuditEvent


def _audit_text() -> str:
    rows = AuditEvent.objects.values(
        "actor_label", "action", "object_type", "object_id", "object_repr", "before", "after"
    )
    return json.dumps(list(rows), default=str)


@pytest.fixture
def wellled_cli(monkeypatch):
    """`wellled ...` in this process, so it sees the test database.

    A command run from the command line closes every database connection when it
    finishes; on PostgreSQL that would end the test's transaction, so that one
    step is skipped here.
    """
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return lambda *args: cli.main(["wellled", *args])


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_only_the_token_and_makes_it_once(trust_admin) -> None:
    first = _run("trust_admin")
    token = Token.objects.get(user=trust_admin)
    assert first == f"{token.key}\n"
    assert _run("trust_admin") == first
    assert AuditEvent.objects.filter(action="api_token.created").count() == 1
    assert token.key not in _audit_text()


def test_rotate_replaces_the_token(trust_admin) -> None:
    old = _run("trust_admin").strip()
    new = _run("trust_admin", "--rotate").strip()
    assert new != old
    assert list(Token.objects.filter(user=trust_admin).values_list("key", flat=True)) == [new]
    event = AuditEvent.objects.get(action="api_token.rotated")
    assert event.object_id == str(trust_admin.pk)
    assert event.before == {"api_token": True}
    assert old not in _audit_text() and new not in _audit_text()


def test_the_hyphenated_name_works_through_the_wellled_command(
    trust_admin, wellled_cli, capsys
) -> None:
    wellled_cli("api-token", "trust_admin")
    captured = capsys.readouterr()
    assert captured.out == f"{Token.objects.get(user=trust_admin).key}\n"
    assert captured.err == ""


def test_an_unknown_user_is_an_error_on_stderr_with_status_1(db, wellled_cli, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        wellled_cli("api-token", "nobody_here")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "There is no user called 'nobody_here'" in captured.err
    assert not Token.objects.exists()


def test_a_deactivated_account_gets_no_token(staff_member, wellled_cli, capsys) -> None:
    staff_member.is_active = False
    staff_member.save()
    with pytest.raises(SystemExit) as exit_info:
        wellled_cli("api-token", "staff_member")
    assert exit_info.value.code == 1
    assert "deactivated" in capsys.readouterr().err
    assert not Token.objects.exists()


def test_the_installed_wellled_script_knows_the_command() -> None:
    wellled = Path(sys.executable).with_name("wellled")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wellled.settings"}
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(wellled), "help", "api-token"], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "--rotate" in result.stdout


def test_nobody_can_make_a_token_for_someone_else(staff_member, trust_admin) -> None:
    with pytest.raises(PermissionDenied):
        issue_api_token(acting_user=staff_member, user=trust_admin)
    assert not Token.objects.exists()


# --- The profile page's "Your API token" ---------------------------------------


def test_making_a_token_on_the_profile_page_shows_it_once(client_for, staff_member) -> None:
    client = client_for("staff_member")
    assert "You do not have a token" in client.get("/account/").content.decode()
    response = client.post("/account/api-token/")
    assert response.status_code == 302
    assert response["Location"] == "/account/#api-token"
    key = Token.objects.get(user=staff_member).key
    first = client.get("/account/").content.decode()
    assert key in first
    assert "This is the only time it is shown" in first
    second = client.get("/account/").content.decode()
    assert key not in second
    assert "Replace your token" in second
    assert key not in _audit_text()


def test_replacing_the_token_on_the_profile_page(client_for, staff_member) -> None:
    client = client_for("staff_member")
    old, _ = issue_api_token(acting_user=staff_member, user=staff_member)
    old_key = old.key
    client.post("/account/api-token/")
    new_key = Token.objects.get(user=staff_member).key
    assert new_key != old_key
    assert new_key in client.get("/account/").content.decode()
    assert AuditEvent.objects.filter(action="api_token.rotated", actor_id=staff_member.pk).exists()


def test_the_token_form_needs_a_login_and_a_post(client, client_for, staff_member) -> None:
    response = client.post("/account/api-token/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert client_for("staff_member").get("/account/api-token/").status_code == 405
    assert not Token.objects.exists()


# --- A token for someone else -----------------------------------------------------


@pytest.mark.parametrize("persona", ["operator", "trust_admin"])
def test_an_administrator_cannot_make_or_replace_someone_elses_token(
    trust, persona, guardian
) -> None:
    mine, _ = issue_api_token(acting_user=guardian, user=guardian)
    for rotate in (False, True):
        with pytest.raises(PermissionDenied):
            issue_api_token(acting_user=trust.people[persona], user=guardian, rotate=rotate)
    assert list(Token.objects.filter(user=guardian)) == [mine]


@pytest.mark.parametrize("persona", ["operator", "trust_admin"])
def test_the_token_page_only_ever_acts_on_the_owners_token(
    client_for, trust, persona, guardian
) -> None:
    mine, _ = issue_api_token(acting_user=guardian, user=guardian)
    client = client_for(persona)
    for target in (f"?user={guardian.pk}", f"?username={guardian.username}"):
        client.post(f"/account/api-token/{target}", {"user": guardian.pk, "username": "guardian"})
    assert list(Token.objects.filter(user=guardian)) == [mine]
    assert mine.key not in client.get("/account/").content.decode()
    assert Token.objects.filter(user=trust.people[persona]).count() == 1


def test_no_web_or_api_address_hands_out_tokens() -> None:
    """DRF's obtain_auth_token would give a token to anyone who knows a password."""
    from rest_framework.authtoken.views import ObtainAuthToken

    def views(patterns: list[URLPattern | URLResolver]) -> Iterator[object]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            else:
                yield getattr(pattern.callback, "view_class", None) or pattern.callback

    assert not [v for v in views(get_resolver().url_patterns) if v is ObtainAuthToken]


def test_the_owner_is_emailed_when_the_command_makes_or_shows_their_token(
    guardian, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        made = _run("guardian").strip()
    with django_capture_on_commit_callbacks(execute=True):
        shown = _run("guardian").strip()
    assert made == shown
    assert [email.to for email in mail.outbox] == [[guardian.email], [guardian.email]]
    for email in mail.outbox:
        assert "API token was issued" in email.subject
        assert made not in f"{email.subject} {email.body}"
    actions = list(
        AuditEvent.objects.filter(object_id=str(guardian.pk), action__startswith="api_token")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token.created", "api_token.shown"]
    assert made not in _audit_text()


def test_the_owner_making_their_own_token_gets_no_email(
    client_for, staff_member, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("staff_member").post("/account/api-token/")
    assert Token.objects.filter(user=staff_member).exists()
    assert mail.outbox == []
