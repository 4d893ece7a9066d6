"""Complaints and PALS concerns: the case, the people, the issues and the clocks.

Rules live in `actions.py` (writes), `workflow.py` (which step may follow which)
and `clocks.py` (every deadline). The due dates stored on `Complaint` are written
only by the actions, from `clocks.py`, so lists and measures can filter on them in
SQL without recomputing working days row by row.

Personal data sits in `Patient` and `Complainant`, apart from the case, so that
measures, exports and the learning library can read cases without touching it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class ReferenceList(models.TextChoices):
    """The editable code lists. Their entries are data (`data/reference_lists.csv`)."""

    KO41A_SUBJECT = "ko41a_subject", "KO41a subject area"
    KO41A_CLINICAL_SUBCATEGORY = "ko41a_clinical", "KO41a clinical treatment sub-category"
    KO41A_SERVICE_AREA = "ko41a_service_area", "KO41a service area"
    PROFESSION = "profession", "KO41a profession"
    HCAT_DOMAIN = "hcat_domain", "HCAT domain"
    HCAT_CATEGORY = "hcat_category", "HCAT problem category"
    HCAT_STAGE = "hcat_stage", "HCAT stage of care"
    HARM = "harm", "Level of harm"


class Verification(models.TextChoices):
    """How sure the source is of an entry (the markers of the research note)."""

    VERIFIED = "verified", "Verified against the source"
    CORROBORATED = "corroborated", "Corroborated by a secondary source"
    UNVERIFIED = "unverified", "Unverified: check against the primary source"


class ReferenceItem(models.Model):
    """One entry in a code list: a KO41a subject, a profession, an HCAT category..."""

    list = models.CharField(max_length=30, choices=ReferenceList.choices)
    code = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    # HCAT category -> its domain; KO41a clinical sub-category -> the subject it refines.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    source = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["list", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["list", "code"], name="unique_reference_code"),
        ]

    def __str__(self) -> str:
        return self.label


class ReferenceCounter(models.Model):
    """The last number issued for a reference prefix and year, e.g. C-2026."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Patient(models.Model):
    """The person the care was for. Personal data: never shown outside the case."""

    full_name = models.CharField(max_length=200)
    # Ten digits with no spaces, or empty when not known.
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Not the name: object labels end up in the audit trail.
        return f"Patient {self.pk}"


class RepresentativeBasis(models.TextChoices):
    """Regulation 5: on what footing someone complains."""

    SELF = "self", "The patient, for themselves"
    AFFECTED = "affected", "Someone affected by the trust's action or decision"
    DECEASED = "deceased", "For a patient who has died"
    CHILD = "child", "For a child"
    INCAPACITY = "incapacity", "For someone who cannot complain themselves (incapacity)"
    AUTHORISED = "authorised", "For someone who has asked them to act"


class ConsentStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    AWAITED = "awaited", "Asked for, not yet given"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class Complainant(models.Model):
    """Whoever made the complaint. Personal data: never shown outside the case."""

    full_name = models.CharField(max_length=200)
    # "Ms", "Dr"...: letters open "Dear Ms Rivera" when it is known.
    title = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    relationship = models.CharField(max_length=100, blank=True)
    representative_basis = models.CharField(
        max_length=20, choices=RepresentativeBasis.choices, default=RepresentativeBasis.SELF
    )
    consent_status = models.CharField(
        max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.NOT_NEEDED
    )
    consent_evidence = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Complainant {self.pk}"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online form"
    MP_ENQUIRY = "mp_enquiry", "MP enquiry"


ORAL_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "Formal complaint"
    PALS = "pals", "PALS concern"
    # Regulation 8(1)(c): recorded for learning, outside the Regulations and their clocks.
    ORAL_RESOLVED = "oral_resolved", "Oral complaint resolved by the next working day"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Investigating"
    DRAFT_RESPONSE = "draft_response", "Draft response"
    SIGNED_OFF = "signed_off", "Signed off"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    REFERRED_TO_PHSO = "referred_to_phso", "Referred to the Ombudsman"
    TRANSFERRED = "transferred", "Transferred to another body"


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.DRAFT_RESPONSE,
        Status.SIGNED_OFF,
        Status.REOPENED,
    }
)


