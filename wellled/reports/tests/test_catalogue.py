"""The governance lead keeps the metric catalogue; leaders read it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.reports import actions
from wellled.reports.models import Metric
from wellled.reports.queries import metrics_visible_to
from wellled.reports.tests.support import make_metric

pytestmark = pytest.mark.django_db


def test_governance_lead_adds_a_metric_on_the_page(trust: Trust, client_for) -> None:
    client = client_for("governance_lead")
    response = client.get("/reports/metrics/new/")
    assert response.status_code == 200
    response = client.post(
        "/reports/metrics/new/",
        {
            "name": "Bed occupancy",
            "definition": "Occupied bed days / available bed days",
            "owner": trust.people["executive"].pk,
            "unit": "%",
            "improvement": "neither",
            "frequency": "monthly",
            "domain": "safe",
            "service": str(trust.service.pk),
            "source_key": "",
            "profile": "mdc_sql_v2",
        },
    )
    metric = Metric.objects.get(slug="bed-occupancy")
    assert response.status_code == 302
    assert response["Location"] == f"/reports/metrics/{metric.slug}/"
    assert metric.service == trust.service
    assert metric.profile == "mdc_sql_v2"
    assert metric.source_kind == "imported"
    assert AuditEvent.objects.filter(action="reports.metric_created").exists()


def test_the_form_shows_the_actions_errors_by_field(trust: Trust, client_for) -> None:
    client = client_for("governance_lead")
    response = client.post(
        "/reports/metrics/new/",
        {
            "name": "Waiting list size",
            "definition": "People waiting",
            "owner": trust.people["executive"].pk,
            "unit": "count",
            "improvement": "neither",
            "frequency": "monthly",
            "domain": "responsive",
            "target": "100",
            "profile": "mdc_excel_v5",
        },
    )
    assert response.status_code == 200
    assert "cannot have a target" in response.content.decode()
    assert not Metric.objects.exists()


def test_an_unknown_profile_is_refused_naming_the_known_ones(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        make_metric(trust, profile="mdc_excel_v9")
    message = caught.value.message_dict["profile"][0]
    assert "mdc_excel_v9" in message and "mdc_excel_v5" in message and "nhsr_0_2_2" in message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"definition": ""}, "definition"),
        ({"frequency": "daily"}, "frequency"),
        ({"domain": "nowhere"}, "domain"),
        ({"target": 5.0, "target_from": "2026-02-01", "target_to": "2026-01-01"}, "target_to"),
        ({"target_from": "2026-02-01"}, "target"),
        ({"baseline_points": 1}, "baseline_points"),
        ({"profile": "nhsr_0_2_2", "baseline_points": 6}, "baseline_points"),
        ({"source_kind": "registered", "source_key": "nobody.registered_this"}, "source_key"),
    ],
)
def test_bad_definitions_are_refused_by_field(trust: Trust, overrides: dict, field: str) -> None:
    import datetime

    for key in ("target_from", "target_to"):
        if key in overrides:
            overrides[key] = datetime.date.fromisoformat(overrides[key])
    with pytest.raises(ValidationError) as caught:
        make_metric(trust, **overrides)
    assert field in caught.value.message_dict


def test_two_metrics_cannot_share_a_short_name(trust: Trust) -> None:
    make_metric(trust)
    with pytest.raises(ValidationError) as caught:
        make_metric(trust)
    assert "slug" in caught.value.message_dict


def test_editing_keeps_the_source_and_audits_the_change(trust: Trust, client_for) -> None:
    metric = make_metric(trust)
    client = client_for("governance_lead")
    page = client.get(f"/reports/metrics/{metric.slug}/edit/")
    assert page.status_code == 200 and "source_key" not in page.content.decode()
    with pytest.raises(ValidationError):
        actions.update_metric(acting_user=None, metric=metric, source_kind="registered")
    actions.update_metric(acting_user=trust.people["governance_lead"], metric=metric, target=4.0)
    metric.refresh_from_db()
    assert metric.target == 4.0
    event = AuditEvent.objects.filter(action="reports.metric_updated").get()
    assert event.after == {"target": 4.0}


@pytest.mark.parametrize("persona", ["board_member", "executive", "service_lead", "outsider"])
def test_only_metric_managers_may_add_or_change(trust: Trust, client_for, persona: str) -> None:
    metric = make_metric(trust)
    with pytest.raises(PermissionDenied):
        actions.create_metric(
            acting_user=trust.people[persona],
            name="Another",
            definition="x",
            owner=trust.people[persona],
            unit="count",
            improvement="increase",
            frequency="monthly",
            domain="safe",
        )
    with pytest.raises(PermissionDenied):
        actions.update_metric(acting_user=trust.people[persona], metric=metric, name="Changed")
    client = client_for(persona)
    assert client.get("/reports/metrics/new/").status_code == 403
    assert client.get(f"/reports/metrics/{metric.slug}/edit/").status_code in (403, 404)


def test_service_metrics_are_seen_over_their_service_only(trust: Trust) -> None:
    trust_wide = make_metric(trust, name="Trust wide")
    ours = make_metric(trust, name="Ours", service=trust.service)
    theirs = make_metric(trust, name="Theirs", service=trust.other_service)
    seen = set(metrics_visible_to(trust.people["service_lead"]))
    assert seen == {trust_wide, ours}
    assert set(metrics_visible_to(trust.people["board_member"])) == {trust_wide, ours, theirs}
    assert not metrics_visible_to(trust.people["staff_member"]).exists()


def test_an_owner_without_a_reporting_role_still_sees_their_metric(
    trust: Trust, client_for
) -> None:
    metric = make_metric(trust, owner=trust.people["staff_member"])
    client = client_for("staff_member")
    assert client.get(f"/reports/metrics/{metric.slug}/").status_code == 200
    assert client.get("/reports/ipr/").status_code == 403


def test_the_catalogue_lists_metrics_by_domain(trust: Trust, client_for) -> None:
    make_metric(trust, name="Sickness", domain="people")
    make_metric(trust, name="Falls", domain="safe")
    page = client_for("board_member").get("/reports/").content.decode()
    assert "Sickness" in page and "Falls" in page
    assert page.index("People") < page.index("Safe")
    assert "Add a metric" not in page
    assert "Add a metric" in client_for("governance_lead").get("/reports/").content.decode()


def test_a_retired_metric_leaves_the_report(trust: Trust, client_for) -> None:
    metric = make_metric(trust, name="Old measure")
    client = client_for("governance_lead")
    assert "Old measure" in client.get("/reports/ipr/").content.decode()
    response = client.post(
        f"/reports/metrics/{metric.slug}/edit/",
        {
            "name": "Old measure",
            "definition": metric.definition,
            "owner": metric.owner_id,
            "unit": "%",
            "improvement": "decrease",
            "frequency": "monthly",
            "domain": "people",
            "service": "",
            "profile": "mdc_excel_v5",
        },
    )
    assert response.status_code == 302
    metric.refresh_from_db()
    assert not metric.is_active
    client.get("/reports/")  # shows (and so clears) the "Saved" message
    assert "Old measure" not in client.get("/reports/ipr/").content.decode()
    assert "Retired" in client.get("/reports/").content.decode()
