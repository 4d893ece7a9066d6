"""The evidence library: tagging, uploads checked by their bytes, staleness in "my work"."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from wellled.assurance.models import EvidenceItem
from wellled.assurance.queries import assurance_work, evidence_visible_to
from wellled.assurance.tests.support import evidence, pdf_bytes, png_bytes, upload
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def test_evidence_without_a_statement_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        evidence(trust, statements=[])
    assert caught.value.message_dict["statements"] == [
        "Tag the evidence to at least one quality statement"
    ]
    assert not EvidenceItem.objects.exists()


def test_an_unknown_statement_or_category_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        evidence(trust, statements=["made-up"], category_ids=["gossip"])
    assert "made-up" in caught.value.message_dict["statements"][0]
    assert "gossip" in caught.value.message_dict["categories"][0]


def test_a_note_is_tagged_to_statements_and_categories(trust: Trust) -> None:
    item = evidence(
        trust,
        statements=["freedom-to-speak-up", "learning-improvement-and-innovation"],
        category_ids=["processes"],
    )
    assert item.statement_ids == ["freedom-to-speak-up", "learning-improvement-and-innovation"]
    assert item.category_ids == ["processes"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", b"%PDF-1.7 minutes"),
        ("photo.png", b"PNG"),  # placeholder, replaced below
        ("data.csv", b"ward,score\n1,2\n"),
        ("notes.txt", "Café notes".encode()),
    ],
)
def test_allowed_documents_are_stored_with_their_real_type(
    trust: Trust, name: str, content: bytes
) -> None:
    if name == "photo.png":
        content = png_bytes()
    if name == "minutes.pdf":
        content = pdf_bytes()
    item = evidence(trust, kind="document", upload=upload(name, content))
    assert item.file_name == name
    assert item.file_type in {"application/pdf", "image/png", "text/csv", "text/plain"}
    with item.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "cannot be uploaded"),  # an exe
        ("minutes.pdf", "png", "content is PNG"),  # a PNG calling itself a PDF
        ("data.csv", "pdf", "content is PDF"),  # a PDF calling itself CSV
        ("data.csv", b"a,b\x00\x00c", "not plain text"),
        ("script.js", b"alert(1)", "cannot be uploaded"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_disguised_or_unsupported_file_is_refused(
    trust: Trust, name: str, content: object, message: str
) -> None:
    data = png_bytes() if content == "png" else pdf_bytes() if content == "pdf" else content
    assert isinstance(data, bytes)
    with pytest.raises(ValidationError) as caught:
        evidence(trust, kind="document", upload=upload(name, data))
    assert message in caught.value.message_dict["file"][0]
    assert not EvidenceItem.objects.exists()


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_an_oversized_file_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        evidence(trust, kind="document", upload=upload("big.csv", b"a,b\n" * 400))
    assert "smaller than" in caught.value.message_dict["file"][0]


def test_a_link_needs_https_and_a_measure_a_registered_source(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        evidence(trust, kind="link", url="http://example.org")
    assert "https://" in caught.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as caught:
        evidence(trust, kind="measure", measure_key="no.such.measure")
    assert "no.such.measure" in caught.value.message_dict["measure_key"][0]


def test_the_review_date_cannot_precede_the_evidence(trust: Trust) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        evidence(trust, evidence_date=today, review_date=today - datetime.timedelta(days=1))
    assert "review_date" in caught.value.message_dict


def test_people_without_contribute_evidence_cannot_add(trust: Trust) -> None:
    for persona in ("board_member", "auditor", "staff_member", "outsider"):
        with pytest.raises(PermissionDenied):
            evidence(trust, acting_user=trust.people[persona])
    # A service lead contributes for their service only.
    with pytest.raises(PermissionDenied):
        evidence(trust, acting_user=trust.people["service_lead"], unit=trust.trust)
    evidence(trust, acting_user=trust.people["service_lead"], unit=trust.service)


def test_stale_evidence_is_in_its_owners_work(trust: Trust) -> None:
    guardian = trust.people["guardian"]
    stale = evidence(trust, owner=guardian, title="Old survey", review_in=-3)
    evidence(trust, owner=guardian, title="Fresh survey", review_in=10)
    work = assurance_work(guardian)
    assert [w.title for w in work] == ["Review evidence: Old survey"]
    assert work[0].due == stale.review_date
    assert assurance_work(trust.people["governance_lead"]) == []


def test_reviewing_moves_the_review_date_on(trust: Trust) -> None:
    from wellled.assurance import actions

    guardian = trust.people["guardian"]
    item = evidence(trust, owner=guardian, review_in=-3)
    later = timezone.localdate() + datetime.timedelta(days=90)
    with pytest.raises(PermissionDenied):
        actions.review_evidence(acting_user=trust.people["edi_lead"], item=item, review_date=later)
    with pytest.raises(ValidationError):
        actions.review_evidence(acting_user=guardian, item=item, review_date=timezone.localdate())
    actions.review_evidence(acting_user=guardian, item=item, review_date=later)
    assert assurance_work(guardian) == []


def test_evidence_is_seen_within_scope(trust: Trust) -> None:
    trust_item = evidence(trust)
    service_item = evidence(trust, unit=trust.service, title="Service audit")
    lead = trust.people["service_lead"]
    assert list(evidence_visible_to(lead)) == [service_item]
    assert set(evidence_visible_to(trust.people["board_member"])) == {trust_item, service_item}
    assert not evidence_visible_to(trust.people["staff_member"]).exists()
    assert not evidence_visible_to(trust.people["outsider"]).exists()


def test_the_library_page_filters_and_flags_stale_items(client_for, trust: Trust) -> None:
    evidence(trust, title="Old minutes", review_in=-1)
    evidence(trust, title="New minutes", statements=["partnerships-and-communities"])
    client = client_for("governance_lead")
    page = client.get("/assurance/evidence/").content.decode()
    assert "1 item past its review date" in page and "Stale" in page
    stale_only = client.get("/assurance/evidence/?stale=yes").content.decode()
    assert "Old minutes" in stale_only and "New minutes" not in stale_only
    by_statement = client.get(
        "/assurance/evidence/?statement=partnerships-and-communities"
    ).content.decode()
    assert "New minutes" in by_statement and "Old minutes" not in by_statement


def test_adding_evidence_through_the_page(client_for, trust: Trust) -> None:
    client = client_for("guardian")
    today = timezone.localdate()
    form = {
        "kind": "document",
        "title": "Speak up survey",
        "unit": trust.trust.pk,
        "owner": trust.people["guardian"].pk,
        "evidence_date_day": today.day,
        "evidence_date_month": today.month,
        "evidence_date_year": today.year,
        "review_date_day": today.day,
        "review_date_month": today.month,
        "review_date_year": today.year + 1,
    }
    refused = client.post("/assurance/evidence/new/", {**form, "file": upload("s.csv", b"a\n")})
    assert refused.status_code == 200
    assert "Tag the evidence to at least one quality statement" in refused.content.decode()
    response = client.post(
        "/assurance/evidence/new/",
        {**form, "statements": ["freedom-to-speak-up"], "file": upload("s.csv", b"a,b\n")},
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    download = client.get(f"/assurance/evidence/{item.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n"
    assert client_for("staff_member").get(f"/assurance/evidence/{item.pk}/").status_code == 403


def test_a_live_measure_shows_its_latest_value(
    client_for, trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wellled.reports import sources

    def compute(start: datetime.date, end: datetime.date, unit: object) -> list[sources.Period]:
        return [(datetime.date(2026, 9, 1), 71.0), (datetime.date(2026, 10, 1), None)]

    measure = sources.MetricSource(
        key="speakup.feedback_positive",
        title="Speak-up feedback: would speak up again",
        definition="Share of feedback saying yes",
        unit="%",
        improvement="increase",
        frequency="monthly",
        domain="well-led",
        compute=compute,
    )
    monkeypatch.setattr(sources, "_SOURCES", {measure.key: measure})
    item = evidence(trust, kind="measure", measure_key=measure.key, title="Speak-up feedback")
    client = client_for("board_member")
    detail = client.get(f"/assurance/evidence/{item.pk}/").content.decode()
    assert "Speak-up feedback: would speak up again: 71% (Sep 2026)" in detail
    well_led = client.get("/assurance/well-led/").content.decode()
    assert "Speak-up feedback: would speak up again: 71% (Sep 2026)" in well_led
