"""Valid requests for every POST-only URL, so the URL walk can show each action succeeds.

An allowed POST-only URL passes the walk only when a POST with valid data gives
the expected answer (for a page, a redirect to where the action sends you; for
the API, a 2xx) and the action really happened: by default, that the person
posting wrote a new event to the audit trail, which every write does.

Each entry builds its own fresh objects, so an action that closes, retires or
removes something never changes what a later URL of the walk sees.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from tests.url_matrix import SAMPLES
from wellled.assurance.tests.support import WELL_LED
from wellled.core.testing import Trust

# A 1x1 PNG, for the speak-up file download.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@dataclass(frozen=True)
class Post:
    """One valid POST: where to, what to send, and what success looks like."""

    kwargs: dict[str, Any]  # URL arguments, of objects made for this POST alone
    data: dict[str, Any] = field(default_factory=dict)
    # Pages: a regular expression the redirect's Location must match in full.
    # None: an API endpoint (a JSON body, answered 200 or 201), or a page answering 200.
    then: str | None = None
    # Whether the action happened, given the response; None: the poster wrote an
    # audit event (every write does).
    happened: Callable[[Any], bool] | None = None


PostFactory = Callable[[Trust, User], Post]
_numbers = itertools.count(1)  # unique names for units made by the walk


def _date_parts(prefix: str, day: datetime.date) -> dict[str, str]:
    """A date as the three boxes of an NHS date field."""
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _manager_client(trust: Trust) -> Client:
    client = Client()
    client.force_login(trust.people["complaints_manager"])
    return client


def _api_post(client: Client, url: str, body: dict[str, Any]) -> Any:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), (url, response.content[:300])
    return response


# Complaints ------------------------------------------------------------------------------

# The API steps of a complaint in order, with a valid body each; a step is posted on a
# fresh case walked through every step before it.
_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("acknowledge", {"acknowledged_on": "2026-03-03", "discussion_offered_on": "2026-03-03"}),
    (
        "set-response-date",
        {"response_due": "2026-04-15", "notified": True, "notified_on": "2026-03-04"},
    ),
    ("start-investigation", {}),
    ("submit-draft", {}),
    ("sign-off", {"capacity": "delegate", "signed_off_on": "2026-04-20"}),
    ("record-response", {"responded_on": "2026-04-21"}),
    ("close", {"closed_on": "2026-04-22"}),
    ("reopen", {"reason": "New questions"}),
]


def _complaint_before(trust: Trust, step: str) -> int:
    """A fresh complaint with every step before `step` done (by the complaints manager)."""
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import final_letter, issue, record

    case = record(trust, received_on=datetime.date(2026, 3, 2))
    client = _manager_client(trust)
    for name, body in _STEPS:
        if name == "submit-draft":
            from wellled.complaints import actions

            found = issue(trust, Complaint.objects.get(pk=case.pk))
            actions.record_issue_outcome(
                acting_user=trust.people["complaints_manager"], issue=found, outcome="not_upheld"
            )
        if name == "sign-off":
            # Sign-off signs the final letter, written by someone other than the signer.
            final_letter(trust.people["complaints_handler"], Complaint.objects.get(pk=case.pk))
        if name == step:
            break
        _api_post(client, f"/api/v1/complaints/{case.pk}/{name}/", body)
    return case.pk


def _step(name: str) -> PostFactory:
    body = dict(_STEPS)[name]
    return lambda trust, user: Post({"pk": _complaint_before(trust, name)}, body)


def _sample(route: str) -> Callable[[Trust], dict[str, Any]]:
    """The URL walk's own sample arguments for `route` (fresh objects each call)."""
    return SAMPLES[route]


def _on(route: str, body: dict[str, Any] | None = None, then: str | None = None) -> PostFactory:
    """POST `body` to `route` on the walk's own sample objects (fresh for each call)."""
    return lambda trust, user: Post(_sample(route)(trust), body or {}, then)


def _escalate(trust: Trust, user: User) -> Post:
    from wellled.complaints.tests.support import issue, record

    concern = record(trust, kind="pals")
    issue(trust, concern)
    return Post({"pk": concern.pk}, {"escalated_on": "2026-03-10"})


def _refer(trust: Trust, user: User) -> Post:
    from wellled.complaints.tests.support import record, to_responded

    responded = to_responded(trust, record(trust), outcome="not_upheld")
    return Post({"pk": responded.pk}, {"referred_on": "2026-05-01", "phso_reference": "PHSO-123"})


