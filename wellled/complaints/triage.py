"""New cases with nobody handling them: who hears of one, and what they are told.

A case that arrives with no handler (the online form, or an intake whose service
has no assignment rule) would otherwise sit in nobody's "My work". When one is
recorded, the complaints managers over its service are emailed once the case is
saved: the reference and a link to the triage queue, nothing of the complaint or
the people in it. The send runs after commit in the process that recorded the
case; a failure is logged with the reference only.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.urls import reverse

from wellled.organisation.access import ROLE_CAPABILITIES, Cap
from wellled.organisation.models import GrantStatus, RoleAssignment

logger = logging.getLogger(__name__)

# Complaints managers: who edits the trust's complaints settings also triages.
TRIAGE_CAPABILITY = Cap.MANAGE_COMPLAINT_REFERENCE_DATA


def triage_recipients(service_path: str) -> list[str]:
    """Email addresses of the active complaints managers whose grant covers the service."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if TRIAGE_CAPABILITY in caps]
    grants = RoleAssignment.objects.filter(
        role__in=roles, status=GrantStatus.ACTIVE, unit__is_active=True, user__is_active=True
    ).values_list("unit__path", "user_id")
    wanted = {user_id for path, user_id in grants if service_path.startswith(path)}
    users = User.objects.filter(pk__in=wanted).exclude(email="").order_by("pk")
    return list(dict.fromkeys(users.values_list("email", flat=True)))


def queue_link() -> str:
    base = str(getattr(settings, "WELLLED_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('complaints:triage')}"


def compose(reference: str) -> tuple[str, str]:
    """Subject and body: the reference and the link, nothing else about the case."""
    subject = f"New complaint {reference} needs a handler"
    body = (
        f"Complaint {reference} has arrived and nobody is handling it yet.\n\n"
        f"Assign it from the triage queue: {queue_link()}\n\n"
        "Open it in wellled to see the details."
    )
    return subject, body


def notify_unassigned(reference: str, service_path: str) -> int:
    """Email the complaints managers over the service; return how many were sent."""
    recipients = triage_recipients(service_path)
    if not recipients:
        return 0
    subject, body = compose(reference)
    sent = 0
    for address in recipients:
        try:
            sent += send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
        except Exception:
            # The reference only: an address is personal data. The queue still shows it.
            logger.exception("Could not send the new-case email for %s", reference)
    return sent
