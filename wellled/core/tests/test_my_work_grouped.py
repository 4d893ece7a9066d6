""" "My work" on the home page: one heading per kind of item with its count, each line
naming its case's (or its own) reference and due date and linking to it, and no line
repeated (issue 15: 20 identical lines with no case reference)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from wellled.complaints.tests.support import record
from wellled.core.navigation import WorkItem, grouped_work, work_for
from wellled.core.testing import Trust
from wellled.learning.tests.support import add_action, upheld_case

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
TODAY = datetime.date(2026, 3, 10)


def _item(title: str, due: datetime.date | None, group: str = "Things", **kw: Any) -> WorkItem:
    return WorkItem(title=title, href=f"/{title}/", module="Module", due=due, group=group, **kw)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_identical_items_fold_into_one_line_with_a_count() -> None:
    same = _item("Read shared learning: falls", None)
    [group] = grouped_work([same, same, same, _item("Other", None)], TODAY)
    assert [(line.item.title, line.count) for line in group.lines] == [
        ("Read shared learning: falls", 3),
        ("Other", 1),
    ]
    assert group.heading == "Things" and group.count == 4


def test_groups_with_something_overdue_come_first_and_overdue_lines_lead() -> None:
    late = TODAY - datetime.timedelta(days=1)
    soon = TODAY + datetime.timedelta(days=2)
    groups = grouped_work(
        [
            _item("Early but fine", TODAY, group="Evidence to review"),
            _item("Due soon", soon, group="Actions you own"),
            _item("Late", late, group="Actions you own"),
            _item("Undated", None, group="Shared learning"),
        ],
        TODAY,
    )
    headings = [g.heading for g in groups]
    assert headings == ["Actions you own", "Evidence to review", "Shared learning"]
    assert [line.item.title for line in groups[0].lines] == ["Late", "Due soon"]
    assert groups[0].overdue == 1 and groups[1].overdue == 0
    # With no group named, an item is grouped under its module's name.
    assert grouped_work([WorkItem("Loose", "/", "Walkrounds")], TODAY)[0].heading == "Walkrounds"


def test_a_handler_sees_their_cases_under_one_heading_each_by_reference(
    client_for: Any, trust: Trust
) -> None:
    late = record(trust, received_on=_days(-30))
    fresh = record(trust, received_on=_days(0))
    page = client_for("complaints_handler").get(HOME).content.decode()
    assert re.search(r"Complaints you handle\s*<span[^>]*>\(2, 1 overdue\)</span>", page)
    for case in (late, fresh):
        assert f'<a href="/complaints/{case.pk}/">Complaint {case.reference}</a>' in page
        assert f"Due {case.acknowledgement_due:%-d %B %Y}" in page
    assert page.index(late.reference) < page.index(fresh.reference)
    assert page.count("Overdue</strong>") == 1


def test_learning_actions_with_one_title_name_the_case_they_came_from(
    client_for: Any, trust: Trust
) -> None:
    # The demo's learning actions share titles: each line must say which case it is for.
    complaints = []
    for _ in range(3):
        complaint, issue = upheld_case(trust)
        add_action(trust, issue, owner="service_lead")
        complaints.append(complaint)
    items = [i for i in work_for(trust.people["service_lead"]) if i.group == "Actions you own"]
    assert len({i.title for i in items}) == 1 and len(items) == 3
    assert sorted(i.reference.split(":")[0] for i in items) == sorted(
        f"Complaint {c.reference}" for c in complaints
    )
    page = client_for("service_lead").get(HOME).content.decode()
    assert "Actions you own" in page
    for complaint in complaints:
        assert f"\N{EN DASH} Complaint {complaint.reference}:" in page
    assert "of these)" not in page  # nothing folded: the lines differ by their case


def test_someone_with_nothing_to_do_is_told_so(client_for: Any) -> None:
    page = client_for("board_member").get(HOME).content.decode()
    assert "Nothing is due for you" in page
    assert "Complaints you handle" not in page


def test_a_handler_does_not_see_a_colleagues_cases(client_for: Any, trust: Trust) -> None:
    theirs = record(trust, handler=trust.people["complaints_manager"])
    page = client_for("complaints_handler").get(HOME).content.decode()
    assert theirs.reference not in page
    assert "Complaints you handle" not in page
