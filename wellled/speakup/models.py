"""Freedom to Speak Up: cases whose content only their guardians can read.

Two kinds of field live on a case:

* **Reporting fields** in plaintext, chosen so that they identify nobody: the route,
  the week received (a Monday, coarse on purpose), status, the national return's
  elements, worker group, detriment, themes, the directorate or service concerned
  and the closure feedback answer. Measures and the national return read these.
* **Content** as ciphertext (`sealed_*` columns): the narrative, messages,
  attachments, the reporter's identity and contact address, action descriptions,
  notes. Each case has its own random key (`crypto.py`); the key is stored only
  wrapped, once per holder (`CaseKey`): each assigned guardian's X25519 public key,
  the reporter's receipt code, and, if the trust switched escrow on, the escrow key.

Primary keys of cases, key wraps, messages and attachments (every row written when
a concern is submitted or a reporter writes) are random UUIDs so that their order
says nothing about when, relative to other events, they were written.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class Route(models.TextChoices):
    OPEN = "open", "Open"
    CONFIDENTIAL = "confidential", "Confidential"
    ANONYMOUS = "anonymous", "Anonymous"


# How far each route discloses the worker: a reporter may only move up this scale.
DISCLOSURE_ORDER: dict[str, int] = {Route.ANONYMOUS: 0, Route.CONFIDENTIAL: 1, Route.OPEN: 2}


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    WRITING = "writing", "In writing or by email"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class WorkerGroup(models.TextChoices):
    """The professional groups of the national return (NHS staff groups)."""

    NURSES_MIDWIVES = "nurses_midwives", "Registered nurses and midwives"
    NURSING_ASSISTANTS = "nursing_assistants", "Nursing assistants or healthcare assistants"
    MEDICAL_DENTAL = "medical_dental", "Medical and dental"
    ALLIED_HEALTH = "allied_health", "Allied health professionals"
    ADDITIONAL_SCIENTIFIC = (
        "additional_scientific",
        "Additional professional, scientific and technical",
    )
    HEALTHCARE_SCIENTISTS = "healthcare_scientists", "Healthcare scientists"
    ADMIN_CLERICAL = "admin_clerical", "Administrative, clerical and management"
    ESTATES_ANCILLARY = "estates_ancillary", "Estates and ancillary"
    CORPORATE = "corporate", "Corporate services"
    STUDENTS = "students", "Students"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class FeedbackAnswer(models.TextChoices):
    """'Given your experience, would you speak up again?'"""

    YES = "yes", "Yes"
    NO = "no", "No"
    MAYBE = "maybe", "Maybe"
    DONT_KNOW = "dont_know", "Don't know"
    BLANK = "blank", "No answer given"


class EscalationRoute(models.TextChoices):
    NED = "ned", "Non-executive director for speaking up"
    EXECUTIVE_LEAD = "executive_lead", "Executive lead for speaking up"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    HR = "hr", "Human resources"
    PATIENT_SAFETY = "patient_safety", "Patient safety team"
    SAFEGUARDING = "safeguarding", "Safeguarding team"
    COUNTER_FRAUD = "counter_fraud", "Local counter fraud specialist"
    REGULATOR = "regulator", "Regulator or prescribed person (e.g. CQC)"
    OTHER = "other", "Other"


class Theme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GuardianKey(models.Model):
    """A guardian's X25519 key pair; the private half sealed under their passphrase."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speakup_key"
    )
    public_key = models.BinaryField()
    # Ed25519, derived from the private key (crypto.signing_key_of); empty only for
    # keys made before enrolment was signed, until their owner next unlocks them.
    signing_public_key = models.BinaryField(null=True, blank=True)
    sealed_private_key = models.BinaryField()
    salt = models.BinaryField()
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"speak-up key of user {self.user_id}"


