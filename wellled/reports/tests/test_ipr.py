"""The board reads the Integrated Performance Report: icons, filters, drill-down."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.reports import actions, charts
from wellled.reports.queries import last_month
from wellled.reports.tests.support import load_values, make_metric

pytestmark = pytest.mark.django_db

STABLE = [50.0, 52, 49, 51, 50, 48, 52, 51, 49, 50, 51, 50, 49, 52, 50, 51]
RISING = [10.0, 11, 10, 12, 11, 10, 11, 12, 10, 11, 20, 21, 22, 21, 22, 23, 22, 21]


@pytest.fixture
def report(trust: Trust) -> dict[str, object]:
    falls = make_metric(trust, name="Falls", domain="safe", improvement="decrease")
    load_values(falls, STABLE)
    ffT = make_metric(
        trust, name="Friends and Family", domain="caring", improvement="increase", target=5.0
    )
    load_values(ffT, RISING)
    waits = make_metric(
        trust,
        name="Community waits",
        domain="responsive",
        service=trust.service,
        improvement="decrease",
    )
    load_values(waits, STABLE)
    theirs = make_metric(trust, name="Ward waits", domain="responsive", service=trust.other_service)
    load_values(theirs, STABLE)
    actions.write_narrative(
        acting_user=trust.people["governance_lead"],
        metric=ffT,
        month=last_month(),
        what="Scores stepped up in November",
        so_what="Patients notice the new welcome packs",
        what_next="Roll out to the other wards",
    )
    return {"falls": falls, "fft": ffT, "waits": waits, "theirs": theirs}


def _matrix(page: str) -> str:
    return page[page.index('<table class="nhsuk-table reports-matrix">') : page.index("</table>")]


def test_the_board_sees_every_metric_in_the_matrix(trust: Trust, client_for, report) -> None:
    response = client_for("board_member").get("/reports/ipr/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    matrix = _matrix(page)
    assert "4 metrics by variation and assurance" in matrix
    # Friends and Family shifted up: special cause improvement, and the target (5) is
    # below the lower limit: it consistently passes.
    row = re.search(
        r"<tr class=\"nhsuk-table__row\">\s*<th scope=\"row\"[^>]*>.*?improvement.*?</tr>",
        matrix,
        re.S,
    )
    assert row is not None and "Friends and Family" in row.group(0)
    section = page[page.index('id="metric-friends-and-family"') :]
    section = section[: section.index("</section>")]
    assert "Assurance:</strong> " + charts.assurance_label("pass") in section
    assert "Variation:</strong> " + charts.variation_label("improvement_high") in section
    assert "Scores stepped up in November" in page
    assert "Patients notice the new welcome packs" in page
    assert 'href="/reports/metrics/friends-and-family/"' in page
    assert page.count("<h1") == 1


def test_the_report_filters_by_domain(trust: Trust, client_for, report) -> None:
    page = client_for("board_member").get("/reports/ipr/?domain=safe&service=").content.decode()
    assert "1 metric by variation" in page
    assert "Falls" in page and "Friends and Family" not in page


def test_the_report_filters_by_service(trust: Trust, client_for, report) -> None:
    page = (
        client_for("board_member").get(f"/reports/ipr/?service={trust.service.pk}").content.decode()
    )
    assert "Community waits" in page
    assert "Ward waits" not in page and "Falls" not in page


def test_a_service_lead_sees_trust_wide_and_their_services_metrics(
    trust: Trust, client_for, report
) -> None:
    page = client_for("service_lead").get("/reports/ipr/").content.decode()
    assert "Community waits" in page and "Falls" in page
    assert "Ward waits" not in page
    # Another service's id in the filter shows nothing of it.
    page = client_for("service_lead").get(f"/reports/ipr/?service={trust.other_service.pk}")
    assert "Ward waits" not in page.content.decode()


@pytest.mark.parametrize(
    "persona", ["staff_member", "complaints_handler", "trust_admin", "outsider"]
)
def test_those_without_the_reports_role_are_refused(client_for, report, persona: str) -> None:
    assert client_for(persona).get("/reports/ipr/").status_code == 403
    assert client_for(persona).get("/reports/metrics/falls/").status_code == 403


def test_the_drill_down_has_chart_data_and_narrative(trust: Trust, client_for, report) -> None:
    page = client_for("board_member").get("/reports/metrics/friends-and-family/").content.decode()
    assert "<svg" in page
    assert "Scores stepped up in November" in page
    # The data table alternative lists every period.
    assert page.count("<tr") >= len(RISING)
    assert "Change the metric" not in page


def test_the_ipr_has_a_nav_entry(client_for, report) -> None:
    page = reverse("accounts:profile")
    assert 'href="/reports/ipr/"' in client_for("board_member").get(page).content.decode()
    assert 'href="/reports/ipr/"' not in client_for("staff_member").get(page).content.decode()


def test_an_empty_report_says_so(client_for, trust: Trust) -> None:
    page = client_for("board_member").get("/reports/ipr/").content.decode()
    assert "No metrics match the filter" in page


def test_weekly_metrics_sit_beside_monthly_ones(trust: Trust, client_for) -> None:
    weekly = make_metric(trust, name="Weekly referrals", frequency="weekly", unit="count")
    load_values(weekly, STABLE, start=datetime.date(2025, 1, 6))
    page = client_for("board_member").get("/reports/ipr/").content.decode()
    assert "Weekly referrals" in page and "16 weekly values" in page


def test_the_reports_queries_do_not_grow_with_the_number_of_metrics(
    trust: Trust, client_for
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("board_member")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/ipr/").status_code == 200
        return len(queries)

    for i in range(2):
        load_values(make_metric(trust, name=f"First {i}"), STABLE)
    few = count()
    for i in range(8):
        load_values(make_metric(trust, name=f"More {i}", domain="safe"), STABLE)
    assert count() == few


def test_sections_follow_cqcs_order_with_a_chart_inline_for_each_metric(
    trust: Trust, client_for, report
) -> None:
    """Safe, effective, caring, responsive, well-led: the board pack's order too."""
    page = client_for("board_member").get(reverse("reports:ipr")).content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    sections = [h for h in headings if h in {"Safe", "Caring", "Responsive"}]
    assert sections == ["Safe", "Caring", "Responsive"]
    # One small SPC chart per metric, beside its icons and narrative.
    assert page.count('class="reports-metric__chart"') == page.count('class="reports-metric"')
    assert page.count("<svg") >= page.count('class="reports-metric"')


def test_the_board_home_page_tells_the_months_story(trust: Trust, client_for, report) -> None:
    """A board member lands on the month at a glance, not on "Nothing is due"."""
    page = client_for("board_member").get("/").content.decode()
    assert "This month at a glance" in page
    assert "How we are performing" in page and "What we promised" in page
    assert 'href="/reports/ipr/"' in page or reverse("reports:ipr") in page
    # Staff who read no trust-wide report keep their plain "My work".
    staff = client_for("staff_member").get("/").content.decode()
    assert "This month at a glance" not in staff and "<h1>My work</h1>" in staff