class Exclusion(models.TextChoices):
    """Regulation 8(1): complaints that need not be handled under the Regulations."""

    BY_RESPONSIBLE_BODY = "a", "8(1)(a) Made by a responsible body"
    EMPLOYMENT = "b", "8(1)(b) By an employee about their employment"
    ORAL_RESOLVED = "c", "8(1)(c) Oral, resolved by the next working day"
    REPEAT_OF_ORAL = "d", "8(1)(d) Repeats one already resolved under (c)"
    ALREADY_INVESTIGATED = "e", "8(1)(e) Already investigated under the Regulations"
    OMBUDSMAN = "f", "8(1)(f) Being or already investigated by an Ombudsman"
    FREEDOM_OF_INFORMATION = "g", "8(1)(g) About a Freedom of Information request"
    PENSIONS = "h", "8(1)(h) About superannuation or loss-of-office compensation"


class TimeLimitDecision(models.TextChoices):
    """Regulation 12 of the 2009 Regulations: a complaint made after the 12-month
    limit is handled only if the trust is satisfied of both limbs of the waiver."""

    PENDING = "pending", "To decide: made after the 12-month time limit"
    WAIVED = "waived", "Accepted: the time limit does not apply (regulation 12)"
    REFUSED = "refused", "Not accepted: made after the 12-month time limit"


class ResponseDateBasis(models.TextChoices):
    AGREED = "agreed", "Agreed with the complainant"
    SET_BY_TRUST = "set_by_trust", "Set by the trust and the complainant told"


class HowAgreed(models.TextChoices):
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    IN_PERSON = "in_person", "In person"
    MEETING = "meeting", "At a meeting"


