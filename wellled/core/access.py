"""Who may read the core app's records: the audit trail, jobs and the trust calendar.

The roles and capabilities themselves are the organisation's (`organisation.access`);
the rules here say which of them the core pages ask for.
"""

from __future__ import annotations

from wellled.core.types import AnyUser
from wellled.organisation.access import ALL, Cap, can, require, scope_paths

# Actions whose details are confidential to the holders of a capability. Their
# before/after values are hidden from other readers of the trail, operators
# included: nobody audits their way into the content of a speak-up case.
CONFIDENTIAL_PREFIXES: dict[str, Cap] = {"speakup.": Cap.READ_SPEAKUP_CASES}


def can_view_audit(user: AnyUser) -> bool:
    # The trail covers the whole trust, so reading it needs Cap.VIEW_AUDIT over the
    # whole trust. A trust-wide grant has a path with one unit in it ("/1/"); ALL is "/".
    return any(
        path == ALL[0] or path.strip("/").count("/") == 0
        for path in scope_paths(user, Cap.VIEW_AUDIT)
    )


def can_see_closure_days(user: AnyUser) -> bool:
    # Closure days are trust-wide facts, not confidential: anyone with a role sees them.
    return can(user, Cap.VIEW_HOME)


def require_closure_days(user: AnyUser, *, manage: bool) -> None:
    require(user, Cap.MANAGE_CALENDAR if manage else Cap.VIEW_HOME)
