"""Walk every URL pattern as anonymous and as every persona.

- Anonymous users are sent to log in, except on pages public on purpose; the API
  answers them 401 or 403, never with data.
- Each persona reaches exactly the pages ACCESS says it may, and is refused (403,
  or 404 where existence itself is private) everywhere else.
- "Reaches" means it works: a page answers 200 (or forwards where FORWARDS says),
  and a POST-only action, posted with the valid data of tests/url_posts.py,
  answers as it should and leaves its event in the audit trail.

A new URL fails this test until it has an entry in ACCESS (and in SAMPLES if it
takes arguments, and in POSTS if it is POST only), so no page ships without its
permission being pinned down.
"""

from __future__ import annotations

import json
import re
from http.cookies import Morsel
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import reverse

from tests.url_access_groups import ALL_PERSONAS, PUBLIC
from tests.url_catalogue import Route, all_routes, resolve
from tests.url_matrix import ACCESS, SAMPLES
from tests.url_posts import FORWARDED_POSTS, FORWARDS, POSTED_ONLY_BY, POSTS, Post
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.speakup import keysession
from wellled.speakup.tests.support import unlocked_client

__all__ = ["ACCESS", "SAMPLES"]  # tests/browser reads the samples from here


def _is_api(route: Route) -> bool:
    return route.route.startswith("api/")


def _allowed(route: Route, persona: str) -> bool:
    rule = ACCESS[route.name]
    return rule == PUBLIC or persona in rule


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/account/login/")


def _api_refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # A list is filtered to what the caller may see: an empty one is a refusal.
    if response.status_code == 200 and "results" in response.json():
        return response.json()["count"] == 0
    return False


def _get_or_post(client: Client, url: str) -> Any:
    # POST-only endpoints answer GET with 405; the refusal must hold for POST too.
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def _forwarded(route: Route, response: Any) -> bool:
    """Sent on where FORWARDS says: a page (302), or an old address that moved for
    good (301; 308 for a POST, which is sent again with its body)."""
    where = FORWARDS.get(route.name)
    return (
        where is not None
        and response.status_code in (301, 302, 308)
        and re.fullmatch(where, response["Location"]) is not None
    )


def _client_for(trust: Trust, persona: str) -> Client:
    if persona == "guardian":
        # Casework pages need the guardian's key unlocked in the session.
        return unlocked_client(Client(), trust.people[persona])
    client = Client()
    client.force_login(trust.people[persona])
    return client


def _get_fails(client: Client, route: Route, url: str) -> str | None:
    response = client.get(url)
    if response.status_code == 200 or _forwarded(route, response):
        return None
    if response.status_code == 405:
        return f"{route.name} is POST only: add a valid POST for it to tests/url_posts.py"
    where = response.get("Location", "")
    return f"{route.name} {url} should be allowed, got {response.status_code} {where}"


def _reach_fails(client: Client, route: Route, url: str) -> str | None:
    response = client.get(url)
    if response.status_code == 405:
        return None
    return f"{route.name} {url} should answer GET with 405, got {response.status_code}"


def _restore(client: Client, trust: Trust, persona: str) -> None:
    """Log back in (and unlock the guardian's key) after a POST that logged out or locked."""
    logged_out = "_auth_user_id" not in client.session
    if logged_out:
        client.force_login(trust.people[persona])
    if persona != "guardian":
        return
    if logged_out or not client.cookies.get(keysession.COOKIE_NAME, Morsel()).value:
        unlocked_client(client, trust.people[persona])


def _post_fails(client: Client, trust: Trust, persona: str, route: Route) -> str | None:
    """POST valid data as the persona, on objects made for this POST alone."""
    user = trust.people[persona]
    post = POSTS[route.name](trust, user)
    url = reverse(route.name, kwargs=post.kwargs or None)
    try:
        return _posted(client, route, url, post, user)
    finally:
        _restore(client, trust, persona)


def _posted(client: Client, route: Route, url: str, post: Post, user: User) -> str | None:
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    if route.name in FORWARDED_POSTS:
        # An old address: it does nothing itself but send the POST on (308).
        response = client.post(url, json.dumps(post.data), content_type="application/json")
        if _forwarded(route, response):
            return None
        said = response.get("Location", "") or response.content[:300]
        return f"{route.name} {url} POST should forward, got {response.status_code} {said!r}"
    if _is_api(route):
        response = client.post(url, json.dumps(post.data), content_type="application/json")
        answered = response.status_code in (200, 201)
    elif post.then is not None:
        response = client.post(url, post.data)
        answered = response.status_code == 302 and bool(
            re.fullmatch(post.then, response["Location"])
        )
    else:
        response = client.post(url, post.data)
        answered = response.status_code == 200
    if post.happened is not None:
        happened = post.happened(response)
    else:
        happened = AuditEvent.objects.filter(seq__gt=last, actor=user).exists()
    if answered and happened:
        return None
    said = response.get("Location", "") or response.content[:300]
    return f"{route.name} {url} POST should succeed, got {response.status_code} {said!r}"


def _refusal_fails(client: Client, route: Route, url: str) -> str | None:
    response = _get_or_post(client, url)
    ok = _api_refused(response) if _is_api(route) else response.status_code in (403, 404)
    if ok:
        return None
    return f"{route.name} {url} should be refused, got {response.status_code}"


def test_every_url_has_an_access_rule() -> None:
    names = {route.name for route in all_routes()}
    assert sorted(names - set(ACCESS)) == [], "add these URLs to ACCESS"
    assert sorted(set(ACCESS) - names) == [], "these ACCESS entries match no URL"
    assert sorted(set(POSTS) - names) == [], "these POSTS entries match no URL"
    assert sorted(set(FORWARDS) - names) == [], "these FORWARDS entries match no URL"


def test_every_valid_post_is_exercised_by_someone() -> None:
    unused = [
        name for name in POSTS if not any(_allowed(Route(name, "", ()), p) for p in ALL_PERSONAS)
    ]
    assert unused == [], "no persona may post these, so their success is never shown"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(trust: Trust) -> None:
    client = Client()
    wrong = []
    for route in all_routes():
        url = resolve(route, SAMPLES, trust)
        response = _get_or_post(client, url)
        if ACCESS.get(route.name) == PUBLIC:
            ok = response.status_code == 200 or _forwarded(route, response)
        elif _is_api(route):
            ok = response.status_code in (401, 403)
        else:
            ok = _login_redirect(response)
        if not ok:
            wrong.append(f"{route.name} {url} -> {response.status_code}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@override_settings(WELLLED_REQUIRE_2FA=False)
@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_each_persona_reaches_exactly_what_it_may(persona: str, trust: Trust) -> None:
    client = _client_for(trust, persona)
    wrong = []
    for route in all_routes():
        if not _allowed(route, persona):
            problem = _refusal_fails(client, route, resolve(route, SAMPLES, trust))
        elif route.name in POSTS and persona in POSTED_ONLY_BY.get(route.name, {persona}):
            problem = _post_fails(client, trust, persona, route)
        elif route.name in POSTS:
            problem = _reach_fails(client, route, resolve(route, SAMPLES, trust))
        else:
            problem = _get_fails(client, route, resolve(route, SAMPLES, trust))
        if problem:
            wrong.append(problem)
    assert wrong == [], "\n".join(wrong)
