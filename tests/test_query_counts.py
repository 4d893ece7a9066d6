"""Every list page and list endpoint runs the same number of queries however many rows it lists.

For each list: render it with some rows, add more rows of the listed thing (through
the actions and the helpers the app's own tests use), render it again, and the
query count must not change; the count itself is pinned too, so a page that starts
running more queries for the same rows fails here. A new list URL fails
`test_every_list_url_is_pinned` until it is listed below.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.url_catalogue import Route, all_routes
from wellled.core.testing import Trust
from wellled.speakup.tests.support import unlocked_client

D = datetime.date
_numbers = itertools.count(1)  # unique names, dates and years for the rows made here

Rows = Callable[[Trust, int], Any]


@dataclass(frozen=True)
class Pin:
    """A list URL, who reads it, how to add rows to it, and its query count today."""

    persona: str
    rows: Rows  # adds n more rows of what the URL lists; returns URL arguments (or None)
    queries: int  # today's count; for a known N+1, with five rows
    xfail: str = ""
    on_postgres: int | None = None  # where PostgreSQL runs a different number
    params: dict[str, str] = field(default_factory=dict)


# Rows ------------------------------------------------------------------------------------


def _walkround_programmes(trust: Trust, n: int) -> None:
    from wellled.leadership.tests.support import programme

    for _ in range(n):
        programme(trust, second=False)


def _walkround_visits(trust: Trust, n: int) -> dict[str, Any]:
    """n more sites in the hub, and the rota generated again over them."""
    from wellled.leadership import actions
    from wellled.leadership.models import Programme
    from wellled.leadership.tests.support import programme
    from wellled.organisation import actions as org
    from wellled.organisation.models import UnitKind

    made = Programme.objects.order_by("pk").first() or programme(trust, second=False)
    for _ in range(n):
        org.create_unit(
            acting_user=None, kind=UnitKind.SITE, name=f"Site {next(_numbers)}", parent=trust.hub
        )
    actions.generate_rota(acting_user=None, programme=made)
    return {"pk": made.pk}


def _walkround_api_visits(trust: Trust, n: int) -> None:
    _walkround_visits(trust, n)


def _complaints(trust: Trust, n: int) -> None:
    from wellled.complaints.tests.support import record

    for _ in range(n):
        record(trust)


def _online_complaints(trust: Trust, n: int) -> None:
    """Complaints from the public form: no handler, so in the triage queue."""
    from wellled.complaints import actions
    from wellled.complaints.tests.support import complainant

    for _ in range(n):
        actions.submit_public_complaint(
            service=trust.service, summary="No call back", complainant=complainant()
        )


def _assignment_rules(trust: Trust, n: int) -> None:
    from wellled.complaints import actions
    from wellled.organisation import actions as org
    from wellled.organisation.models import UnitKind

    for _ in range(n):
        service = org.create_unit(
            acting_user=None,
            kind=UnitKind.SERVICE,
            name=f"Service {next(_numbers)}",
            parent=trust.care_group,
            service_line=trust.service.service_line,
            setting=trust.service.setting,
        )
        actions.set_assignment_rule(
            acting_user=None, service=service, handler=trust.people["complaints_handler"]
        )


def _shares(trust: Trust, n: int) -> None:
    from wellled.learning.tests.support import share, upheld_case

    for _ in range(n):
        share(trust, upheld_case(trust)[0])


def _involvement_people(trust: Trust, n: int) -> None:
    from wellled.involvement.tests.support import person

    for _ in range(n):
        person(trust, services=[trust.service, trust.other_service])


def _involvement_opportunities(trust: Trust, n: int) -> None:
    from wellled.involvement.tests.support import opportunity

    for _ in range(n):
        opportunity(trust)


def _involvement_claims(trust: Trust, n: int) -> None:
    from wellled.involvement.tests.support import claim

    for _ in range(n):
        claim(trust)


def _you_said_we_did(trust: Trust, n: int) -> None:
    from wellled.learning import actions

    for _ in range(n):
        actions.publish_you_said_we_did(
            acting_user=None,
            service=trust.service,
            you_said="Call-backs took too long",
            we_did="We now check the call-back list every day",
            month=D(2020, 1, 1) + datetime.timedelta(days=31 * next(_numbers)),
        )


def _inspections(trust: Trust, n: int) -> None:
    from wellled.inspections.tests.support import finding, inspection, plan

    for _ in range(n):
        plan(trust, finding(inspection(trust)))


def _findings_of_one(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.inspections.models import Inspection
    from wellled.inspections.tests.support import finding, inspection, plan

    first = Inspection.objects.order_by("pk").first() or inspection(trust)
    for _ in range(n):
        plan(trust, finding(first, reference=f"MD{next(_numbers)}"))
    return {"pk": first.pk}


def _staff(trust: Trust, n: int) -> None:
    from wellled.organisation import actions

    for _ in range(n):
        actions.create_staff_profile(
            acting_user=None,
            full_name=f"Pat Example {next(_numbers)}",
            unit=trust.team,
            job_title="Nurse",
        )


def _logins(trust: Trust, n: int) -> None:
    from wellled.core.testing import make_user
    from wellled.organisation import actions
    from wellled.organisation.models import Role

    for _ in range(n):
        user = make_user(f"person_{next(_numbers)}")
        actions.grant_role(acting_user=None, user=user, role=Role.STAFF_MEMBER, unit=trust.team)


def _units(trust: Trust, n: int) -> None:
    from wellled.organisation import actions
    from wellled.organisation.models import UnitKind

    for _ in range(n):
        actions.create_unit(
            acting_user=None,
            kind=UnitKind.TEAM,
            name=f"Team {next(_numbers)}",
            parent=trust.service,
        )


def _evidence(trust: Trust, n: int) -> None:
    from wellled.assurance.tests.support import evidence

    for _ in range(n):
        evidence(trust, title=f"Board minutes {next(_numbers)}")


def _rounds(trust: Trust, n: int) -> None:
    from wellled.assurance.tests.support import trust_round

    for _ in range(n):
        trust_round(trust, title=f"Well-led round {next(_numbers)}")


def _metrics(trust: Trust, n: int) -> None:
    from wellled.reports.tests.support import make_metric

    for _ in range(n):
        make_metric(trust, name=f"Staff sickness absence {next(_numbers)}")


def _board_packs(trust: Trust, n: int) -> None:
    import hashlib

    from wellled.reports.models import BoardPack

    pdf = b"%PDF-1.7\n%sample\n"
    for _ in range(n):
        BoardPack.objects.create(
            month=D(2000, 1, 1) + datetime.timedelta(days=31 * next(_numbers)),
            requested_by=trust.people["governance_lead"],
            status=BoardPack.Status.ISSUED,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
        )


def _closure_days(trust: Trust, n: int) -> None:
    from wellled.core import actions

    for _ in range(n):
        day = D(2026, 1, 1) + datetime.timedelta(days=next(_numbers))
        actions.add_closure_day(acting_user=None, date=day, reason="Trust-wide closure")


def _audit_events(trust: Trust, n: int) -> None:
    # Each new unit writes one event to the trail.
    _units(trust, n)


def _survey_years(trust: Trust, n: int) -> None:
    from wellled.surveys.models import SurveyYear
    from wellled.surveys.tests.support import store_results

    # The question maps cover the survey years 2020 to 2024.
    stored = set(SurveyYear.objects.values_list("year", flat=True))
    for year in [y for y in range(2020, 2025) if y not in stored][:n]:
        store_results(year, {"RZZ": {"safe_to_speak_up": 61.5}})


def _equality_years(trust: Trust, n: int) -> None:
    from wellled.equality.models import EqualityYear
    from wellled.equality.tests.support import store_year

    held = EqualityYear.objects.count()
    for year in range(2015 + held, 2015 + held + n):
        store_year(year)


def _speakup_cases(trust: Trust, n: int) -> None:
    from wellled.speakup import actions
    from wellled.speakup.tests.support import give_key

    guardian = trust.people["guardian"]
    give_key(guardian)
    for _ in range(n):
        actions.record_on_behalf(
            acting_user=guardian,
            concern=actions.NewConcern(
                narrative="Told in person: rota changes made without consultation.",
                route="confidential",
                reporter_name="Sam Example",
            ),
            channel="in_person",
            received_on=D(2026, 3, 2),
            issue_code=False,
        )


def _complaint_issues(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import issue, record

    case = Complaint.objects.order_by("pk").first() or record(trust)
    for _ in range(n):
        issue(trust, case)
    return {"pk": case.pk}


def _complaint_letters(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.complaints import actions
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import record

    case = Complaint.objects.order_by("pk").first() or record(trust)
    for _ in range(n):
        actions.draft_letter(acting_user=None, complaint=case, kind="holding")
    return {"pk": case.pk}


def _complaint_attachments(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.complaints import actions
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import record

    case = Complaint.objects.order_by("pk").first() or record(trust)
    for _ in range(n):
        actions.add_attachment(
            acting_user=None,
            complaint=case,
            filename=f"photo-{next(_numbers)}.png",
            data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        )
    return {"pk": case.pk}


# The lists -------------------------------------------------------------------------------


def _cqc_requests(trust: Trust, n: int) -> None:
    from wellled.complaints.tests.url_access_measures import cqc_request

    for _ in range(n):
        cqc_request(trust)


def _complaint_notes(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.complaints import actions
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import record

    case = Complaint.objects.order_by("pk").first() or record(trust)
    for _ in range(n):
        actions.add_case_note(
            acting_user=None, complaint=case, text="Ward notes read", noted_on=D(2026, 3, 2)
        )
    return {"pk": case.pk}


def _complaint_contacts(trust: Trust, n: int) -> dict[str, Any]:
    from wellled.complaints import actions
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import record

    case = Complaint.objects.order_by("pk").first() or record(trust)
    for _ in range(n):
        actions.record_contact(
            acting_user=None,
            complaint=case,
            contacted_on=D(2026, 3, 2),
            method="phone",
            direction="out",
            with_whom="The complainant",
            summary="Agreed a meeting",
        )
    return {"pk": case.pk}


def _my_work(trust: Trust, n: int) -> None:
    """Actions the service lead owns, all with one title (as the demo's learning
    actions): "my work" names each one's source on its own line."""
    _improvement_actions(trust, n)


