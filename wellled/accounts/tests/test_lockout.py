"""Wrong passwords slow the next try down, per account and per source together;
no account is locked for long, and no address or browser is kept.

Personas: staff_member and guardian (the trust's only Freedom to Speak Up
guardian, whom a stranger must not be able to shut out), and a source spraying
one password across many accounts.
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches

import wellled.settings as production_settings
from wellled.accounts import login_delay
from wellled.accounts.tests.support import post_password
from wellled.core.testing import Trust

CLIENT_ADDRESS = "203.0.113.77"
OTHER_ADDRESS = "198.51.100.23"
BROWSER = "Mozilla/5.0 (Windows NT 10.0) wellled-test-browser/1.0"
FREE = 4  # WELLLED_LOGIN_ACCOUNT_FREE_FAILURES' default


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


class Clock:
    """time.time() as the delay reads it, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    moving = Clock()
    with mock.patch.object(login_delay.time, "time", moving):
        yield moving


def _fail(client, username: str, times: int):
    return [post_password(client, username, "wrong-password") for _ in range(times)]


def test_production_settings_delay_rather_than_lock() -> None:
    s = production_settings
    assert s.AUTHENTICATION_BACKENDS[0] == "wellled.accounts.login_delay.DelayedModelBackend"
    assert "axes.backends.AxesStandaloneBackend" not in s.AUTHENTICATION_BACKENDS
    assert s.AXES_ENABLED is False
    assert s.WELLLED_LOGIN_ACCOUNT_FREE_FAILURES == FREE
    assert s.WELLLED_LOGIN_ACCOUNT_MAX_DELAY == 15 * 60


def test_wrong_passwords_past_the_free_ones_wait_longer_each_time(browser, clock, staff_member):
    responses = _fail(browser, "staff_member", FREE)
    for response in responses:
        assert response.status_code == 200
        assert "The username or password is not right" in response.content.decode()
    waits = []
    for _ in range(6):
        response = post_password(browser, "staff_member", "wrong-password")
        assert response.status_code == 429
        assert "Wait before you try again" in response.content.decode()
        waits.append(int(response["Retry-After"]))
        clock.now += waits[-1]  # wait it out, then guess again
    assert waits == [30, 60, 120, 240, 480, 900], "doubling, up to 15 minutes"


def test_the_right_password_works_once_the_wait_is_over(browser, clock, staff_member) -> None:
    _fail(browser, "staff_member", FREE + 1)
    during = post_password(browser, "staff_member")
    assert during.status_code == 429 and SESSION_KEY not in browser.session
    assert 0 < int(during["Retry-After"]) <= 30
    clock.now += 31
    response = post_password(browser, "staff_member")
    assert response.status_code == 302
    assert browser.session[SESSION_KEY] == str(staff_member.pk)


def test_a_success_clears_the_accounts_count(browser, clock, staff_member) -> None:
    _fail(browser, "staff_member", FREE - 1)
    assert post_password(browser, "staff_member").status_code == 302
    browser.logout()
    responses = _fail(browser, "staff_member", FREE - 1)
    assert all(r.status_code == 200 for r in responses)


def test_a_stranger_cannot_shut_the_guardian_out_for_long(browser, clock, trust: Trust, client):
    # Thirty guesses from elsewhere, each waiting out its delay.
    for _ in range(30):
        clock.now += 3600
        post_password(browser, "guardian", "wrong-password")
    client.defaults["REMOTE_ADDR"] = OTHER_ADDRESS
    blocked = post_password(client, "guardian")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) <= settings.WELLLED_LOGIN_ACCOUNT_MAX_DELAY
    clock.now += settings.WELLLED_LOGIN_ACCOUNT_MAX_DELAY + 1
    assert post_password(client, "guardian").status_code == 302


def test_the_wait_is_per_account_not_per_browser(browser, clock, trust: Trust) -> None:
    _fail(browser, "staff_member", FREE + 1)
    assert post_password(browser, "guardian").status_code == 302


def test_spraying_one_password_across_many_accounts_is_slowed(browser, clock, trust) -> None:
    free = settings.WELLLED_LOGIN_SOURCE_FREE_FAILURES
    names = [f"person{n}" for n in range(free + 3)]
    responses = [post_password(browser, name, "Spring2026!") for name in names]
    assert all(r.status_code == 200 for r in responses[:free])
    assert all(r.status_code == 429 for r in responses[free:])
    # The source waits even for an account it has not tried, with the right password,
    # but not for long: many staff may share one address.
    waiting = post_password(browser, "staff_member")
    assert waiting.status_code == 429
    assert int(waiting["Retry-After"]) <= settings.WELLLED_LOGIN_SOURCE_MAX_DELAY == 300
    # Another source is not slowed by this one's guesses.
    other = type(browser)()
    other.defaults["REMOTE_ADDR"] = OTHER_ADDRESS
    assert post_password(other, "staff_member").status_code == 302


def test_an_unknown_username_waits_the_same_way(browser, clock, trust: Trust) -> None:
    responses = _fail(browser, "no_such_person", FREE + 1)
    assert responses[-1].status_code == 429
    assert "Wait before you try again" in responses[-1].content.decode()


def test_no_address_browser_or_account_name_is_kept(browser, clock, staff_member) -> None:
    _fail(browser, "staff_member", FREE + 2)
    _fail(browser, "no_such_person", 2)
    post_password(browser, "guardian")
    assert AccessAttempt.objects.count() == 0
    assert AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0
    cache = caches[settings.RATELIMIT_USE_CACHE]
    keys = [k for k in getattr(cache, "_cache", {}) if "login-delay" in str(k)]
    assert keys, "the counts are in the throttle cache"
    for key in keys:
        for secret in (CLIENT_ADDRESS, "198.51.100.9", "staff_member", "no_such_person"):
            assert secret not in str(key)
