"""The improvement part of the URL access matrix, walked on its own.

tests/test_url_permissions.py walks every app's URLs; this runs the same rules over
the improvement URLs only, so this module's permissions are checked even while
another module's samples are being written.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.url_access_groups import ALL_PERSONAS
from tests.url_catalogue import all_routes, resolve
from wellled.core.testing import Trust
from wellled.improvement.tests.url_access import ACCESS, SAMPLES


def _routes() -> list[Any]:
    return [r for r in all_routes() if r.name.startswith(("improvement:", "improvement-"))]


def test_every_improvement_url_has_a_rule() -> None:
    assert sorted(r.name for r in _routes()) == sorted(ACCESS)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_each_persona_reaches_exactly_what_it_may(persona: str, trust: Trust) -> None:
    client = Client()
    client.force_login(trust.people[persona])
    wrong = []
    for route in _routes():
        url = resolve(route, SAMPLES, trust)
        allowed = persona in ACCESS[route.name]
        response = client.get(url)
        if allowed:
            ok = response.status_code in (200, 302, 405)
        else:
            if response.status_code == 405:
                response = client.post(url)
            if route.route.startswith("api/") and response.status_code == 200:
                ok = "results" in response.json() and response.json()["count"] == 0
            else:
                ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{route.name} {url} allowed={allowed} got {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
def test_anonymous_users_are_refused(trust: Trust) -> None:
    client = Client()
    for route in _routes():
        url = resolve(route, SAMPLES, trust)
        response = client.get(url)
        if route.route.startswith("api/"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302 and "/account/login/" in response["Location"], url
