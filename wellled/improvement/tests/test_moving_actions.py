"""The data migrations that moved learning actions and inspection action plans onto
the one action loop: nothing is lost.

The test puts the database back to before the move (learning 0001, inspections
0001), writes old records through the historical models (a learning action done
with evidence and an open one; an action plan signed off with milestones, updates
and a document, a link and a note as evidence), migrates forward, and checks every
field landed: owners, dates, statuses, sign-offs, who raised it (from the old
audit event), progress, milestones, evidence in the library under the right
quality statements, the stored file untouched, and `legacy_ref` to the old ids.
It runs on SQLite and PostgreSQL like the rest of the suite.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from wellled.assurance.models import EvidenceItem
from wellled.complaints.models import ComplaintIssue
from wellled.complaints.tests.support import code_lists
from wellled.core import audit
from wellled.core.testing import Trust
from wellled.improvement.models import Action, Status
from wellled.inspections.models import Finding
from wellled.inspections.tests.support import finding, inspection
from wellled.learning.tests.support import upheld_case

D = datetime.date
BEFORE = [
    ("learning", "0001_initial"),
    ("inspections", "0001_initial"),
    ("improvement", "0002_actionevidence_legacy_ref"),
]
LEARNING_STATEMENTS = {"learning-improvement-and-innovation", "listening-to-and-involving-people"}


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move(transactional_db: None) -> Iterator[Any]:
    """Historical apps as they were before the move; afterwards, back to the latest."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(_latest())


def _old_learning(apps: Any, trust: Trust, issue: ComplaintIssue) -> tuple[int, int]:
    LearningAction = apps.get_model("learning", "LearningAction")
    owner, handler = trust.people["service_lead"], trust.people["complaints_handler"]
    done = LearningAction.objects.create(
        issue_id=issue.pk,
        description="Log every call-back request on the team's shared list",
        owner_id=owner.pk,
        due_on=D(2026, 5, 1),
        completed_on=D(2026, 4, 20),
        evidence="Audit of 20 requests in April: all called back within 2 days.",
        completed_by_id=owner.pk,
    )
    still_open = LearningAction.objects.create(
        issue_id=issue.pk,
        description="Huddle on call-backs",
        owner_id=owner.pk,
        due_on=D(2026, 6, 1),
    )
    with transaction.atomic():
        audit.record(
            acting_user=handler,
            action="learning.action_added",
            object_type="learning.learningaction",
            object_id=str(done.pk),
        )
    return done.pk, still_open.pk


def _old_evidence(apps: Any, plan_id: int, owner_id: int) -> tuple[list[int], str]:
    """A document (with its stored file), a link and a note."""
    CompletionEvidence = apps.get_model("inspections", "CompletionEvidence")
    plan = apps.get_model("inspections", "ActionPlan").objects.get(pk=plan_id)
    stored = default_storage.save(
        f"inspections/evidence/{plan.pk}/minutes.pdf", ContentFile(b"%PDF-1.4 x")
    )
    evidence_ids = [
        CompletionEvidence.objects.create(
            plan=plan,
            kind="file",
            title="Board minutes",
            file=stored,
            file_name="minutes.pdf",
            content_type="application/pdf",
            size=10,
            added_by_id=owner_id,
            added_on=D(2026, 3, 18),
        ).pk,
        CompletionEvidence.objects.create(
            plan=plan,
            kind="link",
            title="Audit report",
            url="https://example.org/audit",
            added_by_id=owner_id,
            added_on=D(2026, 3, 19),
        ).pk,
        CompletionEvidence.objects.create(
            plan=plan, kind="note", title="Huddle", note="Discussed weekly", added_on=D(2026, 3, 19)
        ).pk,
    ]
    return evidence_ids, stored


def _old_plan(apps: Any, trust: Trust, found: Finding) -> tuple[int, list[int], str]:
    ActionPlan = apps.get_model("inspections", "ActionPlan")
    Milestone = apps.get_model("inspections", "Milestone")
    ProgressUpdate = apps.get_model("inspections", "ProgressUpdate")
    owner, executive = trust.people["service_lead"], trust.people["executive"]
    plan = ActionPlan.objects.create(
        finding_id=found.pk,
        title="Complaints answered on time",
        owner_id=owner.pk,
        due_date=D(2026, 3, 31),
        status="done",
        done_on=D(2026, 3, 20),
        signed_off_by_id=executive.pk,
        signed_off_on=D(2026, 3, 25),
        sign_off_note="Assured by the March audit",
    )
    Milestone.objects.create(
        plan=plan, title="Tracker live", due_date=D(2026, 1, 31), done_on=D(2026, 1, 28)
    )
    ProgressUpdate.objects.create(
        plan=plan,
        written_on=D(2026, 2, 1),
        note="Tracker in use",
        status="on_track",
        author_id=owner.pk,
    )
    ProgressUpdate.objects.create(
        plan=plan,
        written_on=D(2026, 3, 20),
        note="All answered on time",
        status="done",
        author_id=owner.pk,
    )
    evidence_ids, stored = _old_evidence(apps, plan.pk, owner.pk)
    with transaction.atomic():
        audit.record(
            acting_user=trust.people["governance_lead"],
            action="inspections.plan_created",
            object_type="inspections.actionplan",
            object_id=str(plan.pk),
        )
    return plan.pk, evidence_ids, stored


