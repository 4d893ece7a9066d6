"""The header's menu and the home page's "my work", filled in by each module.

A module registers in its AppConfig.ready():

    navigation.register_nav(NavItem("Complaints", "complaints:list", lambda u: can(u, ...)))
    navigation.register_work(complaints_work)   # (user) -> list[WorkItem]
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from wellled.core.types import AnyUser


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[AnyUser], bool]
    order: int = 50


@dataclass(frozen=True)
class WorkItem:
    """One thing on someone's plate: what, where to do it, and by when."""

    title: str
    href: str
    module: str
    due: datetime.date | None = None
    detail: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today


WorkSource = Callable[[AnyUser], list[WorkItem]]

_NAV: list[NavItem] = []
_WORK: list[WorkSource] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)


def register_work(source: WorkSource) -> None:
    if source not in _WORK:
        _WORK.append(source)


def nav_for(user: AnyUser, current_path: str) -> list[dict[str, object]]:
    items = []
    for item in sorted(_NAV, key=lambda i: i.order):
        if not item.visible(user):
            continue
        href = reverse(item.url_name)
        current = current_path == href or (href != "/" and current_path.startswith(href))
        items.append({"label": item.label, "href": href, "current": current})
    return items


def work_for(user: AnyUser) -> list[WorkItem]:
    items: list[WorkItem] = []
    for source in _WORK:
        items.extend(source(user))
    # Undated items go last; the rest soonest first.
    return sorted(items, key=lambda i: (i.due is None, i.due or datetime.date.max, i.title))
