"""The content-free email that tells a worker there is a reply on their concern.

The worker's alert address is the one thing about them the server ever sends
out. The console and file email backends write every message they send into the
server's output, where it would sit beside the guardian's request in the log: with
those backends the address is replaced by a placeholder, so it never reaches a
log. The send runs in the web process after commit (no job queue), so the address
is never a task argument either.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils.module_loading import import_string

# RFC 2606 reserves .invalid: nothing is ever delivered there.
WITHHELD_ADDRESS = "worker-alert-address-withheld@example.invalid"
SUBJECT = "There is a new reply to the concern you raised"
BODY = (
    "A Freedom to Speak Up guardian has replied to the concern you raised. "
    "To read it, open the speak-up page and enter your code. "
    "This email says nothing else on purpose."
)


def backend_writes_to_output() -> bool:
    """True for the console backend and the file backend (a subclass of it)."""
    backend = import_string(settings.EMAIL_BACKEND)
    return isinstance(backend, type) and issubclass(backend, ConsoleBackend)


def send_reporter_alert(address: str) -> None:
    recipient = WITHHELD_ADDRESS if backend_writes_to_output() else address
    send_mail(
        subject=SUBJECT,
        message=BODY,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient],
        fail_silently=True,
    )
