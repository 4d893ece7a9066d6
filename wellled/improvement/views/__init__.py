"""Pages for improvement actions: the trust-wide register, one action and its small
write pages, and the page that raises an action on a source."""

from wellled.improvement.views.detail import action_detail, action_new
from wellled.improvement.views.governance import (
    action_reassign,
    action_reopen,
    action_replan,
    action_sign_off,
)
from wellled.improvement.views.progress import (
    action_complete,
    action_progress,
    evidence_new,
    milestone_done,
    milestone_new,
)
from wellled.improvement.views.register import action_export, action_list

__all__ = [
    "action_complete",
    "action_detail",
    "action_export",
    "action_list",
    "action_new",
    "action_progress",
    "action_reassign",
    "action_reopen",
    "action_replan",
    "action_sign_off",
    "evidence_new",
    "milestone_done",
    "milestone_new",
]