@pytest.mark.django_db(transaction=True)
def test_learning_actions_and_action_plans_move_with_everything(
    before_the_move: Any, trust: Trust
) -> None:
    apps = before_the_move
    code_lists()
    complaint, issue = upheld_case(trust)
    found = finding(inspection(trust), statement_ids=["learning-improvement-and-innovation"])
    done_id, open_id = _old_learning(apps, trust, issue)
    plan_id, evidence_ids, stored = _old_plan(apps, trust, found)

    _migrate(_latest())

    _check_learning(trust, complaint.service_id, issue, done_id, open_id)
    _check_plan(trust, found, plan_id, evidence_ids, stored)
    default_storage.delete(stored)


def _check_learning(
    trust: Trust, service_id: int, issue: ComplaintIssue, done_id: int, open_id: int
) -> None:
    done = Action.objects.get(legacy_ref=f"learning.learningaction:{done_id}")
    assert (done.source_kind, done.source_id, done.unit_id) == (
        "complaint_learning",
        str(issue.pk),
        service_id,
    )
    assert (done.owner, done.due_on, done.status, done.done_on) == (
        trust.people["service_lead"],
        D(2026, 5, 1),
        Status.DONE,
        D(2026, 4, 20),
    )
    assert done.raised_by == trust.people["complaints_handler"]
    assert done.raised_on <= D(2026, 4, 20) and done.sign_off_role == ""
    note = done.evidence_links.get().item
    assert note.kind == "note" and "Audit of 20 requests" in note.description
    assert set(note.statement_ids) == LEARNING_STATEMENTS
    assert done.updates.get().status == Status.DONE
    opened = Action.objects.get(legacy_ref=f"learning.learningaction:{open_id}")
    assert opened.status == Status.NOT_STARTED and not opened.evidence_links.exists()


def _check_plan(
    trust: Trust, found: Finding, plan_id: int, evidence_ids: list[int], stored: str
) -> None:
    moved = Action.objects.get(legacy_ref=f"inspections.actionplan:{plan_id}")
    assert (moved.source_kind, moved.source_id, moved.unit_id) == (
        "inspection_finding",
        str(found.pk),
        trust.trust.pk,
    )
    assert (moved.title, moved.due_on, moved.status, moved.done_on) == (
        "Complaints answered on time",
        D(2026, 3, 31),
        Status.DONE,
        D(2026, 3, 20),
    )
    assert (moved.signed_off_by, moved.signed_off_on, moved.sign_off_note) == (
        trust.people["executive"],
        D(2026, 3, 25),
        "Assured by the March audit",
    )
    assert moved.sign_off_role == "executive" and moved.is_closed
    assert moved.raised_by == trust.people["governance_lead"]
    assert [(m.title, m.due_on, m.done_on) for m in moved.milestones.all()] == [
        ("Tracker live", D(2026, 1, 31), D(2026, 1, 28))
    ]
    assert [(u.written_on, u.status) for u in moved.updates.order_by("written_on")] == [
        (D(2026, 2, 1), "on_track"),
        (D(2026, 3, 20), "done"),
    ]
    links = list(moved.evidence_links.order_by("pk").select_related("item"))
    assert [link.legacy_ref for link in links] == [
        f"inspections.completionevidence:{pk}" for pk in evidence_ids
    ]
    document, link, written = (link.item for link in links)
    assert (document.kind, document.file.name, document.file_name, document.file_type) == (
        "document",
        stored,
        "minutes.pdf",
        "application/pdf",
    )
    assert document.file.read() == b"%PDF-1.4 x"  # the same stored file, not a copy
    assert (link.kind, link.url) == ("link", "https://example.org/audit")
    assert (written.kind, written.description) == ("note", "Discussed weekly")
    for item in (document, link, written):
        assert item.statement_ids == ["learning-improvement-and-innovation"]
        assert item.unit_id == trust.trust.pk and item.framework == "saf"
    assert EvidenceItem.objects.count() == 4
