"""What an operator with the database, its backups and the application's logs can
and cannot learn about who raised what (docs/speakup.md, "What an operator can and
cannot learn"). Each test's docstring names the claim it backs."""

from __future__ import annotations

import datetime
import logging
import re
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.speakup import actions, epochs
from wellled.speakup.models import Case, CaseKey, ReporterTally, Route
from wellled.speakup.tests.support import anonymous_concern, give_key
from wellled.speakup.tests.test_no_identifiers import _database_text
from wellled.speakup.tests.url_access import PNG

Day = datetime.date


def _keys_by_model() -> dict[type[models.Model], set[object]]:
    return {
        model: set(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_models()
    }


def _new_rows(before: dict[type[models.Model], set[object]]) -> dict[str, list[str]]:
    after = _keys_by_model()
    return {
        model._meta.label: sorted(map(str, after[model] - before[model]))
        for model in after
        if after[model] - before[model]
    }


def _session_row(client: Client) -> tuple[str, str, datetime.datetime]:
    row = Session.objects.get(session_key=client.session.session_key)
    return row.session_key, row.session_data, row.expire_date


def _raise_through_the_page(client: Client, route: str = Route.CONFIDENTIAL) -> None:
    client.get("/speak-up/raise/")
    response = client.post(
        "/speak-up/raise/",
        {
            "route": route,
            "narrative": "The rota is changed to punish people who complain.",
            "files": [SimpleUploadedFile("rota.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 200 and response.context["code"], response.content[:300]


@pytest.mark.django_db
def test_every_row_written_at_submission_has_a_random_key(trust, guardian, staff_member) -> None:
    """Claim: every row written when a concern is submitted or a reporter writes has
    a random UUID key, so the order of keys does not give the order of submissions."""
    give_key(guardian)
    # The installation's first epoch key is made with its first wrap, once; it is
    # not a row of this submission (its date is the first case's ever: see docs).
    epochs.current_for_writing()
    client = Client()
    client.force_login(staff_member)
    before = _keys_by_model()
    _raise_through_the_page(client)
    result = anonymous_concern(files=[("scan.png", PNG)])
    session = actions.open_with_code(code=result.code or "")
    actions.post_reporter_message(session=session, body="It happened again", files=[])
    actions.reveal_identity(session=session, level=Route.CONFIDENTIAL, name="Ali", confirm=True)
    written = _new_rows(before)
    assert {"speakup.Case", "speakup.CaseKey", "speakup.Attachment", "speakup.Message"} <= set(
        written
    )
    ordered = {}
    for label in written:
        pk = apps.get_model(label)._meta.pk
        if not isinstance(pk, models.UUIDField):
            ordered[label] = type(pk).__name__
    assert ordered == {}, f"rows with ordered keys were written: {ordered}"
    assert all(isinstance(key.pk, uuid.UUID) for key in CaseKey.objects.all())


@pytest.mark.django_db
def test_raising_a_concern_leaves_the_session_row_as_it_was(trust, staff_member, caplog) -> None:
    """Claim: raising a concern through /speak-up/raise/ (the form and its result
    page) does not change the session row (its data or its sliding expiry), and
    no log line of the request names the member of staff."""
    client = Client()
    client.force_login(staff_member)
    client.get("/")  # an ordinary page first: the session row exists and is current
    before = _session_row(client)
    caplog.set_level(logging.DEBUG, logger="wellled")
    caplog.set_level(logging.DEBUG, logger="django")
    caplog.set_level(logging.DEBUG)
    _raise_through_the_page(client)
    assert Case.objects.filter(route=Route.CONFIDENTIAL).count() == 1
    assert _session_row(client) == before
    names = {staff_member.get_username(), staff_member.email, staff_member.get_full_name()}
    identity = re.compile(
        "|".join(re.escape(n) for n in names if n) + rf"|user\D{{0,3}}{staff_member.pk}\b"
    )
    named = [
        record.getMessage()
        for record in caplog.records
        if identity.search(record.getMessage()) or identity.search(repr(record.__dict__))
    ]
    assert named == []
    # Other pages still slide the idle timeout forward.
    client.get("/")
    assert _session_row(client)[2] > before[2]


@pytest.mark.django_db
def test_an_operator_raising_a_concern_is_not_written_to_the_operator_trail(trust) -> None:
    """Claim: no audit event is written at the moment a concern is raised, even
    for a platform operator, whose other page visits are all audited."""
    operator = User.objects.create_superuser("ops-raise", "ops@example.org", "x" * 20)
    client = Client()
    client.force_login(operator)
    seen = AuditEvent.objects.count()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.WELLLED_REQUIRE_2FA", False)
        _raise_through_the_page(client, route=Route.OPEN)
        assert AuditEvent.objects.count() == seen
        client.get("/")
    assert AuditEvent.objects.count() > seen


@pytest.mark.django_db
def test_no_audit_event_is_written_when_a_reporter_acts(trust, guardian, staff_member) -> None:
    """Claim: submitting a concern (anonymous, confidential or open) and what a
    reporter does with their code write no audit event at the time: they are
    counted for the day, with no time and no case."""
    give_key(guardian)
    client = Client()
    client.force_login(staff_member)
    seen = AuditEvent.objects.count()
    _raise_through_the_page(client, route=Route.CONFIDENTIAL)
    _raise_through_the_page(client, route=Route.OPEN)
    result = anonymous_concern()
    session = actions.open_with_code(code=result.code or "")
    actions.post_reporter_message(session=session, body="More detail", files=[])
    actions.reveal_identity(session=session, level=Route.OPEN, name="Ali", confirm=True)
    assert AuditEvent.objects.count() == seen
    counts = {(t.action, t.route): t.count for t in ReporterTally.objects.all()}
    assert counts == {
        ("speakup.concern_raised", Route.CONFIDENTIAL): 1,
        ("speakup.concern_raised", Route.OPEN): 1,
        ("speakup.anonymous_concern_received", ""): 1,
        ("speakup.reporter_message_added", ""): 1,
        ("speakup.identity_revealed", Route.OPEN): 1,
    }
    assert {field.name for field in ReporterTally._meta.get_fields()} == {
        "id",
        "day",
        "action",
        "route",
        "count",
    }


@pytest.mark.django_db
def test_each_finished_day_becomes_one_event_per_kind(trust, guardian) -> None:
    """Claim: after a day is over, one audit event per kind says how many happened
    that day; it names no case, and the chain still verifies."""
    give_key(guardian)
    monday, tuesday = Day(2026, 3, 2), Day(2026, 3, 3)
    for day, count in ((monday, 2), (tuesday, 1)):
        with actions.as_of(day):
            for _ in range(count):
                anonymous_concern()
    audit_before = AuditEvent.objects.count()
    # Tuesday is not over yet: only Monday is written.
    assert actions.write_reporter_tallies(acting_user=None, today=tuesday) == 1
    event = AuditEvent.objects.get(action="speakup.anonymous_concern_received")
    assert event.after == {"day": "2026-03-02", "count": 2}
    assert (event.object_type, event.object_id, event.actor_id) == ("", "", None)
    assert ReporterTally.objects.get().day == tuesday
    assert actions.write_reporter_tallies(acting_user=None, today=Day(2026, 3, 4)) == 1
    assert AuditEvent.objects.count() == audit_before + 2
    assert not ReporterTally.objects.exists()
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_the_daily_task_writes_the_tallies(trust) -> None:
    """Claim: the beat task writes every finished day's tally."""
    from django.conf import settings

    from wellled.speakup.tasks import write_reporter_tallies

    with actions.as_of(Day(2026, 1, 5)):
        anonymous_concern()
    assert write_reporter_tallies() == 1
    assert AuditEvent.objects.filter(action="speakup.anonymous_concern_received").exists()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "wellled.speakup.tasks.write_reporter_tallies" in tasks


@pytest.mark.django_db
def test_who_raised_a_concern_is_stored_only_sealed(trust, guardian, staff_member) -> None:
    """Claim: the name, username and email of a member of staff who raises an open
    or confidential concern are stored only inside the case's sealed content: no
    new or changed value anywhere in the database holds them in the clear."""
    give_key(guardian)
    staff_member.first_name, staff_member.last_name = "Perpetua", "Quillfeather"
    staff_member.save()
    client = Client()
    client.force_login(staff_member)
    client.get("/")
    before = set(_database_text())
    _raise_through_the_page(client, route=Route.OPEN)
    _raise_through_the_page(client, route=Route.CONFIDENTIAL)
    needles = [
        staff_member.get_username(),
        staff_member.email,
        "Perpetua",
        "Quillfeather",
    ]
    new_values = set(_database_text()) - before
    assert new_values, "the submissions wrote nothing"
    hits = [(t, c) for t, c, text in new_values for n in needles if n and n in text]
    assert hits == []


@pytest.mark.django_db
def test_an_anonymous_reporter_leaves_no_date_finer_than_the_week(trust, guardian) -> None:
    """Claim: the rows an anonymous reporter's submission and messages write carry
    no time, and no date but a week's Monday (the day's tally aside, which holds
    only a count until the audit event replaces it)."""
    give_key(guardian)
    epochs.current_for_writing()  # the installation's first epoch, as above
    before = _keys_by_model()
    with actions.as_of(Day(2026, 3, 5)):  # a Thursday
        result = anonymous_concern(files=[("scan.png", PNG)])
        session = actions.open_with_code(code=result.code or "")
        actions.post_reporter_message(session=session, body="And again", files=[])
    finer = []
    for label, keys in _new_rows(before).items():
        model = apps.get_model(label)
        if model is ReporterTally:
            continue
        for row in model._default_manager.filter(pk__in=keys):
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(value, datetime.datetime) or (
                    isinstance(value, Day) and value.weekday() != 0
                ):
                    finer.append((label, field.name, value))
    assert finer == []