def _improvement_actions(trust: Trust, n: int) -> None:
    from wellled.improvement.tests.url_access import sample_action

    for _ in range(n):
        sample_action(trust)


def _strategy_proposals(trust: Trust, n: int) -> None:
    from wellled.strategy.tests.support import proposal, team_metric

    for _ in range(n):
        metric = team_metric(trust, name=f"Team measure {next(_numbers)}")
        proposal(trust, metric=metric, kind="watch")


def _strategy_agreed(trust: Trust, n: int) -> dict[str, int]:
    from wellled.strategy.tests.support import agreed, team_metric

    for _ in range(n):
        agreed(
            trust, metric=team_metric(trust, name=f"Team measure {next(_numbers)}"), kind="watch"
        )
    return {"pk": trust.team.pk}


def _strategy_objectives(trust: Trust, n: int) -> None:
    from wellled.strategy.tests.support import objective

    for _ in range(n):
        objective(trust, title=f"Breakthrough objective {next(_numbers)}")


def _principal_risks(trust: Trust, n: int) -> None:
    from wellled.strategy.tests.support import principal_risk

    for _ in range(n):
        principal_risk(trust, reference=f"SR{next(_numbers)}")


PINS: dict[str, Pin] = {
    # Pages
    # Searched, every status, sorted by handler: none of it adds a query per row (the
    # 12th query is the user's saved filters).
    "complaints:list": Pin(
        "complaints_manager",
        _complaints,
        12,
        params={"q": "call back", "status": "any", "ordering": "-handler"},
    ),
    "complaints:triage": Pin("complaints_handler", _online_complaints, 11),
    "complaints:assignment_rules": Pin("complaints_manager", _assignment_rules, 12),
    "complaints:cqc_requests": Pin("complaints_manager", _cqc_requests, 10),
    "learning:library": Pin("complaints_manager", _shares, 14),
    "learning:read_rates": Pin("complaints_manager", _shares, 13),
    "learning:you_said_we_did": Pin("complaints_manager", _you_said_we_did, 10),
    "involvement:people": Pin("involvement_lead", _involvement_people, 11),
    "involvement:opportunities": Pin("involvement_lead", _involvement_opportunities, 10),
    "involvement:claims": Pin("involvement_lead", _involvement_claims, 11),
    # Actions on findings are improvement actions: two reads gather them and map
    # them to their findings, whatever the number of rows.
    "inspections:list": Pin("governance_lead", _inspections, 11),
    "inspections:detail": Pin("governance_lead", _findings_of_one, 18),
    "inspections:board": Pin("governance_lead", _inspections, 15),
    "organisation:staff": Pin("trust_admin", _staff, 11),
    "organisation:people": Pin("trust_admin", _logins, 11),
    "organisation:tree": Pin("trust_admin", _units, 9),
    "assurance:evidence": Pin("governance_lead", _evidence, 13),
    "assurance:index": Pin("governance_lead", _rounds, 11),
    "reports:catalogue": Pin("governance_lead", _metrics, 9),
    "boardpacks:list": Pin("governance_lead", _board_packs, 11),
    "core:audit_list": Pin("auditor", _audit_events, 9),
    # "My work": one read per kind of item and one per kind of action source.
    "core:home": Pin("service_lead", _my_work, 30),
    "core:calendar": Pin("trust_admin", _closure_days, 10),
    "speakup:caseload": Pin("guardian", _speakup_cases, 27, on_postgres=28),
    "surveys:index": Pin("governance_lead", _survey_years, 11),
    "equality:index": Pin("board_member", _equality_years, 11),
    "improvement:list": Pin("governance_lead", _improvement_actions, 21),
    "strategy:index": Pin("executive", _strategy_objectives, 14),
    "strategy:inbox": Pin("service_lead", _strategy_proposals, 9),
    "strategy:unit": Pin("staff_member", _strategy_agreed, 16),
    # The register: risks with their controls, assurances, metrics and score history,
    # and the appetite of every category, each in one query.
    "strategy:baf": Pin("board_member", _principal_risks, 14),
    "leadership:programmes": Pin("governance_lead", _walkround_programmes, 11),
    "leadership:visits": Pin("governance_lead", _walkround_visits, 11),
    # API lists
    "complaint-list": Pin(
        "complaints_manager",
        _complaints,
        9,
        params={"q": "call back", "status": "received", "ordering": "service"},
    ),
    "complaint-issues": Pin("complaints_manager", _complaint_issues, 13, on_postgres=14),
    "complaint-letters": Pin("complaints_manager", _complaint_letters, 9),
    "complaint-attachments": Pin("complaints_manager", _complaint_attachments, 9),
    "complaint-notes": Pin("complaints_manager", _complaint_notes, 14, on_postgres=15),
    "complaint-contacts": Pin("complaints_manager", _complaint_contacts, 14, on_postgres=15),
    "shared-learning-list": Pin("complaints_manager", _shares, 9),
    "inspection-list": Pin("governance_lead", _inspections, 10),
    "staff-profile-list": Pin("trust_admin", _staff, 8),
    "role-assignment-list": Pin("trust_admin", _logins, 8),
    "unit-list": Pin("trust_admin", _units, 9),
    "assurance-evidence-list": Pin("governance_lead", _evidence, 10),
    "assurance-round-list": Pin("governance_lead", _rounds, 8),
    "metric-list": Pin("governance_lead", _metrics, 8),
    "survey-result-list": Pin("governance_lead", _survey_years, 9),
    "improvement-action-list": Pin("governance_lead", _improvement_actions, 10),
    "strategy-driver-list": Pin("staff_member", _strategy_proposals, 8),
    "strategy-risk-list": Pin("board_member", _principal_risks, 12),
    "leadership-visit-list": Pin("governance_lead", _walkround_api_visits, 9),
    "equality-year-list": Pin("board_member", _equality_years, 9),
}

