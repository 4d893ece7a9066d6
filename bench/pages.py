"""The pages `make bench` times: every URL without arguments (pages, API lists and the
downloads among them), plus the detail pages of the demo trust's biggest objects.

"Biggest" is what makes a detail page work hardest: the complaint with the most
issues, letters and notes, the action with the most milestones and updates, the
trust and the service with the most children.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Model, QuerySet
from django.urls import reverse

from tests.url_catalogue import all_routes
from wellled.complaints.models import Complaint, Letter
from wellled.core.models import AuditEvent
from wellled.improvement.models import Action
from wellled.organisation.models import OrgUnit, StaffProfile, UnitKind
from wellled.reports.models import BoardPack

NOT_PAGES = {"accounts:logout", "accounts:api_token", "healthz"}

# The floor every figure is divided by: the accessibility statement is the page shell
# (menu, "my work" counts, layout) around fixed text, so page ÷ floor is the work a
# page adds to what every page costs.
FLOOR_ROUTE = "core:accessibility"


@dataclass(frozen=True)
class Target:
    url: str
    label: str  # the route name, or what the detail page is of


def _biggest(queryset: QuerySet[Model], *counted: str) -> Model | None:
    annotations = {f"n_{name}": Count(name, distinct=True) for name in counted}
    order = [f"-n_{name}" for name in counted]
    return queryset.annotate(**annotations).order_by(*order, "pk").first()


def _detail_targets() -> list[Target]:
    targets: list[Target] = []
    trust = OrgUnit.objects.get(kind=UnitKind.TRUST)
    targets.append(Target(reverse("organisation:unit", kwargs={"pk": trust.pk}), "unit: trust"))
    service = _biggest(OrgUnit.objects.filter(kind=UnitKind.SERVICE), "children")
    if service is not None:
        url = reverse("organisation:unit", kwargs={"pk": service.pk})
        targets.append(Target(url, "unit: biggest service"))
    profile = StaffProfile.objects.order_by("pk").first()
    if profile is not None:
        url = reverse("organisation:staff_detail", kwargs={"pk": profile.pk})
        targets.append(Target(url, "staff profile"))
    event = AuditEvent.objects.order_by("-seq").first()
    if event is not None:
        url = reverse("core:audit_detail", kwargs={"seq": event.seq})
        targets.append(Target(url, "audit event"))
    complaint = _biggest(Complaint.objects.all(), "issues", "letters")
    if complaint is not None:
        url = reverse("complaints:detail", kwargs={"pk": complaint.pk})
        targets.append(Target(url, "complaint: biggest case"))
    letter = Letter.objects.order_by("-complaint__issues", "pk").first()
    if letter is not None:
        kwargs = {"pk": letter.complaint_id, "letter_pk": letter.pk, "fmt": "pdf"}
        url = reverse("complaints:letter_download", kwargs=kwargs)
        targets.append(Target(url, "complaint: letter PDF"))
    action = _biggest(Action.objects.all(), "milestones", "updates")
    if action is not None:
        url = reverse("improvement:detail", kwargs={"pk": action.pk})
        targets.append(Target(url, "action: biggest"))
    pack = BoardPack.objects.filter(status=BoardPack.Status.ISSUED).order_by("-pk").first()
    if pack is not None:
        url = reverse("boardpacks:download", kwargs={"pk": pack.pk})
        targets.append(Target(url, "board pack PDF"))
    return targets


def page_targets() -> list[Target]:
    targets = [
        Target(reverse(route.name), route.name)
        for route in all_routes()
        if not route.needs_kwargs and route.name not in NOT_PAGES
    ]
    return targets + _detail_targets()
