"""Reads of speak-up cases.

A guardian sees a case only if the case key is wrapped for them (they are assigned
to it). Nobody else sees any case: other FTSU roles read the aggregates in
`reporting.py`. Content is decrypted here only for the rows a page shows.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import Role, RoleAssignment
from wellled.speakup import crypto, epochs
from wellled.speakup.access import is_guardian
from wellled.speakup.content import read_reporter
from wellled.speakup.models import (
    Attachment,
    Author,
    Case,
    CaseAction,
    CaseKey,
    GuardianKey,
    KeyHolder,
    Message,
    RecoveryKey,
    Route,
    Status,
)

# A new case is due its triage a week after the Monday of the week it arrived.
TRIAGE_DUE_AFTER = datetime.timedelta(days=7)


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    if not user.is_authenticated or not can(user, Cap.READ_SPEAKUP_CASES):
        return Case.objects.none()
    wrapped = CaseKey.objects.filter(
        case=OuterRef("pk"), holder=KeyHolder.GUARDIAN, guardian_id=user.pk
    )
    return Case.objects.filter(Exists(wrapped))


def get_case_for_user(user: AnyUser, reference: str) -> Case:
    if not user.is_authenticated or not can(user, Cap.READ_SPEAKUP_CASES):
        raise PermissionDenied
    case = cases_visible_to(user).filter(reference=reference).first()
    if case is None:
        raise Http404("No such case on your caseload")
    return case


def get_case_action_for_user(user: AnyUser, case: Case, action_id: str) -> CaseAction | None:
    """An agreed action on a case the user can see, or None if the id names none."""
    if not action_id.isdigit():
        return None
    return CaseAction.objects.filter(
        case__in=cases_visible_to(user), case=case, pk=int(action_id)
    ).first()


def get_case_to_recover_for_user(user: AnyUser, reference: str) -> Case:
    """An unshredded case by reference, for the recovery page: a guardian asks for a
    case they cannot open, so it is not limited to their caseload (it shows only
    the reference, never content)."""
    if not is_guardian(user):
        raise PermissionDenied
    case = Case.objects.filter(reference=reference, shredded=False).first()
    if case is None:
        raise Http404("No such case")
    return case


def get_nomination(grant_id: int | str) -> RoleAssignment:
    """A guardian nomination (a grant of the guardian role) by id, or 404."""
    pk = int(grant_id) if str(grant_id).isdigit() else 0
    grant = RoleAssignment.objects.filter(pk=pk, role=Role.FTSU_GUARDIAN).first()
    if grant is None:
        raise Http404("No such guardian nomination")
    return grant


def current_recovery_key() -> RecoveryKey | None:
    return RecoveryKey.objects.filter(is_current=True).first()


def narrative_of(case: Case, case_key: bytes) -> str:
    return crypto.open_text(case_key, case.sealed_narrative)


def guardian_has_key(user: AnyUser) -> bool:
    return user.is_authenticated and GuardianKey.objects.filter(user_id=user.pk).exists()


def other_guardians(user: AnyUser) -> QuerySet[User]:
    return (
        User.objects.filter(
            role_assignments__role="ftsu_guardian", is_active=True, speakup_key__isnull=False
        )
        .exclude(pk=int(user.pk or 0))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# The caseload's sorts: the latest activity (the default), the week received either way,
# or what is overdue first. Weeks only: an anonymous case holds no finer date.
CASELOAD_SORTS: dict[str, tuple[str, ...]] = {
    "updated": ("-updated_week", "-received_week", "reference"),
    "received": ("-received_week", "reference"),
    "received_oldest": ("received_week", "reference"),
    "overdue": ("-is_overdue", "received_week", "reference"),
}


def overdue_condition(today: datetime.date) -> Q:
    """An open case with something late, as "my work" prompts it: triage not done a
    week after the week received, a detriment follow-up or an action past its date.

    Worked out from the dates already kept, on each read: nothing about it is stored."""
    triage = Q(status=Status.RECEIVED, received_week__lt=today - TRIAGE_DUE_AFTER)
    # "Is not null" first, so a case with no follow-up date reads false, not unknown.
    follow_up = Q(detriment_follow_up_due__isnull=False, detriment_follow_up_due__lt=today)
    late_action = Exists(CaseAction.objects.filter(case=OuterRef("pk"), done=False, due__lt=today))
    return ~Q(status=Status.CLOSED) & (triage | follow_up | Q(late_action))


def caseload(
    user: AnyUser,
    *,
    status: str = "",
    search: str = "",
    sort: str = "updated",
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[Case], int]:
    """One page of the guardian's cases, each with `is_overdue`.

    The search reads only the plaintext a guardian sees in the list without a key (the
    reference and the service concerned): summaries are sealed and only the rows shown
    are ever opened, so they are not searched."""
    queryset = cases_visible_to(user).filter(shredded=False)
    if status == "open":
        queryset = queryset.exclude(status=Status.CLOSED)
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(reference__icontains=search) | Q(unit__name__icontains=search))
    overdue = ExpressionWrapper(
        overdue_condition(timezone.localdate()), output_field=BooleanField()
    )
    total = queryset.count()
    start = max(page - 1, 0) * per_page
    last_author = (
        Message.objects.filter(case=OuterRef("pk"), is_internal=False)
        .order_by("-seq")
        .values("author")[:1]
    )
    rows: list[Case] = list(
        queryset.select_related("unit")
        .annotate(last_author=Subquery(last_author), is_overdue=overdue)
        .order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["updated"]))[start : start + per_page]
    )
    return rows, total


@dataclass
class Row:
    case: Case
    summary: str


def decrypt_summaries(user: User, private_key: bytes, cases: list[Case]) -> list[Row]:
    """Open the summary of each listed case: one key unwrap and one decryption each."""
    wraps = {
        case_id: (epoch, wrapped)
        for case_id, epoch, wrapped in CaseKey.objects.filter(
            case__in=cases, holder=KeyHolder.GUARDIAN, guardian=user
        ).values_list("case_id", "epoch", "wrapped")
    }
    ring = epochs.KeyRing()
    rows = []
    for case in cases:
        try:
            key = crypto.unwrap_with_private_key(ring.open(*wraps[case.pk]), private_key)
            summary = crypto.open_text(key, case.sealed_summary)
        except (KeyError, crypto.CryptoError):
            summary = "(cannot be opened with your key)"
        rows.append(Row(case=case, summary=summary))
    return rows


@dataclass
class MessageView:
    seq: int
    author: str
    author_label: str
    sent_label: str
    body: str
    internal: bool
    is_feedback_request: bool
    attachments: list[dict[str, object]]


def week_label(day: datetime.date) -> str:
    return "week beginning " + day.strftime("%-d %B %Y")


def day_label(day: datetime.date) -> str:
    return day.strftime("%-d %B %Y")


def _attachment_meta(case_key: bytes, attachment: Attachment) -> dict[str, object]:
    meta: dict[str, object] = json.loads(crypto.open_sealed(case_key, attachment.sealed_meta))
    meta["id"] = str(attachment.id)
    return meta


def messages_for(case: Case, case_key: bytes, *, for_reporter: bool) -> list[MessageView]:
    queryset = Message.objects.filter(case=case).select_related("guardian").order_by("seq")
    if for_reporter:
        queryset = queryset.filter(is_internal=False)
    attachments: dict[object, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(case=case, message__isnull=False):
        attachments.setdefault(attachment.message_id, []).append(attachment)
    views = []
    for message in queryset:
        coarse = case.route == Route.ANONYMOUS and message.author == Author.REPORTER
        if message.author == Author.GUARDIAN:
            label = "Guardian" if for_reporter else _name(message.guardian)
        elif message.author == Author.REPORTER:
            label = "You" if for_reporter else "Worker"
        else:
            label = "Automatic message"
        views.append(
            MessageView(
                seq=message.seq,
                author=message.author,
                author_label=label,
                sent_label=week_label(message.sent_on) if coarse else day_label(message.sent_on),
                body=crypto.open_text(case_key, message.sealed_body),
                internal=message.is_internal,
                is_feedback_request=message.is_feedback_request,
                attachments=[
                    _attachment_meta(case_key, a) for a in attachments.get(message.pk, [])
                ],
            )
        )
    return views


def _name(user: User | None) -> str:
    if user is None:
        return "A former guardian"
    return user.get_full_name() or user.get_username()


def first_attachments(case: Case, case_key: bytes) -> list[dict[str, object]]:
    return [
        _attachment_meta(case_key, a)
        for a in Attachment.objects.filter(case=case, message__isnull=True)
    ]


def open_attachment(
    case: Case, case_key: bytes, attachment_id: str
) -> tuple[dict[str, object], bytes]:
    try:
        parsed = uuid.UUID(str(attachment_id))
    except ValueError:
        raise Http404("No such file on this case") from None
    attachment = Attachment.objects.filter(case=case, pk=parsed).first()
    if attachment is None:
        raise Http404("No such file on this case")
    meta = _attachment_meta(case_key, attachment)
    return meta, crypto.open_sealed(case_key, attachment.sealed_data)


@dataclass
class CaseContent:
    narrative: str
    summary: str
    reporter: dict[str, str]
    feedback_reason: str
    actions: list[dict[str, object]]
    escalations: list[dict[str, object]]


def case_content(case: Case, case_key: bytes) -> CaseContent:
    reporter = read_reporter(case_key, case)
    # The address for content-free notifications is used only to send them.
    reporter.pop("notify_email", None)
    return CaseContent(
        narrative=crypto.open_text(case_key, case.sealed_narrative),
        summary=crypto.open_text(case_key, case.sealed_summary),
        reporter=reporter,
        feedback_reason=crypto.open_text(case_key, case.sealed_feedback_reason),
        actions=[
            {
                "id": action.pk,
                "description": crypto.open_text(case_key, action.sealed_description),
                "owner": crypto.open_text(case_key, action.sealed_owner),
                "due": action.due,
                "done": action.done,
            }
            for action in CaseAction.objects.filter(case=case)
        ],
        escalations=[
            {
                "route": esc.get_route_display(),
                "escalated_on": esc.escalated_on,
                "note": crypto.open_text(case_key, esc.sealed_note),
            }
            for esc in case.escalations.all()
        ],
    )


def guardians_on(case: Case) -> list[User]:
    return list(
        User.objects.filter(
            speakup_case_keys__case=case, speakup_case_keys__holder=KeyHolder.GUARDIAN
        ).order_by("first_name", "last_name", "username")
    )


def speakup_work(user: AnyUser) -> list[WorkItem]:
    """Guardians' prompts: no content, only references and dates."""
    if not is_guardian(user):
        return []
    items: list[WorkItem] = []
    if not guardian_has_key(user):
        items.append(
            WorkItem(
                title="Set up your speak-up key",
                href=reverse("speakup:key_setup"),
                module="Freedom to Speak Up",
                detail="You cannot receive or read concerns until you do",
            )
        )
        return items
    visible = cases_visible_to(user).filter(shredded=False)
    for case in visible.filter(status=Status.RECEIVED).only("reference", "received_week")[:50]:
        items.append(
            WorkItem(
                title=f"Triage speak-up case {case.reference}",
                href=reverse("speakup:case", args=[case.reference]),
                module="Freedom to Speak Up",
                due=case.received_week + TRIAGE_DUE_AFTER,
                group="Speak-up cases to triage",
                reference=case.reference,
            )
        )
    detriment = visible.filter(detriment_follow_up_due__isnull=False).exclude(status=Status.CLOSED)
    for case in detriment.only("reference", "detriment_follow_up_due")[:50]:
        items.append(
            WorkItem(
                title=f"Follow up detriment on speak-up case {case.reference}",
                href=reverse("speakup:case", args=[case.reference]),
                module="Freedom to Speak Up",
                due=case.detriment_follow_up_due,
                detail="The worker reported being treated badly for speaking up",
                group="Speak-up detriment follow-ups",
                reference=case.reference,
            )
        )
    actions = CaseAction.objects.filter(
        case__in=visible.exclude(status=Status.CLOSED), done=False, due__isnull=False
    ).select_related("case")[:100]
    for action in actions:
        items.append(
            WorkItem(
                title=f"Action due on speak-up case {action.case.reference}",
                href=reverse("speakup:case", args=[action.case.reference]),
                module="Freedom to Speak Up",
                due=action.due,
                group="Actions due on speak-up cases",
                reference=action.case.reference,
            )
        )
    return items