class SignOffCapacity(models.TextChoices):
    RESPONSIBLE_PERSON = "responsible_person", "Responsible person"
    DELEGATE = "delegate", "Delegate of the responsible person"


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField()
    # Free text from or about the complainant: personal data.
    summary = models.TextField()
    service = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="complaints_about_service"
    )
    team = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about_team",
    )
    site = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_at_site",
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    complainant = models.ForeignKey(
        Complainant, on_delete=models.PROTECT, related_name="complaints"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )

    # The scope gate: regulation 12 time limit and regulation 8 exclusions.
    event_date = models.DateField(null=True, blank=True)
    aware_date = models.DateField(null=True, blank=True)
    late_acceptance_reason = models.TextField(blank=True)
    # The decision on the time limit (regulation 12(4)), each limb with its reasons.
    time_limit_decision = models.CharField(
        max_length=10, choices=TimeLimitDecision.choices, blank=True
    )
    late_good_reason = models.BooleanField(null=True, blank=True)
    late_good_reason_note = models.TextField(blank=True)
    late_still_investigable = models.BooleanField(null=True, blank=True)
    late_still_investigable_note = models.TextField(blank=True)
    time_limit_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_time_limit_decisions",
    )
    time_limit_decided_on = models.DateField(null=True, blank=True)
    exclusion = models.CharField(max_length=1, choices=Exclusion.choices, blank=True)
    exclusion_reason = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    transferred_to = models.CharField(max_length=200, blank=True)
    transferred_on = models.DateField(null=True, blank=True)
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_to"
    )

    # The clocks. Written only by the actions, from clocks.py.
    acknowledgement_due = models.DateField(null=True, blank=True, db_index=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    discussion_offered_on = models.DateField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True, db_index=True)
    response_date_basis = models.CharField(
        max_length=20, choices=ResponseDateBasis.choices, blank=True
    )
    response_date_agreed_on = models.DateField(null=True, blank=True)
    response_date_how_agreed = models.CharField(
        max_length=20, choices=HowAgreed.choices, blank=True
    )
    response_date_notified_on = models.DateField(null=True, blank=True)
    backstop_due = models.DateField(null=True, blank=True)

    # The responsible person (regulation 4) or their delegate signs the response.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_signed_off",
    )
    signed_off_as = models.CharField(max_length=20, choices=SignOffCapacity.choices, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)

    responded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    reopened_on = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    reopen_reason = models.TextField(blank=True)
    # The first response survives a reopening: timeliness is measured on it.
    first_response_due = models.DateField(null=True, blank=True)
    first_responded_on = models.DateField(null=True, blank=True)
    referred_to_phso_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            # The caseload: open statuses, newest first, and whether each is overdue
            # (queries.overdue_condition) answered from the index alone.
            models.Index(
                fields=["status", "received_on"],
                include=[
                    "acknowledged_on",
                    "acknowledgement_due",
                    "responded_on",
                    "response_due",
                    "backstop_due",
                ],
                name="complaint_caseload",
            ),
            models.Index(fields=["service", "received_on"]),
            models.Index(fields=["handler", "status"]),
            # The board's measures group by month on these dates; the INCLUDE
            # columns (PostgreSQL only) let them read the index alone. See
            # bench/complaints.py for the figures with and without.
            models.Index(
                fields=["acknowledgement_due"],
                include=["service", "site", "acknowledged_on", "kind", "exclusion", "status"],
                name="complaint_ack_measure",
            ),
            models.Index(
                fields=["first_responded_on"],
                include=[
                    "service",
                    "site",
                    "received_on",
                    "first_response_due",
                    "kind",
                    "exclusion",
                    "status",
                ],
                name="complaint_response_measure",
            ),
            models.Index(fields=["first_response_due"], name="complaint_first_response_due"),
            models.Index(
                fields=["reopened_on"],
                condition=models.Q(reopened_on__isnull=False),
                name="complaint_reopened",
            ),
            models.Index(
                fields=["referred_to_phso_on"],
                condition=models.Q(referred_to_phso_on__isnull=False),
                name="complaint_phso_referred",
            ),
            models.Index(
                fields=["received_on"],
                include=["service", "site", "kind", "exclusion", "status"],
                name="complaint_received_measure",
            ),
            # What the measures count live beside the roll-up (rollup.py): the
            # unacknowledged, the unanswered, and the open cases still running late.
            models.Index(
                fields=["acknowledgement_due"],
                include=["service", "team", "site", "kind", "exclusion", "status"],
                condition=models.Q(acknowledged_on__isnull=True),
                name="complaint_unacknowledged",
            ),
            models.Index(
                fields=["response_due"],
                include=[
                    "first_response_due",
                    "service",
                    "team",
                    "site",
                    "kind",
                    "exclusion",
                    "status",
                ],
                condition=models.Q(first_responded_on__isnull=True),
                name="complaint_unanswered",
            ),
            models.Index(
                fields=["received_on"],
                condition=models.Q(closed_on__isnull=True, transferred_on__isnull=True)
                & (
                    models.Q(acknowledged_on__isnull=True)
                    | models.Q(first_responded_on__isnull=True)
                ),
                name="complaint_open_running_late",
            ),
        ]

    def __str__(self) -> str:
        # The reference only: object labels end up in the audit trail.
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def under_regulations(self) -> bool:
        """Whether the 2009 Regulations' clocks run for this case."""
        return self.kind == Kind.COMPLAINT and not self.exclusion

    @property
    def outcome(self) -> str | None:
        """The complaint's outcome, derived from its issues (see `derive_outcome`)."""
        return derive_outcome(issue.outcome for issue in self.issues.all())


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


NEEDS_LEARNING = frozenset({Outcome.UPHELD, Outcome.PARTIALLY_UPHELD})