def _issue_learning(trust: Trust, user: User) -> Post:
    kwargs = _sample("complaint-issue-learning")(trust)
    outcome = f"/api/v1/complaints/{kwargs['pk']}/issues/{kwargs['issue_pk']}/outcome/"
    _api_post(_manager_client(trust), outcome, {"outcome": "upheld"})
    return Post(kwargs, {"learning_statement": "Call-back list checked daily"})


def _acknowledge_page(trust: Trust, user: User) -> Post:
    day = datetime.date(2026, 3, 3)
    return Post(
        {**_sample("complaint-detail")(trust), "step": "acknowledge"},
        {
            **_date_parts("acknowledge-acknowledged_on", day),
            **_date_parts("acknowledge-discussion_offered_on", day),
        },
        then=r"/complaints/\d+/",
    )


_EXTENSION = {
    "new_date": "2026-05-15",
    "complainant_agreed": True,
    "how_agreed": "email",
    "agreed_on": "2026-04-01",
    "requested_by": "trust",
    "reason": "Statements",
}


def _complaint_step_posts() -> dict[str, PostFactory]:
    """The workflow steps and the response dates."""
    return {
        **{f"complaint-{name}": _step(name) for name, _ in _STEPS},
        "complaint-agree-response-date": _on(
            "complaint-detail",
            {"response_due": "2026-04-15", "agreed_on": "2026-03-03", "how_agreed": "phone"},
        ),
        "complaint-extend-response-date": lambda t, u: Post(
            {"pk": _complaint_before(t, "start-investigation")}, _EXTENSION
        ),
        "complaint-return-draft": lambda t, u: Post({"pk": _complaint_before(t, "sign-off")}),
        "complaints:step": _acknowledge_page,
    }


def _complaint_case_posts() -> dict[str, PostFactory]:
    """Changes to a case's people, scope, issues, letters and Ombudsman referral."""
    return {
        "complaint-change-handler": lambda t, u: Post(
            _sample("complaint-detail")(t), {"handler": t.people["complaints_handler"].pk}
        ),
        "complaint-consent": _on(
            "complaint-consent",
            {"consent_status": "given", "consent_evidence": "Signed form received"},
        ),
        "complaint-exclude": _on(
            "complaint-exclude",
            {"exclusion": "b", "exclusion_reason": "About their own employment"},
        ),
        "complaint-transfer": _on(
            "complaint-transfer", {"transferred_to": "North ICB", "transferred_on": "2026-03-05"}
        ),
        "complaint-escalate": _escalate,
        "complaint-refer-to-phso": _refer,
        "complaint-phso-decision": _on(
            "complaint-phso-decision", {"decision": "partly_upheld", "decision_on": "2026-06-01"}
        ),
        "complaint-phso-recommendations": _on(
            "complaint-phso-recommendations",
            {"description": "Review the call-back process", "due_on": "2026-08-01"},
        ),
        "complaint-phso-recommendation-complete": _on(
            "complaint-phso-recommendation-complete",
            {"completed_on": "2026-07-01", "evidence": "Apology sent; process audited"},
        ),
        "complaint-late-letter-sent": _on(
            "complaint-late-letter-sent",
            {"sent_on": "2026-04-21", "reason_for_delay": "Waiting for statements"},
        ),
        "complaint-letter-sent": _on("complaint-letter-sent", {"sent_on": "2026-03-03"}),
        "complaint-issue-outcome": _on("complaint-issue-outcome", {"outcome": "upheld"}),
        "complaint-issue-learning": _issue_learning,
        **_complaint_casework_posts(),
    }


def _own_filter(user: User) -> int:
    from wellled.complaints import actions

    name = f"Closed {next(_numbers)}"
    return actions.save_caseload_filter(acting_user=user, name=name, query="status=closed").pk


def _complaint_casework_posts() -> dict[str, PostFactory]:
    """The complaints team's settings: assignment rules and saved caseload filters."""
    return {
        "complaints:assignment_rule_delete": lambda t, u: Post(
            _sample("complaints:assignment_rule_delete")(t), then="/complaints/assignment-rules/"
        ),
        "complaints:saved_filter_save": lambda t, u: Post(
            {},
            {"name": f"Closed {next(_numbers)}", "query": "status=closed"},
            r"/complaints/\?status=closed",
        ),
        "complaints:saved_filter_delete": lambda t, u: Post(
            {"pk": _own_filter(u)}, then="/complaints/"
        ),
        "complaints:cqc_request_sent": lambda t, u: Post(
            _sample("complaints:cqc_request_sent")(t), then="/complaints/cqc-requests/"
        ),
    }


# Organisation, accounts and core ---------------------------------------------------------


