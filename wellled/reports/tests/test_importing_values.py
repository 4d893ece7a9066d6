"""Imported series: CSV upload as a job, validated row by row, all or nothing."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellled.core.models import Job
from wellled.core.testing import Trust
from wellled.reports import actions, sources
from wellled.reports.importing import RawRow
from wellled.reports.models import Metric, MetricValue
from wellled.reports.tests.support import load_values, make_metric, months

pytestmark = pytest.mark.django_db


def _upload(client, url: str, text: str, name: str = "values.csv", **extra: str):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), "text/csv"), **extra}
    return client.post(url, data)


def _errors(job: Job) -> list[tuple[int, str]]:
    return [(e["row"], e["message"]) for e in job.result["errors"]]


def test_uploading_a_file_imports_it_as_a_job(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    metric = make_metric(trust)
    client = client_for("governance_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client,
            f"/reports/metrics/{metric.slug}/import/",
            'period,value\n2025-01-01,4.5\n01/02/2025,5\n2025-03-01,"1,004.5"\n',
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.id}/"
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert job.result_url == f"/reports/metrics/{metric.slug}/"
    assert list(MetricValue.objects.values_list("period", "value")) == [
        (datetime.date(2025, 1, 1), 4.5),
        (datetime.date(2025, 2, 1), 5.0),
        (datetime.date(2025, 3, 1), 1004.5),
    ]


def test_a_file_may_name_several_metrics(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    one = make_metric(trust, name="One")
    two = make_metric(trust, name="Two", frequency="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(
            client_for("governance_lead"),
            "/reports/import/",
            "metric,period,value\none,2025-01-01,1\ntwo,2025-01-06,2\ntwo,2025-01-13,3\none,2025-02-01,4\n",
        )
    assert Job.objects.get().status == "succeeded"
    assert MetricValue.objects.filter(metric=one).count() == 2
    assert MetricValue.objects.filter(metric=two).count() == 2


def test_every_bad_row_is_named_and_nothing_is_imported(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    make_metric(trust, name="Monthly")
    make_metric(trust, name="Weekly", frequency="weekly")
    computed = make_metric(trust, name="Computed elsewhere")
    computed.source_kind = "registered"
    computed.save()
    text = (
        "metric,period,value\n"
        "monthly,2025-01-01,10\n"  # row 2: fine
        "monthly,2025-02-01,ten\n"  # row 3: not a number
        "monthly,2025-01-01,11\n"  # row 4: duplicate of row 2
        "monthly,2025-05-01,12\n"  # row 5: gap (March, April missing)
        "monthly,2025-06-15,13\n"  # row 6: not the first of a month
        "nosuch,2025-01-01,1\n"  # row 7: unknown metric
        "weekly,2025-01-08,1\n"  # row 8: a Wednesday
        "computed-elsewhere,2025-01-01,1\n"  # row 9: computed, cannot import
        "monthly,31/02/2025,1\n"  # row 10: not a date
        "monthly,2025-06-01,\n"  # row 11: empty value
    )
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for("governance_lead"), "/reports/import/", text)
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.message.startswith("Nothing was imported")
    errors = _errors(job)
    rows = [row for row, _ in errors]
    assert rows == sorted(rows)
    by_row = dict(errors)
    assert "'ten' is not a number" in by_row[3]
    assert "also on row 2" in by_row[4]
    assert "no values for the 3 months from 2025-02-01 to 2025-04-01" in by_row[5]
    assert "not the start of a month" in by_row[6] and "2025-06-01" in by_row[6]
    assert "no metric called 'nosuch'" in by_row[7]
    assert "not the start of a week" in by_row[8] and "2025-01-06" in by_row[8]
    assert "cannot be imported" in by_row[9]
    assert "not a date" in by_row[10]
    assert "Enter a value" in by_row[11]
    assert not MetricValue.objects.exists()
    page = client_for("governance_lead").get(f"/jobs/{job.id}/").content.decode()
    assert "is not a number" in page


def test_a_gap_against_the_stored_series_names_the_row(trust: Trust) -> None:
    metric = make_metric(trust)
    load_values(metric, [1.0, 2.0, 3.0], start=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        actions.import_metric_values(
            acting_user=None,
            rows=[RawRow(1, None, "2025-05-01", 4)],
            metric=metric,
        )
    (message,) = caught.value.message_dict["rows"]
    assert message.startswith("Row 1: ") and "2025-04-01" in message
    assert MetricValue.objects.count() == 3


def test_a_value_for_a_stored_period_replaces_it(trust: Trust) -> None:
    metric = make_metric(trust)
    load_values(metric, [1.0, 2.0, 3.0], start=datetime.date(2025, 1, 1))
    actions.import_metric_values(
        acting_user=None,
        rows=[RawRow(1, None, "2025-02-01", 2.5), RawRow(2, None, "2025-04-01", 4)],
        metric=metric,
    )
    assert list(MetricValue.objects.order_by("period").values_list("value", flat=True)) == [
        1.0,
        2.5,
        3.0,
        4.0,
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("values.xlsx", b"period,value\n2025-01-01,1\n", "must be a CSV file"),
        ("values.csv", b"", "file is empty"),
        ("values.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        ("values.csv", "period,value\n2025-01-01,1\n".encode("utf-16"), "not a CSV file"),
        ("values.csv", b"date,amount\n2025-01-01,1\n", "the header has no 'period', 'value'"),
        ("values.csv", b"period,value\n", "no rows of values"),
    ],
)
def test_files_that_cannot_be_read_are_refused_on_the_page(
    trust: Trust, client_for, name: str, content: bytes, message: str
) -> None:
    metric = make_metric(trust)
    client = client_for("governance_lead")
    response = client.post(
        f"/reports/metrics/{metric.slug}/import/",
        {"file": SimpleUploadedFile(name, content, "text/csv")},
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Job.objects.exists()


def test_registered_metrics_have_nothing_to_upload(trust: Trust, client_for) -> None:
    source = sources.MetricSource(
        key="tests.upload_refused",
        title="A computed measure",
        definition="d",
        unit="count",
        improvement="increase",
        frequency="monthly",
        domain="safe",
        compute=lambda start, end, unit: [],
    )
    sources.register_source(source)
    try:
        metric = make_metric(trust, source_kind="registered", source_key=source.key)
        response = client_for("governance_lead").get(f"/reports/metrics/{metric.slug}/import/")
        assert response.status_code == 302
    finally:
        sources._SOURCES.pop(source.key)


@pytest.mark.parametrize("persona", ["board_member", "executive", "service_lead"])
def test_only_metric_managers_import(trust: Trust, client_for, persona: str) -> None:
    metric = make_metric(trust)
    with pytest.raises(PermissionDenied):
        actions.import_metric_values(
            acting_user=trust.people[persona],
            rows=[RawRow(1, None, "2025-01-01", 1)],
            metric=metric,
        )
    response = _upload(client_for(persona), "/reports/import/", "period,value\n2025-01-01,1\n")
    assert response.status_code == 403
    assert not MetricValue.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offsets=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=12))
def test_a_series_is_accepted_exactly_when_it_has_no_gaps_or_repeats(
    trust: Trust, offsets: list[int]
) -> None:
    MetricValue.objects.all().delete()
    metric = Metric.objects.filter(slug="property").first() or make_metric(trust, name="Property")
    periods = months(datetime.date(2024, 1, 1), 15)
    rows = [
        RawRow(number=i + 1, metric=None, period=periods[o].isoformat(), value=float(o))
        for i, o in enumerate(offsets)
    ]
    unique = sorted(set(offsets))
    acceptable = len(unique) == len(offsets) and unique == list(range(unique[0], unique[-1] + 1))
    if acceptable:
        actions.import_metric_values(acting_user=None, rows=rows, metric=metric)
        assert MetricValue.objects.count() == len(offsets)
    else:
        with pytest.raises(ValidationError) as caught:
            actions.import_metric_values(acting_user=None, rows=rows, metric=metric)
        assert all(m.startswith("Row ") for m in caught.value.message_dict["rows"])
        assert not MetricValue.objects.exists()
