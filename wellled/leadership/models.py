"""Walkround programmes, their leaders, the visits of the rota and what each found.

A `Programme` covers a period and a part of the trust; its `ProgrammeLeader`s are
the executives and non-executive directors who visit; the rota is its `Visit`s,
one per place (a site or an inpatient ward) and date. A visit held records what
staff said and the 15 Steps-style checklist (versioned data, `checklists.py`);
its actions are improvement actions whose source is the visit. Every move or
change of leaders is kept as a `VisitChange`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wellled.engines.rota import EVENING, EXECUTIVE, IN_HOURS, NON_EXECUTIVE, WEEKEND
from wellled.organisation.models import OrgUnit


class ProgrammeKind(models.TextChoices):
    WALKROUND = "walkround", "Leadership walkround"
    FIFTEEN_STEPS = "fifteen_steps", "15 Steps Challenge"
    BOARD_TO_WARD = "board_to_ward", "Board to ward"


class LeaderKind(models.TextChoices):
    EXECUTIVE = EXECUTIVE, "Executive director"
    NON_EXECUTIVE = NON_EXECUTIVE, "Non-executive director"


class Session(models.TextChoices):
    IN_HOURS = IN_HOURS, "Working hours"
    EVENING = EVENING, "Evening (out of hours)"
    WEEKEND = WEEKEND, "Weekend (out of hours)"


OUT_OF_HOURS = (Session.EVENING, Session.WEEKEND)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Programme(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProgrammeKind.choices)
    # The part of the trust the programme visits (the trust, or one hub).
    scope = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    visits_per_place = models.PositiveSmallIntegerField(default=1)
    out_of_hours_percent = models.PositiveSmallIntegerField(default=20)
    include_wards = models.BooleanField(default=True)
    # Working days (the trust calendar) from a visit to the team's feedback.
    feedback_days = models.PositiveSmallIntegerField(default=5)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeLeader(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="leaders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=LeaderKind.choices)

    class Meta:
        ordering = ["kind", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="unique_programme_leader")
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Unavailability(models.Model):
    """Days a leader cannot visit (leave, board days): the rota avoids them."""

    leader = models.ForeignKey(
        ProgrammeLeader, on_delete=models.CASCADE, related_name="unavailable"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"


class Visit(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="visits")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # The place's hub, copied when planned so coverage groups without walking the tree.
    hub = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    planned_on = models.DateField()
    session = models.CharField(max_length=10, choices=Session.choices)
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    non_executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    held_on = models.DateField(null=True, blank=True)
    themes = models.TextField(blank=True)
    good_practice = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    checklist_version = models.PositiveSmallIntegerField(null=True, blank=True)
    # {item key: "yes" | "partly" | "no" | "not_seen"} for the version's items.
    checklist = models.JSONField(default=dict, blank=True)
    feedback_due_on = models.DateField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    feedback_sent_on = models.DateField(null=True, blank=True)
    receipt_confirmed_on = models.DateField(null=True, blank=True)
    receipt_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["programme", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.place} on {self.planned_on:%d %b %Y}"

    @property
    def out_of_hours(self) -> bool:
        return self.session in OUT_OF_HOURS

    def leader_ids(self) -> set[int]:
        return {pk for pk in (self.executive_id, self.non_executive_id) if pk}


class VisitChange(models.Model):
    """A visit moved or given to other leaders: what it was, what it became, why."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"Change to visit {self.visit_id}"