def _fresh_unit(trust: Trust, *, closed: bool = False) -> int:
    from wellled.organisation import actions
    from wellled.organisation.models import UnitKind

    unit = actions.create_unit(
        acting_user=None, kind=UnitKind.TEAM, name=f"Team {next(_numbers)}", parent=trust.service
    )
    if closed:
        unit = actions.set_unit_active(acting_user=None, unit=unit, active=False)
    return unit.pk


def _logged_out(response: HttpResponse) -> bool:
    return response.wsgi_request.user.is_anonymous  # type: ignore[attr-defined]


def _closure_day(trust: Trust, user: User) -> Post:
    from wellled.core import actions

    day = actions.add_closure_day(
        acting_user=None, date=datetime.date(2026, 12, 30), reason="Trust-wide closure"
    )
    return Post({"pk": day.pk}, then="/calendar/")


def _core_posts() -> dict[str, PostFactory]:
    return {
        "accounts:api_token": lambda t, u: Post({}, then="/account/#api-token"),
        "accounts:logout": lambda t, u: Post({}, then="/account/login/", happened=_logged_out),
        "core:audit_verify": lambda t, u: Post({}, then=r"/jobs/[0-9a-f-]+/"),
        "core:calendar_add_closure_day": lambda t, u: Post(
            {},
            {
                **_date_parts("closure-date", datetime.date(2027, 1, 4)),
                "closure-reason": "Trust-wide closure",
            },
            then="/calendar/",
        ),
        "core:calendar_remove_closure_day": _closure_day,
        "organisation:staff_set_active": lambda t, u: Post(
            _sample("organisation:staff_detail")(t),
            {"active": "0"},
            then=r"/organisation/staff/\d+/",
        ),
        "organisation:unit_reopen": lambda t, u: Post(
            {"pk": _fresh_unit(t, closed=True)}, then=r"/organisation/units/\d+/"
        ),
        "unit-close": lambda t, u: Post({"pk": _fresh_unit(t)}),
        "unit-reopen": lambda t, u: Post({"pk": _fresh_unit(t, closed=True)}),
        "unit-move": lambda t, u: Post({"pk": _fresh_unit(t)}, {"parent": t.other_service.pk}),
    }


# Assurance, inspections, learning and reports --------------------------------------------


def _answered_200(response: HttpResponse) -> bool:
    # A computation or a preview: nothing is written, the answer is the result.
    return response.status_code == 200 and bool(response.content)


def _assurance_posts() -> dict[str, PostFactory]:
    def evidence_change(trust: Trust, user: User) -> Post:
        body = {
            "title": "Ward safety huddle audit (revised)",
            "description": "",
            "statements": ["learning-culture"],
            "categories": [],
            "owner": trust.people["service_lead"].pk,
            "evidence_date": "2026-01-05",
            "review_date": "2027-01-05",
        }
        return Post(_sample("assurance-evidence-change")(trust), body)

    return {
        "assurance-evidence-change": evidence_change,
        "assurance-evidence-retire": lambda t, u: Post(
            _sample("assurance-evidence-retire")(t), {"reason": "Superseded"}
        ),
        "assurance-ratings": lambda t, u: Post(
            {}, {"scores": dict.fromkeys(WELL_LED, 3)}, happened=_answered_200
        ),
        "assurance-round-close": lambda t, u: Post(
            _sample("assurance-round-close")(t), {"reason": "Finished"}
        ),
        "assurance-round-scores": lambda t, u: Post(
            _sample("assurance-round-scores")(t),
            {"statement_id": "learning-culture", "score": 3, "rationale": "Weekly huddles"},
        ),
        "assurance:pack_start": lambda t, u: Post(
            {"statement_id": "freedom-to-speak-up"}, then=r"/jobs/[0-9a-f-]+/"
        ),
        "assurance:score_preview": lambda t, u: Post(
            _sample("assurance:score_preview")(t), {"score": "3"}, happened=_answered_200
        ),
    }


def _forwarded_post(name: str) -> PostFactory:
    return lambda t, u: Post(_sample(name)(t), {"note": "x"})


def _inspection_posts() -> dict[str, PostFactory]:
    # The old inspection action addresses forward every POST (see FORWARDS).
    moved = {
        name: _forwarded_post(name)
        for name in (
            "inspection-action-evidence",
            "inspection-action-progress",
            "inspection-action-sign-off",
            "inspection-action-reopen",
        )
    }
    return {
        **moved,
        "inspection-finding-change": lambda t, u: Post(
            _sample("inspection-finding-change")(t),
            {"kind": "should_do", "text": "Review the call-back list daily"},
        ),
    }


