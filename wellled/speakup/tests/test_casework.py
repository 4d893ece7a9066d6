"""A guardian runs a case to closure; the worker answers through the same channel."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from wellled.core.models import AuditEvent
from wellled.speakup import actions, queries
from wellled.speakup.models import Case, Route, Status, Theme
from wellled.speakup.queries import speakup_work
from wellled.speakup.tests.support import anonymous_concern, give_key, unlocked_client


def _details(**overrides: object) -> actions.CaseDetails:
    values: dict[str, object] = {
        "summary": "Staffing on ward 7 nights",
        "element_patient_safety": True,
        "element_worker_safety": True,
        "element_bullying_harassment": False,
        "element_other_behaviour": False,
        "worker_group": "nurses_midwives",
        "unit": None,
        "themes": [],
    }
    values.update(overrides)
    return actions.CaseDetails(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_full_anonymous_loop_through_the_pages(
    trust, guardian, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    gclient = unlocked_client(Client(), guardian)
    anon = Client()
    code, case = _worker_speaks_up(anon)
    _guardian_triages(gclient, case, trust)
    _guardian_asks_and_worker_answers(
        gclient, anon, code, case, mailoutbox, django_capture_on_commit_callbacks
    )
    _guardian_closes_and_worker_gives_feedback(gclient, anon, code, case)


def _case_url(case: Case) -> str:
    return f"/speak-up/guardian/case/{case.reference}/"


def _worker_speaks_up(anon: Client) -> tuple[str, Case]:
    response = anon.post(
        "/speak-up/anonymous/",
        {"narrative": "Ward 7 nights run on one nurse.", "notify_email": "me@example.org"},
    )
    code = response.context["code"]
    case = Case.objects.get()
    assert case.route == Route.ANONYMOUS and case.received_week.weekday() == 0
    return code, case


def _guardian_triages(gclient: Client, case: Case, trust) -> None:
    # Triage with elements (not exclusive), a new theme and the service concerned.
    response = gclient.post(
        _case_url(case),
        {
            "op": "triage",
            "summary": "Night staffing",
            "element_patient_safety": "on",
            "element_worker_safety": "on",
            "worker_group": "nurses_midwives",
            "unit": trust.service.pk,
            "new_theme": "Staffing levels",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (
        case.status == Status.TRIAGED and case.element_patient_safety and case.element_worker_safety
    )
    assert list(case.themes.values_list("name", flat=True)) == ["Staffing levels"]
    assert case.unit == trust.service


def _guardian_asks_and_worker_answers(
    gclient: Client, anon: Client, code: str, case: Case, mailoutbox, capture_on_commit
) -> None:
    # The guardian asks; the worker is told by an email with no content.
    with capture_on_commit(execute=True):
        gclient.post(_case_url(case), {"op": "reply", "body": "Which nights?"})
    assert len(mailoutbox) == 1
    assert "Which nights" not in mailoutbox[0].body and "Ward 7" not in mailoutbox[0].body
    assert mailoutbox[0].to == ["me@example.org"]
    page = anon.post("/speak-up/anonymous/return/", {"code": code}).content.decode()
    assert "Which nights?" in page
    anon.post(
        "/speak-up/anonymous/return/", {"code": code, "op": "message", "body": "Every weekend"}
    )
    page = gclient.get(_case_url(case)).content.decode()
    assert "Every weekend" in page
    assert "week beginning" in page  # the worker's dates are coarsened to the week


def _guardian_closes_and_worker_gives_feedback(
    gclient: Client, anon: Client, code: str, case: Case
) -> None:
    # Close: the worker is asked the national question through the same channel.
    outcome = "Extra nurse added to the weekend rota."
    gclient.post(_case_url(case), {"op": "close", "outcome": outcome})
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_week and case.feedback_requested
    page = anon.post("/speak-up/anonymous/return/", {"code": code}).content.decode()
    assert "Given your experience, would you speak up again?" in page
    assert "Extra nurse added" in page
    anon.post(
        "/speak-up/anonymous/return/",
        {"code": code, "op": "feedback", "answer": "yes", "reason": "It was fixed."},
    )
    case.refresh_from_db()
    assert case.feedback_answer == "yes"
    page = gclient.get(_case_url(case)).content.decode()
    assert "It was fixed." in page


@pytest.mark.django_db
def test_actions_escalations_and_detriment_prompt_in_my_work(trust, guardian) -> None:
    private = give_key(guardian)
    case = anonymous_concern().case
    assert any(
        case.reference in item.title and "Triage" in item.title for item in speakup_work(guardian)
    )
    actions.triage(acting_user=guardian, case=case, private_key=private, details=_details())
    due = timezone.localdate() + datetime.timedelta(days=5)
    action = actions.add_action(
        acting_user=guardian,
        case=case,
        private_key=private,
        description="Meet the ward manager",
        owner="Chief Nurse",
        due=due,
    )
    actions.escalate(
        acting_user=guardian,
        case=case,
        private_key=private,
        route="ned",
        note="Raised with the NED",
        escalated_on=timezone.localdate(),
    )
    actions.record_detriment(acting_user=guardian, case=case, private_key=private, reported=True)
    titles = [item.title for item in speakup_work(guardian)]
    assert f"Action due on speak-up case {case.reference}" in titles
    assert f"Follow up detriment on speak-up case {case.reference}" in titles
    # Prompts carry no content.
    assert not any("ward manager" in t or "NED" in t for t in titles)
    case.refresh_from_db()
    assert case.detriment_reported and case.status == Status.IN_PROGRESS
    ctx = actions.open_case(acting_user=guardian, case=case, private_key=private)
    content = queries.case_content(case, ctx.case_key)
    assert content.actions[0]["owner"] == "Chief Nurse"
    assert content.escalations[0]["note"] == "Raised with the NED"
    actions.complete_action(acting_user=guardian, action=action)
    titles = [item.title for item in speakup_work(guardian)]
    assert f"Action due on speak-up case {case.reference}" not in titles
    with pytest.raises(ValidationError):
        actions.escalate(
            acting_user=guardian,
            case=case,
            private_key=private,
            route="ned",
            note="",
            escalated_on=timezone.localdate() + datetime.timedelta(days=3),
        )


@pytest.mark.django_db
def test_open_and_confidential_concerns_from_staff(trust, guardian, staff_member) -> None:
    private = give_key(guardian)
    client = Client()
    client.force_login(staff_member)
    response = client.post(
        "/speak-up/raise/",
        {
            "route": "confidential",
            "narrative": "My manager shouts at juniors.",
            "reporter_contact": "07700 900123",
        },
    )
    assert response.status_code == 200 and response.context["code"]
    case = Case.objects.get()
    assert case.route == Route.CONFIDENTIAL
    ctx = actions.open_case(acting_user=guardian, case=case, private_key=private)
    who = actions.read_reporter(ctx.case_key, case)
    assert who["username"] == staff_member.get_username() and who["contact"] == "07700 900123"
    # The audit trail does not tie the member of staff to the case: the day's count
    # is written after the day, naming neither.
    actions.write_reporter_tallies(
        acting_user=None, today=timezone.localdate() + datetime.timedelta(days=1)
    )
    event = AuditEvent.objects.get(action="speakup.concern_raised")
    assert event.actor_id is None and event.object_id == ""
    assert event.after == {"day": str(timezone.localdate()), "route": "confidential", "count": 1}
    with pytest.raises(ValidationError):
        actions.raise_concern(
            acting_user=staff_member, concern=actions.NewConcern(narrative="x", route="anonymous")
        )


@pytest.mark.django_db
def test_a_guardian_records_a_concern_given_in_person(trust, guardian) -> None:
    client = unlocked_client(Client(), guardian)
    today = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        "/speak-up/guardian/record/",
        {
            "channel": "phone",
            "received_on_day": today.day,
            "received_on_month": today.month,
            "received_on_year": today.year,
            "route": "open",
            "reporter_name": "Jo Bloggs",
            "narrative": "Phoned about broken hoists.",
            "worker_group": "allied_health",
            "issue_code": "on",
        },
    )
    assert response.status_code == 200
    assert "code" in response.context, response.context["form"].errors
    code = response.context["code"]
    case = Case.objects.get()
    assert (
        case.channel == "phone"
        and case.lead_guardian == guardian
        and case.worker_group == "allied_health"
    )
    assert actions.open_with_code(code=code).case == case
    # Anonymous with a name is a contradiction.
    with pytest.raises(ValidationError):
        actions.record_on_behalf(
            acting_user=guardian,
            concern=actions.NewConcern(narrative="x", route="anonymous", reporter_name="Jo"),
            channel="phone",
            received_on=today,
            issue_code=False,
        )


@pytest.mark.django_db
def test_revealing_identity_is_irreversible(trust, guardian) -> None:
    private = give_key(guardian)
    result = anonymous_concern()
    session = actions.open_with_code(code=result.code or "")
    with pytest.raises(ValidationError):
        actions.reveal_identity(session=session, level="confidential", name="Ali", confirm=False)
    actions.reveal_identity(
        session=session, level="confidential", name="Ali", contact="ext 1234", confirm=True
    )
    case = Case.objects.get(pk=result.case.pk)
    assert case.route == Route.ANONYMOUS  # how it was raised, for the national return
    assert case.disclosure == Route.CONFIDENTIAL
    ctx = actions.open_case(acting_user=guardian, case=case, private_key=private)
    assert actions.read_reporter(ctx.case_key, case)["name"] == "Ali"
    session = actions.open_with_code(code=result.code or "")
    for level in ("confidential", "anonymous"):
        with pytest.raises(ValidationError):
            actions.reveal_identity(session=session, level=level, name="Ali", confirm=True)
    actions.reveal_identity(session=session, level="open", name="Ali Khan", confirm=True)
    assert Case.objects.get(pk=case.pk).disclosure == Route.OPEN


@pytest.mark.django_db
def test_every_guardian_look_at_a_case_is_audited(trust, guardian) -> None:
    client = unlocked_client(Client(), guardian)
    case = anonymous_concern().case
    client.get("/speak-up/guardian/")
    client.get(f"/speak-up/guardian/case/{case.reference}/")
    assert AuditEvent.objects.filter(
        action="speakup.caseload_viewed", actor_id=guardian.pk
    ).exists()
    viewed = AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk))
    assert viewed.filter(actor_id=guardian.pk).count() == 1
    # The anonymous submission's own event names no case.
    actions.write_reporter_tallies(
        acting_user=None, today=timezone.localdate() + datetime.timedelta(days=1)
    )
    submitted = AuditEvent.objects.get(action="speakup.anonymous_concern_received")
    assert submitted.object_id == "" and submitted.actor_id is None


@pytest.mark.django_db
def test_guardian_records_feedback_given_in_person(trust, guardian) -> None:
    private = give_key(guardian)
    case = actions.record_on_behalf(
        acting_user=guardian,
        concern=actions.NewConcern(narrative="In person", route="open", reporter_name="Kim"),
        channel="in_person",
        received_on=timezone.localdate(),
        issue_code=False,
    ).case
    with pytest.raises(ValidationError, match="no receipt code"):
        actions.post_guardian_message(
            acting_user=guardian, case=case, private_key=private, body="Hi"
        )
    case = actions.close_case(
        acting_user=guardian, case=case, private_key=private, outcome="Sorted"
    )
    assert not case.feedback_requested
    actions.record_feedback(
        acting_user=guardian, case=case, private_key=private, answer="maybe", reason="Slow"
    )
    assert Case.objects.get(pk=case.pk).feedback_answer == "maybe"


@pytest.mark.django_db
def test_themes_are_unique(trust, guardian) -> None:
    actions.add_theme(acting_user=guardian, name="Rotas")
    with pytest.raises(ValidationError):
        actions.add_theme(acting_user=guardian, name="rotas")
    assert Theme.objects.count() == 1


@pytest.mark.django_db
def test_a_case_sent_before_any_guardian_had_a_key_reaches_them_later(trust, guardian) -> None:
    result = anonymous_concern()
    assert result.sent_to == 0
    private = give_key(guardian)
    actions.open_with_code(code=result.code or "")  # the worker comes back
    assert actions.open_case(acting_user=guardian, case=result.case, private_key=private)


@pytest.mark.django_db
def test_the_caseload_shows_which_workers_have_replied(trust, guardian) -> None:
    client = unlocked_client(Client(), guardian)
    quiet = anonymous_concern("Quiet one")
    talkative = anonymous_concern("Talkative one")
    actions.post_reporter_message(
        session=actions.open_with_code(code=talkative.code or ""), body="More detail"
    )
    rows = {row.case.reference: row for row in client.get("/speak-up/guardian/").context["rows"]}
    assert getattr(rows[talkative.case.reference].case, "last_author", None) == "reporter"
    assert getattr(rows[quiet.case.reference].case, "last_author", None) is None
    assert "worker replied" in client.get("/speak-up/guardian/").content.decode()


@pytest.mark.django_db
def test_destroying_a_case_from_its_page_needs_confirmation(trust, guardian) -> None:
    client = unlocked_client(Client(), guardian)
    private = actions.unlock_guardian_key(
        acting_user=guardian, passphrase="correct horse battery staple"
    )
    case = anonymous_concern().case
    actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Done")
    url = f"/speak-up/guardian/case/{case.reference}/"
    response = client.post(url, {"op": "shred"})
    assert response.status_code == 400
    assert "Confirm that the case should be destroyed" in response.content.decode()
    assert not Case.objects.get(pk=case.pk).shredded
    response = client.post(url, {"op": "action_done", "action_id": "not-a-number"})
    assert response.status_code == 400
    response = client.post(url, {"op": "shred", "confirm": "on"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).shredded
    # With every key gone, the case is no longer anyone's to open.
    assert client.get(url).status_code == 404
    # An unknown operation is refused outright.
    other = anonymous_concern().case
    assert (
        client.post(f"/speak-up/guardian/case/{other.reference}/", {"op": "drop"}).status_code
        == 403
    )
