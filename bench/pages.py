"""The pages `make bench` times: every URL without arguments, plus the detail pages
of the demo trust's biggest objects (the trust itself, the largest service)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from tests.url_catalogue import all_routes
from wellled.core.models import AuditEvent
from wellled.organisation.models import OrgUnit, StaffProfile, UnitKind

NOT_PAGES = {"accounts:logout", "accounts:api_token", "healthz"}


def page_urls() -> list[str]:
    urls = [
        reverse(route.name)
        for route in all_routes()
        if not route.needs_kwargs and route.name not in NOT_PAGES
    ]
    trust = OrgUnit.objects.get(kind=UnitKind.TRUST)
    biggest_service = (
        OrgUnit.objects.filter(kind=UnitKind.SERVICE)
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    )
    urls.append(reverse("organisation:unit", kwargs={"pk": trust.pk}))
    if biggest_service is not None:
        urls.append(reverse("organisation:unit", kwargs={"pk": biggest_service.pk}))
    profile = StaffProfile.objects.order_by("pk").first()
    if profile is not None:
        urls.append(reverse("organisation:staff_detail", kwargs={"pk": profile.pk}))
    event = AuditEvent.objects.order_by("-seq").first()
    if event is not None:
        urls.append(reverse("core:audit_detail", kwargs={"seq": event.seq}))
    return urls
