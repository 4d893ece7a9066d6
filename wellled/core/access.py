"""Who may read the core app's records: the audit trail, jobs and the trust calendar.

Core is the bottom layer, so it cannot import the roles and capabilities, which are
the organisation's (`organisation.access`). The organisation app tells core how to
answer "where does this user hold this capability" in its AppConfig.ready()
(`register_scope_paths`); the rules here say which capabilities core's records ask
for, by the same names `organisation.access.Cap` gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from wellled.core.types import AnyUser

# The capabilities core asks about; organisation.access.Cap spells them with these values.
VIEW_HOME: Final = "core.view_home"
VIEW_AUDIT: Final = "core.view_audit"
MANAGE_CALENDAR: Final = "core.manage_calendar"
READ_SPEAKUP_CASES: Final = "speakup.read_cases"

# The whole organisation tree: every unit's path starts with it.
WHOLE_TREE: Final = "/"

# Actions whose details are confidential to the holders of a capability. Their
# before/after values are hidden from other readers of the trail, operators
# included: nobody audits their way into the content of a speak-up case.
CONFIDENTIAL_PREFIXES: dict[str, str] = {"speakup.": READ_SPEAKUP_CASES}

ScopePaths = Callable[[AnyUser, str], tuple[str, ...]]
_scope_paths: ScopePaths | None = None


def register_scope_paths(scope_paths: ScopePaths) -> None:
    """The organisation's answer to "the tree paths where the user holds the capability"."""
    global _scope_paths
    _scope_paths = scope_paths


def scope_paths(user: AnyUser, capability: str) -> tuple[str, ...]:
    if _scope_paths is None:
        raise ImproperlyConfigured(
            "No app has registered who holds which capability: "
            "wellled.organisation must be installed"
        )
    return _scope_paths(user, capability)


def can(user: AnyUser, capability: str) -> bool:
    """Does the user hold the capability anywhere?"""
    return bool(scope_paths(user, capability))


def require(user: AnyUser, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied


def can_view_audit(user: AnyUser) -> bool:
    # The trail covers the whole trust, so reading it needs VIEW_AUDIT over the
    # whole trust. A trust-wide grant has a path with one unit in it ("/1/").
    return any(
        path == WHOLE_TREE or path.strip("/").count("/") == 0
        for path in scope_paths(user, VIEW_AUDIT)
    )


def can_see_closure_days(user: AnyUser) -> bool:
    # Closure days are trust-wide facts, not confidential: anyone with a role sees them.
    return can(user, VIEW_HOME)


def require_closure_days(user: AnyUser, *, manage: bool) -> None:
    require(user, MANAGE_CALENDAR if manage else VIEW_HOME)
