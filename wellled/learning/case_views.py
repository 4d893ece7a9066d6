"""The learning part of each issue on the complaint's case page (complaints asks
through `complaints.case_panels`): the issue's improvement actions, and a form to
raise one, so closing's "has learning but no action" is fixed where it is read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms as django_forms
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from wellled.complaints.case_panels import IssuePanel
from wellled.complaints.models import Complaint, ComplaintIssue, Status
from wellled.core.types import AnyUser
from wellled.improvement.access import people_in_scope
from wellled.improvement.queries import action_href, actions_by_source
from wellled.learning import access, forms
from wellled.learning.improvement_source import KIND


def _action_form(complaint: Complaint, issue: ComplaintIssue) -> forms.LearningActionForm:
    form = forms.LearningActionForm(
        issues=complaint.issues.filter(pk=issue.pk),
        owners=people_in_scope(complaint.service).order_by("first_name", "last_name", "username"),
        prefix="action",
        # Each issue has its own form on the page: ids must not repeat.
        auto_id=f"id_issue{issue.pk}_%s",
        initial={"issue": issue.pk},
    )
    form.fields["issue"].widget = django_forms.HiddenInput()
    return form


def learning_panels(
    user: AnyUser, complaint: Complaint, issues: Sequence[ComplaintIssue]
) -> Mapping[int, IssuePanel]:
    """For each issue with learning written: its actions (linked only where the
    reader may open them) and, for those who manage learning, the form to add one."""
    with_learning = [i for i in issues if i.learning_statement.strip()]
    if not with_learning:
        return {}
    by_issue = actions_by_source(KIND, [issue.pk for issue in with_learning])
    # Until the case closes: after the response is when closing asks for actions.
    may_manage = access.may_manage(user, complaint.service) and complaint.status not in (
        Status.CLOSED,
        Status.TRANSFERRED,
    )
    today = timezone.localdate()
    panels = {}
    for issue in with_learning:
        raised = by_issue.get(str(issue.pk), [])
        rows = [{"action": a, "href": action_href(user, a)} for a in raised]
        raise_href = (
            reverse("improvement:new")
            + "?"
            + urlencode({"source_kind": KIND, "source_id": str(issue.pk)})
        )
        panels[issue.pk] = IssuePanel(
            "learning/_case_issue_actions.html",
            {
                "rows": rows,
                "today": today,
                "form": _action_form(complaint, issue) if may_manage else None,
                "raise_href": raise_href if may_manage else "",
                "needs_action": not raised,
            },
        )
    return panels