class GuardianCertificate(models.Model):
    """One guardian's public keys, signed by the guardian who approved them.

    A root (`is_root`) is the trust's first enrolment, approved by the executive
    lead for speaking up and a second senior leader, who hold no keys; every other
    certificate carries an approving guardian's Ed25519 signature over
    `crypto.certificate_statement`. Certificates are never deleted: a chain stays
    checkable after its signers leave or reset their keys.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="speakup_certificates"
    )
    box_public_key = models.BinaryField()
    signing_public_key = models.BinaryField()
    signer_public_key = models.BinaryField()
    signature = models.BinaryField(blank=True)
    is_root = models.BooleanField(default=False)
    approved_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    approved_on = models.DateField()

    def __str__(self) -> str:
        return f"speak-up certificate of user {self.user_id}"


class FirstGuardianApproval(models.Model):
    """One of the two approvals a first guardian needs when no guardian exists."""

    grant = models.ForeignKey(
        "organisation.RoleAssignment", on_delete=models.CASCADE, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The nominee's key when approved: a new key needs approving again.
    box_public_key = models.BinaryField()
    as_executive_lead = models.BooleanField()
    approved_on = models.DateField()

    def __str__(self) -> str:
        return f"first-guardian approval of grant {self.grant_id}"


class RecoveryKey(models.Model):
    """The public half of the trust's recovery key. The private half exists only as
    SLIP-39 shares held on paper by named people outside IT; any `threshold` of them
    together can open a case no current guardian can (recovery.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_key = models.BinaryField()
    threshold = models.PositiveSmallIntegerField()
    # User ids of the holders, in the order of their SLIP-39 member indexes.
    holder_ids = models.JSONField(default=list)
    created_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only the newest key wraps new cases; older ones still open the cases they wrapped.
    is_current = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"speak-up recovery key of {self.created_on}"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A random short reference guardians can say aloud; it encodes nothing.
    reference = models.CharField(max_length=12, unique=True)

    # --- Plaintext reporting fields (no identifiers) ---
    route = models.CharField(max_length=12, choices=Route.choices)
    received_week = models.DateField(help_text="Monday of the week the concern was received")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    closed_week = models.DateField(null=True, blank=True)
    element_patient_safety = models.BooleanField(default=False)
    element_worker_safety = models.BooleanField(default=False)
    element_bullying_harassment = models.BooleanField(default=False)
    element_other_behaviour = models.BooleanField(default=False)
    worker_group = models.CharField(
        max_length=24, choices=WorkerGroup.choices, default=WorkerGroup.NOT_KNOWN
    )
    detriment_reported = models.BooleanField(default=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases")
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="speakup_cases"
    )
    feedback_answer = models.CharField(
        max_length=10, choices=FeedbackAnswer.choices, default=FeedbackAnswer.BLANK
    )

    # --- Casework state (plaintext, still identifying no one) ---
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    # How much the worker has disclosed now; starts at `route` and only ever rises.
    disclosure = models.CharField(max_length=12, choices=Route.choices)
    lead_guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speakup_lead_cases",
    )
    detriment_follow_up_due = models.DateField(null=True, blank=True)
    feedback_requested = models.BooleanField(default=False)
    has_receipt = models.BooleanField(default=False)
    # Reporter channel: HMAC of the receipt code (lookup only; never the code).
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True)
    receipt_salt = models.BinaryField(null=True, blank=True)
    # The Argon2id cost the code's key was derived with, so settings can change later.
    receipt_opslimit = models.PositiveIntegerField(null=True, blank=True)
    receipt_memlimit = models.PositiveBigIntegerField(null=True, blank=True)
    shredded = models.BooleanField(default=False)
    shredded_week = models.DateField(null=True, blank=True)
    # Set when the recovery key re-opened the case for a guardian: shown on the case.
    recovered_week = models.DateField(null=True, blank=True)
    # The week of the latest activity, for sorting the caseload; never a timestamp.
    updated_week = models.DateField()

    # --- Ciphertext (SecretBox under the case key) ---
    sealed_summary = models.BinaryField()
    sealed_narrative = models.BinaryField()
    sealed_reporter = models.BinaryField(null=True, blank=True)  # identity and contact
    sealed_feedback_reason = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-received_week", "reference"]
        indexes = [
            models.Index(fields=["status", "received_week"]),
            models.Index(fields=["received_week"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def elements(self) -> list[str]:
        names = []
        if self.element_patient_safety:
            names.append("Patient safety or quality")
        if self.element_worker_safety:
            names.append("Worker safety or wellbeing")
        if self.element_bullying_harassment:
            names.append("Bullying or harassment")
        if self.element_other_behaviour:
            names.append("Other inappropriate attitudes or behaviours")
        return names


class KeyHolder(models.TextChoices):
    GUARDIAN = "guardian", "Guardian"
    REPORTER = "reporter", "Reporter (receipt code)"
    # Named "escrow" in the data since the first release; the recovery key's wrap.
    ESCROW = "escrow", "Recovery key"


class CaseKey(models.Model):
    """The case key wrapped for one holder. Deleting every row shreds the case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keys")
    holder = models.CharField(max_length=10, choices=KeyHolder.choices)
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="speakup_case_keys",
    )
    wrapped = models.BinaryField()
    # Which recovery key a recovery wrap is for (holder "escrow" only).
    recovery_key = models.ForeignKey(
        RecoveryKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The epoch key `wrapped` is sealed under (epochs.py); empty for a wrap stored
    # before epochs existed, until the next rotation seals it.
    epoch = models.CharField(max_length=32, blank=True, default="", db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "guardian"],
                condition=models.Q(holder="guardian"),
                name="speakup_one_wrap_per_guardian",
            ),
            models.UniqueConstraint(
                fields=["case", "holder"],
                condition=~models.Q(holder="guardian"),
                name="speakup_one_wrap_per_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_holder_display()} key for {self.case_id}"


class Author(models.TextChoices):
    REPORTER = "reporter", "Worker"
    GUARDIAN = "guardian", "Guardian"
    SYSTEM = "system", "Automatic"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author = models.CharField(max_length=10, choices=Author.choices)
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A day for guardians' messages; the week's Monday for workers on anonymous cases.
    sent_on = models.DateField()
    sealed_body = models.BinaryField()
    # Set on the closure question, so the reporter's page offers the answer form.
    is_feedback_request = models.BooleanField(default=False)
    # A guardians' note: never shown to the worker.
    is_internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="speakup_message_seq"),
        ]

    def __str__(self) -> str:
        return f"message {self.seq} on {self.case_id}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    # Name, media type and size, sealed together.
    sealed_meta = models.BinaryField()
    sealed_data = models.BinaryField()

    def __str__(self) -> str:
        return f"attachment on {self.case_id}"


class CaseAction(models.Model):
    """Something to be done, with an owner (sealed: a name) and a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    sealed_description = models.BinaryField()
    sealed_owner = models.BinaryField()
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done", "due", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk} on {self.case_id}"


class Escalation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    route = models.CharField(max_length=20, choices=EscalationRoute.choices)
    escalated_on = models.DateField()
    sealed_note = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["escalated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_route_display()} on {self.case_id}"


class ReporterTally(models.Model):
    """How many times something a reporter did happened on one day, with no time,
    case or order: `tasks.write_reporter_tallies` turns each finished day into one
    audit event and deletes the row (see "What an operator can and cannot learn"
    in docs/speakup.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    day = models.DateField()
    action = models.CharField(max_length=60)
    # The route of a concern raised, or the level a reporter disclosed; else blank.
    route = models.CharField(max_length=12, blank=True, default="")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "action", "route"], name="speakup_one_tally_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.count} on {self.day}"


class Epoch(models.Model):
    """A period under one epoch key. The key itself is a file outside the database
    (WELLLED_SPEAKUP_EPOCH_KEY_DIR); only its id and a check value are here."""

    id = models.CharField(primary_key=True, max_length=32)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    # A fixed string sealed under the key: tells a wrong key file from the right one.
    check_value = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"speak-up epoch {self.id}"


class SecretCheck(models.Model):
    """A value computed from a server secret when first used, to tell at start-up
    that the configured secret is the one this database was written with."""

    name = models.CharField(primary_key=True, max_length=40)
    value = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"check of {self.name}"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
