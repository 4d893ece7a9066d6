"""One action's page and its small write pages, by who uses them.

Sam (service lead) owns the action: progress, milestones, evidence, completion.
Grace (governance lead) manages it: re-plan, reassign. Erin (executive) signs it
off, or reopens it. Stan (staff member) and Olly (outsider) may not see it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellled.assurance.models import EvidenceItem
from wellled.core.testing import Trust
from wellled.improvement.models import Action, Status
from wellled.improvement.tests.builders import an_action, days, finished, with_evidence
from wellled.improvement.tests.support import a_statement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_source")]


def _url(name: str, action: Action, *more: int) -> str:
    return reverse(f"improvement:{name}", args=[action.pk, *more])


def _date(prefix: str, day: object) -> dict[str, str]:
    parts = (day.day, day.month, day.year)  # type: ignore[attr-defined]
    names = ("day", "month", "year")
    return {f"{prefix}_{name}": str(n) for name, n in zip(names, parts, strict=True)}


def test_the_page_says_what_why_who_and_when(trust: Trust, client_for: object) -> None:
    action = an_action(trust, milestones=[("Script agreed", days(7))])
    page = client_for("board_member").get(_url("detail", action)).content.decode()  # type: ignore[operator]
    for text in (
        "Call every complainant within two days",
        "Test finding at Community mental health",
        "Service Lead",
        "Script agreed",
        "Not started",
    ):
        assert text in page
    assert "Record progress" not in page  # a board member reads only


def test_an_owner_who_cannot_read_the_register_is_led_back_to_my_work(
    trust: Trust, client_for: object
) -> None:
    """A staff member owns an action but holds no right to the trust-wide register:
    the breadcrumb leads to My work, never to a refusal."""
    action = an_action(trust, owner=trust.people["staff_member"])
    client = client_for("staff_member")  # type: ignore[operator]
    page = client.get(_url("detail", action)).content.decode()
    assert 'href="/"' in page and "My work" in page
    assert 'href="/actions/"' not in page
    assert client.get(reverse("improvement:list")).status_code == 403
    progress = client.get(_url("progress", action)).content.decode()
    assert 'href="/actions/"' not in progress
    # The small form page names the action and cancels back to it.
    assert f'<span class="nhsuk-caption-l">{action.title}</span>' in progress
    assert f'<a class="nhsuk-link" href="{_url("detail", action)}">Cancel</a>' in progress


def test_sam_records_progress_and_the_page_shows_it_first(trust: Trust, client_for: object) -> None:
    action = an_action(trust)
    client = client_for("service_lead")  # type: ignore[operator]
    assert "Record progress" in client.get(_url("detail", action)).content.decode()
    response = client.post(
        _url("progress", action), {"status": "at_risk", "note": "Two staff off sick"}
    )
    assert response.status_code == 302 and response["Location"] == _url("detail", action)
    action.refresh_from_db()
    assert action.status == Status.AT_RISK
    page = client.get(_url("detail", action)).content.decode()
    assert "Two staff off sick" in page and "At risk" in page


def test_bad_progress_keeps_what_was_typed(trust: Trust, client_for: object) -> None:
    action = an_action(trust)
    response = client_for("service_lead").post(  # type: ignore[operator]
        _url("progress", action),
        {"status": "on_track", "note": "Calls started", **_date("written_on", days(3))},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.context["form"].errors["written_on"][0]
    assert "Calls started" in response.content.decode()
    assert not action.updates.exists()


def test_sam_adds_a_milestone_and_marks_it_done(trust: Trust, client_for: object) -> None:
    action = an_action(trust)
    client = client_for("service_lead")  # type: ignore[operator]
    refused = client.post(
        _url("milestone_new", action), {"title": "Too early", **_date("due_on", days(-5))}
    )
    assert "before the action was raised" in refused.context["form"].errors["due_on"][0]
    client.post(
        _url("milestone_new", action), {"title": "Script agreed", **_date("due_on", days(7))}
    )
    milestone = action.milestones.get()
    assert client.post(_url("milestone_done", action, milestone.pk)).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    again = client.post(_url("milestone_done", action, milestone.pk))
    assert "already done" in again.context["form"].errors["done_on"][0]


def test_the_loop_closes_through_the_pages(trust: Trust, client_for: object) -> None:
    """Sam files evidence (its statements ticked from the source), completes the
    action; Erin signs it off; the evidence sits in the library under the statement."""
    action = an_action(trust)
    sam = client_for("service_lead")  # type: ignore[operator]
    form = sam.get(_url("evidence", action)).context["form"]
    assert form["statements"].value() == [a_statement()]
    refused = sam.post(_url("complete", action), {"note": "All done"})
    assert "Add evidence of completion" in refused.context["form"].errors["note"][0]
    assert "All done" in refused.content.decode()
    sam.post(
        _url("evidence", action),
        {
            "kind": "note",
            "title": "Call log",
            "description": "Everyone was called.",
            "statements": [a_statement()],
        },
    )
    item = EvidenceItem.objects.get()
    assert [t.statement_id for t in item.statement_tags.all()] == [a_statement()]
    sam.post(_url("complete", action), {"note": "Calls are routine", "measure": ""})
    action.refresh_from_db()
    assert action.status == Status.DONE
    assert "Sign off" not in sam.get(_url("detail", action)).content.decode()
    assert sam.get(_url("sign_off", action)).status_code == 403  # the owner never signs
    erin = client_for("executive")  # type: ignore[operator]
    page = erin.get(_url("detail", action)).content.decode()
    assert "Sign off" in page and reverse("assurance:evidence_detail", args=[item.pk]) in page
    erin.post(_url("sign_off", action), {"note": "Seen the log"})
    action.refresh_from_db()
    assert action.signed_off_by == trust.people["executive"]
    assert "Signed off by Executive" in erin.get(_url("detail", action)).content.decode()


def test_did_it_work_names_the_measure(trust: Trust, client_for: object) -> None:
    from wellled.improvement import measures

    measures.register_measures()
    action = with_evidence(trust, an_action(trust))
    client_for("service_lead").post(  # type: ignore[operator]
        _url("complete", action),
        {"note": "Calls are routine", "measure": "improvement.closed_on_time"},
    )
    page = client_for("service_lead").get(_url("detail", action)).content.decode()  # type: ignore[operator]
    assert "Did it work?" in page and "Improvement actions closed on time" in page


def test_erin_reopens_with_a_reason(trust: Trust, client_for: object) -> None:
    action = finished(trust, an_action(trust))
    erin = client_for("executive")  # type: ignore[operator]
    assert erin.post(_url("reopen", action), {"reason": ""}).status_code == 200
    erin.post(_url("reopen", action), {"reason": "Calls slipped in May"})
    action.refresh_from_db()
    assert action.status == Status.ON_TRACK


def test_grace_re_plans_and_the_history_is_shown(trust: Trust, client_for: object) -> None:
    action = an_action(trust)
    grace = client_for("governance_lead")  # type: ignore[operator]
    refused = grace.post(_url("replan", action), _date("due_on", days(44)))
    assert refused.context["form"].errors["reason"]
    assert refused.context["form"]["due_on"].value() == [
        str(days(44).day),
        str(days(44).month),
        str(days(44).year),
    ]
    grace.post(_url("replan", action), {**_date("due_on", days(44)), "reason": "New phones"})
    page = grace.get(_url("detail", action)).content.decode()
    assert "New phones" in page and "re-planned 1 time" in page


def test_grace_cannot_hand_the_action_to_someone_outside_its_part_of_the_trust(
    trust: Trust, client_for: object
) -> None:
    action = an_action(trust)
    grace = client_for("governance_lead")  # type: ignore[operator]
    form = grace.get(_url("reassign", action)).context["form"]
    assert trust.people["outsider"] not in form.fields["owner"].queryset
    response = grace.post(_url("reassign", action), {"owner": trust.people["staff_member"].pk})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == trust.people["staff_member"] and action.executive is None


@pytest.mark.parametrize(
    ("persona", "page", "status"),
    [
        ("staff_member", "detail", 404),
        ("outsider", "detail", 404),
        ("outsider", "progress", 404),
        ("board_member", "progress", 403),
        ("executive", "complete", 403),
        ("auditor", "replan", 403),
        ("executive", "reassign", 403),
        ("service_lead", "sign_off", 403),
        ("governance_lead", "sign_off", 403),
        ("auditor", "reopen", 403),
    ],
)
def test_who_is_refused(
    trust: Trust, client_for: object, persona: str, page: str, status: int
) -> None:
    action = an_action(trust)
    client = client_for(persona)  # type: ignore[operator]
    assert client.get(_url(page, action)).status_code == status
    if page != "detail":
        posted = client.post(_url(page, action), {"note": "x", "reason": "x"})
        assert posted.status_code == status


def test_grace_raises_an_action_on_a_source(trust: Trust, client_for: object) -> None:
    url = reverse("improvement:new") + f"?source_kind=test_finding&source_id={trust.service.pk}"
    grace = client_for("governance_lead")  # type: ignore[operator]
    assert "Test finding at Community mental health" in grace.get(url).content.decode()
    typed = {
        "title": "Call every complainant",
        "owner": trust.people["service_lead"].pk,
        "sign_off_role": "executive",
        **_date("due_on", days(-1)),
        "milestone_1_title": "Script agreed",
    }
    refused = grace.post(url, typed)
    errors = refused.context["form"].errors
    assert "before the action was raised" in errors["due_on"][0]
    assert "Script agreed" in errors["milestones"][0]
    assert 'value="Call every complainant"' in refused.content.decode()
    assert not Action.objects.exists()
    done = grace.post(
        url, {**typed, **_date("due_on", days(30)), **_date("milestone_1_due", days(7))}
    )
    action = Action.objects.get()
    assert done["Location"] == _url("detail", action)
    assert action.milestones.get().title == "Script agreed"
    assert action.sign_off_role == "executive"


def test_raising_is_refused_to_who_the_source_does_not_trust(
    trust: Trust, client_for: object
) -> None:
    url = reverse("improvement:new")
    source = f"?source_kind=test_finding&source_id={trust.service.pk}"
    assert client_for("staff_member").get(url + source).status_code == 403  # type: ignore[operator]
    grace = client_for("governance_lead")  # type: ignore[operator]
    assert grace.get(url + "?source_kind=nothing&source_id=1").status_code == 404
    assert grace.get(url).status_code == 404


def test_sam_uploads_a_document_as_evidence_and_a_bad_file_is_refused(
    trust: Trust, client_for: object
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wellled.assurance.tests.support import pdf_bytes

    action = an_action(trust)
    sam = client_for("service_lead")  # type: ignore[operator]
    typed = {"kind": "document", "title": "Call audit", "statements": [a_statement()]}
    fake = SimpleUploadedFile("audit.pdf", b"not a pdf at all", content_type="application/pdf")
    refused = sam.post(_url("evidence", action), {**typed, "file": fake})
    assert refused.status_code == 200 and refused.context["form"].errors["file"]
    assert 'value="Call audit"' in refused.content.decode()
    real = SimpleUploadedFile("audit.pdf", pdf_bytes(), content_type="application/pdf")
    assert sam.post(_url("evidence", action), {**typed, "file": real}).status_code == 302
    item = EvidenceItem.objects.get()
    assert item.kind == "document" and list(
        action.evidence_links.values_list("item", flat=True)
    ) == [item.pk]
