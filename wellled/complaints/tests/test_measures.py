"""Use case: the board reads the complaints measures, computed in the database.

A small history of three complaints and a PALS concern, walked through the real
actions, and what each measure makes of it by month, service, site and subject.
"""

from __future__ import annotations

import datetime
import types
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, include, path

from wellled.complaints import measures
from wellled.complaints.models import Complaint
from wellled.complaints.tests.support import measures_history, record, ref, walk
from wellled.core.testing import Trust

D = datetime.date
TODAY = D(2026, 11, 25)


# The three URLs the complaints urls.py routes to measures_views (added there by
# its owner); until they are, the tests route them themselves.
def _with_measure_urls() -> types.ModuleType:
    import wellled.urls
    from wellled.complaints import measures_views
    from wellled.complaints import urls as complaint_urls

    names = {p.name for p in complaint_urls.urlpatterns if isinstance(p, URLPattern)}
    mine = [
        path("measures/", measures_views.measures, name="measures"),
        path("exports/", measures_views.exports, name="exports"),
        path("exports/<slug:kind>/", measures_views.export_download, name="export_download"),
    ]
    extra = [p for p in mine if p.name not in names]
    module = types.ModuleType("measures_test_urls")
    patterns: list[URLPattern | URLResolver] = []
    entry: Any
    for entry in wellled.urls.urlpatterns:
        if str(getattr(entry, "pattern", "")) == "complaints/":
            entry = path(
                "complaints/", include((extra + list(complaint_urls.urlpatterns), "complaints"))
            )
        patterns.append(entry)
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


@pytest.fixture
def routes(settings: Any) -> None:
    settings.ROOT_URLCONF = _with_measure_urls()


@pytest.fixture
def history(trust: Trust) -> dict[str, Complaint]:
    return measures_history(trust)


def cells(key: str, breakdown: str = "none", **kwargs: Any) -> dict[tuple[Any, D], Any]:
    _, found = measures.compute_cells(
        key,
        start=D(2026, 3, 1),
        end=D(2026, 9, 1),
        breakdown=breakdown,
        today=TODAY,
        **kwargs,
    )
    return found


MARCH, APRIL, MAY = D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)


@pytest.mark.django_db
def test_share_acknowledged_within_three_working_days(history: dict[str, Complaint]) -> None:
    march = cells("acknowledged_on_time")[(None, MARCH)]
    # One of three on time; the PALS concern has no acknowledgement clock.
    assert (march.numerator, march.denominator, march.value) == (1, 3, 33.3)


