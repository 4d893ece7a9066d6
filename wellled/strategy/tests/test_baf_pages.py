"""The BAF as its people use it: Gill the governance lead adds a principal risk and
records the board's appetite; Eddie the executive owner re-scores his risk, and each
review lands in its score history; Bola on the board reads the register, its heat map
and the paper, and changes nothing. Each refusal is tested beside its use."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.strategy import actions
from wellled.strategy.models import PrincipalRisk, RiskAppetite, RiskScore
from wellled.strategy.tests.support import objective, principal_risk

pytestmark = pytest.mark.django_db


def _day(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _new_risk(trust: Trust, **overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "SR9",
        "title": "Cyber attack stops clinical systems",
        "cause": "Old servers",
        "event": "Ransomware",
        "effect": "Records unavailable",
        "objective": objective(trust).pk,
        "category": "compliance",
        "owner": trust.people["executive"].pk,
        "committee": "Audit Committee",
        "assurance_rating": "limited",
        "inherent_likelihood": "4",
        "inherent_consequence": "5",
        "current_likelihood": "3",
        "current_consequence": "5",
        "target_likelihood": "2",
        "target_consequence": "5",
        **_day("next_review_on", timezone.localdate() + datetime.timedelta(days=30)),
    }
    data.update(overrides)
    return data


def test_gill_adds_a_risk_and_bad_input_is_named_field_by_field(
    trust: Trust, client_for: Any
) -> None:
    gill = client_for("governance_lead")
    url = reverse("strategy:risk_new")
    past = timezone.localdate() - datetime.timedelta(days=1)
    bad = _new_risk(
        trust,
        title="",
        current_likelihood="6",
        target_likelihood="5",
        **_day("next_review_on", past),
    )
    page = gill.post(url, bad).content.decode()
    assert "Enter the title" in page
    assert "Enter a current likelihood from 1 to 5" in page
    assert "must be today or in the future" in page
    assert not PrincipalRisk.objects.exists()
    worse = gill.post(url, _new_risk(trust, target_likelihood="4")).content.decode()
    assert "worse than the current one (15)" in worse
    assert not PrincipalRisk.objects.exists()
    assert gill.post(url, _new_risk(trust)).status_code == 302
    risk = PrincipalRisk.objects.get()
    assert risk.current_score == 15 and risk.scores.count() == 1


def test_the_scoring_pages_show_the_descriptor_tables(trust: Trust, client_for: Any) -> None:
    actions.adopt_descriptors(
        acting_user=trust.people["governance_lead"],
        axis="likelihood",
        rows=[(f"L{n}", f"Happens {n}") for n in range(1, 6)],
    )
    page = client_for("governance_lead").get(reverse("strategy:risk_new")).content.decode()
    assert "Happens 3" in page and "version 1" in page
    assert "Catastrophic" in page  # no consequence table yet: the matrix names stand in


def test_a_descriptor_table_is_versioned_and_needs_five_described_levels(
    trust: Trust,
) -> None:
    gill = trust.people["governance_lead"]
    rows = [(f"L{n}", f"Happens {n}") for n in range(1, 6)]
    actions.adopt_descriptors(acting_user=gill, axis="likelihood", rows=rows)
    second = actions.adopt_descriptors(acting_user=gill, axis="likelihood", rows=rows)
    assert {d.version for d in second} == {2}
    with pytest.raises(ValidationError) as refused:
        actions.adopt_descriptors(acting_user=gill, axis="likelihood", rows=[*rows[:4], ("", "")])
    assert set(refused.value.message_dict) == {"name_5", "description_5"}


def test_eddie_rescores_his_risk_and_the_history_says_who_when_why(
    trust: Trust, client_for: Any
) -> None:
    risk = principal_risk(trust)
    eddie = client_for("executive")
    url = reverse("strategy:risk_rescore", args=[risk.pk])
    soon = _day("next_review_on", timezone.localdate() + datetime.timedelta(days=20))
    scores = {"current_likelihood": "5", "current_consequence": "4"}
    scores |= {"target_likelihood": "2", "target_consequence": "3"}
    missing = eddie.post(url, {**scores, **soon}).content.decode()
    assert "Say why the score is what it is" in missing
    assert RiskScore.objects.filter(risk=risk).count() == 1
    done = eddie.post(url, {**scores, **soon, "reason": "Referrals up again"})
    assert done.status_code == 302
    page = eddie.get(reverse("strategy:risk", args=[risk.pk])).content.decode()
    assert "Referrals up again" in page and "5 \N{MULTIPLICATION SIGN} 4 = 20" in page
    assert "Worse (was 12)" in page
    latest = RiskScore.objects.filter(risk=risk).first()
    assert latest is not None and latest.by == trust.people["executive"]


def test_bola_on_the_board_reads_but_may_not_change_a_risk(trust: Trust, client_for: Any) -> None:
    risk = principal_risk(trust)
    bola = client_for("board_member")
    page = bola.get(reverse("strategy:risk", args=[risk.pk])).content.decode()
    assert "Score history" in page and "Review the score" not in page
    for name in ("strategy:risk_edit", "strategy:risk_rescore"):
        assert bola.get(reverse(name, args=[risk.pk])).status_code == 403
        assert bola.post(reverse(name, args=[risk.pk]), {"title": "x"}).status_code == 403
    assert bola.post(reverse("strategy:risk_new"), _new_risk(trust)).status_code == 403
    assert PrincipalRisk.objects.get().title == "Demand outstrips capacity"
    assert (
        client_for("staff_member").get(reverse("strategy:risk", args=[risk.pk])).status_code == 403
    )


def test_a_board_member_who_owns_a_risk_may_review_its_score(trust: Trust, client_for: Any) -> None:
    risk = principal_risk(trust, owner=trust.people["board_member"])
    url = reverse("strategy:risk_rescore", args=[risk.pk])
    assert client_for("board_member").get(url).status_code == 200


def test_eddie_edits_what_the_risk_is_but_not_its_score(trust: Trust, client_for: Any) -> None:
    risk = principal_risk(trust)
    url = reverse("strategy:risk_edit", args=[risk.pk])
    data = _new_risk(trust, title="Demand outstrips capacity, all ages")
    assert client_for("executive").post(url, data).status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Demand outstrips capacity, all ages" and risk.category == "compliance"
    assert risk.current_score == 12  # scores move only by a review


def test_gill_records_the_appetite_and_the_register_flags_risks_above_it(
    trust: Trust, client_for: Any
) -> None:
    principal_risk(trust)  # quality, current 12
    principal_risk(
        trust, reference="SR2", title="Small slip", current_likelihood=1, target_likelihood=1
    )
    gill = client_for("governance_lead")
    url = reverse("strategy:appetite")
    data = {"category": "quality", "level": "minimal", "statement": "Little risk to safety"}
    data |= _day("approved_on", timezone.localdate())
    refused = gill.post(url, {**data, "max_score": "7"}).content.decode()
    assert "Enter a score of the 5x5 matrix" in refused
    assert not RiskAppetite.objects.exists()
    assert gill.post(url, {**data, "max_score": "8"}).status_code == 302
    register = gill.get(reverse("strategy:baf")).content.decode()
    assert register.count("Above appetite") == 1 and "Within appetite" in register
    flagged = gill.get(reverse("strategy:baf"), {"above": "1"}).content.decode()
    assert "SR1 Demand" in flagged and "SR2 Small slip" not in flagged


def test_only_the_governance_lead_records_appetite(trust: Trust, client_for: Any) -> None:
    url = reverse("strategy:appetite")
    data = {"category": "quality", "level": "open", "max_score": "12"}
    data |= _day("approved_on", timezone.localdate())
    for persona in ("executive", "board_member"):
        client = client_for(persona)
        assert client.get(url).status_code == 200
        assert 'name="max_score"' not in client.get(url).content.decode()
        assert client.post(url, data).status_code == 403
    assert client_for("staff_member").get(url).status_code == 403
    assert not RiskAppetite.objects.exists()


def test_the_heat_map_places_each_risk_in_words_and_filters_apply(
    trust: Trust, client_for: Any
) -> None:
    principal_risk(trust)  # 4 x 3
    principal_risk(trust, reference="SR2", title="Money", category="finance")
    page = client_for("board_member").get(reverse("strategy:baf")).content.decode()
    assert "Likelihood 4" in page and "12 High" in page
    assert page.count("<strong>SR1</strong>") == 1
    finance = client_for("board_member").get(reverse("strategy:baf"), {"category": "finance"})
    assert "SR2 Money" in finance.content.decode()
    assert "SR1 Demand" not in finance.content.decode()


def test_bola_downloads_the_baf_paper_with_scores_appetite_and_actions(
    trust: Trust, client_for: Any
) -> None:
    from docx import Document

    from wellled.improvement.actions import raise_action
    from wellled.strategy.improvement_source import RISK_KIND

    risk = principal_risk(trust)
    actions.set_risk_appetite(
        acting_user=trust.people["governance_lead"],
        category="quality",
        level="minimal",
        max_score=8,
        approved_on=timezone.localdate(),
    )
    raise_action(
        acting_user=trust.people["executive"],
        source_kind=RISK_KIND,
        source_id=str(risk.pk),
        title="Second triage team",
        owner=trust.people["executive"],
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    bola = client_for("board_member")
    pdf = bola.get(reverse("strategy:baf_paper", args=["pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    shown = bola.get(reverse("strategy:risk", args=[risk.pk])).content.decode()
    assert "Second triage team" in shown
    response = bola.get(reverse("strategy:baf_paper", args=["docx"]))
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "SR1 Demand outstrips capacity" in text
    assert "ABOVE appetite" in text and "Second triage team" in text
    assert "Internal audit 2026" in text and "Weekly waiting list huddle" in text
    assert (
        client_for("staff_member").get(reverse("strategy:baf_paper", args=["docx"])).status_code
        == 403
    )


def test_a_risk_owner_sees_a_review_due_in_my_work(trust: Trust) -> None:
    from wellled.strategy.register import baf_work

    today = timezone.localdate()
    principal_risk(trust, next_review_on=today + datetime.timedelta(days=5))
    principal_risk(trust, reference="SR2", next_review_on=today + datetime.timedelta(days=90))
    items = baf_work(trust.people["executive"])
    assert [item.title for item in items] == [
        "Review principal risk SR1: Demand outstrips capacity"
    ]
    assert baf_work(trust.people["board_member"]) == []
