"""The involvement register, opportunities and activities, and payments.

People on the register are members of the public (people with lived experience
and carers) who chose to take part; they have no login. Their equality answers
are kept apart (`EqualityAnswers`) and read only in aggregate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class Rung(models.IntegerChoices):
    """The seven rungs of the ladder of co-production (Think Local Act Personal and the
    National Co-production Advisory Group; wording from Norfolk County Council's
    summary; /work/shared/reference/governance-and-involvement.md §4.2)."""

    COERCION = 1, "Coercion"
    EDUCATING = 2, "Educating"
    INFORMING = 3, "Informing"
    CONSULTATION = 4, "Consultation"
    ENGAGEMENT = 5, "Engagement"
    CO_DESIGN = 6, "Co-design"
    CO_PRODUCTION = 7, "Co-production"


class OpportunityKind(models.TextChoices):
    PROJECT = "project", "Project"
    COMMITTEE_SEAT = "committee", "Committee seat"
    RECRUITMENT_PANEL = "recruitment", "Recruitment panel"
    TRAINING = "training", "Training session (co-delivered)"
    SERVICE_REDESIGN = "redesign", "Service redesign"
    CONSULTATION_EVENT = "consultation", "Survey, focus group or listening event"


class Experience(models.TextChoices):
    LIVED = "lived", "I have used the trust's services"
    CARER = "carer", "I care for someone who has"
    BOTH = "both", "Both"


class ContactBy(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    POST = "post", "Post"


class Interest(models.TextChoices):
    COMMITTEES = "committees", "Sitting on a group or committee"
    DESIGN = "design", "Designing or changing services"
    RECRUITMENT = "recruitment", "Interviewing staff"
    TRAINING = "training", "Helping to train staff"
    FEEDBACK = "feedback", "Giving feedback (surveys, focus groups)"


class ConsentScope(models.TextChoices):
    """What a person agreed to. Holding their details is always part of it."""

    CONTACT = "contact", "Contact me about opportunities to take part"
    SHARE_WITH_SERVICE = "share", "Share my name with the staff running an activity I join"
    STORIES = "stories", "Use what I say, without my name, in reports"


class Source(models.TextChoices):
    PUBLIC = "public", "Registered online"
    STAFF = "staff", "Added by the involvement team"


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Taking part"
    WITHDRAWN = "withdrawn", "Withdrawn"


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


class Person(models.Model):
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    # Lower-cased, for the duplicate check; "" when none was given.
    email_key = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    # Digits only, for the duplicate check.
    phone_key = models.CharField(max_length=40, blank=True, db_index=True)
    postal_address = models.TextField(blank=True)
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices)
    experience = models.CharField(max_length=10, choices=Experience.choices)
    interests = models.JSONField(default=list, blank=True)  # Interest values
    services = models.ManyToManyField(OrgUnit, blank=True, related_name="+")
    accessibility_needs = models.TextField(blank=True)
    consent_on = models.DateField()
    consent_scope = models.JSONField(default=list)  # ConsentScope values
    # Deleted, with notice, after this many months with no activity (decided by the
    # person's own choice or the trust's default).
    retention_months = models.PositiveSmallIntegerField(default=24)
    last_active_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    # The public form never says whether someone is already registered (that would
    # tell anyone with their email address that they use the trust's services):
    # a repeat is kept off the register, and the team sees it here to follow up.
    repeat_registration_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        # No name: this is what the audit trail stores about the object.
        return f"Involvement register entry {self.pk}"


class EqualityAnswers(models.Model):
    """Optional equality monitoring: read in aggregate only, never shown per person."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    age_band = models.CharField(max_length=20, blank=True)
    ethnic_group = models.CharField(max_length=80, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    disabled = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"Equality answers {self.pk}"


class PaymentPolicy(models.Model):
    """One version of the trust's involvement payment policy. There is no national
    rate (reference §4.3), so the trust sets its own and changes it by adding a
    version; a claim keeps the version in force on the activity's date."""

    version = models.CharField(max_length=20, unique=True)
    in_force_from = models.DateField(unique=True)
    target_days = models.PositiveSmallIntegerField(default=10)  # claim to payment
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-in_force_from"]

    def __str__(self) -> str:
        return f"Payment policy {self.version}"


class RoleLevel(models.Model):
    """A role level of a policy version and what it pays (pence; 0: expenses only)."""

    policy = models.ForeignKey(PaymentPolicy, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120)
    half_day_pence = models.PositiveIntegerField(default=0)  # up to HALF_DAY_HOURS
    full_day_pence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["policy", "level"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "level"], name="one_rate_per_level"),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.label}"


class Opportunity(models.Model):
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OpportunityKind.choices)
    service = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    rung_aimed = models.PositiveSmallIntegerField(choices=Rung.choices)
    role_level = models.PositiveSmallIntegerField()
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """One time people took part in an opportunity: a meeting, a panel, a workshop."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="activities"
    )
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    rung_reached = models.PositiveSmallIntegerField(choices=Rung.choices, null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.opportunity.title}, {self.held_on:%-d %B %Y}"


class Participation(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="one_place_per_person"),
        ]

    def __str__(self) -> str:
        return f"Involvement participation {self.pk}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved, waiting for payment"
    PAID = "paid", "Paid"


class Claim(models.Model):
    """An involvement payment and expenses for one person's part in one activity."""

    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="claim"
    )
    policy = models.ForeignKey(PaymentPolicy, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    payment_pence = models.PositiveIntegerField(default=0)
    expenses_pence = models.PositiveIntegerField(default=0)
    # The person chose not to be paid (often because of benefits): expenses only.
    payment_declined = models.BooleanField(default=False)
    declined_note = models.TextField(blank=True)  # plain language, read to the person
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    over_rate_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"Involvement claim {self.pk}"

    @property
    def turnaround_days(self) -> int | None:
        """Calendar days from the claim's arrival to its payment (None until paid)."""
        if self.paid_on is None:
            return None
        return (self.paid_on - self.received_on).days

    @property
    def payment_label(self) -> str:
        return pounds(self.payment_pence)

    @property
    def expenses_label(self) -> str:
        return pounds(self.expenses_pence)

    @property
    def total_pence(self) -> int:
        return self.expenses_pence + (0 if self.payment_declined else self.payment_pence)


class Feedback(models.Model):
    """ "You said, we did" for one activity: what people said, what changed, and when
    the participants were told (the days to feedback run from the activity)."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="feedback")
    you_said = models.TextField()
    we_did = models.TextField()
    recorded_on = models.DateField()
    participants_told_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"You said, we did {self.pk}"

    @property
    def days_to_feedback(self) -> int | None:
        if self.participants_told_on is None:
            return None
        return (self.participants_told_on - self.activity.held_on).days
