"""Use case: the EDI lead raises an EDI action on the indicator it means to move; the board
sees on the report whether that indicator moved, beside the action."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.equality.improvement_source import KIND
from wellled.equality.tests.support import COUNTS, store_year
from wellled.improvement import actions
from wellled.improvement.queries import source_labels

pytestmark = pytest.mark.django_db

LATER = (
    COUNTS.replace("appointed,white,600", "appointed,white,560")
    .replace("shortlisted,bme,800", "shortlisted,bme,900")
    .replace("appointed,bme,120", "appointed,bme,225")
)


def raise_on_recruitment(trust: Trust, by: str = "edi_lead"):
    return actions.raise_action(
        acting_user=trust.people[by],
        source_kind=KIND,
        source_id="WRES:2",
        title="Diverse interview panels for every band 7 and above post",
        owner=trust.people["edi_lead"],
        due_on=datetime.date(2025, 3, 31),
        raised_on=datetime.date(2024, 6, 1),
    )


def test_the_action_names_the_indicator_and_its_direction(trust: Trust) -> None:
    store_year(2024)
    action = raise_on_recruitment(trust)
    assert action.sign_off_role == "executive" and action.unit == trust.trust
    info = source_labels([action], trust.people["edi_lead"])[(KIND, "WRES:2")]
    assert info.label.startswith("WRES indicator 2: Relative likelihood of White applicants")
    assert info.label.endswith("(aim: a ratio nearer 1)")
    assert info.href == reverse("equality:report", args=["WRES", 2024])
    assert "workforce-equality-diversity-and-inclusion" in info.statement_ids


def test_the_board_sees_the_action_beside_the_indicator_it_moved(trust: Trust, client_for) -> None:
    store_year(2024)
    store_year(2025, LATER)
    raise_on_recruitment(trust)
    page = client_for("board_member").get(reverse("equality:report", args=["WRES", 2025]))
    html = page.content.decode()
    assert "Improved since last year" in html
    assert "Diverse interview panels for every band 7 and above post" in html
    assert "Raise an EDI action" not in html  # the board reads; the EDI lead raises
    edi = client_for("edi_lead").get(reverse("equality:report", args=["WRES", 2025]))
    assert f"source_kind={KIND}&amp;source_id=WRES%3A2" in edi.content.decode()


def test_only_the_edi_lead_raises_and_only_on_a_real_indicator(trust: Trust) -> None:
    with pytest.raises(PermissionDenied):
        raise_on_recruitment(trust, by="board_member")
    with pytest.raises(PermissionDenied):
        actions.raise_action(
            acting_user=trust.people["edi_lead"],
            source_kind=KIND,
            source_id="WRES:10",
            title="x",
            owner=trust.people["edi_lead"],
            due_on=datetime.date(2025, 3, 31),
        )