@pytest.mark.django_db
def test_share_answered_by_the_agreed_date_by_service(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    april = cells("responded_by_agreed_date")[(None, APRIL)]
    assert (april.numerator, april.denominator, april.value) == (1, 2, 50.0)
    by_service = cells("responded_by_agreed_date", "service")
    assert by_service[(trust.service.pk, APRIL)].value == 100.0
    assert by_service[(trust.other_service.pk, APRIL)].value == 0.0


@pytest.mark.django_db
def test_reopening_keeps_the_first_response_in_the_timeliness_measure(
    history: dict[str, Complaint],
) -> None:
    # The late case was reopened in May (its response date cleared), yet its first
    # response still counts, in April, against the date first agreed.
    assert history["late"].response_due is None
    assert cells("responded_by_agreed_date")[(None, APRIL)].denominator == 2
    assert cells("reopened")[(None, MAY)].value == 1


@pytest.mark.django_db
def test_median_days_to_respond(trust: Trust, history: dict[str, Complaint]) -> None:
    # 31 and 49 days from receipt: the median of two is their mean.
    assert cells("median_days_to_respond")[(None, APRIL)].value == 40.0
    by_site = cells("median_days_to_respond", "site")
    assert by_site[(trust.site.pk, APRIL)].value == 31.0
    assert by_site[(trust.other_site.pk, APRIL)].value == 49.0


@pytest.mark.django_db
def test_overdue_open_cases_as_at_each_month_end(history: dict[str, Complaint]) -> None:
    found = cells("overdue_open")
    # Only the case never acknowledged is overdue at each month's end; the late
    # one's response was due 1 April and sent 20 April, so it was overdue during
    # April but not on 31 March or 30 April.
    assert found[(None, MARCH)].value == 1
    assert found[(None, APRIL)].value == 1
    assert found[(None, D(2026, 9, 1))].value == 1


@pytest.mark.django_db
def test_themes_count_each_complaint_once_per_subject(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    themes = cells("themes")
    communications = ref("ko41a_subject", "communications").pk
    waiting = ref("ko41a_subject", "waiting_times").pk
    # Two complaints raise communications (one of them twice): two, not three.
    assert themes[(communications, MARCH)].value == 2
    assert themes[(waiting, MARCH)].value == 1
    by_service = cells("themes", "service")
    assert by_service[((trust.service.pk, communications), MARCH)].value == 2


@pytest.mark.django_db
def test_subject_breakdown_counts_a_complaint_against_each_subject(
    history: dict[str, Complaint],
) -> None:
    by_subject = cells("acknowledged_on_time", "subject")
    communications = ref("ko41a_subject", "communications").pk
    # The on-time case and the ignored case (two issues, one subject): 1 of 2.
    found = by_subject[(communications, MARCH)]
    assert (found.numerator, found.denominator) == (1, 2)


@pytest.mark.django_db
def test_a_unit_narrows_every_measure(trust: Trust, history: dict[str, Complaint]) -> None:
    series = measures.monthly_series(
        "responded_by_agreed_date",
        D(2026, 3, 1),
        D(2026, 5, 1),
        trust.other_service,
        today=TODAY,
    )
    assert series == [(MARCH, None), (APRIL, 0.0), (MAY, None)]


@pytest.mark.django_db
def test_scope_paths_limit_the_figures(trust: Trust, history: dict[str, Complaint]) -> None:
    found = cells("acknowledged_on_time", paths=(trust.service.path,))
    # The service lead's area: the on-time case and the unacknowledged one.
    assert found[(None, MARCH)].denominator == 2


@pytest.mark.django_db
def test_measures_are_registered_as_metric_sources(
    trust: Trust, history: dict[str, Complaint]
) -> None:
    from wellled.reports.sources import get_source

    measures.register_metric_sources()
    measures.register_metric_sources()  # registering twice is harmless
    source = get_source("complaints.acknowledged_on_time")
    assert source.unit == "%" and source.frequency == "monthly"
    values = source.compute(D(2026, 3, 1), D(2026, 4, 1), None)
    assert values[0][0] == MARCH and values[1] == (APRIL, None)
    received = get_source("complaints.received").compute(D(2026, 3, 1), D(2026, 3, 1), None)
    assert received == [(MARCH, 3.0)]


@pytest.mark.django_db
def test_measure_queries_do_not_grow_with_cases(
    trust: Trust, history: dict[str, Complaint], django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        record(trust, received_on=D(2026, 3, 9))
    for key in measures.MEASURES:
        with django_assert_max_num_queries(3):
            measures.compute_cells(
                key, start=D(2026, 3, 1), end=D(2026, 9, 1), breakdown="service", today=TODAY
            )


@pytest.mark.django_db
def test_a_late_response_is_overdue_at_the_month_ends_it_spans(trust: Trust) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    walk(
        trust,
        case,
        acknowledged=D(2026, 3, 3),
        due=D(2026, 4, 1),
        responded=D(2026, 6, 3),
        subject="communications",
    )
    found = cells("overdue_open")
    assert found[(None, MARCH)].value == 0  # acknowledged in time, response not yet due
    assert found[(None, APRIL)].value == 1
    assert found[(None, MAY)].value == 1
    assert found[(None, D(2026, 6, 1))].value == 0  # answered on 3 June
