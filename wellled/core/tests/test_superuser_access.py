"""Platform operators can reach everything, so every page they open is audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust


def _accesses() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="operator.access").order_by("seq"))


def test_each_page_an_operator_opens_is_recorded(client_for: Any, trust: Trust) -> None:
    client = client_for("operator")
    assert client.get(reverse("core:audit_list"), {"actor": "jsmith"}).status_code == 200
    assert client.get(reverse("core:audit_detail", args=[999999])).status_code == 404
    first, second = _accesses()
    assert first.actor == trust.people["operator"]
    assert first.object_id == "core:audit_list"
    # The path only: a query string can carry names.
    assert first.object_repr == "/audit/"
    assert first.after == {"method": "GET", "status": 200}
    assert first.request_id
    assert second.after == {"method": "GET", "status": 404}
    assert list(audit.verify_chain()) == []


def test_an_operators_writes_are_recorded_with_their_method(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("operator").post(reverse("core:audit_verify"))
    (access,) = _accesses()
    assert access.after == {"method": "POST", "status": 302}
    assert AuditEvent.objects.filter(action="job.started", request_id=access.request_id).exists()


def test_static_files_and_the_health_check_are_not_recorded(client_for: Any) -> None:
    client = client_for("operator")
    assert client.get("/static/wellled/wellled.css").status_code == 200
    assert client.get("/static/wellled/no-such-file.css").status_code == 404
    client.get("/healthz")
    assert _accesses() == []


def test_other_people_are_not_recorded(client_for: Any, client: Any, trust: Trust) -> None:
    client.get(reverse("core:home"))
    for persona in ("governance_lead", "trust_admin", "outsider"):
        client_for(persona).get(reverse("core:home"))
    assert _accesses() == []
