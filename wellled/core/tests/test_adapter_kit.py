"""The shared adapter kit: errors on forms, the write path, breadcrumbs, uploads and
throttles, as every app's views use them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from wellled.core import throttle
from wellled.core.adapters import add_action_errors, crumbs, run_action
from wellled.core.uploads import FilePolicy, check_bytes, read_upload

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


class TitleForm(forms.Form):
    title = forms.CharField()


def _request() -> Any:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_an_action_error_naming_a_field_lands_beside_it() -> None:
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    add_action_errors(form, ValidationError({"title": "Too short", "elsewhere": "Not here"}))
    assert form.errors["title"] == ["Too short"]
    assert form.non_field_errors() == ["Not here"]


def test_an_action_error_without_a_field_goes_to_the_top_of_the_form() -> None:
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    add_action_errors(form, ValidationError(["First", "Second"]))
    assert form.non_field_errors() == ["First", "Second"]


def test_run_action_runs_the_action_says_so_and_redirects() -> None:
    request = _request()
    seen: list[Mapping[str, Any]] = []

    def action(data: Mapping[str, Any]) -> str:
        seen.append(data)
        return "made"

    response = run_action(
        request,
        TitleForm({"title": "Ward visit"}),
        action,
        success=lambda result: f"It was {result}",
        then=lambda result: HttpResponse(status=302, headers={"Location": f"/{result}/"}),
    )
    assert response is not None and response["Location"] == "/made/"
    assert seen == [{"title": "Ward visit"}]
    assert [str(m) for m in get_messages(request)] == ["It was made"]


def test_run_action_redirects_to_a_plain_url() -> None:
    response = run_action(_request(), TitleForm({"title": "x"}), lambda d: 1, then="/done/")
    assert response is not None and response["Location"] == "/done/"


def test_run_action_on_an_invalid_form_runs_nothing() -> None:
    ran: list[int] = []
    form = TitleForm({"title": ""})
    assert run_action(_request(), form, lambda d: ran.append(1), then="/") is None
    assert ran == [] and "title" in form.errors


def test_run_action_refused_by_the_action_keeps_the_form_and_says_nothing() -> None:
    request = _request()
    form = TitleForm({"title": "x"})

    def refuse(data: Mapping[str, Any]) -> None:
        raise ValidationError({"title": "Already taken"})

    assert run_action(request, form, refuse, success="Saved", then="/") is None
    assert form.errors["title"] == ["Already taken"]
    assert list(get_messages(request)) == []


def test_crumbs_are_label_and_href_pairs() -> None:
    assert crumbs(("Home", "/"), ("Cases", "/cases/")) == [
        {"label": "Home", "href": "/"},
        {"label": "Cases", "href": "/cases/"},
    ]


POLICY = FilePolicy(
    types={"application/pdf": ("pdf",), "image/png": ()},
    described_as="PDF or PNG",
    max_bytes=1024,
    text_types={"csv": "text/csv"},
)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.pdf", b"", "empty"),
        ("big.pdf", PDF + b" " * 2000, "too_large"),
        ("notes.exe", b"MZ\x90\x00" + b"\x00" * 60, "bad_type"),
        ("report.docx", PDF, "disguised"),
        ("report", PDF, "disguised"),
        ("table.csv", b"a,b\x00", "not_text"),
        ("table.csv", b"caf\xe9", "not_utf8"),
        ("table.txt", b"a,b", "bad_type"),
    ],
)
def test_an_upload_is_refused_for_what_it_really_is(name: str, data: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_bytes(name, data, POLICY)
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_an_accepted_upload_has_its_real_type_and_a_safe_name() -> None:
    assert check_bytes("../../etc/report.pdf", PDF, POLICY).name == "report.pdf"
    picture = check_bytes("C:\\photos\\any name.jpg", PNG, POLICY)
    assert (picture.name, picture.media_type) == ("any_name.jpg", "image/png")
    table = check_bytes("t.CSV", b"a,b\n", POLICY)
    assert table.media_type == "text/csv"


def test_a_policy_for_a_form_field_puts_the_refusal_beside_it() -> None:
    policy = FilePolicy(
        types=POLICY.types,
        described_as="PDF",
        max_bytes=1024,
        field="file",
        wording={"empty": "The file is empty"},
    )
    with pytest.raises(ValidationError) as refused:
        read_upload(SimpleUploadedFile("x.pdf", b""), policy)
    assert refused.value.message_dict == {"file": ["The file is empty"]}


def test_a_large_upload_is_refused_before_it_is_read() -> None:
    upload = SimpleUploadedFile("big.pdf", PDF + b" " * 5000)
    with pytest.raises(ValidationError) as refused:
        read_upload(upload, POLICY)
    assert refused.value.code == "too_large"
    assert "1 KB" in refused.value.messages[0]


@override_settings(RATELIMIT_ENABLE=True)
def test_a_bucket_refuses_once_the_allowance_is_used_and_says_when_to_come_back() -> None:
    throttle.reset_buckets()
    bucket = throttle.Bucket(group="kit.test", rate=lambda: "2/h", key=lambda g, r: "client")
    request = _request()
    assert bucket.refused(request) is None
    bucket.count(request)
    assert bucket.refused(request) is None
    bucket.count(request)
    refusal = bucket.refused(request)
    assert refusal is not None and refusal.retry_after > 0
    assert refusal.minutes.endswith(("minute", "minutes"))
    other = throttle.Bucket(group="kit.test", rate=lambda: "2/h", key=lambda g, r: "other")
    assert other.refused(request) is None
    throttle.reset_buckets()
