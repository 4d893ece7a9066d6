"""Too many wrong passwords lock the account, by account only: no address or browser kept."""

from __future__ import annotations

import datetime

import pytest
from axes.helpers import get_client_ip_address, get_client_str, get_cool_off, get_lockout_response
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils.module_loading import import_string

import wellled.settings as production_settings
from wellled.accounts import lockout
from wellled.accounts.tests.support import LOGIN, post_password
from wellled.core.testing import Trust

CLIENT_ADDRESS = "203.0.113.77"
BROWSER = "Mozilla/5.0 (Windows NT 10.0) wellled-test-browser/1.0"


@pytest.fixture
def browser(client):
    """A client that sends an address and a user agent, so we can see neither is kept."""
    client.defaults.update(
        {
            "REMOTE_ADDR": CLIENT_ADDRESS,
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_X_FORWARDED_FOR": "198.51.100.9",
            "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        }
    )
    return client


def _fail(client, username: str, times: int):
    return [post_password(client, username, "wrong-password") for _ in range(times)]


def test_production_settings_lock_by_account_with_our_hooks() -> None:
    s = production_settings
    assert s.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert s.AXES_DISABLE_ACCESS_LOG is True
    assert s.AXES_ENABLE_ACCESS_FAILURE_LOG is False
    for name in (
        "AXES_CLIENT_IP_CALLABLE",
        "AXES_CLIENT_STR_CALLABLE",
        "AXES_LOCKOUT_CALLABLE",
        "AXES_HANDLER",
    ):
        assert callable(import_string(getattr(s, name))), name
    # A float is read by axes 8 as hours: 30 minutes by default.
    assert get_cool_off() == datetime.timedelta(minutes=s.AXES_COOLOFF_TIME * 60)


def test_axes_calls_our_hooks_by_those_setting_names(db) -> None:
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=BROWSER)
    assert get_client_ip_address(request) == lockout.PLACEHOLDER_IP
    assert get_client_str("alice", CLIENT_ADDRESS, BROWSER, LOGIN, request) == "account login"
    request.session = {}  # type: ignore[assignment]
    request.user = AnonymousUser()
    response = get_lockout_response(request)
    assert response.status_code == 429
    assert b"Your account is locked for now" in response.content


def test_the_limit_th_wrong_password_locks_the_account(browser, staff_member) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    responses = _fail(browser, "staff_member", limit)
    for response in responses[:-1]:
        assert response.status_code == 200
        assert "The username or password is not right" in response.content.decode()
    locked = responses[-1]
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Your account is locked for now" in body
    assert "30 minutes" in body


def test_the_right_password_does_not_work_while_locked(browser, staff_member) -> None:
    _fail(browser, "staff_member", settings.AXES_FAILURE_LIMIT)
    response = post_password(browser, "staff_member")
    assert response.status_code == 429
    assert SESSION_KEY not in browser.session


def test_the_right_password_works_again_after_the_cool_off(browser, staff_member) -> None:
    _fail(browser, "staff_member", settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    assert cool_off is not None
    earlier = AccessAttempt.objects.get(username="staff_member").attempt_time - cool_off
    AccessAttempt.objects.filter(username="staff_member").update(
        attempt_time=earlier - datetime.timedelta(minutes=1)
    )
    response = post_password(browser, "staff_member")
    assert response.status_code == 302
    assert browser.session[SESSION_KEY] == str(staff_member.pk)
    # A success clears the slate.
    assert not AccessAttempt.objects.filter(username="staff_member").exists()


def test_a_lockout_is_per_account_not_per_browser(browser, trust: Trust) -> None:
    _fail(browser, "staff_member", settings.AXES_FAILURE_LIMIT)
    response = post_password(browser, "guardian")
    assert response.status_code == 302


def test_an_unknown_username_is_locked_the_same_way(browser, trust: Trust) -> None:
    responses = _fail(browser, "no_such_person", settings.AXES_FAILURE_LIMIT)
    assert responses[-1].status_code == 429
    assert "Your account is locked for now" in responses[-1].content.decode()


def test_no_address_or_browser_is_stored(browser, staff_member) -> None:
    _fail(browser, "staff_member", settings.AXES_FAILURE_LIMIT + 1)
    _fail(browser, "no_such_person", 2)
    attempts = list(AccessAttempt.objects.all())
    assert attempts
    for attempt in attempts:
        assert attempt.ip_address == lockout.PLACEHOLDER_IP
        assert attempt.user_agent == lockout.PLACEHOLDER_USER_AGENT
        assert attempt.http_accept == lockout.PLACEHOLDER_HTTP_ACCEPT
        everything = " ".join(str(getattr(attempt, f.attname)) for f in attempt._meta.fields)
        for secret in (CLIENT_ADDRESS, "198.51.100.9", BROWSER, "wellled-test-browser"):
            assert secret not in everything
        assert "wrong-password" not in everything
    # Successful logins and a per-failure history are not kept at all.
    post_password(browser, "guardian")
    assert AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0
