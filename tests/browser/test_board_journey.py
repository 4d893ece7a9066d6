"""Issue #15's "Done when", for the board: a board member opens wellled and sees the
month's story on one screen, then follows it to the Integrated Performance Report
and the well-led page.

On a 1280 x 800 screen, before any scrolling, the home page shows: the IPR's
summary matrix (how many measures sit in each variation and assurance pairing),
the measures that changed status last month, the overdue actions from every
source, and CQC's latest ratings with what is being done about them. The IPR reads
in CQC's order (safe, effective, caring, responsive, well-led) with a chart inline
for each measure; the well-led page puts CQC's rating first and labels the
self-assessment as the trust's estimate, not CQC's. The measure with no narrative
is on its owner's "My work" before the board date.

Each page is saved as a screenshot in the artefacts directory
(`WELLLED_TEST_ARTEFACTS`, else pytest's temporary directory for the test) and
checked with axe: nothing serious or critical.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from dateutil.relativedelta import relativedelta
from django.test import override_settings

AXE = Axe()
SCREEN = {"width": 1280, "height": 800}
# Sixteen steady months, then one far above: special cause appears last month.
STEADY = [50.0, 52, 49, 51, 50, 48, 52, 51, 49, 50, 51, 50, 49, 52, 50, 51]
JUMPED = [*STEADY[:-1], 90.0]


class Reading:
    """The board member's pages: a screenshot of each, and axe's serious findings."""

    def __init__(self, page, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.folder = folder
        self.problems: list[str] = []

    def keep(self, name: str) -> None:
        taken = len(list(self.folder.glob("*.full.png")))
        shot = self.folder / f"{taken:02d}-{name}.png"
        # The first screen exactly as the board member sees it, then the whole page.
        self.page.screenshot(path=str(shot))
        self.page.screenshot(path=str(shot.with_suffix(".full.png")), full_page=True)
        for violation in AXE.run(self.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                self.problems.append(f"{name}: axe {violation['impact']} {violation['id']}")

    def on_first_screen(self, locator) -> bool:  # type: ignore[no-untyped-def]
        if locator.count() != 1:
            return False
        box = locator.bounding_box()
        return box is not None and box["y"] + box["height"] <= SCREEN["height"]


def _artefacts(tmp_path: Path) -> Path:
    root = os.environ.get("WELLLED_TEST_ARTEFACTS")
    folder = (Path(root) if root else tmp_path) / "board-journey"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _measures(trust) -> None:  # type: ignore[no-untyped-def]
    """Four measures in three CQC sections, up to last month; one jumped last month."""
    from wellled.reports import actions
    from wellled.reports.queries import last_month
    from wellled.reports.tests.support import load_values, make_metric

    start = last_month() - relativedelta(months=len(STEADY) - 1)
    owner = trust.people["governance_lead"]
    shapes = [
        ("Falls with harm", "safe", STEADY, None),
        ("Patients waiting over 18 weeks", "responsive", JUMPED, 60.0),
        ("Staff who would recommend care", "caring", STEADY, 40.0),
        ("Appraisals done", "well-led", STEADY, None),
    ]
    for name, domain, values, target in shapes:
        better = "increase" if domain == "caring" else "decrease"
        metric = make_metric(
            trust, name=name, domain=domain, target=target, owner=owner, improvement=better
        )
        load_values(metric, values, start=start)
        if domain != "well-led":
            actions.write_narrative(
                acting_user=owner,
                metric=metric,
                month=last_month(),
                what="Steady this month",
                so_what="No change for patients",
                what_next="Keep watching",
            )


def _cqc_and_actions(trust) -> None:  # type: ignore[no-untyped-def]
    """CQC's published rating with a must-do finding whose action is overdue, and a
    self-assessment round since."""
    from wellled.assurance.tests.support import WELL_LED, score_all, trust_round
    from wellled.inspections import actions as inspection_actions
    from wellled.inspections.tests.support import finding, inspection, plan

    record = inspection(trust)
    inspection_actions.set_ratings(
        acting_user=None,
        inspection=record,
        key_question_ratings={"well-led": "Requires improvement"},
        statement_scores=dict(zip(WELL_LED, [1, 2, 2, 2, 1, 2, 2, 2], strict=True)),
    )
    plan(trust, finding(record), due_on=datetime.date(2025, 10, 31))
    round_ = trust_round(trust, title="Autumn self-assessment")
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 2, 3, 3, 2, 2], strict=True)))


def _home(reading: Reading) -> None:
    page = reading.page
    page.goto("/")
    reading.keep("home")
    main = page.locator("main")
    story = {
        "the IPR's summary matrix": main.locator("table").filter(has_text="Variation"),
        "a measure that changed status": main.get_by_role(
            "link", name="Patients waiting over 18 weeks"
        ),
        "overdue actions by source": main.get_by_role("link", name="Overdue: inspection finding"),
        "CQC's latest rating": main.get_by_text("Requires improvement").first,
        "what is being done about it": main.get_by_role("link", name="Actions still open"),
    }
    below = [what for what, where in story.items() if not reading.on_first_screen(where)]
    assert below == [], f"below the first screen: {below}"


def _ipr(reading: Reading) -> None:
    page = reading.page
    page.locator("main").get_by_role("link", name="The integrated performance report").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/reports/ipr/")
    reading.keep("ipr")
    headings = page.locator("main h2").all_inner_texts()
    sections = [h for h in headings if h in ("Safe", "Caring", "Responsive", "Well-led")]
    assert sections == ["Safe", "Caring", "Responsive", "Well-led"], headings
    measures = page.locator("main section.reports-metric")
    assert measures.count() == 4
    for index in range(4):
        assert measures.nth(index).locator("svg").count() >= 1
    # A measure with no narrative says so: its owner has been asked for one.
    assert "No narrative yet" in measures.nth(3).inner_text()


def _well_led(reading: Reading) -> None:
    page = reading.page
    page.goto("/")
    page.locator("main").get_by_role("link", name="The well-led page").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/assurance/well-led/")
    reading.keep("well-led")
    text = page.locator("main").inner_text()
    cqc = text.index("Well-led: Requires improvement")
    estimate = text.index("Well-led: Good")
    assert cqc < estimate
    assert "Estimated, not CQC's" in text[estimate:]


def _owner_is_warned(owner_page, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """The measure with no narrative is on its owner's "My work" before the board
    reads the report (due on the 10th: reports_work)."""
    from wellled.reports.queries import last_month

    owner = Reading(owner_page, folder)
    owner_page.goto("/")
    owner.keep("owner-asked-for-a-narrative")
    ask = f"Write the {last_month():%B %Y} narrative for Appraisals done"
    assert owner_page.get_by_role("link", name=ask).is_visible()
    assert owner.problems == []


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
def test_a_board_member_sees_the_months_story_on_one_screen(  # type: ignore[no-untyped-def]
    trust, page_as, tmp_path
) -> None:
    # Every record first: on SQLite, writing while the live server answers the
    # browser would meet a locked table.
    _measures(trust)
    _cqc_and_actions(trust)
    page = page_as(trust.people["board_member"])
    page.set_viewport_size(SCREEN)
    reading = Reading(page, _artefacts(tmp_path))

    _home(reading)
    _ipr(reading)
    _well_led(reading)
    assert reading.problems == []
    _owner_is_warned(page_as(trust.people["governance_lead"]), reading.folder)
