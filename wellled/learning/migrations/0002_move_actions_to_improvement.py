"""Move every learning action onto the one improvement action loop.

Each `LearningAction` becomes an `improvement.Action` raised on its complaint
issue's learning (source kind "complaint_learning"), with:
- the same owner, due date and completion date;
- who raised it, read from the action's own audit event;
- its written evidence filed as a note in the assurance evidence library, tagged to
  the statements learning from complaints evidences, and linked to the action;
- a "done" progress update for a completed action;
- `legacy_ref` "learning.learningaction:<id>", so the old record's audit events and
  old links (`/learning/actions/<id>/`) still lead to it.

The statement ids and framework are written out here rather than imported, so this
migration means the same thing whatever the code later becomes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations
from django.utils import timezone

KIND = "complaint_learning"
# CQC single assessment framework: W7 Learning, improvement and innovation; R4
# Listening to and involving people (as in learning/improvement_source.py).
STATEMENTS = ("learning-improvement-and-innovation", "listening-to-and-involving-people")
FRAMEWORK = "saf"
TITLE_LENGTH = 200


def _year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _title(text: str) -> tuple[str, str]:
    """The action's title, and the whole text as its description when it is longer."""
    text = text.strip()
    if len(text) <= TITLE_LENGTH:
        return text, ""
    return text[: TITLE_LENGTH - 1].rstrip() + "…", text


def move_learning_actions(apps: Any, schema_editor: Any) -> None:
    LearningAction = apps.get_model("learning", "LearningAction")
    Action = apps.get_model("improvement", "Action")
    ProgressUpdate = apps.get_model("improvement", "ProgressUpdate")
    ActionEvidence = apps.get_model("improvement", "ActionEvidence")
    EvidenceItem = apps.get_model("assurance", "EvidenceItem")
    EvidenceStatement = apps.get_model("assurance", "EvidenceStatement")
    AuditEvent = apps.get_model("core", "AuditEvent")

    raised_by = dict(
        AuditEvent.objects.filter(
            object_type="learning.learningaction", action="learning.action_added"
        ).values_list("object_id", "actor_id")
    )
    old_actions = LearningAction.objects.select_related("issue__complaint").order_by("pk")
    for old in old_actions.iterator():
        title, description = _title(old.description)
        done = old.completed_on is not None
        created = timezone.localdate(old.created_at)
        action = Action.objects.create(
            title=title,
            description=description,
            source_kind=KIND,
            source_id=str(old.issue_id),
            unit_id=old.issue.complaint.service_id,
            owner_id=old.owner_id,
            raised_on=min(d for d in (created, old.due_on, old.completed_on) if d is not None),
            due_on=old.due_on,
            status="done" if done else "not_started",
            done_on=old.completed_on,
            completion_note=old.evidence,
            raised_by_id=raised_by.get(str(old.pk)),
            legacy_ref=f"learning.learningaction:{old.pk}",
        )
        if not done:
            continue
        ProgressUpdate.objects.create(
            action=action,
            written_on=old.completed_on,
            note=old.evidence or "Done",
            status="done",
            author_id=old.completed_by_id,
        )
        if not old.evidence.strip():
            continue
        item = EvidenceItem.objects.create(
            kind="note",
            title=f"Evidence of completion: {title}"[:TITLE_LENGTH],
            description=old.evidence,
            unit_id=old.issue.complaint.service_id,
            framework=FRAMEWORK,
            owner_id=old.completed_by_id or old.owner_id,
            evidence_date=old.completed_on,
            review_date=_year_after(old.completed_on),
            created_by_id=old.completed_by_id,
        )
        EvidenceStatement.objects.bulk_create(
            EvidenceStatement(item=item, statement_id=statement) for statement in STATEMENTS
        )
        ActionEvidence.objects.create(action=action, item=item, added_on=old.completed_on)


def remove_moved_actions(apps: Any, schema_editor: Any) -> None:
    """Going back: the learning actions are still in their own table until 0003, so
    only the moved copies (and their evidence notes) are removed."""
    Action = apps.get_model("improvement", "Action")
    EvidenceItem = apps.get_model("assurance", "EvidenceItem")
    moved = Action.objects.filter(legacy_ref__startswith="learning.learningaction:")
    item_ids = list(moved.values_list("evidence_links__item_id", flat=True))
    moved.delete()
    EvidenceItem.objects.filter(pk__in=[i for i in item_ids if i]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("improvement", "0002_actionevidence_legacy_ref"),
        ("assurance", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_learning_actions, remove_moved_actions)]
