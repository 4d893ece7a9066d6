"""The header's menu, the home page's "my work", and the home page's overview for
leaders, filled in by each module.

A module registers in its AppConfig.ready():

    navigation.register_nav(NavItem("Complaints", "complaints:list", lambda u: can(u, ...)))
    navigation.register_work(complaints_work)   # (user) -> list[WorkItem]
    navigation.register_overview(board_view)    # (user) -> OverviewPanel | None
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


@dataclass(frozen=True)
class OverviewRow:
    label: str
    value: str = ""
    href: str = ""
    alert: bool = False  # needs the reader's attention (shown with a red tag)


@dataclass(frozen=True)
class OverviewTable:
    """A small table of counts in a panel (the performance report's summary matrix):
    a heading per column, and a label and one value per column for each row."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    href: str = ""


@dataclass(frozen=True)
class OverviewPanel:
    """One module's part of the month's story on the home page: a few lines that
    read at a glance, and where to go for the rest."""

    title: str
    rows: tuple[OverviewRow, ...]
    link_label: str = ""
    link_href: str = ""
    order: int = 50
    table: OverviewTable | None = None  # shown above the rows


WorkSource = Callable[[AnyUser], list[WorkItem]]
OverviewSource = Callable[[AnyUser], "OverviewPanel | None"]

_NAV: list[NavItem] = []
_WORK: list[WorkSource] = []
_OVERVIEW: list[OverviewSource] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)


def register_work(source: WorkSource) -> None:
    if source not in _WORK:
        _WORK.append(source)


def register_overview(source: OverviewSource) -> None:
    if source not in _OVERVIEW:
        _OVERVIEW.append(source)


def overview_for(user: AnyUser) -> list[OverviewPanel]:
    """The panels the user may read, in order; empty for most staff."""
    found = [panel for panel in (source(user) for source in _OVERVIEW) if panel is not None]
    return sorted(found, key=lambda panel: panel.order)


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
