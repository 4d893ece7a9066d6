"""Reminder emails that go out once: the part every module's daily reminders share.

A module finds what is due (each reminder with a `key` naming what, which
deadline and to whom, a `kind` and a `recipient_id`), composes one email per
person, and hands them here. `send_once` reserves the keys in `core.SentReminder`
(unique) in the same transaction as its audit event and the send, so neither a
second run nor two workers at once repeat an email, and a new deadline (a new key)
is reminded afresh. Nothing personal is logged: a failure names the user id only.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError

from wellled.core.actions import record_reminders_sent
from wellled.core.models import SentReminder

logger = logging.getLogger(__name__)


class Keyed(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def recipient_id(self) -> int: ...


R = TypeVar("R", bound=Keyed)


def send_all(
    pending: Sequence[R],
    *,
    module: str,
    compose: Callable[[list[R]], tuple[str, str]],
    summary: Callable[[list[R]], dict[str, Any]],
) -> int:
    """Send each person one email of their reminders not sent before; return how many
    emails went out. `compose` gives (subject, body); `summary` the audit's details."""
    sent_keys = set(
        SentReminder.objects.filter(key__in=[r.key for r in pending]).values_list("key", flat=True)
    )
    by_recipient: dict[int, list[R]] = defaultdict(list)
    for reminder in pending:
        if reminder.key not in sent_keys:
            by_recipient[reminder.recipient_id].append(reminder)
    users = User.objects.in_bulk(list(by_recipient))
    emails = 0
    for recipient_id, reminders in sorted(by_recipient.items()):
        user = users.get(recipient_id)
        if user is None or not user.is_active or not user.email:
            continue
        try:
            subject, body = compose(reminders)
            record_reminders_sent(
                user=user,
                keys=[(r.key, f"{module}.{r.kind}") for r in reminders],
                action=f"{module}.reminders_sent",
                after=summary(reminders),
                send=functools.partial(
                    send_mail,
                    subject=subject,
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                ),
            )
        except IntegrityError:
            continue  # another run sent these first
        except Exception:
            # The user id only: an address is personal data. Retried tomorrow.
            logger.exception("Could not send %s reminders to user %s", module, recipient_id)
            continue
        emails += 1
    return emails
