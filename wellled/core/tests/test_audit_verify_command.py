"""`wellled verify-audit`: operators check the chain from the command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from wellled import cli
from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import make_user
from wellled.core.tests.audit_tampering import allow_tampering, restore_guard
from wellled.core.tests.subprocess_env import subprocess_env

pytestmark = pytest.mark.django_db


def _write(n: int, action: str = "test.event") -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(acting_user=None, action=action, object_id=str(i), after={"i": i})


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_an_intact_chain_prints_the_count_and_head_hash() -> None:
    _write(4)
    head = AuditEvent.objects.get(seq=4)
    code, output = _verify()
    assert code == 0
    assert "4 events, no problems" in output
    assert f"Head: event #4 {head.hash}" in output


def test_an_empty_chain_is_intact() -> None:
    code, output = _verify()
    assert code == 0
    assert "0 events" in output
    assert audit.GENESIS_HASH in output


def test_an_edited_after_value_is_named() -> None:
    _write(5, action="closure_day.added")
    allow_tampering()
    AuditEvent.objects.filter(seq=3).update(after={"i": 300})
    event = AuditEvent.objects.get(seq=3)
    code, output = _verify()
    assert code == 1
    when = event.occurred_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"event #3 (closure_day.added, {when}): has been edited" in output
    assert "1 problem" in output


def test_a_deleted_middle_event_is_named() -> None:
    _write(5)
    allow_tampering()
    AuditEvent.objects.filter(seq=3).delete()
    code, output = _verify()
    assert code == 1
    assert "event #4 (test.event, " in output
    assert "event #3 has been deleted" in output


def test_a_changed_actor_is_named() -> None:
    alice, mallory = make_user("alice"), make_user("mallory")
    for _ in range(3):
        with transaction.atomic():
            audit.record(acting_user=alice, action="role.granted")
    allow_tampering()
    AuditEvent.objects.filter(seq=2).update(actor=mallory, actor_label="mallory")
    code, output = _verify()
    assert code == 1
    assert "event #2 (role.granted, " in output
    assert "has been edited" in output


def test_expect_head_passes_while_the_recorded_head_is_there() -> None:
    _write(3)
    recorded = AuditEvent.objects.get(seq=3).hash
    assert _verify("--expect-head", recorded)[0] == 0
    _write(2)
    code, output = _verify("--expect-head", recorded.upper())
    assert code == 0
    assert "The recorded head is event #3; 2 events have been added since" in output


def test_expect_head_detects_deleted_newest_events() -> None:
    _write(5)
    recorded = AuditEvent.objects.get(seq=5).hash
    allow_tampering()
    AuditEvent.objects.filter(seq__gte=4).delete()
    # The shorter chain is intact on its own: only the recorded head shows the loss.
    assert _verify()[0] == 0
    code, output = _verify("--expect-head", recorded)
    assert code == 1
    assert f"No event has the recorded head hash {recorded}" in output


def test_expect_head_must_look_like_a_hash() -> None:
    with pytest.raises(CommandError, match="64-character"):
        call_command("verify_audit", "--expect-head", "not-a-hash")


@pytest.mark.django_db(transaction=True)
def test_the_hyphenated_name_works_through_the_wellled_command(tmp_path: Path) -> None:
    def wellled_verify_audit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "wellled.cli", "verify-audit"],
            env=subprocess_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    _write(2)
    intact = wellled_verify_audit()
    assert intact.returncode == 0, intact.stderr
    assert "2 events, no problems" in intact.stdout
    with transaction.atomic():
        allow_tampering()
        AuditEvent.objects.filter(seq=1).update(after={"i": 100})
        restore_guard()
    tampered = wellled_verify_audit()
    assert tampered.returncode == 1
    assert "event #1 (test.event, " in tampered.stdout
    assert "The audit trail has 1 problem" in tampered.stderr


def test_hyphens_map_to_command_modules() -> None:
    assert cli.command_name("verify-audit") == "verify_audit"
    assert cli.command_name("api-token") == "api_token"
    assert cli.command_name("--help") == "--help"


def test_the_installed_command_shows_its_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wellled.cli", "help", "verify-audit"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--expect-head" in result.stdout
    assert "deleting the newest events" in " ".join(result.stdout.split())
