"""The reports URLs walked as every persona, from this app's own matrix.

tests/test_url_permissions.py walks every app's URLs together; this runs the same
checks over the reports URLs alone, so the matrix is checked with the app's tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.url_access_groups import ALL_PERSONAS
from tests.url_catalogue import all_routes, resolve
from wellled.core.testing import Trust
from wellled.reports.tests.url_access import ACCESS, SAMPLES

ROUTES = [route for route in all_routes() if route.name in ACCESS]


def test_every_reports_url_has_a_rule() -> None:
    ours = {
        route.name
        for route in all_routes()
        if route.name.startswith("reports:") or route.name.startswith("metric-")
    }
    assert sorted(ours - set(ACCESS)) == []
    assert {route.name for route in ROUTES} == set(ACCESS)


def _refused_api(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 200 and response.json().get("count") == 0


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(trust: Trust) -> None:
    client = Client()
    wrong = []
    for route in ROUTES:
        url = resolve(route, SAMPLES, trust)
        response = client.get(url)
        if route.route.startswith("api/"):
            if response.status_code == 405:
                response = client.post(url)
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == 302 and response["Location"].startswith("/account/login/")
        if not ok:
            wrong.append(f"{route.name} -> {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_each_persona_reaches_exactly_what_it_may(persona: str, trust: Trust) -> None:
    client = Client()
    client.force_login(trust.people[persona])
    wrong = []
    for route in ROUTES:
        url = resolve(route, SAMPLES, trust)
        allowed = persona in ACCESS[route.name]
        response = client.get(url)
        if allowed:
            ok = response.status_code in (200, 302, 405)
        else:
            if response.status_code == 405:
                response = client.post(url)
            if route.route.startswith("api/"):
                ok = _refused_api(response)
            else:
                ok = response.status_code in (403, 404)
        if not ok:
            verdict = "allowed" if allowed else "refused"
            wrong.append(f"{route.name} {url} should be {verdict}, got {response.status_code}")
    assert wrong == []
