"""This app's rows of the URL access matrix, walked on their own.

tests/test_url_permissions.py walks every URL of every app; this walks only the
URLs in url_access.py (surveys and speak-up reporting), so a change here is
checked without waiting for the whole project.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.url_access_groups import ALL_PERSONAS
from tests.url_catalogue import Route, all_routes, resolve
from wellled.core.testing import Trust
from wellled.surveys.tests.url_access import ACCESS, SAMPLES


def _routes() -> list[Route]:
    return [route for route in all_routes() if route.name in ACCESS]


def test_every_url_of_the_matrix_exists() -> None:
    assert {route.name for route in _routes()} == set(ACCESS)


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
            ok = response.status_code == 200
        elif route.route.startswith("api/"):
            ok = response.status_code in (403, 404) or (
                response.status_code == 200 and response.json()["count"] == 0
            )
        else:
            ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{route.name} {url}: {persona} got {response.status_code}")
    assert wrong == []