def derive_outcome(outcomes: Iterable[str]) -> str | None:
    """The overall outcome from the issues' outcomes (KO41a definitions).

    None while there is no issue or any issue is undecided. Upheld if every issue
    is upheld, not upheld if none is, partially upheld otherwise.
    """
    decided = list(outcomes)
    if not decided or any(not outcome for outcome in decided):
        return None
    if all(outcome == Outcome.UPHELD for outcome in decided):
        return Outcome.UPHELD
    if all(outcome == Outcome.NOT_UPHELD for outcome in decided):
        return Outcome.NOT_UPHELD
    return Outcome.PARTIALLY_UPHELD


class MeasureCell(models.Model):
    """One cell of the monthly roll-up the board's measures read (see rollup.py).

    A count (numerator) and, for shares, its denominator for one measure, month,
    service, team, site and KO41a subject (and, for the days to respond, a number
    of days: a histogram the median is read from). The actions keep it up to date in the
    same transaction as the case; `wellled complaints_rollup` rebuilds and checks it.
    Units and subjects are plain integers, 0 meaning none (and, for the subject,
    the complaint counted once; -1 a complaint with no issue), so that the unique
    key holds without NULLs.
    """

    measure = models.CharField(max_length=12)
    month = models.DateField()
    service_id = models.IntegerField()
    team_id = models.IntegerField(default=0)
    site_id = models.IntegerField(default=0)
    subject_id = models.IntegerField(default=0)
    # For the days to respond: how many days (the count is of responses taking them).
    days = models.IntegerField(default=0)
    numerator = models.IntegerField(default=0)
    denominator = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "measure",
                    "month",
                    "service_id",
                    "team_id",
                    "site_id",
                    "subject_id",
                    "days",
                ],
                name="measure_cell_key",
            ),
        ]
        indexes = [
            # How the measures read it: one measure, all subjects or each, a run of
            # months; the INCLUDE columns (PostgreSQL) answer from the index alone.
            models.Index(
                fields=["measure", "subject_id", "month"],
                include=["service_id", "team_id", "site_id", "days", "numerator", "denominator"],
                name="measure_cell_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}"


class MeasuredComplaint(models.Model):
    """What the roll-up last counted for one case: the dates, places and subjects it
    was counted with, so a change can take the old counts away before adding the new.

    Keyed by the complaint's id without a foreign key, so a deleted case's counts can
    still be taken away.
    """

    complaint_id = models.IntegerField(primary_key=True)
    facts = models.JSONField()

    def __str__(self) -> str:
        return f"Measured complaint {self.complaint_id}"


class ComplaintIssue(models.Model):
    """One matter raised in a complaint, coded for KO41a and (optionally) HCAT."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="issues")
    description = models.TextField()
    subject = models.ForeignKey(ReferenceItem, on_delete=models.PROTECT, related_name="+")
    clinical_subcategory = models.ForeignKey(
        ReferenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_area = models.ForeignKey(ReferenceItem, on_delete=models.PROTECT, related_name="+")
    profession = models.ForeignKey(ReferenceItem, on_delete=models.PROTECT, related_name="+")
    hcat_domain = models.ForeignKey(
        ReferenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hcat_category = models.ForeignKey(
        ReferenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hcat_severity = models.PositiveSmallIntegerField(null=True, blank=True)
    hcat_stage = models.ForeignKey(
        ReferenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    harm = models.ForeignKey(
        ReferenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # The minimal learning record; learning actions and sharing come later.
    learning_statement = models.TextField(blank=True)
    no_learning_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "pk"]
        indexes = [
            models.Index(fields=["complaint"], include=["subject"], name="issue_subject_measure"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hcat_severity__isnull=True) | models.Q(hcat_severity__lte=3),
                name="hcat_severity_0_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"Issue {self.pk} of {self.complaint_id}"

    @property
    def lacks_learning(self) -> bool:
        return self.outcome in NEEDS_LEARNING and not (
            self.learning_statement.strip() or self.no_learning_reason.strip()
        )


class ExtensionRequestedBy(models.TextChoices):
    TRUST = "trust", "The trust"
    COMPLAINANT = "complainant", "The complainant"


class ResponseExtension(models.Model):
    """One agreed move of the response date. The history is never edited."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="extensions")
    previous_date = models.DateField()
    new_date = models.DateField()
    requested_by = models.CharField(max_length=20, choices=ExtensionRequestedBy.choices)
    how_agreed = models.CharField(max_length=20, choices=HowAgreed.choices)
    agreed_on = models.DateField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.previous_date} to {self.new_date}"


class LateResponseTask(models.Model):
    """Regulation 14: a response date was missed, so the complainant must be told
    in writing why, and the response sent as soon as reasonably practicable.

    Opened by `actions.open_late_response_tasks` (daily, and whenever a case is
    stepped) for each missed date; done when the letter is recorded as sent.
    """

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="late_response_tasks"
    )
    missed_due = models.DateField()
    opened_on = models.DateField()
    letter_sent_on = models.DateField(null=True, blank=True)
    reason_for_delay = models.TextField(blank=True)

    class Meta:
        ordering = ["complaint_id", "missed_due"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "missed_due"], name="one_late_task_per_missed_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Late response letter for {self.complaint_id} ({self.missed_due})"

    @property
    def is_open(self) -> bool:
        return self.letter_sent_on is None


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    HOLDING = "holding", "Holding letter"
    LATE = "late", "Late response letter"
    TIME_LIMIT = "time_limit", "Not accepted: made after the time limit"
    FINAL = "final", "Final response"


