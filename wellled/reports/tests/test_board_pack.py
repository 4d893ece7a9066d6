"""Producing, archiving and downloading the board pack."""

from __future__ import annotations

import datetime
import hashlib
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from wellled.core.models import AuditEvent, Job
from wellled.core.testing import Trust
from wellled.reports import actions, boardpack, queries
from wellled.reports.charting import charts_for_metrics
from wellled.reports.charts import render_chart_svg
from wellled.reports.importing import RawRow
from wellled.reports.models import BoardPack, Domain, Frequency, Metric, SourceKind

MONTH = datetime.date(2025, 12, 1)


def months_to(end: datetime.date, count: int) -> list[datetime.date]:
    out = []
    year, month = end.year, end.month
    for _ in range(count):
        out.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def make_metric(
    trust: Trust,
    name: str,
    values: list[float],
    *,
    domain: str = Domain.SAFE,
    target: float | None = None,
    end: datetime.date = MONTH,
    **extra: Any,
) -> Metric:
    metric = actions.create_metric(
        acting_user=None,
        name=name,
        definition=f"How {name.lower()} is counted",
        owner=trust.people["governance_lead"],
        unit="%",
        improvement="increase",
        frequency=Frequency.MONTHLY,
        domain=domain,
        source_kind=SourceKind.IMPORTED,
        target=target,
        **extra,
    )
    periods = months_to(end, len(values))
    actions.import_metric_values(
        acting_user=None,
        metric=metric,
        rows=[
            RawRow(number=i + 2, metric=None, period=p.isoformat(), value=v)
            for i, (p, v) in enumerate(zip(periods, values, strict=True))
        ],
    )
    return metric


def series(n: int, base: float = 80.0) -> list[float]:
    return [base + ((i * 7) % 5) - 2 for i in range(n)]


@pytest.fixture
def catalogue(trust: Trust) -> list[Metric]:
    shifted = series(24) + [95.0] * 6  # ends on a shift: special cause improvement
    metrics = [
        make_metric(trust, "Complaints answered in time", series(30), target=75.0),
        make_metric(trust, "Harm-free care", shifted, domain=Domain.SAFE),
        make_metric(trust, "Staff appraised", series(8), domain=Domain.PEOPLE),
        make_metric(trust, "Friends & <family> test", series(20), domain=Domain.CARING),
    ]
    # A value after the pack's month must not appear in it.
    later = datetime.date(2026, 1, 1)
    actions.import_metric_values(
        acting_user=None,
        metric=metrics[0],
        rows=[RawRow(number=2, metric=None, period=later.isoformat(), value=1.0)],
    )
    actions.write_narrative(
        acting_user=trust.people["governance_lead"],
        metric=metrics[0],
        month=MONTH,
        what="Timeliness held steady at about 80%.",
        so_what="Complainants mostly hear back on time.",
        what_next="Keep the Tuesday case review.",
    )
    actions.create_metric(
        acting_user=None,
        name="Retired measure",
        definition="No longer reported",
        owner=trust.people["governance_lead"],
        unit="count",
        improvement="decrease",
        frequency=Frequency.MONTHLY,
        domain=Domain.SAFE,
    )
    Metric.objects.filter(name="Retired measure").update(is_active=False)
    return metrics


def produce(client: Any, month: datetime.date, capture: Any) -> tuple[BoardPack, Job]:
    with capture(execute=True):
        response = client.post(reverse("boardpacks:request"), {"month": month.isoformat()})
    assert response.status_code == 302
    pack = BoardPack.objects.get(month=month)
    assert response["Location"] == reverse("core:job", kwargs={"job_id": pack.job_id})
    assert pack.job is not None
    pack.job.refresh_from_db()
    return pack, pack.job


