"""Who may open every URL of the project, and sample arguments for those that take some.

Core, accounts and organisation URLs are listed here; each other app lists its own
in `wellled/<app>/tests/url_access.py` (ACCESS, and SAMPLES for URLs that take
arguments), merged below, so apps never edit one shared table.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

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
from wellled.core import actions as core_actions
from wellled.core.models import AuditEvent
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
    day = core_actions.add_closure_day(
        acting_user=None, date=datetime.date(2026, 12, 29), reason="Trust-wide closure"
    )
    return {"pk": day.pk}


def _audit_event(trust: Trust) -> dict[str, Any]:
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
    "strategy",
    "leadership",
    "involvement",
    "equality",
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
