"""The public online complaint form: no login, no session, no third party.

Spam is resisted three ways, none of which stores anything about the sender:

* a honeypot field, hidden from people (and from screen readers), that bots fill;
* a signed timestamp issued with the form: a submission sooner than
  MIN_SECONDS after the form was issued, or later than MAX_AGE, is refused
  (and the form comes back with what was typed, and a fresh timestamp);
* a rate limit in the cache, keyed by a keyed hash of the sender's address
  with a key that changes every day: the address itself is never stored or
  logged, and yesterday's keys cannot be linked to today's.

Documents survive a form that comes back with a problem: those that pass the
checks are held (`HeldUpload`, which records nothing about the sender) and the
form carries their random tokens back, signed, listed by name with a "Remove"
box. Sending the form attaches them; unsent ones are pruned after MAX_AGE.
Holding is limited per connection per day, the same way as sending.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from django import forms as djforms
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.complaints import actions, queries, uploads
from wellled.complaints.forms import ServiceChoiceField, _date
from wellled.complaints.models import Complaint, HeldUpload, RepresentativeBasis
from wellled.complaints.policy import MAX_AGE, MIN_SECONDS
from wellled.complaints.uploads import ALLOWED_NAMES, MAX_FILES, limit_label
from wellled.core.adapters import add_action_errors
from wellled.core.nhsforms import NHSForm
from wellled.core.throttle import Bucket, daily_address_key
from wellled.core.uploads import CheckedFile, read_upload
from wellled.organisation.models import OrgUnit, UnitKind

SALT = "wellled.complaints.public-form"
SENT_SALT = "wellled.complaints.public-sent"
HELD_SALT = "wellled.complaints.public-held"
SUBMISSIONS_PER_DAY = 10
# Forms that came back with documents held: generous for a person, a ceiling for a bot.
HOLDS_PER_DAY = 20

STALE = (
    "The form was open for a long time, so we could not accept it. "
    "Your answers are below: please send it again"
)
OVER_LIMIT = (
    "We have received a lot of complaints from this connection today. "
    "Please call us or try again tomorrow"
)
HELD_FORGED = (
    "A document you attached earlier could not be checked, so it was not kept. "
    "If you still want to send it, please choose it again"
)
NOT_HELD = "Your documents were not kept. Please choose them again"


def issue_token(now: float | None = None) -> str:
    """The signed time the form was issued."""
    return signing.dumps({"t": round(now if now is not None else time.time(), 3)}, salt=SALT)


def token_problem(token: str, now: float | None = None) -> str | None:
    """Why the form's timestamp is not acceptable, or None."""
    now = now if now is not None else time.time()
    try:
        issued = float(signing.loads(token, salt=SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "The form could not be checked. Please check your answers and send it again"
    age = now - issued
    if age < MIN_SECONDS:
        return "Please check your answers, then send the form again"
    if age > MAX_AGE:
        return STALE
    return None


_rate_key = daily_address_key(SALT)


# The limits are read when counted (not at import), so a test can lower them.
SENDING = Bucket("complaints.public", rate=lambda: f"{SUBMISSIONS_PER_DAY}/d", key=_rate_key)
HOLDING = Bucket("complaints.public-held", rate=lambda: f"{HOLDS_PER_DAY}/d", key=_rate_key)


class MultipleFileInput(djforms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(djforms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        # Each file is checked by its bytes (uploads.POLICY), whose messages name it.
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class PublicComplaintForm(NHSForm):
    full_name = djforms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=djforms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = djforms.EmailField(
        label="Your email address",
        help_text="We will send your complaint reference to this address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
        widget=djforms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = djforms.CharField(
        label="Your phone number",
        required=False,
        max_length=40,
        widget=djforms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = djforms.CharField(
        label="Your postal address",
        required=False,
        widget=djforms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    about_you = djforms.ChoiceField(
        label="Who is the complaint about?",
        choices=[
            (RepresentativeBasis.SELF, "Me: I received the care"),
            (RepresentativeBasis.AUTHORISED, "Someone who has asked me to complain for them"),
            (RepresentativeBasis.CHILD, "A child I am responsible for"),
            (RepresentativeBasis.INCAPACITY, "Someone who cannot complain themselves"),
            (RepresentativeBasis.DECEASED, "Someone who has died"),
        ],
        initial=RepresentativeBasis.SELF,
        widget=djforms.RadioSelect,
        error_messages={"required": "Choose who the complaint is about"},
    )
    relationship = djforms.CharField(
        label="Your relationship to them (if not you)", required=False, max_length=100
    )
    patient_name = djforms.CharField(
        label="Their full name (if not you)",
        required=False,
        max_length=200,
        widget=djforms.TextInput(attrs={"autocomplete": "off"}),
    )
    nhs_number = djforms.CharField(
        label="NHS number of the person who received the care (optional)",
        help_text="10 digits, for example 943 476 5919",
        required=False,
        max_length=20,
        widget=djforms.TextInput(
            attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    service = ServiceChoiceField(
        label="Which service is your complaint about?",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service your complaint is about"},
    )
    event_date = _date(
        "When did it happen? (optional)",
        "The date it happened",
        required=False,
        hint="An approximate date is fine. For example, 15 3 2026",
    )
    summary = djforms.CharField(
        label="What happened?",
        help_text="Tell us what happened, and what you would like us to do about it",
        widget=djforms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Tell us what happened"},
    )
    documents = MultipleFileField(
        label="Documents (optional)",
        help_text=(f"Up to {MAX_FILES} files, each a {ALLOWED_NAMES} of up to {limit_label()}"),
        required=False,
    )
    # The honeypot: hidden by CSS and from assistive technology; people leave it empty.
    website = djforms.CharField(
        label="Leave this field empty",
        required=False,
        widget=djforms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    issued = djforms.CharField(widget=djforms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, djforms.ModelChoiceField)
        field.queryset = OrgUnit.objects.filter(kind=UnitKind.SERVICE, is_active=True).order_by(
            "name"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any((cleaned.get(n) or "").strip() for n in ("email", "phone", "address")):
            self.add_error(
                "email", "Give us at least one way to reach you: email, phone or address"
            )
        if (
            cleaned.get("about_you") != RepresentativeBasis.SELF
            and not (cleaned.get("patient_name") or "").strip()
        ):
            self.add_error(
                "patient_name", "Enter the full name of the person who received the care"
            )
        event_date = cleaned.get("event_date")
        if event_date is not None and event_date > timezone.localdate():
            self.add_error("event_date", "The date it happened must be today or in the past")
        return cleaned


_FIELD_FOR = {
    "complainant_name": "full_name",
    "complainant_contact": "email",
    "received_on": None,
    "documents": "documents",
    "nhs_number": "nhs_number",
    "patient_name": "patient_name",
    "date_of_birth": None,
}


@dataclass(frozen=True)
class HeldDocument:
    """A held document as the form lists it: its name, and its token signed for the form."""

    signed: str
    filename: str
    size: int


@dataclass
class _Documents:
    """The documents one sending of the form brings: held ones and new ones."""

    held: list[HeldUpload] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    new: list[CheckedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sign_held(token: str) -> str:
    return signing.dumps(token, salt=HELD_SALT)


def _documents(request: HttpRequest) -> _Documents:
    """Claim the held documents the form carries and check the new ones.

    A carried token that is forged, or whose document has expired, is dropped with a
    message: the person is told before the complaint goes without it.
    """
    found = _Documents()
    removing = set(request.POST.getlist("remove_held"))
    tokens: list[str] = []
    forged = expired = False
    for signed in dict.fromkeys(request.POST.getlist("held")):
        try:
            token = signing.loads(signed, salt=HELD_SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            expired = expired or signed not in removing
            continue
        except signing.BadSignature:
            forged = forged or signed not in removing
            continue
        if not isinstance(token, str):
            forged = True
        elif signed in removing:
            found.removed.append(token)
        else:
            tokens.append(token)
    tokens = [token for token in tokens if token not in found.removed]
    found.held = queries.held_uploads(tokens)
    if forged:
        found.problems.append(HELD_FORGED)
    if expired or len(found.held) < len(set(tokens)):
        found.problems.append(actions.HELD_EXPIRED)
    for upload in request.FILES.getlist("documents"):
        try:
            found.new.append(read_upload(upload, uploads.POLICY))
        except ValidationError as error:
            found.problems.extend(error.messages)
    room = max(MAX_FILES - len(found.held), 0)
    if len(found.held) > MAX_FILES:
        found.problems.append(
            f"You can send up to {MAX_FILES} documents: remove "
            f"{len(found.held) - MAX_FILES} of those you attached earlier"
        )
    if len(found.new) > room:
        names = ", ".join(document.name for document in found.new[room:])
        found.problems.append(
            f"You can send up to {MAX_FILES} documents, so these were not kept: {names}"
        )
        found.new = found.new[:room]
    return found


def _render(
    request: HttpRequest,
    form: PublicComplaintForm,
    status: int = 200,
    held: list[HeldUpload] | None = None,
) -> HttpResponse:
    documents = [
        HeldDocument(signed=sign_held(row.token), filename=row.filename, size=row.size)
        for row in held or []
    ]
    context = {"form": form, "held_documents": documents, "max_files": MAX_FILES}
    return render(request, "complaints/public_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def make_a_complaint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, PublicComplaintForm(initial={"issued": issue_token()}))
    data = request.POST.copy()
    token = data.get("issued", "")
    # A fresh timestamp on every form we send back, so a real person can resend it.
    data["issued"] = issue_token()
    form = PublicComplaintForm(data, request.FILES)
    if data.get("website"):
        # A bot filled the honeypot: say nothing useful, save nothing.
        form.is_valid()
        form.add_error(None, "Your complaint could not be sent. Please try again later")
        return _render(request, form, status=400)
    problem = token_problem(token)
    # A person, if perhaps a slow one: a bot sends at once or makes its timestamp up.
    person = problem in (None, STALE)
    over_limit = SENDING.refused(request) is not None
    if problem is None and over_limit:
        problem = OVER_LIMIT
    form.is_valid()
    documents = _documents(request)
    for message in documents.problems:
        form.add_error("documents", message)
    if documents.removed:
        actions.discard_held_documents(tokens=documents.removed)
    if problem is None and not form.errors:
        try:
            complaint = _submit(form, documents)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            SENDING.count(request)
            token_out = signing.dumps(complaint.reference, salt=SENT_SALT)
            return redirect(reverse("complaints:public_sent", args=[token_out]))
    status = 400 if problem is not None and not form.errors else 200
    if problem is not None:
        form.add_error(None, problem)
    held = list(documents.held)
    if documents.new:
        if person and not over_limit and HOLDING.refused(request) is None:
            held += actions.hold_public_documents(documents=documents.new)
            HOLDING.count(request)
        else:
            form.add_error("documents", NOT_HELD)
    return _render(request, form, status=status, held=held)


def _submit(form: PublicComplaintForm, documents: _Documents) -> Complaint:
    cleaned = form.cleaned_data
    basis = cleaned["about_you"]
    patient = None
    if basis != RepresentativeBasis.SELF or cleaned["nhs_number"].strip():
        patient = actions.PatientDetails(
            full_name=cleaned["patient_name"].strip() or cleaned["full_name"],
            nhs_number=cleaned["nhs_number"],
        )
    return actions.submit_public_complaint(
        service=cleaned["service"],
        summary=cleaned["summary"],
        complainant=actions.ComplainantDetails(
            full_name=cleaned["full_name"],
            email=cleaned["email"],
            phone=cleaned["phone"],
            address=cleaned["address"],
            relationship=cleaned["relationship"],
            representative_basis=basis,
            # Consent is for the complaints team to ask for, when it is needed.
            consent_status="awaited" if basis == RepresentativeBasis.AUTHORISED else "not_needed",
        ),
        patient=patient,
        event_date=cleaned.get("event_date"),
        documents=[
            actions.UploadedDocument(filename=document.name, data=document.data)
            for document in documents.new
        ],
        held_tokens=[row.token for row in documents.held],
    )


def _show_errors(form: PublicComplaintForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        add_action_errors(form, error)
        return
    for name, messages in error.message_dict.items():
        target = _FIELD_FOR.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


@require_GET
def sent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = signing.loads(token, salt=SENT_SALT, max_age=datetime.timedelta(days=1))
    except signing.BadSignature as error:
        raise Http404("This confirmation has expired") from error
    return render(request, "complaints/public_sent.html", {"reference": reference})
