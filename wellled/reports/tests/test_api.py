"""/api/v1/metrics/: list, values with SPC columns, import."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.core.testing import Trust
from wellled.engines.spc import xmr
from wellled.reports.models import Metric, MetricValue
from wellled.reports.tests.support import START, load_values, make_metric, months

pytestmark = pytest.mark.django_db

VALUES = [16, 24, 22, 19, 19, 18, 24, 25, 18, 17, 16, 25, 15, 23, 19,
          35, 32, 35, 31, 27, 33, 28, 38, 35, 30, 28, 29, 27, 24, 23]  # fmt: skip


def test_the_list_shows_visible_metrics_with_filters(trust: Trust, api_for) -> None:
    make_metric(trust, name="Falls", domain="safe")
    make_metric(trust, name="Waits", domain="responsive", service=trust.other_service)
    body = api_for("board_member").get("/api/v1/metrics/").json()
    assert [m["name"] for m in body["results"]] == ["Waits", "Falls"]
    body = api_for("board_member").get("/api/v1/metrics/?domain=safe").json()
    assert [m["name"] for m in body["results"]] == ["Falls"]
    assert api_for("board_member").get("/api/v1/metrics/?domain=nowhere").status_code == 400
    body = api_for("service_lead").get("/api/v1/metrics/").json()
    assert [m["name"] for m in body["results"]] == ["Falls"]
    assert api_for("staff_member").get("/api/v1/metrics/").json()["count"] == 0


def test_a_metric_comes_with_its_spc_columns(trust: Trust, api_for) -> None:
    metric = make_metric(trust, improvement="increase", target=30.0)
    load_values(metric, [float(v) for v in VALUES])
    body = api_for("board_member").get(f"/api/v1/metrics/{metric.pk}/").json()
    expected = xmr(VALUES, improvement="increase", target=30)
    chart = body["chart"]
    assert chart["variation"] == "common_cause" and chart["assurance"] == "hit_or_miss"
    points = chart["points"]
    assert [p["period"] for p in points] == [m.isoformat() for m in months(START, 30)]
    assert [p["value"] for p in points] == VALUES
    assert [p["mean"] for p in points] == pytest.approx(expected.mean.tolist())
    assert [p["lpl"] for p in points] == pytest.approx(expected.lpl.tolist())
    assert [p["upl"] for p in points] == pytest.approx(expected.upl.tolist())
    assert [p["point_type"] for p in points] == expected.point_type_labels().tolist()
    assert body["slug"] == metric.slug and body["profile"] == "mdc_excel_v5"


def test_short_series_have_null_limits(trust: Trust, api_for) -> None:
    metric = make_metric(trust)
    load_values(metric, [1.0, 2.0, 3.0])
    chart = api_for("board_member").get(f"/api/v1/metrics/{metric.pk}/").json()["chart"]
    assert [p["lpl"] for p in chart["points"]] == [None, None, None]
    assert chart["variation"] == "" and chart["warnings"]


def test_unknown_and_hidden_metrics_are_not_found(trust: Trust, api_for) -> None:
    hidden = make_metric(trust, service=trust.other_service)
    api = api_for("service_lead")
    assert api.get("/api/v1/metrics/999999/").status_code == 404
    assert api.get("/api/v1/metrics/abc/").status_code == 404
    assert api.get(f"/api/v1/metrics/{hidden.pk}/").status_code == 404
    assert api.post("/api/v1/metrics/999999/values/", {"rows": []}, format="json").status_code in (
        403,
        404,
    )
    gov = api_for("governance_lead")
    response = gov.post(
        "/api/v1/metrics/999999/values/",
        {"rows": [{"period": "2025-01-01", "value": 1}]},
        format="json",
    )
    assert response.status_code == 404


def test_values_are_imported_through_the_api(trust: Trust, api_for) -> None:
    metric = make_metric(trust)
    response = api_for("governance_lead").post(
        f"/api/v1/metrics/{metric.pk}/values/",
        {"rows": [{"period": "2025-01-01", "value": 4.5}, {"period": "2025-02-01", "value": "5"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["imported"] == 2
    assert list(MetricValue.objects.values_list("value", flat=True)) == [4.5, 5.0]


def test_bad_rows_get_a_400_naming_each_row_and_nothing_is_written(trust: Trust, api_for) -> None:
    metric = make_metric(trust)
    rows = [
        {"period": "2025-01-01", "value": 1},
        {"period": "2025-02-01", "value": "lots"},
        {"period": "2025-01-01", "value": 3},
        {"period": "2025-05-01", "value": True},
        {"period": "2025-07-04", "value": 1},
    ]
    response = api_for("governance_lead").post(
        f"/api/v1/metrics/{metric.pk}/values/", {"rows": rows}, format="json"
    )
    assert response.status_code == 400
    messages = response.json()["rows"]
    assert messages[0].startswith("Row 2: 'lots' is not a number")
    assert any(m.startswith("Row 3: ") and "also on row 1" in m for m in messages)
    assert any(m.startswith("Row 4: ") and "not a number" in m for m in messages)
    assert any(m.startswith("Row 5: ") and "not the start of a month" in m for m in messages)
    assert not MetricValue.objects.exists()
    empty = api_for("governance_lead").post(
        f"/api/v1/metrics/{metric.pk}/values/", {"rows": []}, format="json"
    )
    assert empty.status_code == 400


@pytest.mark.parametrize("persona", ["board_member", "executive", "service_lead", "staff_member"])
def test_only_metric_managers_import_through_the_api(trust: Trust, api_for, persona: str) -> None:
    metric = make_metric(trust)
    response = api_for(persona).post(
        f"/api/v1/metrics/{metric.pk}/values/",
        {"rows": [{"period": "2025-01-01", "value": 1}]},
        format="json",
    )
    assert response.status_code in (403, 404)
    assert not MetricValue.objects.exists()


def test_the_schema_describes_the_endpoints(client) -> None:
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/metrics/{id}/values/" in schema


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.integers(min_value=-1000, max_value=1000).map(float), min_size=1, max_size=40
    ),
    improvement=st.sampled_from(["increase", "decrease", "neither"]),
)
def test_imported_values_come_back_with_the_engines_columns(
    trust: Trust,
    api_for,
    values: list[float],
    improvement: str,
) -> None:
    MetricValue.objects.all().delete()
    metric = Metric.objects.filter(slug="property").first() or make_metric(trust, name="Property")
    metric.improvement = improvement
    metric.save()
    api = api_for("governance_lead")
    periods = months(datetime.date(2000, 1, 1), len(values))
    rows = [{"period": p.isoformat(), "value": v} for p, v in zip(periods, values, strict=True)]
    response = api.post(f"/api/v1/metrics/{metric.pk}/values/", {"rows": rows}, format="json")
    assert response.status_code == 201
    points = api.get(f"/api/v1/metrics/{metric.pk}/").json()["chart"]["points"]
    expected = xmr(values, improvement=improvement)
    assert [p["value"] for p in points] == values
    assert [p["point_type"] for p in points] == expected.point_type_labels().tolist()
    assert [p["mean"] for p in points] == pytest.approx(expected.mean.tolist())
