"""An anonymous reporter leaves no identifier behind: not in any database column,
not in any log record, not in a cookie, not in a rate-limit key."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from wellled.core import throttle
from wellled.speakup import protection
from wellled.speakup.models import Case
from wellled.speakup.tests.support import unlocked_client

IP = "203.0.113.77"
XFF = "198.51.100.23, 192.0.2.41"
UA = "DistinctiveAgent/9.9 (speakup-no-identifier-test)"
NEEDLES = ("203.0.113.77", "198.51.100.23", "192.0.2.41", "DistinctiveAgent", "no-identifier-test")


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.lines.append(repr(record.__dict__))
        request = getattr(record, "request", None)
        if request is not None:
            self.lines.append(repr(getattr(request, "META", {})))


@pytest.fixture
def captured() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(n) for n in ("django", "django.request", "django.server")]
    saved = [(lg, lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.propagate = True
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for lg, level, propagate in saved:
            lg.setLevel(level)
            lg.propagate = propagate


def _identifying_client() -> Client:
    return Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA, HTTP_X_FORWARDED_FOR=XFF, HTTP_X_REAL_IP=IP)


def _database_text() -> list[tuple[str, str, str]]:
    """(table, column, value) for every value of every column of every table."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("latin-1")
                    else:
                        text = str(value)
                    found.append((table, column, text))
    return found


def _assert_clean(lines: list[str], cookies_seen: list[str]) -> None:
    hits = [
        (table, column)
        for table, column, text in _database_text()
        for needle in NEEDLES
        if needle in text
    ]
    assert hits == [], f"identifiers stored in {hits}"
    log_hits = [line[:200] for line in lines for needle in NEEDLES if needle in line]
    assert log_hits == []
    cache_keys = " ".join(str(k) for k in throttle.throttle_cache()._cache)  # type: ignore[attr-defined]
    assert not any(needle in cache_keys for needle in NEEDLES)
    assert cookies_seen == []


@pytest.mark.django_db
def test_pages_store_and_log_nothing_that_identifies(trust, guardian, captured) -> None:
    guardian_client = unlocked_client(Client(), guardian)
    anon = _identifying_client()
    cookies: list[str] = []

    def note(response):
        cookies.extend(response.cookies.keys())
        return response

    note(anon.get("/speak-up/"))
    note(anon.get("/speak-up/anonymous/"))
    response = note(
        anon.post(
            "/speak-up/anonymous/",
            {
                "narrative": "Controlled drugs are not being checked at handover.",
                "notify_email": "",
            },
        )
    )
    code = response.context["code"]
    case = Case.objects.get()
    guardian_client.post(
        f"/speak-up/guardian/case/{case.reference}/", {"op": "reply", "body": "Which ward?"}
    )
    # The return visit, a week later as far as the server can tell.
    note(anon.get("/speak-up/anonymous/return/"))
    note(anon.post("/speak-up/anonymous/return/", {"code": code}))
    note(
        anon.post("/speak-up/anonymous/return/", {"code": code, "op": "message", "body": "Ward 9"})
    )
    # A wrong code, a missing file and a wrong method all go through the error paths.
    note(anon.post("/speak-up/anonymous/return/", {"code": "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}))
    note(anon.post("/speak-up/anonymous/file/", {"code": code, "file": "nope"}))
    note(anon.put("/speak-up/anonymous/"))
    assert anon.cookies == {} or all(not c.value for c in anon.cookies.values())
    _assert_clean(captured.lines, cookies)


@pytest.mark.django_db
def test_the_api_stores_and_logs_nothing_that_identifies(trust, guardian, captured) -> None:
    unlocked_client(Client(), guardian)
    anon = _identifying_client()
    cookies: list[str] = []
    response = anon.post(
        "/api/v1/speak-up/anonymous/concerns/",
        {"narrative": "Agency staff are not given a fire induction."},
        content_type="application/json",
    )
    assert response.status_code == 201
    cookies.extend(response.cookies.keys())
    code = response.json()["code"]
    for url, body in [
        ("/api/v1/speak-up/anonymous/open/", {"code": code}),
        ("/api/v1/speak-up/anonymous/messages/", {"code": code, "body": "It was the night shift"}),
        ("/api/v1/speak-up/anonymous/open/", {"code": "not a code"}),
    ]:
        response = anon.post(url, body, content_type="application/json")
        cookies.extend(response.cookies.keys())
    _assert_clean(captured.lines, cookies)


@pytest.mark.django_db
def test_a_logged_in_visitor_is_treated_as_anonymous_on_anonymous_routes(
    trust, staff_member
) -> None:
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    client.force_login(staff_member)
    response = client.get("/speak-up/anonymous/")
    assert response.status_code == 200
    # Their name is not on the page, and the page sets no cookie of its own.
    assert staff_member.get_username().encode() not in response.content
    assert "csrftoken" not in response.cookies
    assert response["Cache-Control"].startswith("no-store")
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_middleware_scrubs_before_anything_else_runs() -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    seen: dict[str, object] = {}

    def downstream(request):
        seen.update(request.META)
        seen["cookies"] = dict(request.COOKIES)
        return HttpResponse("ok")

    middleware = protection.AnonymousRouteMiddleware(downstream)
    factory = RequestFactory(
        REMOTE_ADDR=IP, HTTP_USER_AGENT=UA, HTTP_X_FORWARDED_FOR=XFF, HTTP_COOKIE="sessionid=abc"
    )
    request = factory.post("/speak-up/anonymous/return/")
    middleware(request)
    flat = repr(seen)
    assert not any(needle in flat for needle in NEEDLES)
    assert seen["cookies"] == {}
    assert getattr(request, protection.TAG_ATTRIBUTE)
    # Other routes are left alone (staff are accountable).
    seen.clear()
    middleware(factory.get("/complaints/"))
    assert seen["REMOTE_ADDR"] == IP
