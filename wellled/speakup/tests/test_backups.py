"""Backups that keep promises: restore drills on the test database, the epoch key
rotation, and the start-up checks that the secrets belong to the database."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from wellled.core.models import AuditEvent
from wellled.speakup import actions, crypto, epochs, rotation
from wellled.speakup.checks import check_speakup_secrets
from wellled.speakup.models import Case, CaseKey, Epoch, SecretCheck
from wellled.speakup.tests.support import anonymous_concern, give_key

NARRATIVE = "The controlled drugs register on Elm ward is signed by one nurse."
Capture = Callable[..., AbstractContextManager[Any]]


def _backup() -> str:
    """What a database backup holds of the case keys and epochs."""
    rows: list[Any] = [
        *Case.objects.all(),
        *CaseKey.objects.all(),
        *Epoch.objects.all(),
        *SecretCheck.objects.all(),
    ]
    return serializers.serialize("json", rows)


def _restore(dump: str) -> None:
    """Put the database back as the backup had it (the key store is left as it is)."""
    CaseKey.objects.all().delete()
    Epoch.objects.all().delete()
    SecretCheck.objects.all().delete()
    for item in serializers.deserialize("json", dump):
        item.save()


def _rotate(capture: Capture) -> rotation.Rotation:
    with capture(execute=True):
        return rotation.rotate_epoch(acting_user=None)


def _check_ids() -> list[str]:
    return [message.id or "" for message in check_speakup_secrets()]


@pytest.fixture
def closed_case(trust: Any, guardian: User) -> Iterator[tuple[Case, str, bytes]]:
    private = give_key(guardian)
    result = anonymous_concern(NARRATIVE)
    case = actions.close_case(
        acting_user=guardian, case=result.case, private_key=private, outcome="Resolved"
    )
    yield case, result.code or "", private


@pytest.mark.django_db
def test_restore_drill_a_destroyed_case_stays_destroyed(
    closed_case: tuple[Case, str, bytes],
    guardian: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case, code, private = closed_case
    nightly = _backup()
    actions.shred_case(acting_user=guardian, case=case)
    # Two rotations: the key the backup's wraps are sealed under was the current
    # one at the first and is destroyed at the second.
    _rotate(django_capture_on_commit_callbacks)
    _rotate(django_capture_on_commit_callbacks)

    _restore(nightly)

    restored = Case.objects.get(pk=case.pk)
    assert not restored.shredded and CaseKey.objects.filter(case=restored).count() == 2
    with pytest.raises(actions.CodeNotRecognised):
        actions.open_with_code(code=code)
    with pytest.raises(PermissionDenied):
        actions.case_key_for_guardian(restored, guardian, private)
    # And the server says so at start-up rather than failing one person at a time.
    assert "speakup.E002" in _check_ids()


@pytest.mark.django_db
def test_restore_drill_last_nights_backup_still_opens_after_a_rotation(
    closed_case: tuple[Case, str, bytes],
    guardian: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case, code, private = closed_case
    nightly = _backup()
    _rotate(django_capture_on_commit_callbacks)
    anonymous_concern("Written after the backup, so lost with the restore.")

    _restore(nightly)

    assert _check_ids() == []
    case_key = actions.case_key_for_guardian(case, guardian, private)
    assert crypto.open_text(case_key, case.sealed_narrative) == NARRATIVE
    session = actions.open_with_code(code=code)
    assert crypto.open_text(session.case_key, session.case.sealed_narrative) == NARRATIVE
    # The next rotation takes the restored wraps into the new epoch.
    _rotate(django_capture_on_commit_callbacks)
    assert actions.open_with_code(code=code).case == case
    assert _check_ids() == []


@pytest.mark.django_db
def test_a_rotation_reseals_every_wrap_without_a_guardian_and_keeps_two_keys(
    closed_case: tuple[Case, str, bytes],
    guardian: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case, code, private = closed_case
    first = Epoch.objects.get()
    before = {row.pk: bytes(row.wrapped) for row in CaseKey.objects.all()}

    one = _rotate(django_capture_on_commit_callbacks)
    two = _rotate(django_capture_on_commit_callbacks)

    assert one.previous == first.pk and two.previous == one.epoch.pk
    assert two.resealed == len(before) and two.unreadable == 0
    assert set(CaseKey.objects.values_list("epoch", flat=True)) == {two.epoch.pk}
    assert all(bytes(row.wrapped) != before[row.pk] for row in CaseKey.objects.all())
    assert epochs.stored_epoch_ids() == {one.epoch.pk, two.epoch.pk}
    assert Epoch.objects.get(pk=first.pk).destroyed_at is not None
    assert actions.case_key_for_guardian(case, guardian, private)
    assert actions.open_with_code(code=code).case == case
    events = list(AuditEvent.objects.filter(action__startswith="speakup.epoch").values("action"))
    assert [e["action"] for e in events].count("speakup.epoch_rotated") == 2
    assert {"action": "speakup.epoch_keys_destroyed"} in events


@pytest.mark.django_db
def test_an_interrupted_rotation_loses_nothing_and_can_be_run_again(
    closed_case: tuple[Case, str, bytes],
    guardian: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case, code, private = closed_case
    first = Epoch.objects.get()

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("the machine stopped")

    monkeypatch.setattr(actions.audit, "record", crash)
    with pytest.raises(RuntimeError):
        _rotate(django_capture_on_commit_callbacks)
    monkeypatch.undo()

    # The new key was written, the database change was not: both keys are there.
    assert len(epochs.stored_epoch_ids()) == 2
    assert set(CaseKey.objects.values_list("epoch", flat=True)) == {first.pk}
    assert actions.case_key_for_guardian(case, guardian, private)
    again = _rotate(django_capture_on_commit_callbacks)
    # The key of the crashed attempt protected nothing and is swept away.
    assert epochs.stored_epoch_ids() == {first.pk, again.epoch.pk}
    assert actions.open_with_code(code=code).case == case


@pytest.mark.django_db
def test_rotation_is_for_the_scheduler_and_operators_only(
    trust: Any, guardian: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with pytest.raises(PermissionDenied):
        rotation.rotate_epoch(acting_user=guardian)
    assert not Epoch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = rotation.rotate_epoch(acting_user=trust.people["operator"])
    assert epochs.current() == done.epoch


@pytest.mark.django_db
def test_the_daily_task_rotates_only_when_the_epoch_is_due(
    closed_case: tuple[Case, str, bytes], django_capture_on_commit_callbacks: Capture
) -> None:
    current = Epoch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert rotation.rotate_epoch_if_due() is None
        later = current.created_at + datetime.timedelta(days=rotation.epoch_days())
        done = rotation.rotate_epoch_if_due(now=later)
    assert done is not None and epochs.current() == done.epoch


@pytest.mark.django_db
def test_wraps_from_before_epochs_are_sealed_by_the_first_rotation(
    closed_case: tuple[Case, str, bytes],
    guardian: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case, code, private = closed_case
    # As the rows were before the upgrade: the bare wraps, no epoch.
    for row in CaseKey.objects.all():
        row.wrapped = epochs.opened(row)
        row.epoch = ""
        row.save()
    Epoch.objects.all().delete()
    assert _check_ids() == ["speakup.W001"]
    assert actions.case_key_for_guardian(case, guardian, private)

    with django_capture_on_commit_callbacks(execute=True):
        assert rotation.rotate_epoch_if_due() is not None

    assert not CaseKey.objects.filter(epoch="").exists()
    assert _check_ids() == []
    assert actions.open_with_code(code=code).case == case


@pytest.mark.django_db
def test_the_rotation_command(
    closed_case: tuple[Case, str, bytes], django_capture_on_commit_callbacks: Capture
) -> None:
    from io import StringIO

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("speakup_rotate_epoch", "--if-due", stdout=out)
        assert "not due" in out.getvalue()
        call_command("speakup_rotate_epoch", stdout=out)
    assert "wraps re-sealed" in out.getvalue()
    assert Epoch.objects.filter(retired_at__isnull=True).count() == 1


def test_the_scheduler_runs_the_rotation_daily() -> None:
    from django.conf import settings

    from wellled.speakup import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["speakup-epoch-keys"]
    assert entry["task"] == f"{tasks.rotate_epoch_keys.__module__}.rotate_epoch_keys"


# --- Start-up checks ---


@pytest.mark.django_db
def test_a_fresh_database_and_a_working_one_pass_the_start_up_check(
    closed_case: tuple[Case, str, bytes],
) -> None:
    call_command("check")
    assert SecretCheck.objects.filter(name=epochs.PEPPER_CHECK).exists()


@pytest.mark.django_db
def test_start_up_fails_with_another_pepper(closed_case: tuple[Case, str, bytes]) -> None:
    with (
        override_settings(WELLLED_SPEAKUP_PEPPER="a pepper from another installation"),
        pytest.raises(SystemCheckError, match="WELLLED_SPEAKUP_PEPPER"),
    ):
        call_command("check")


@pytest.mark.django_db
def test_start_up_fails_with_another_secret_key_when_there_is_no_pepper(
    closed_case: tuple[Case, str, bytes],
) -> None:
    with (
        override_settings(WELLLED_SPEAKUP_PEPPER="", SECRET_KEY="another-" * 8),
        pytest.raises(SystemCheckError, match="every speak-up receipt code"),
    ):
        call_command("check")


@pytest.mark.django_db
def test_start_up_fails_without_the_epoch_key_store(
    closed_case: tuple[Case, str, bytes], tmp_path: Path
) -> None:
    with (
        override_settings(WELLLED_SPEAKUP_EPOCH_KEY_DIR=tmp_path / "empty"),
        pytest.raises(SystemCheckError, match=r"is not in .*cannot be opened"),
    ):
        call_command("check")


@pytest.mark.django_db
def test_start_up_fails_with_another_installations_key_file(
    closed_case: tuple[Case, str, bytes],
) -> None:
    current = Epoch.objects.get()
    epochs.key_path(current.pk).write_bytes(base64.b64encode(crypto.new_epoch_key()))
    with pytest.raises(SystemCheckError, match="not the key this database was written with"):
        call_command("check")


@pytest.mark.django_db
def test_an_unmigrated_database_does_not_stop_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("no such table: speakup_secretcheck")

    monkeypatch.setattr(SecretCheck.objects, "filter", broken)
    assert check_speakup_secrets() == []
