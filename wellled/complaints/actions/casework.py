"""The complaints team's settings: assignment rules by service, and saved caseload filters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from wellled.complaints.actions._common import handler_errors, raise_errors
from wellled.complaints.models import AssignmentRule, SavedCaseloadFilter
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

# The caseload's filter parameters: a saved filter keeps these and nothing else.
FILTER_KEYS = ("q", "status", "overdue", "ordering")
MAX_SAVED_FILTERS = 30


def _require_rules(acting_user: Actor, service: OrgUnit) -> None:
    if acting_user is not None and not can(
        acting_user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA, service
    ):
        raise PermissionDenied("Only a complaints manager can change who handles new cases")


@transaction.atomic
def set_assignment_rule(
    *, acting_user: Actor, service: OrgUnit, handler: User | None
) -> AssignmentRule:
    """New cases about `service` go to `handler`; replaces the service's rule if it has one."""
    _require_rules(acting_user, service)
    errors: dict[str, str] = {}
    if service.kind != UnitKind.SERVICE or not service.is_active:
        errors["service"] = "Choose an open service"
    if handler is None:
        errors["handler"] = "Choose who handles new cases about this service"
    elif not handler.is_active:
        errors["handler"] = f"{handler.get_full_name() or handler} no longer has a login"
    else:
        errors.update(handler_errors(handler, service))
    raise_errors(errors)
    assert handler is not None
    rule = AssignmentRule.objects.select_for_update().filter(service=service).first()
    before = {"service_id": service.pk, "handler_id": rule.handler_id} if rule else None
    if rule is None:
        rule = AssignmentRule(service=service, handler=handler)
    rule.handler = handler
    rule.save()
    audit.record(
        acting_user=acting_user,
        action="complaint.assignment_rule_set",
        obj=rule,
        before=before,
        after={"service_id": service.pk, "handler_id": handler.pk},
    )
    return rule


@transaction.atomic
def remove_assignment_rule(*, acting_user: Actor, rule: AssignmentRule) -> None:
    """New cases about the service wait in the triage queue again."""
    rule = AssignmentRule.objects.select_for_update().select_related("service").get(pk=rule.pk)
    _require_rules(acting_user, rule.service)
    audit.record(
        acting_user=acting_user,
        action="complaint.assignment_rule_removed",
        obj=rule,
        before={"service_id": rule.service_id, "handler_id": rule.handler_id},
    )
    rule.delete()


def clean_filter_query(query: str) -> str:
    """The caseload filter in a query string, without the page number or anything else."""
    kept = [(k, v.strip()) for k, v in parse_qsl(query) if k in FILTER_KEYS and v.strip()]
    return urlencode(kept)


@transaction.atomic
def save_caseload_filter(*, acting_user: User, name: str, query: str) -> SavedCaseloadFilter:
    """Save the caseload's current filter under a name; the same name replaces it."""
    if not can(acting_user, Cap.VIEW_COMPLAINTS):
        raise PermissionDenied("You cannot see the complaints caseload")
    name = " ".join(name.split())
    cleaned = clean_filter_query(query)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the filter"
    elif len(name) > 80:
        errors["name"] = "The name must be 80 characters or fewer"
    if not cleaned:
        errors["name"] = "Search or filter the caseload first, then save it"
    elif len(cleaned) > 500:
        errors["name"] = "This filter is too long to save: shorten the search"
    mine = SavedCaseloadFilter.objects.filter(user=acting_user)
    existing = mine.select_for_update().filter(name=name).first()
    if existing is None and mine.count() >= MAX_SAVED_FILTERS:
        errors["name"] = f"You have {MAX_SAVED_FILTERS} saved filters: delete one first"
    raise_errors(errors)
    saved = existing or SavedCaseloadFilter(user=acting_user, name=name)
    saved.query = cleaned
    saved.save()
    audit.record(
        acting_user=acting_user,
        action="complaint.caseload_filter_saved",
        obj=saved,
        # The name and search may name a person: whether there is a search only.
        after={"has_search": any(k == "q" for k, _ in parse_qsl(cleaned))},
    )
    return saved


@transaction.atomic
def delete_caseload_filter(*, acting_user: User, saved: SavedCaseloadFilter) -> None:
    if saved.user_id != acting_user.pk:
        raise PermissionDenied("This is not one of your saved filters")
    audit.record(acting_user=acting_user, action="complaint.caseload_filter_deleted", obj=saved)
    saved.delete()