# Routes the naming rule below takes for lists that list no rows of their own, and why.
NOT_LISTS: dict[str, str] = {
    "assurance-framework-list": "the frameworks are files shipped with the code",
    "assurance:frameworks": "the frameworks are files shipped with the code",
    "complaints:letter_templates": "one template per letter kind, a fixed set",
    "complaints:exports": "a fixed set of exports",
    "complaints:measures": "aggregates, a fixed number of rows",
    "speakup:guardians": "guardians of the trust: a handful, each with key checks",
    "accounts:backup_codes": "your own backup codes, a fixed number",
    "api-docs": "documentation",
    "involvement:public_register": "the public registration form",
    "involvement:embeddedness": "aggregates, one row per care group",
    "involvement:public_thanks": "the public form's confirmation",
    "assurance-ratings": "a computation, POST only",
    "assurance-round-scores": "an action, POST only",
    "assurance-round-limiters": "one entry per key question of the framework",
    "assurance:round_limiters": "one entry per key question of the framework",
    "assurance:owners": "one owner per statement of the framework",
    "complaint-late-response-tasks": "one case's tasks: one per missed response date",
    "complaint-phso-referrals": "one case's referrals to the Ombudsman",
    "complaint-phso-recommendations": "an action, POST only",
    "inspection-action-progress": "an old address: forwards to the action",
    "inspection-action-list": "an old address: forwards to /api/v1/actions/",
    "inspections:actions": "an old address: forwards to the actions register",
    "learning-action-list": "an old address: forwards to /api/v1/actions/",
    "improvement-action-progress": "an action, POST only",
    "improvement:progress": "a form",
    "inspections:action_progress": "an old address: forwards to the action's form",
    "inspections:ratings": "one rating per key question of the framework",
    "metric-values": "an action, POST only",
    "speakup-anonymous-messages": "the reporter's own messages, opened with their code",
}


