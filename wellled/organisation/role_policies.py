"""What a module adds to the granting and revoking of its own roles.

Granting and revoking are organisation actions, but some roles carry a module's
rules: a speak-up guardian's grant starts pending until a guardian approves it,
and a guardian who is the last reader of a case cannot leave until it is handed
over. The module registers a `RolePolicy` in its `AppConfig.ready()`; the
organisation actions call it inside their own transaction, so a refusal rolls the
whole change back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wellled.organisation.models import RoleAssignment


@dataclass(frozen=True)
class RolePolicy:
    role: str
    # Called in the transaction that created a pending grant (queue mail on commit).
    on_pending: Callable[[RoleAssignment], None] | None = None
    # Called before a grant is deleted; raises ValidationError to refuse.
    before_revoke: Callable[[RoleAssignment], None] | None = None


_POLICIES: dict[str, RolePolicy] = {}


def register(policy: RolePolicy) -> None:
    _POLICIES[policy.role] = policy


def policy_for(role: str) -> RolePolicy | None:
    return _POLICIES.get(role)
