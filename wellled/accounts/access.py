"""What the accounts app needs to know about people's roles, told by the organisation.

Accounts sits below the organisation app: the organisation's people pages create
logins and reset second factors through accounts' actions, and roles, units and
who holds what are the organisation's. So accounts does not import them; the
organisation app registers the answers here in its AppConfig.ready(), as modules
register their metric sources with reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from wellled.core.types import AnyUser


@dataclass(frozen=True)
class PeopleRules:
    # Must this person use two-factor login (they hold a role beyond a member of
    # staff's own concerns, or operate the platform)?
    is_privileged: Callable[[AnyUser], bool]
    # May acting_user remove user's second factor (a lost phone)?
    may_reset_two_factor: Callable[[AnyUser, User], bool]
    # The roles a person holds, for their own profile page.
    grants_of: Callable[[User], Iterable[Any]]


_rules: PeopleRules | None = None


def register_people_rules(rules: PeopleRules) -> None:
    global _rules
    _rules = rules


def people_rules() -> PeopleRules:
    if _rules is None:
        raise ImproperlyConfigured(
            "No app has registered the people rules: wellled.organisation must be installed"
        )
    return _rules


def is_privileged(user: AnyUser) -> bool:
    return people_rules().is_privileged(user)


def may_reset_two_factor(acting_user: AnyUser, user: User) -> bool:
    return people_rules().may_reset_two_factor(acting_user, user)
