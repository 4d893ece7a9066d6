"""Encryption at rest: what a database dump shows, wrong keys, re-assignment,
crypto-shredding, the session key and the optional recovery key."""

from __future__ import annotations

import base64
from datetime import date as datetime_date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings

from wellled.organisation.models import Role, RoleAssignment
from wellled.speakup import actions, crypto, epochs, keysession
from wellled.speakup.models import Case, CaseKey, GuardianKey, KeyHolder
from wellled.speakup.tests.support import (
    PASSPHRASE,
    anonymous_concern,
    enrol,
    give_key,
    unlocked_client,
)

SECRET = "Dr Quill falsified the sepsis audit on Larch ward"


def _every_value() -> list[tuple[str, str, bytes]]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    raw = (
                        bytes(value)
                        if isinstance(value, bytes | memoryview)
                        else str(value).encode()
                    )
                    values.append((table, column, raw))
    return values


def _second_guardian(trust):
    from wellled.core.testing import make_user

    user = make_user("guardian.two")
    RoleAssignment.objects.create(user=user, role=Role.FTSU_GUARDIAN, unit=trust.trust)
    return user


@pytest.mark.django_db
def test_no_column_holds_the_narrative_or_the_code(trust, guardian) -> None:
    private = give_key(guardian)
    result = anonymous_concern(SECRET, notify_email="reporter@example.org")
    session = actions.open_with_code(code=result.code or "")
    actions.post_reporter_message(session=session, body=SECRET + " again")
    actions.post_guardian_message(
        acting_user=guardian, case=result.case, private_key=private, body=SECRET + " reply"
    )
    normal = crypto.normalise_code(result.code or "")
    assert normal
    needles = [
        SECRET.encode(),
        b"Quill",
        b"sepsis",
        b"reporter@example.org",
        normal.encode(),
        (result.code or "").encode(),
        PASSPHRASE.encode(),
        private,
        base64.urlsafe_b64encode(private),
    ]
    hits = [(t, c) for t, c, raw in _every_value() for n in needles if n in raw]
    assert hits == []


@pytest.mark.django_db
def test_a_wrong_code_does_not_open_the_case(trust, guardian) -> None:
    give_key(guardian)
    result = anonymous_concern()
    code = result.code or ""
    assert len(crypto.normalise_code(code) or "") * 5 >= 100  # at least 100 bits
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(actions.CodeNotRecognised):
        actions.open_with_code(code=flipped)
    # Even with the right lookup, the wrapped key opens only with the real code.
    wrap = CaseKey.objects.get(case=result.case, holder=KeyHolder.REPORTER)
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_with_code(
            epochs.opened(wrap),
            crypto.normalise_code(flipped) or "",
            bytes(result.case.receipt_salt or b""),
        )
    # Typed in lower case with spaces, and with O for 0, the real code still works.
    assert (
        actions.open_with_code(code=code.lower().replace("-", " ").replace("0", "o")).case
        == result.case
    )


@pytest.mark.django_db
def test_a_wrong_guardian_key_or_passphrase_fails(trust, guardian) -> None:
    give_key(guardian)
    with pytest.raises(ValidationError):
        actions.unlock_guardian_key(acting_user=guardian, passphrase="not my passphrase at all")
    result = anonymous_concern()
    other = _second_guardian(trust)
    other_private = give_key(other, "another long passphrase")
    # The second guardian holds no wrap of this case; and a key that is not theirs fails too.
    wrap = CaseKey.objects.get(case=result.case, guardian=guardian)
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_with_private_key(epochs.opened(wrap), other_private)
    CaseKey.objects.filter(case=result.case, guardian=other).delete()
    with pytest.raises(PermissionDenied):
        actions.open_case(acting_user=other, case=result.case, private_key=other_private)


