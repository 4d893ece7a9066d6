"""Sessions end after a spell of inactivity (sliding) and when the browser closes."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

import wellled.settings as production_settings
from wellled.accounts.tests.support import LOGIN, post_password


def _idle_seconds_with(env_value: str | None) -> int:
    """SESSION_COOKIE_AGE as a fresh process reads it from the environment."""
    env = {k: v for k, v in os.environ.items() if k != "SESSION_IDLE_MINUTES"}
    if env_value is not None:
        env["SESSION_IDLE_MINUTES"] = env_value
    result = subprocess.run(
        [sys.executable, "-c", "import wellled.settings as s; print(s.SESSION_COOKIE_AGE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def test_the_idle_limit_is_20_minutes_unless_configured() -> None:
    assert _idle_seconds_with(None) == 20 * 60
    assert _idle_seconds_with("45") == 45 * 60
    assert production_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert production_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@pytest.fixture
def logged_in(client, staff_member):
    response = post_password(client, "staff_member")
    assert response.status_code == 302
    return client


def test_the_session_cookie_ends_with_the_browser(logged_in) -> None:
    response = logged_in.get("/account/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_each_request_pushes_the_expiry_forward(logged_in) -> None:
    Session.objects.filter(pk=_session(logged_in).pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert logged_in.get("/account/").status_code == 200
    remaining = _session(logged_in).expire_date - timezone.now()
    assert remaining > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_idle_past_the_limit_must_log_in_again(logged_in) -> None:
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    Session.objects.filter(pk=_session(logged_in).pk).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE) - idle
    )
    response = logged_in.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in logged_in.session