def _share_for_everyone(trust: Trust, user: User) -> Post:
    from wellled.learning import actions
    from wellled.learning.tests.support import LEARNING, upheld_case

    complaint, _ = upheld_case(trust)
    share = actions.share_learning(
        acting_user=trust.people["complaints_manager"],
        complaint=complaint,
        title="Call-backs that were never made",
        summary=LEARNING,
        audience=[trust.service],
        shared_on=datetime.date(2026, 4, 1),
    )
    return Post({"pk": share.pk}, then=rf"/learning/shared/{share.pk}/")


def _learning_posts() -> dict[str, PostFactory]:
    return {
        "learning-action-complete": lambda t, u: Post(
            _sample("learning-action-complete")(t), {"evidence": "The list is checked daily"}
        ),
        "learning:confirm_read": _share_for_everyone,
        "learning:you_said_we_did_withdraw": lambda t, u: Post(
            _sample("learning:you_said_we_did_withdraw")(t), then="/learning/you-said-we-did/"
        ),
        "metric-values": lambda t, u: Post(
            _sample("metric-values")(t), {"rows": [{"period": "2024-03-01", "value": 5}]}
        ),
    }


# Speak-up --------------------------------------------------------------------------------


def _locked(response: HttpResponse) -> bool:
    from wellled.speakup import keysession

    cookie = response.cookies.get(keysession.COOKIE_NAME)
    return cookie is not None and cookie.value == ""