def _looks_like_a_list(route: Route) -> bool:
    """A DRF list, or a page named like one: a plural, a library, a caseload, a register."""
    from django.urls import resolve

    if "(?P<" not in route.route and route.route.startswith("api/"):
        view = resolve("/" + route.route.replace("^", "").replace("$", "")).func
        if getattr(view, "actions", {}).get("get") == "list":
            return True
    short = route.name.split(":")[-1]
    return bool(re.search(r"(list|library|caseload|register|people|staff|s)$", short))


def test_every_list_url_is_pinned() -> None:
    routes = {route.name: route for route in all_routes()}
    lists = {name for name, route in routes.items() if _looks_like_a_list(route)}
    unpinned = sorted(lists - set(PINS) - set(NOT_LISTS))
    assert unpinned == [], "pin their query counts in PINS (or say why not in NOT_LISTS)"
    assert sorted((set(PINS) | set(NOT_LISTS)) - set(routes)) == []


def _client(trust: Trust, persona: str) -> Client:
    if persona == "guardian":
        return unlocked_client(Client(), trust.people[persona])
    client = Client()
    client.force_login(trust.people[persona])
    return client


def _count(client: Client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content


def _params() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=pin.xfail))
        if pin.xfail
        else name
        for name, pin in sorted(PINS.items())
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", _params())
def test_a_list_runs_as_many_queries_for_many_rows_as_for_few(
    name: str, trust: Trust, django_assert_max_num_queries: Any
) -> None:
    pin = PINS[name]
    kwargs = pin.rows(trust, 2)
    url = reverse(name, kwargs=kwargs or None)
    if pin.params:
        url = f"{url}?{urlencode(pin.params)}"
    client = _client(trust, pin.persona)
    client.get(url)  # the session and per-process caches settle on the first request
    few, before = _count(client, url)

    pin.rows(trust, 3)
    many, after = _count(client, url)

    assert len(after) > len(before), "the added rows should show on the list"
    assert many == few, f"{name}: {few} queries for few rows, {many} for more"
    pinned = pin.on_postgres if connection.vendor == "postgresql" else None
    with django_assert_max_num_queries(pinned or pin.queries):
        client.get(url)
