from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.test import override_settings

from wellled.core.notify import NotifyEmailBackend

# A key of the shape Notify issues (name-serviceid-secret); never sent anywhere here.
FAKE_KEY = (
    "test-"
    + "1" * 8
    + "-1111-1111-1111-"
    + "1" * 12
    + "-"
    + "2" * 8
    + "-2222-2222-2222-"
    + "2" * 12
)


@override_settings(NOTIFY_API_KEY="", NOTIFY_EMAIL_TEMPLATE_ID="")
def test_it_refuses_to_start_without_a_key() -> None:
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        NotifyEmailBackend()


@override_settings(NOTIFY_API_KEY=FAKE_KEY, NOTIFY_EMAIL_TEMPLATE_ID="tmpl-1")
def test_it_sends_one_notification_per_recipient(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    backend = NotifyEmailBackend()
    # Stand in for the HTTP call only; the backend's own logic runs for real.
    monkeypatch.setattr(
        backend.client, "send_email_notification", lambda **kwargs: calls.append(kwargs)
    )
    message = EmailMessage(
        "Your reference", "Body text", to=["a@example.nhs.uk", "b@example.nhs.uk"]
    )
    assert backend.send_messages([message]) == 2
    assert [c["email_address"] for c in calls] == ["a@example.nhs.uk", "b@example.nhs.uk"]
    assert calls[0]["template_id"] == "tmpl-1"
    assert calls[0]["personalisation"] == {"subject": "Your reference", "body": "Body text"}