def _nominee(trust: Trust, user: User) -> Post:
    """A second guardian nominated, with their key set up, for the guardian to approve."""
    from wellled.organisation import actions as org
    from wellled.organisation.models import Role
    from wellled.speakup import actions
    from wellled.speakup.tests.support import PASSPHRASE

    nominee = User.objects.create_user("second_guardian")
    grant = org.grant_role(
        acting_user=None, user=nominee, role=Role.FTSU_GUARDIAN, unit=trust.trust
    )
    actions.set_up_guardian_key(acting_user=nominee, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    return Post(
        {"grant_id": grant.pk},
        {"fingerprint_checked": "on"},
        then=rf"/speak-up/guardian/guardians/\?approved={nominee.pk}",
    )


def _reporter_file(trust: Trust, user: User) -> Post:
    from wellled.speakup.models import Attachment
    from wellled.speakup.tests.support import anonymous_concern

    sent = anonymous_concern(files=[("rota.png", PNG)])
    attachment = Attachment.objects.get(case=sent.case)
    return Post(
        {},
        {"code": sent.code, "file": str(attachment.pk)},
        happened=lambda r: (
            r.status_code == 200 and "attachment" in r.get("Content-Disposition", "")
        ),
    )


def _speakup_posts() -> dict[str, PostFactory]:
    return {
        "speakup:lock": lambda t, u: Post({}, then="/speak-up/guardian/unlock/", happened=_locked),
        "speakup:approve": _nominee,
        "speakup:anonymous_file": _reporter_file,
    }


def _finished_action(trust: Trust, *, milestones_done: bool) -> Any:
    """The sample action with its evidence filed, ready to complete (or completed)."""
    from wellled.improvement import actions
    from wellled.improvement.tests.url_access import sample_action

    action = sample_action(trust)
    actions.add_evidence(
        acting_user=None,
        action=action,
        kind="note",
        title="Call log",
        description="Every complainant called within two days.",
        statement_ids=["learning-culture"],
    )
    if milestones_done:
        for milestone in action.milestones.all():
            actions.complete_milestone(acting_user=None, milestone=milestone)
        actions.complete_action(acting_user=None, action=action, note="Calls are routine")
    return action


def _improvement_posts() -> dict[str, PostFactory]:
    from wellled.improvement.tests.url_access import sample_action

    later = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    return {
        "improvement-action-progress": lambda t, u: Post(
            {"pk": sample_action(t).pk}, {"status": "on_track", "note": "Script drafted"}
        ),
        "improvement-action-replan": lambda t, u: Post(
            {"pk": sample_action(t).pk}, {"due_on": later, "reason": "New phone system"}
        ),
        "improvement-action-complete": lambda t, u: Post(
            {"pk": _finished_action(t, milestones_done=False).pk}, {"note": "Calls are routine"}
        ),
        "improvement-action-sign-off": lambda t, u: Post(
            {"pk": _finished_action(t, milestones_done=True).pk}, {"note": "Seen the log"}
        ),
        "improvement-action-evidence": lambda t, u: Post(
            {"pk": sample_action(t).pk},
            {"kind": "note", "title": "Call log", "description": "Every call made"},
        ),
        "improvement-action-reopen": lambda t, u: Post(
            {"pk": _finished_action(t, milestones_done=True).pk}, {"reason": "Calls slipped"}
        ),
    }


def _leadership_posts() -> dict[str, PostFactory]:
    from wellled.leadership.tests.support import programme, sample_visit

    return {
        "leadership:generate": lambda t, u: Post(
            {"pk": (made := programme(t, second=False)).pk},
            then=rf"/leadership/programmes/{made.pk}/",
        ),
        "leadership:visit_confirm": lambda t, u: Post(
            {"pk": (visit := sample_visit(t, feedback=True)).pk},
            then=rf"/leadership/visits/{visit.pk}/",
        ),
    }


# Involvement ------------------------------------------------------------------------------


def _involvement_posts() -> dict[str, PostFactory]:
    return {
        "involvement:claim_approve": lambda t, u: Post(
            _sample("involvement:claim_approve")(t), then="/involvement/claims/"
        ),
    }


POSTS: dict[str, PostFactory] = {
    **_core_posts(),
    **_complaint_step_posts(),
    **_complaint_case_posts(),
    **_assurance_posts(),
    **_inspection_posts(),
    **_learning_posts(),
    **_speakup_posts(),
    **_improvement_posts(),
    **_leadership_posts(),
    **_involvement_posts(),
}

# Old addresses whose POST does nothing itself but send the request on (308, to the
# address in FORWARDS): the walk checks it is forwarded, not that it wrote anything.
FORWARDED_POSTS: frozenset[str] = frozenset(
    {
        "inspection-action-evidence",
        "inspection-action-progress",
        "inspection-action-sign-off",
        "inspection-action-reopen",
    }
)

# Routes whose valid POST only some of the personas allowed to reach them can make
# (for the rest, the walk checks they reach it: a GET answers 405, not a refusal).
POSTED_ONLY_BY: dict[str, frozenset[str]] = {
    # Confirming you read a share needs you in its audience: someone who works within
    # the service it was shared with. Trust-wide roles reach the page but are not.
    "learning:confirm_read": frozenset({"service_lead", "staff_member"}),
}

# Allowed pages that forward on GET instead of answering 200, and where to (a regular
# expression matched against the whole Location).
FORWARDS: dict[str, str] = {
    # Already logged in: straight home.
    "accounts:login": "/",
    # Two-factor is not required in the walk, so there is nothing to verify.
    "accounts:two_factor_verify": "/",
    # Learning actions moved onto the action loop: their old addresses forward.
    "learning:action": r"/actions/\d+/",
    "learning-action-list": r"/api/v1/actions/\?source_kind=complaint_learning",
    "learning-action-detail": r"/api/v1/actions/\d+/",
    # Inspection action plans moved onto the action loop: old addresses forward.
    "inspections:plan_new": r"/actions/new/\?source_kind=inspection_finding&source_id=\d+",
    "inspections:actions": r"/actions/\?source_kind=inspection_finding",
    "inspections:action": r"/actions/\d+/",
    "inspections:action_edit": r"/actions/\d+/reassign/",
    "inspections:action_progress": r"/actions/\d+/progress/",
    "inspections:action_evidence": r"/actions/\d+/evidence/new/",
    "inspections:action_milestone": r"/actions/\d+/milestones/new/",
    "inspections:action_sign_off": r"/actions/\d+/sign-off/",
    "inspections:action_reopen": r"/actions/\d+/reopen/",
    "inspections:evidence_file": r"/assurance/evidence/\d+/download/",
    "inspection-action-list": r"/api/v1/actions/\?source_kind=inspection_finding",
    "inspection-action-detail": r"/api/v1/actions/\d+/",
    "inspection-action-progress": r"/api/v1/actions/\d+/progress/",
    "inspection-action-evidence": r"/api/v1/actions/\d+/evidence/",
    "inspection-action-sign-off": r"/api/v1/actions/\d+/sign-off/",
    "inspection-action-reopen": r"/api/v1/actions/\d+/reopen/",
    # The sample login has no two-factor to reset.
    "organisation:person_two_factor_reset": r"/organisation/people/\d+/",
    # A reporter's file is downloaded by POSTing their code; GET goes back to the form.
    "speakup:anonymous_file": "/speak-up/anonymous/return/",
    # The guardian has set up their key already: setting up is done, unlock it instead.
    "speakup:key_setup": "/speak-up/guardian/unlock/",
    # The sample case needs no recovery: its guardian can read it, so on to the case.
    "speakup:recover": r"/speak-up/guardian/case/[^/]+/",
}
