"""Move every inspection action plan onto the one improvement action loop.

Each `ActionPlan` becomes an `improvement.Action` raised on its finding (source
kind "inspection_finding"), signed off by an executive as before, with:
- the same title, owner, due date, status, completion date and sign-off (who, when,
  the note);
- who raised it, read from the plan's own audit event;
- its milestones and dated progress updates, as they were;
- each item of completion evidence (document, link or note) filed in the assurance
  evidence library under the finding's quality statements and linked to the
  action. A document keeps its stored file: the library item points at the same
  file, so nothing is copied or lost;
- `legacy_ref` "inspections.actionplan:<id>" on the action and
  "inspections.completionevidence:<id>" on each evidence link, so the old records'
  audit events and old links still lead to them.

Statement tags keep only ids the evidence library's framework knows; the
framework's ids are read once here (a finding may cite a retired methodology).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations
from django.utils import timezone

KIND = "inspection_finding"
SIGN_OFF_ROLE = "executive"
FRAMEWORK = "saf"
EVIDENCE_KINDS = {"file": "document", "link": "link", "note": "note"}


def _year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _library_statements() -> set[str] | None:
    """The evidence library's statement ids, or None if they cannot be read (then
    every tag is kept)."""
    try:
        from wellled.assurance import frameworks

        methodology = frameworks.evidence_framework_methodology()
        return {s.id for s in frameworks.all_statements(methodology)}
    except Exception:  # noqa: BLE001 - a migration must not depend on content loading
        return None


def _move_evidence(apps: Any, plan: Any, action: Any, statements: list[str]) -> None:
    EvidenceItem = apps.get_model("assurance", "EvidenceItem")
    EvidenceStatement = apps.get_model("assurance", "EvidenceStatement")
    ActionEvidence = apps.get_model("improvement", "ActionEvidence")
    for old in plan.evidence.order_by("added_on", "pk"):
        has_file = bool(old.file.name) if old.file else False
        item = EvidenceItem.objects.create(
            kind=EVIDENCE_KINDS.get(old.kind, "note"),
            title=old.title,
            description=old.note,
            unit_id=plan.finding.inspection.scope_id,
            framework=FRAMEWORK,
            url=old.url,
            file=old.file.name if has_file else "",
            file_name=old.file_name,
            file_type=old.content_type,
            file_size=old.size,
            file_version=1 if has_file else 0,
            owner_id=old.added_by_id or plan.owner_id,
            evidence_date=old.added_on,
            review_date=_year_after(old.added_on),
            created_by_id=old.added_by_id,
        )
        EvidenceStatement.objects.bulk_create(
            EvidenceStatement(item=item, statement_id=statement) for statement in statements
        )
        ActionEvidence.objects.create(
            action=action,
            item=item,
            added_on=old.added_on,
            legacy_ref=f"inspections.completionevidence:{old.pk}",
        )


def move_plans(apps: Any, schema_editor: Any) -> None:
    ActionPlan = apps.get_model("inspections", "ActionPlan")
    Action = apps.get_model("improvement", "Action")
    Milestone = apps.get_model("improvement", "Milestone")
    ProgressUpdate = apps.get_model("improvement", "ProgressUpdate")
    AuditEvent = apps.get_model("core", "AuditEvent")

    raised_by = dict(
        AuditEvent.objects.filter(
            object_type="inspections.actionplan", action="inspections.plan_created"
        ).values_list("object_id", "actor_id")
    )
    known = _library_statements()
    plans = ActionPlan.objects.select_related("finding__inspection").order_by("pk")
    for plan in plans.iterator():
        finding_statements = list(
            plan.finding.statements.order_by("pk").values_list("statement_id", flat=True)
        )
        statements = [s for s in finding_statements if known is None or s in known]
        created = timezone.localdate(plan.created_at)
        action = Action.objects.create(
            title=plan.title,
            source_kind=KIND,
            source_id=str(plan.finding_id),
            unit_id=plan.finding.inspection.scope_id,
            owner_id=plan.owner_id,
            raised_on=min(d for d in (created, plan.due_date, plan.done_on) if d is not None),
            due_on=plan.due_date,
            status=plan.status,
            done_on=plan.done_on,
            sign_off_role=SIGN_OFF_ROLE,
            signed_off_by_id=plan.signed_off_by_id,
            signed_off_on=plan.signed_off_on,
            sign_off_note=plan.sign_off_note,
            raised_by_id=raised_by.get(str(plan.pk)),
            legacy_ref=f"inspections.actionplan:{plan.pk}",
        )
        Milestone.objects.bulk_create(
            Milestone(action=action, title=m.title, due_on=m.due_date, done_on=m.done_on)
            for m in plan.milestones.order_by("due_date", "pk")
        )
        for update in plan.updates.order_by("written_on", "pk"):
            ProgressUpdate.objects.create(
                action=action,
                written_on=update.written_on,
                note=update.note,
                status=update.status,
                author_id=update.author_id,
            )
        _move_evidence(apps, plan, action, statements)


def remove_moved_plans(apps: Any, schema_editor: Any) -> None:
    """Going back: the plans are still in their own tables until 0003, so only the
    moved copies (and the library items made for their evidence) are removed."""
    Action = apps.get_model("improvement", "Action")
    EvidenceItem = apps.get_model("assurance", "EvidenceItem")
    moved = Action.objects.filter(legacy_ref__startswith="inspections.actionplan:")
    item_ids = [i for i in moved.values_list("evidence_links__item_id", flat=True) if i]
    moved.delete()
    EvidenceItem.objects.filter(pk__in=item_ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("improvement", "0002_actionevidence_legacy_ref"),
        ("assurance", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_plans, remove_moved_plans)]