@pytest.mark.django_db
def test_reassignment_rewraps_the_key_for_the_new_guardian(trust, guardian) -> None:
    private = give_key(guardian)
    result = anonymous_concern(SECRET)
    other = _second_guardian(trust)
    other_private = give_key(other, "another long passphrase")
    # The case was sent before the second guardian had a key.
    assert not CaseKey.objects.filter(case=result.case, guardian=other).exists()
    actions.assign_guardian(
        acting_user=guardian,
        case=result.case,
        private_key=private,
        guardian=other,
        remove_self=True,
    )
    ctx = actions.open_case(acting_user=other, case=result.case, private_key=other_private)
    assert crypto.open_text(ctx.case_key, result.case.sealed_narrative) == SECRET
    assert Case.objects.get(pk=result.case.pk).lead_guardian == other
    with pytest.raises(PermissionDenied):
        actions.open_case(acting_user=guardian, case=result.case, private_key=private)


@pytest.mark.django_db
def test_crypto_shredding_makes_the_content_unrecoverable(trust, guardian) -> None:
    private = give_key(guardian)
    result = anonymous_concern(SECRET)
    case = result.case
    code = result.code or ""
    actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Resolved")
    case_key = actions.case_key_for_guardian(case, guardian, private)
    actions.shred_case(acting_user=guardian, case=case)
    case.refresh_from_db()
    assert CaseKey.objects.filter(case=case).count() == 0
    with pytest.raises(actions.CodeNotRecognised):
        actions.open_with_code(code=code)
    with pytest.raises(ValidationError):
        actions.open_case(acting_user=guardian, case=case, private_key=private)
    with pytest.raises(PermissionDenied):
        actions.case_key_for_guardian(case, guardian, private)
    # The ciphertext is still there but is noise to everyone who lacks the old key,
    # and no copy of that key remains anywhere in the database.
    case.refresh_from_db()
    assert crypto.open_text(case_key, case.sealed_narrative) == SECRET
    assert [t for t, _, raw in _every_value() if case_key in raw] == []
    # Reporting fields survive for the national return.
    assert case.route == "anonymous" and case.shredded


@pytest.mark.django_db
def test_retention_shreds_closed_cases_after_the_period(trust, guardian) -> None:
    import datetime

    private = give_key(guardian)
    case = anonymous_concern().case
    case = actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Done")
    closed = case.closed_week
    assert closed is not None
    assert actions.shred_expired(today=closed + datetime.timedelta(days=30)) == 0
    later = closed + datetime.timedelta(days=actions.retention_days() + 8)
    assert actions.shred_expired(today=later) == 1
    assert not CaseKey.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_only_closed_cases_are_shredded(trust, guardian) -> None:
    give_key(guardian)
    case = anonymous_concern().case
    with pytest.raises(ValidationError, match="closed"):
        actions.shred_case(acting_user=guardian, case=case)


