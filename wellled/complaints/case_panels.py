"""What other modules show beside each issue on the case page.

Learning sits above complaints (decision 0007), so complaints cannot import it: it
registers a panel here in its AppConfig.ready(), as it registers its closure check
in `closure.py`. The case page asks every panel for what to show under each issue
(the learning's improvement actions, and the form to raise one), so the team fixes
what closure asks for without leaving the case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wellled.complaints.models import Complaint, ComplaintIssue
from wellled.core.types import AnyUser


@dataclass(frozen=True)
class IssuePanel:
    """One module's part of an issue's card: a template and what it reads."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


# Given the reader, the case and its issues: each issue's panel by issue pk (an issue
# with nothing to show is left out).
PanelSource = Callable[[AnyUser, Complaint, Sequence[ComplaintIssue]], Mapping[int, IssuePanel]]

_sources: list[PanelSource] = []


def register_issue_panel(source: PanelSource) -> None:
    if source not in _sources:
        _sources.append(source)


def issue_panels(
    user: AnyUser, complaint: Complaint, issues: Sequence[ComplaintIssue]
) -> dict[int, list[IssuePanel]]:
    found: dict[int, list[IssuePanel]] = {}
    for source in _sources:
        for pk, panel in source(user, complaint, issues).items():
            found.setdefault(pk, []).append(panel)
    return found