class LetterTemplate(models.Model):
    """The trust's wording for one kind of letter, edited by complaints managers.

    Django template syntax limited to `{{ variable }}` from `letters.VARIABLES`:
    no tags, filters or attribute lookups (checked by the action that saves it).
    """

    kind = models.CharField(max_length=20, choices=LetterKind.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Letter(models.Model):
    """A letter for one case, drafted from its template and edited before sending.

    A final response also carries its content checklist (regulation 14).
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    # The letter text: personal data (it names the complainant).
    subject = models.CharField(max_length=200)
    body = models.TextField()
    confirms_how_considered = models.BooleanField(default=False)
    confirms_conclusions = models.BooleanField(default=False)
    confirms_actions = models.BooleanField(default=False)
    confirms_ombudsman_rights = models.BooleanField(default=False)
    sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who last changed the text: with the drafter, someone who may not sign it off.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["complaint_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of {self.complaint_id}"

    @property
    def checklist_complete(self) -> bool:
        return (
            self.confirms_how_considered
            and self.confirms_conclusions
            and self.confirms_actions
            and self.confirms_ombudsman_rights
        )


class Attachment(models.Model):
    """A document sent with a complaint. The type is read from the bytes on upload."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    from_public_form = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"Attachment {self.pk} of {self.complaint_id}"


class HeldUpload(models.Model):
    """A document from the public form, kept while the person corrects their other answers.

    It holds nothing about the sender (no address, browser or session): only the
    file, checked as an attachment is, and the random token their form carries back
    (signed) to claim it. Sending the form turns it into an `Attachment` and deletes
    it; otherwise the periodic prune deletes it once the form's time (public.MAX_AGE)
    has passed.
    """

    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Held upload {self.pk}"


# The team's settings live beside: model registration needs them imported here.
from wellled.complaints.casework_models import AssignmentRule as AssignmentRule  # noqa: E402
from wellled.complaints.casework_models import CaseNote as CaseNote  # noqa: E402
from wellled.complaints.casework_models import Letterhead as Letterhead  # noqa: E402
from wellled.complaints.casework_models import (  # noqa: E402
    SavedCaseloadFilter as SavedCaseloadFilter,
)
from wellled.complaints.cqc_models import CQCRequest as CQCRequest  # noqa: E402
from wellled.complaints.ombudsman_models import PHSODecision as PHSODecision  # noqa: E402
from wellled.complaints.ombudsman_models import (  # noqa: E402
    PHSORecommendation as PHSORecommendation,
)
from wellled.complaints.ombudsman_models import PHSOReferral as PHSOReferral  # noqa: E402