def stored(pack: BoardPack) -> bytes:
    assert pack.pdf is not None
    return bytes(pack.pdf)


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.django_db
def test_a_requested_pack_is_produced_issued_and_archived(
    trust: Trust, catalogue: list[Metric], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("governance_lead")
    pack, job = produce(client, MONTH, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == 100
    assert "December 2025 is issued: 4 metrics" in job.message
    assert job.result_url == reverse("boardpacks:list")

    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.ISSUED
    assert pack.issued_at is not None
    pdf = stored(pack)
    assert pdf.startswith(b"%PDF-")
    assert pack.sha256 == hashlib.sha256(pdf).hexdigest()
    event = AuditEvent.objects.get(action="reports.board_pack_issued")
    assert event.after is not None
    assert event.after["sha256"] == pack.sha256
    assert event.after["metrics"] == 4

    pages = pdf_text(pdf)
    everything = "\n".join(pages)
    assert "Integrated performance report" in pages[0]
    assert "December 2025" in pages[0]
    assert "Contents" in pages[1]
    for metric in catalogue:
        assert metric.name in pages[1], metric.name  # listed on the contents page
        assert metric.name in everything
    assert "Retired measure" not in everything
    assert "Summary of variation and assurance" in everything
    # The narrative of the month, under its metric.
    assert "Timeliness held steady at about 80%." in everything
    assert "Keep the Tuesday case review." in everything
    assert "No narrative was written for December 2025" in everything
    # The contents page gives each metric's page number, and the page says it.
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 8
    assert f"Page 2 of {len(reader.pages)}" in pages[1]
    # Figures stop at the end of the pack's month.
    assert "Jan 2026" not in everything
    assert "Dec 2025" in everything


@pytest.mark.django_db
def test_contents_page_numbers_point_at_the_metric_pages(
    trust: Trust, catalogue: list[Metric], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pack, _job = produce(client_for("governance_lead"), MONTH, django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    pages = pdf_text(stored(pack))
    contents = pages[1]
    for number, metric in enumerate(boardpack.pack_metrics(), start=1):
        heading = f"{number}. {metric.name}"
        line = next(line for line in contents.splitlines() if heading in line)
        page = int(line.rstrip(". ").split()[-1].lstrip("."))
        assert pages[page - 1].lstrip().startswith(heading) or heading in pages[page - 1][:200]


@pytest.mark.django_db
def test_the_pdf_uses_the_same_svg_as_the_pages(
    trust: Trust, catalogue: list[Metric], client_for: Any
) -> None:
    metrics = boardpack.pack_metrics()
    chart_list = charts_for_metrics(metrics, up_to=boardpack.month_end(MONTH))
    sections = boardpack.build_sections(metrics, chart_list, MONTH)
    pack = BoardPack(month=MONTH, requested_by=trust.people["governance_lead"])
    html = boardpack.render_html(pack, sections, "Test Trust")
    for metric, chart in zip(metrics, chart_list, strict=True):
        assert str(render_chart_svg(chart, id_prefix=f"metric-{metric.pk}")) in html
    # The harm-free series ends on a shift: it sits in the improvement row of the matrix.
    harm = next(s for s in sections if s.metric.name == "Harm-free care")
    assert harm.chart.variation == "improvement_high"
    matrix = {row.key: row for row in boardpack.build_matrix(sections)}
    assert any(harm in cell.sections for cell in matrix["improvement"].cells)
    few = next(s for s in sections if s.metric.name == "Staff appraised")
    assert any(few in cell.sections for cell in matrix["none"].cells)
    # Text from the catalogue is escaped.
    assert "Friends &amp; &lt;family&gt; test" in html
    assert "<family>" not in html


@pytest.mark.django_db
def test_the_archive_returns_exactly_the_issued_bytes(
    trust: Trust, catalogue: list[Metric], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("governance_lead")
    pack, _job = produce(client, MONTH, django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    stored = pack.sha256
    # The data changes after issue: a new narrative and a changed value.
    actions.write_narrative(
        acting_user=trust.people["governance_lead"],
        metric=catalogue[1],
        month=MONTH,
        what="Rewritten later",
        so_what="-",
        what_next="-",
    )
    for name in ("board_member", "governance_lead", "auditor"):
        response = client_for(name).get(reverse("boardpacks:download", kwargs={"pk": pack.pk}))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="board-pack-2025-12.pdf"'
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert hashlib.sha256(body).hexdigest() == stored
        assert response["X-Content-SHA256"] == stored


@pytest.mark.django_db
def test_a_pack_for_an_empty_catalogue_still_issues(
    trust: Trust, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pack, job = produce(client_for("governance_lead"), MONTH, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.ISSUED
    assert "Contents" in "".join(pdf_text(stored(pack)))


@pytest.mark.django_db
def test_a_failure_marks_the_pack_failed_and_keeps_nothing(
    trust: Trust,
    catalogue: list[Metric],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(html: str, **kwargs: Any) -> bytes:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(boardpack, "html_to_pdf", broken)
    pack, job = produce(client_for("governance_lead"), MONTH, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert "could not be produced" in job.message
    assert "layout failed" not in job.message
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.FAILED
    assert pack.pdf is None and pack.sha256 == ""
    assert AuditEvent.objects.filter(action="reports.board_pack_failed").count() == 1
    response = client_for("board_member").get(reverse("boardpacks:download", args=[pack.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_issued_pack_is_never_produced_again(
    trust: Trust, catalogue: list[Metric], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from wellled.core.tasks import run_job

    pack, job = produce(client_for("governance_lead"), MONTH, django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    original = stored(pack)
    outcome = boardpack.produce_board_pack(job, lambda percent, message: None)
    assert not outcome.succeeded
    assert "already issued" in outcome.message
    run_job(str(job.id))  # a repeated delivery of the task does nothing
    pack.refresh_from_db()
    assert stored(pack) == original


def test_the_pdf_fetches_nothing_from_outside() -> None:
    fetcher = boardpack.local_only_fetcher()
    html = (
        "<html><head><title>t</title>"
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body>'
        '<img src="http://example.com/tracker.png" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" '
        'alt=""><p>Hello</p></body></html>'
    )
    pdf = boardpack.html_to_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    refused = fetcher.refused  # type: ignore[attr-defined]
    assert "http://example.com/tracker.png" in refused
    assert "file:///etc/passwd" in refused
    assert "https://cdn.example.com/x.css" in refused
    assert not any(url.startswith("data:") for url in refused)


# --- pages and permissions -------------------------------------------------------------------


READERS = [
    "board_member",
    "executive",
    "governance_lead",
    "complaints_manager",
    "guardian",
    "edi_lead",
    "involvement_lead",
    "auditor",
]
NOT_READERS = ["trust_admin", "complaints_handler", "service_lead", "staff_member", "outsider"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", READERS)
def test_trust_wide_metric_readers_see_the_list(trust: Trust, client_for: Any, name: str) -> None:
    BoardPack.objects.create(month=MONTH, requested_by=trust.people["governance_lead"])
    response = client_for(name).get(reverse("boardpacks:list"))
    assert response.status_code == 200
    assert "December 2025" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", NOT_READERS)
def test_others_cannot_see_or_download_packs(trust: Trust, client_for: Any, name: str) -> None:
    pack = BoardPack.objects.create(
        month=MONTH,
        requested_by=trust.people["governance_lead"],
        status=BoardPack.Status.ISSUED,
        pdf=b"%PDF-1.7 test",
        sha256=hashlib.sha256(b"%PDF-1.7 test").hexdigest(),
    )
    client = client_for(name)
    assert client.get(reverse("boardpacks:list")).status_code == 403
    assert client.get(reverse("boardpacks:download", args=[pack.pk])).status_code == 403
    assert list(queries.board_packs_visible_to(trust.people[name])) == []


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(trust: Trust, client: Any) -> None:
    response = client.get(reverse("boardpacks:list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["board_member", "executive", "auditor", "service_lead"])
def test_only_producers_may_request_a_pack(trust: Trust, client_for: Any, name: str) -> None:
    client = client_for(name)
    assert client.get(reverse("boardpacks:request")).status_code == 403
    response = client.post(reverse("boardpacks:request"), {"month": MONTH.isoformat()})
    assert response.status_code == 403
    assert not BoardPack.objects.exists()
    assert "Produce a board pack" not in client.get(reverse("boardpacks:list")).content.decode()


@pytest.mark.django_db
def test_the_request_form_and_its_errors(trust: Trust, client_for: Any) -> None:
    client = client_for("governance_lead")
    page = client.get(reverse("boardpacks:request")).content.decode()
    assert page.count("<h1") == 1
    assert '<label class="nhsuk-label" for="id_month">Month</label>' in page
    response = client.post(reverse("boardpacks:request"), {"month": "2099-01-01"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not BoardPack.objects.exists()
    listing = client.get(reverse("boardpacks:list")).content.decode()
    assert "Produce a board pack" in listing


@pytest.mark.django_db
def test_an_unissued_pack_cannot_be_downloaded(trust: Trust, client_for: Any) -> None:
    pack = BoardPack.objects.create(month=MONTH, requested_by=trust.people["governance_lead"])
    response = client_for("board_member").get(reverse("boardpacks:download", args=[pack.pk]))
    assert response.status_code == 404
    assert (
        client_for("board_member").get("/reports/board-packs/999999/download/").status_code == 404
    )


@pytest.mark.django_db
def test_the_list_shows_status_issuer_and_download(
    trust: Trust, catalogue: list[Metric], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pack, _job = produce(client_for("governance_lead"), MONTH, django_capture_on_commit_callbacks)
    BoardPack.objects.create(
        month=datetime.date(2025, 11, 1),
        requested_by=trust.people["governance_lead"],
        status=BoardPack.Status.FAILED,
    )
    page = client_for("board_member").get(reverse("boardpacks:list")).content.decode()
    assert page.count("<h1") == 1
    assert "Issued" in page and "Failed" in page
    assert "Governance Lead" in page
    assert reverse("boardpacks:download", args=[pack.pk]) in page
    assert page.count("Download PDF") == 1


@pytest.mark.django_db
def test_the_job_reports_its_progress(trust: Trust, catalogue: list[Metric]) -> None:
    user = trust.people["governance_lead"]
    pack = BoardPack.objects.create(month=MONTH, requested_by=user)
    job = Job.objects.create(
        kind=boardpack.JOB_KIND, title="t", started_by=user, payload={"board_pack_id": pack.pk}
    )
    reported: list[tuple[int, str]] = []
    outcome = boardpack.produce_board_pack(job, lambda p, m: reported.append((p, m)))
    assert outcome.succeeded
    percents = [p for p, _m in reported]
    assert percents == sorted(percents) and len(percents) >= 4
    assert percents[0] > 0 and percents[-1] < 100
    assert any("4 charts up to December 2025" in m for _p, m in reported)


@pytest.mark.django_db
def test_a_missing_pack_fails_cleanly(trust: Trust) -> None:
    user = trust.people["governance_lead"]
    job = Job.objects.create(
        kind=boardpack.JOB_KIND, title="t", started_by=user, payload={"board_pack_id": 987654}
    )
    outcome = boardpack.produce_board_pack(job, lambda p, m: None)
    assert not outcome.succeeded
    assert "no longer exists" in outcome.message
