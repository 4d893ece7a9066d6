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
    # The heading "my work" groups it under (the kind of item, e.g. "Complaints you
    # handle"); the module's name when blank.
    group: str = ""
    # The case's or the object's own reference, so that lines of one kind differ
    # (e.g. "C-2026-0142", or an action's source "Complaint C-2026-0142: Communication").
    reference: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today


@dataclass(frozen=True)
class WorkLine:
    """One line of "my work": an item, and how many identical items it stands for."""

    item: WorkItem
    count: int
    overdue: bool


@dataclass(frozen=True)
class WorkGroup:
    """The lines of one kind of item under one heading, overdue first."""

    heading: str
    lines: tuple[WorkLine, ...]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def overdue(self) -> int:
        return sum(line.count for line in self.lines if line.overdue)


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


def grouped_work(items: list[WorkItem], today: datetime.date) -> list[WorkGroup]:
    """ "My work" as the home page shows it: one heading per kind of item with its
    count, identical items folded into one line with a count, and the groups with
    something overdue first (then the soonest due; undated groups last).

    `items` come from `work_for`, already soonest first, so each group keeps that order
    with its overdue lines first.
    """
    counts: dict[WorkItem, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    by_heading: dict[str, list[WorkLine]] = {}
    for item, count in counts.items():
        line = WorkLine(item, count, item.is_overdue(today))
        by_heading.setdefault(item.group or item.module, []).append(line)
    groups = [
        WorkGroup(heading, tuple(sorted(lines, key=lambda line: not line.overdue)))
        for heading, lines in by_heading.items()
    ]

    def urgency(group: WorkGroup) -> tuple[bool, datetime.date, str]:
        dates = [line.item.due for line in group.lines if line.item.due is not None]
        return (not group.overdue, min(dates, default=datetime.date.max), group.heading)

    return sorted(groups, key=urgency)
