"""Use case: a guardian replies, and the worker is emailed at the address they gave.
The address reaches their inbox, and never the server's output or log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.test import override_settings

from wellled.speakup import actions, alerts
from wellled.speakup.models import Case
from wellled.speakup.tests.support import anonymous_concern, give_key

ADDRESS = "worker.private@example.org"


def _reply(guardian, django_capture_on_commit_callbacks) -> None:
    key = give_key(guardian)
    anonymous_concern(notify_email=ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_guardian_message(
            acting_user=guardian,
            case=Case.objects.get(),
            private_key=key,
            body="Which nights are you on?",
        )


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_the_console_backend_prints_the_alert_without_the_address(
    trust, guardian, capsys, caplog, django_capture_on_commit_callbacks
) -> None:
    caplog.set_level(logging.DEBUG)
    _reply(guardian, django_capture_on_commit_callbacks)
    printed = capsys.readouterr()
    output = printed.out + printed.err + caplog.text
    assert alerts.SUBJECT in output, "the alert was written out"
    assert alerts.WITHHELD_ADDRESS in output
    assert ADDRESS not in output
    assert "Which nights" not in output


@pytest.mark.django_db
def test_the_file_backend_writes_no_address_either(
    trust, guardian, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=tmp_path
    ):
        _reply(guardian, django_capture_on_commit_callbacks)
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert alerts.SUBJECT in written and ADDRESS not in written


@pytest.mark.django_db
def test_a_delivering_backend_gets_the_real_address(
    trust, guardian, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _reply(guardian, django_capture_on_commit_callbacks)
    assert [message.to for message in mailoutbox] == [[ADDRESS]]
