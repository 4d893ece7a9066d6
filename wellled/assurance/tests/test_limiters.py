"""Limiters on a round: recorded by the governance lead, suggested by open notices,
applied by the ratings engine, shown on the round page and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.assurance import actions
from wellled.assurance.queries import limiter_suggestions, outcome_for
from wellled.assurance.tests.support import WELL_LED, score_all, trust_round
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

# Open enforcement reaches assurance from inspections, through the panels registry.
from wellled.improvement import actions as improvement
from wellled.inspections.tests.support import done, finding, inspection, plan

pytestmark = pytest.mark.django_db

# 3,3,3,3,3,3,3,2 = 23 of 32 = 72%: Good before limiters.
GOOD = dict(zip(WELL_LED, [3, 3, 3, 3, 3, 3, 3, 2], strict=True))


def _good_round(trust: Trust):
    round_ = trust_round(trust)
    score_all(trust, round_, GOOD)
    return round_


def test_a_requirement_notice_caps_well_led_and_says_what_it_changed(trust: Trust) -> None:
    round_ = _good_round(trust)
    actions.set_limiters(
        acting_user=trust.people["governance_lead"],
        round_=round_,
        limiters={"well-led": ["requirement_notice"]},
        reason="Requirement notice RN1, Regulation 17",
    )
    round_.refresh_from_db()
    kq = outcome_for(round_).for_key_question("well-led")
    assert kq is not None and kq.result is not None
    assert str(kq.result.band_rating) == "Good"
    assert kq.rating == "Requires improvement"
    assert kq.limited
    assert [(row["name"], row["changed_rating"]) for row in kq.applied] == [
        ("requirement_notice", True)
    ]
    # The what-if applies the cap too: no single change lifts it back to Good.
    assert kq.up == []
    event = AuditEvent.objects.filter(action="assurance.limiters_set").get()
    assert (event.after or {})["limiters"] == {"well-led": ["requirement_notice"]}


def test_the_round_page_shows_which_limiter_applied(trust: Trust, client_for) -> None:
    round_ = _good_round(trust)
    actions.set_limiters(
        acting_user=None,
        round_=round_,
        limiters={"well-led": ["warning_notice"]},
        reason="Warning notice WN1",
    )
    page = client_for("board_member").get(f"/assurance/rounds/{round_.pk}/").content.decode()
    assert "The limiters lowered the rating from Good to Inadequate" in page
    assert "<strong>Warning notice</strong> (caps at Inadequate): Applied:" in page
    assert "They rest on: Warning notice WN1" in page


def test_statement_scored_1_switch_applies_only_with_a_1(trust: Trust) -> None:
    round_ = _good_round(trust)
    actions.set_limiters(
        acting_user=None, round_=round_, limiters={"well-led": ["statement_scored_1"]}
    )
    round_.refresh_from_db()
    kq = outcome_for(round_).for_key_question("well-led")
    assert kq is not None and kq.rating == "Good"
    assert kq.not_applied == ["A statement scored 1"]
    score_all(trust, round_, {WELL_LED[0]: 1})
    kq = outcome_for(round_).for_key_question("well-led")
    assert kq is not None and kq.rating == "Requires improvement"
    assert kq.applied[0]["name"] == "statement_scored_1"


def test_a_limiter_that_changes_nothing_says_so(trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, dict.fromkeys(WELL_LED, 2))
    actions.set_limiters(
        acting_user=None,
        round_=round_,
        limiters={"well-led": ["requirement_notice"]},
        reason="RN1",
    )
    round_.refresh_from_db()
    kq = outcome_for(round_).for_key_question("well-led")
    assert kq is not None and not kq.limited
    assert kq.applied[0]["changed_rating"] is False


@pytest.mark.parametrize(
    ("limiters", "reason", "field", "text"),
    [
        ({"well-led": ["requirement_notice"]}, "", "reason", "Say what the enforcement rests on"),
        ({"well-led": ["gagging_order"]}, "x", "limiters", "Unknown limiter 'gagging_order'"),
        ({"safe": ["warning_notice"]}, "x", "limiters", "'safe' is not a key question"),
    ],
)
def test_bad_limiters_are_refused_and_nothing_changes(
    trust: Trust, limiters: dict[str, list[str]], reason: str, field: str, text: str
) -> None:
    round_ = _good_round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.set_limiters(acting_user=None, round_=round_, limiters=limiters, reason=reason)
    assert text in caught.value.message_dict[field][0]
    round_.refresh_from_db()
    assert round_.limiters == {}


def test_only_the_governance_lead_records_limiters(trust: Trust, client_for) -> None:
    round_ = _good_round(trust)
    for persona in ("board_member", "executive", "guardian"):
        with pytest.raises(PermissionDenied):
            actions.set_limiters(
                acting_user=trust.people[persona],
                round_=round_,
                limiters={"well-led": ["requirement_notice"]},
                reason="RN1",
            )
    response = client_for("board_member").post(
        f"/assurance/rounds/{round_.pk}/limiters/",
        {"limiters_well-led": ["requirement_notice"], "reason": "RN1"},
    )
    assert response.status_code == 403
    round_.refresh_from_db()
    assert round_.limiters == {}


def test_a_closed_round_keeps_its_limiters(trust: Trust) -> None:
    round_ = _good_round(trust)
    actions.close_round(acting_user=None, round_=round_)
    with pytest.raises(ValidationError):
        actions.set_limiters(
            acting_user=None, round_=round_, limiters={"well-led": ["warning_notice"]}, reason="x"
        )


def _notice(trust: Trust, *, kind: str = "requirement_notice", statements=None, signed=False):
    found = finding(
        inspection(trust),
        kind=kind,
        reference="RN1",
        regulation="Regulation 17: Good governance",
        statement_ids=statements
        if statements is not None
        else ["governance-management-and-sustainability"],
    )
    if signed:
        answered = done(plan(trust, found))
        improvement.sign_off_action(acting_user=trust.people["executive"], action=answered)
    return found


def test_open_notices_are_suggested_and_confirmed_by_the_lead(trust: Trust, client_for) -> None:
    round_ = _good_round(trust)
    _notice(trust)
    rows = limiter_suggestions(round_)
    assert [(r["limiter"], r["key_questions"]) for r in rows] == [
        ("requirement_notice", ["well-led"])
    ]
    client = client_for("governance_lead")
    page = client.get(f"/assurance/rounds/{round_.pk}/").content.decode()
    assert "Review the suggested limiters" in page
    form = client.get(f"/assurance/rounds/{round_.pk}/limiters/").content.decode()
    assert "The boxes ticked below are the suggestion" in form
    assert 'value="requirement_notice" checked' in form
    round_.refresh_from_db()
    assert round_.limiters == {}  # nothing recorded until the lead saves
    response = client.post(
        f"/assurance/rounds/{round_.pk}/limiters/",
        {"limiters_well-led": ["requirement_notice"], "reason": "RN1 from the 2025 inspection"},
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.limiters == {"well-led": ["requirement_notice"]}


def test_signed_off_or_unlinked_notices_are_not_suggested(trust: Trust) -> None:
    round_ = _good_round(trust)
    _notice(trust, signed=True)
    _notice(trust, kind="warning_notice", statements=[])
    rows = limiter_suggestions(round_)
    assert [(r["limiter"], r["key_questions"]) for r in rows] == [("warning_notice", [])]


def test_the_page_refuses_enforcement_without_a_reason(trust: Trust, client_for) -> None:
    round_ = _good_round(trust)
    response = client_for("governance_lead").post(
        f"/assurance/rounds/{round_.pk}/limiters/",
        {"limiters_well-led": ["warning_notice"], "reason": ""},
    )
    assert response.status_code == 200
    assert "Say what the enforcement rests on" in response.content.decode()


def test_limiters_through_the_api(trust: Trust, api_for) -> None:
    round_ = _good_round(trust)
    _notice(trust)
    api = api_for("governance_lead")
    url = f"/api/v1/assurance/rounds/{round_.pk}/limiters/"
    got = api.get(url).json()
    assert got["suggested_limiters"] == {"well-led": ["requirement_notice"]}
    assert got["suggestions"][0]["label"].startswith("Requirement notice RN1")
    bad = api.post(url, {"limiters": {"well-led": ["warning_notice"]}}, format="json")
    assert bad.status_code == 400
    assert "reason" in bad.json()
    done = api.post(
        url, {"limiters": {"well-led": ["requirement_notice"]}, "reason": "RN1"}, format="json"
    ).json()
    assert done["limiters"] == {"well-led": ["requirement_notice"]}
    kq = done["outcome"]["key_questions"][0]
    assert kq["limited"] is True
    assert kq["result"]["rating"] == "Requires improvement"
    assert kq["result"]["limiters_applied"][0]["changed_rating"] is True
    assert api_for("board_member").post(url, {"limiters": {}}, format="json").status_code == 403
    assert api_for("board_member").get(url).status_code == 403


def test_limiters_can_be_cleared(trust: Trust) -> None:
    """No limiters given removes them and the reason."""
    round_ = _good_round(trust)
    actions.set_limiters(
        acting_user=None, round_=round_, limiters={"well-led": ["warning_notice"]}, reason="WN"
    )
    actions.set_limiters(acting_user=None, round_=round_, limiters={})
    round_.refresh_from_db()
    assert round_.limiters == {} and round_.limiters_reason == ""
    kq = outcome_for(round_).for_key_question("well-led")
    assert kq is not None and kq.rating == "Good"
