"""Walk every URL pattern as anonymous and as every persona.

- Anonymous users are sent to log in, except on pages public on purpose; the API
  answers them 401 or 403, never with data.
- Each persona reaches exactly the pages ACCESS says it may, and is refused (403,
  or 404 where existence itself is private) everywhere else.

A new URL fails this test until it has an entry in ACCESS (and in SAMPLES if it
takes arguments), so no page ships without its permission being pinned down.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.url_access_groups import (
    ADMINS,
    ALL_PERSONAS,
    AUDITORS,
    PUBLIC,
    STAFF_VIEWERS,
    WITH_A_ROLE,
    Access,
    Samples,
)
from tests.url_catalogue import Route, all_routes, resolve
from wellled.core import actions as core_actions
from wellled.core.testing import Trust
from wellled.organisation import actions as org_actions
from wellled.organisation.models import RoleAssignment

# Who may open each URL. PUBLIC: anyone, logged in or not.
_CORE_ACCESS: Access = {
    "accounts:login": PUBLIC,
    "accounts:logout": ALL_PERSONAS,
    "accounts:profile": ALL_PERSONAS,
    "accounts:api_token": ALL_PERSONAS,
    "accounts:password_change": ALL_PERSONAS,
    "accounts:two_factor_setup": ALL_PERSONAS,
    "accounts:two_factor_verify": ALL_PERSONAS,
    "accounts:backup_codes": ALL_PERSONAS,
    "core:home": ALL_PERSONAS,
    "core:accessibility": PUBLIC,
    "core:job": frozenset({"trust_admin"}),  # the job's starter only
    "core:calendar": WITH_A_ROLE,
    "core:calendar_add_closure_day": ADMINS,
    "core:calendar_remove_closure_day": ADMINS,
    "core:audit_list": AUDITORS,
    "core:audit_detail": AUDITORS,
    "core:audit_verify": AUDITORS,
    "healthz": PUBLIC,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "organisation:tree": WITH_A_ROLE,
    "organisation:unit": WITH_A_ROLE,
    "organisation:unit_add": ADMINS,
    "organisation:unit_edit": ADMINS,
    "organisation:unit_move": ADMINS,
    "organisation:unit_close": ADMINS,
    "organisation:unit_reopen": ADMINS,
    "organisation:staff": STAFF_VIEWERS,
    "organisation:staff_detail": STAFF_VIEWERS,  # a member of the service lead's team
    "organisation:staff_add": ADMINS,
    "organisation:staff_edit": ADMINS,
    "organisation:staff_set_active": ADMINS,
    "organisation:people": ADMINS,
    "organisation:login_add": ADMINS,
    "organisation:person": ADMINS,
    "organisation:person_two_factor_reset": ADMINS,
    "organisation:role_revoke": ADMINS,
    "organisation:import": ADMINS,
    "organisation:import_template": ADMINS,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "unit-list": WITH_A_ROLE,
    "unit-detail": WITH_A_ROLE,
    "unit-move": ADMINS,
    "unit-close": ADMINS,
    "unit-reopen": ADMINS,
    "staff-profile-list": STAFF_VIEWERS,
    "staff-profile-detail": STAFF_VIEWERS,
    "role-assignment-list": ADMINS,
    "role-assignment-detail": ADMINS,
}


def _job(trust: Trust) -> dict[str, Any]:
    job = core_actions.start_job(
        acting_user=trust.people["trust_admin"], kind="test.noop", title="Test job", payload={}
    )
    return {"job_id": job.id}


def _closure_day(trust: Trust) -> dict[str, Any]:
    import datetime

    day = core_actions.add_closure_day(
        acting_user=None, date=datetime.date(2026, 12, 29), reason="Trust-wide closure"
    )
    return {"pk": day.pk}


def _audit_event(trust: Trust) -> dict[str, Any]:
    from wellled.core.models import AuditEvent

    return {"seq": AuditEvent.objects.order_by("seq").first().seq}  # type: ignore[union-attr]


def _staff(trust: Trust) -> dict[str, Any]:
    profile = org_actions.create_staff_profile(
        acting_user=None, full_name="Pat Example", unit=trust.team, job_title="Nurse"
    )
    return {"pk": profile.pk}


def _grant(trust: Trust) -> dict[str, Any]:
    return {"pk": RoleAssignment.objects.get(user=trust.people["staff_member"]).pk}


def _unit(trust: Trust) -> dict[str, Any]:
    return {"pk": trust.team.pk}


_CORE_SAMPLES: Samples = {
    "core:job": _job,
    "core:calendar_remove_closure_day": _closure_day,
    "core:audit_detail": _audit_event,
    "organisation:unit": _unit,
    "organisation:unit_add": lambda t: {"pk": t.service.pk},
    "organisation:unit_edit": _unit,
    "organisation:unit_move": _unit,
    "organisation:unit_close": _unit,
    "organisation:unit_reopen": _unit,
    "organisation:staff_detail": _staff,
    "organisation:staff_edit": _staff,
    "organisation:staff_set_active": _staff,
    "organisation:person": lambda t: {"pk": t.people["staff_member"].pk},
    "organisation:person_two_factor_reset": lambda t: {"pk": t.people["staff_member"].pk},
    "organisation:role_revoke": _grant,
    "unit-detail": _unit,
    "unit-move": _unit,
    "unit-close": _unit,
    "unit-reopen": _unit,
    "staff-profile-detail": _staff,
    "role-assignment-detail": _grant,
}


# Apps with their own matrix in wellled/<app>/tests/url_access.py.
APPS_WITH_MATRICES = (
    "complaints",
    "learning",
    "reports",
    "assurance",
    "inspections",
    "speakup",
    "surveys",
    "improvement",
)


def _merge() -> tuple[Access, Samples]:
    access: Access = dict(_CORE_ACCESS)
    samples: Samples = dict(_CORE_SAMPLES)
    for app in APPS_WITH_MATRICES:
        module = importlib.import_module(f"wellled.{app}.tests.url_access")
        clash = (set(access) & set(module.ACCESS)) | (set(samples) & set(module.SAMPLES))
        assert not clash, f"{app} repeats URL names already in the matrix: {sorted(clash)}"
        access.update(module.ACCESS)
        samples.update(module.SAMPLES)
    return access, samples


ACCESS, SAMPLES = _merge()


def _is_api(route: Route) -> bool:
    return route.route.startswith("api/")


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/account/login/")


def _api_refused(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code == 200 and "results" in response.json():
        return response.json()["count"] == 0
    return False


def _get_or_post(client: Client, url: str) -> Any:
    # POST-only endpoints answer GET with 405; the refusal must hold for POST too.
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def test_every_url_has_an_access_rule() -> None:
    names = {route.name for route in all_routes()}
    assert sorted(names - set(ACCESS)) == [], "add these URLs to ACCESS"
    assert sorted(set(ACCESS) - names) == [], "these ACCESS entries match no URL"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(trust: Trust) -> None:
    client = Client()
    wrong = []
    for route in all_routes():
        url = resolve(route, SAMPLES, trust)
        response = _get_or_post(client, url)
        if ACCESS.get(route.name) == PUBLIC:
            ok = response.status_code in (200, 302)
        elif _is_api(route):
            ok = response.status_code in (401, 403)
        else:
            ok = _login_redirect(response)
        if not ok:
            wrong.append(f"{route.name} {url} -> {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
@override_settings(WELLLED_REQUIRE_2FA=False)
@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_each_persona_reaches_exactly_what_it_may(persona: str, trust: Trust) -> None:
    client = Client()
    client.force_login(trust.people[persona])
    wrong = []
    for route in all_routes():
        rule = ACCESS[route.name]
        url = resolve(route, SAMPLES, trust)
        allowed = rule == PUBLIC or persona in rule
        if allowed:
            response = client.get(url)
            # 405: a POST-only action (its allowed path is tested with its use case);
            # 302: a page that forwards, e.g. verify → set up two-factor.
            ok = response.status_code in (200, 302, 405)
        else:
            response = _get_or_post(client, url)
            ok = _api_refused(response) if _is_api(route) else response.status_code in (403, 404)
        if not ok:
            verdict = "allowed" if allowed else "refused"
            wrong.append(f"{route.name} {url} should be {verdict}, got {response.status_code}")
    assert wrong == []
