"""Every write to improvement actions, by use case (one module each)."""

from wellled.improvement.actions.completion import (
    add_evidence,
    complete_action,
    complete_with_note,
    link_evidence,
    reopen_action,
    sign_off_action,
)
from wellled.improvement.actions.progress import add_milestone, complete_milestone, record_progress
from wellled.improvement.actions.raising import raise_action, reassign_action, replan_action

__all__ = [
    "add_evidence",
    "add_milestone",
    "complete_action",
    "complete_milestone",
    "complete_with_note",
    "link_evidence",
    "raise_action",
    "reassign_action",
    "record_progress",
    "reopen_action",
    "replan_action",
    "sign_off_action",
]