@pytest.mark.django_db
def test_the_session_holds_only_half_of_the_unlocked_key(trust, guardian) -> None:
    from django.contrib.sessions.models import Session

    client = unlocked_client(Client(), guardian)
    private = actions.unlock_guardian_key(acting_user=guardian, passphrase=PASSPHRASE)
    stored = " ".join(s.session_data for s in Session.objects.all())
    assert base64.urlsafe_b64encode(private).decode() not in stored
    assert base64.b64encode(private).decode() not in stored
    cookie = client.cookies[keysession.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    # Without the cookie half the key is locked again.
    del client.cookies[keysession.COOKIE_NAME]
    response = client.get("/speak-up/guardian/")
    assert response.status_code == 302 and "/unlock/" in response["Location"]


@pytest.mark.django_db
def test_locking_forgets_the_key(trust, guardian) -> None:
    client = unlocked_client(Client(), guardian)
    assert client.get("/speak-up/guardian/").status_code == 200
    client.post("/speak-up/guardian/lock/")
    response = client.get("/speak-up/guardian/")
    assert response.status_code == 302 and "/unlock/" in response["Location"]


@pytest.mark.django_db
def test_a_changed_passphrase_keeps_the_same_key(trust, guardian) -> None:
    private = give_key(guardian)
    actions.change_guardian_passphrase(
        acting_user=guardian,
        old_passphrase=PASSPHRASE,
        new_passphrase="a brand new passphrase",
        confirm="a brand new passphrase",
    )
    assert (
        actions.unlock_guardian_key(acting_user=guardian, passphrase="a brand new passphrase")
        == private
    )
    with pytest.raises(ValidationError):
        actions.unlock_guardian_key(acting_user=guardian, passphrase=PASSPHRASE)


@pytest.mark.django_db
def test_guardian_key_rows_hold_no_readable_private_key(trust, guardian) -> None:
    private = give_key(guardian)
    key = GuardianKey.objects.get(user=guardian)
    assert private not in bytes(key.sealed_private_key)
    assert bytes(key.public_key) == crypto.public_key_of(private)


@pytest.mark.django_db
def test_the_retention_task_runs_the_same_rule(trust, guardian) -> None:
    from wellled.speakup.tasks import shred_expired_cases

    private = give_key(guardian)
    case = anonymous_concern().case
    actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Done")
    Case.objects.filter(pk=case.pk).update(closed_week=datetime_date(2020, 1, 6))
    assert shred_expired_cases() == 1
    assert Case.objects.get(pk=case.pk).shredded


@pytest.mark.django_db
def test_a_forgotten_passphrase_means_a_new_key_and_lost_access(trust, guardian) -> None:
    give_key(guardian)
    result = anonymous_concern(SECRET)
    client = Client()
    client.force_login(guardian)
    response = client.post(
        "/speak-up/guardian/key/manage/",
        {"op": "reset", "passphrase": "fresh passphrase 123", "confirm": "fresh passphrase 123"},
    )
    assert "Confirm that you understand" in response.content.decode()
    response = client.post(
        "/speak-up/guardian/key/manage/",
        {
            "op": "reset",
            "passphrase": "fresh passphrase 123",
            "confirm": "fresh passphrase 123",
            "understood": "on",
        },
    )
    assert response.status_code == 302
    assert not CaseKey.objects.filter(case=result.case, holder=KeyHolder.GUARDIAN).exists()
    # A new key is not approved: nothing is sent to it until it is, or a taken-over
    # login could start again and receive cases.
    actions.open_with_code(code=result.code or "")
    assert not CaseKey.objects.filter(case=result.case, holder=KeyHolder.GUARDIAN).exists()
    enrol(guardian)
    # Once approved, the worker's next visit sends the case to the guardians again.
    actions.open_with_code(code=result.code or "")
    new_private = actions.unlock_guardian_key(
        acting_user=guardian, passphrase="fresh passphrase 123"
    )
    ctx = actions.open_case(acting_user=guardian, case=result.case, private_key=new_private)
    assert crypto.open_text(ctx.case_key, result.case.sealed_narrative) == SECRET


@pytest.mark.django_db
def test_changing_the_passphrase_through_the_page(trust, guardian) -> None:
    give_key(guardian)
    client = Client()
    client.force_login(guardian)
    response = client.post(
        "/speak-up/guardian/key/manage/",
        {
            "op": "change",
            "old_passphrase": "wrong one entirely",
            "new_passphrase": "n" * 14,
            "confirm": "n" * 14,
        },
    )
    assert "did not unlock" in response.content.decode()
    response = client.post(
        "/speak-up/guardian/key/manage/",
        {
            "op": "change",
            "old_passphrase": PASSPHRASE,
            "new_passphrase": "n" * 14,
            "confirm": "n" * 14,
        },
    )
    assert response.status_code == 302
    actions.unlock_guardian_key(acting_user=guardian, passphrase="n" * 14)


@pytest.mark.django_db
def test_codes_keep_working_after_the_argon2_settings_change(trust, guardian) -> None:
    give_key(guardian)
    result = anonymous_concern()
    assert result.case.receipt_opslimit == 1
    with override_settings(
        WELLLED_SPEAKUP_ARGON2_OPSLIMIT=2, WELLLED_SPEAKUP_ARGON2_MEMLIMIT=16384
    ):
        assert actions.open_with_code(code=result.code or "").case == result.case
        assert anonymous_concern().case.receipt_opslimit == 2
