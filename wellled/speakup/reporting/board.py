"""The board's view: trends and themes by quarter, every small count suppressed."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wellled.speakup.models import Case, FeedbackAnswer
from wellled.speakup.reporting.national_return import _VALUES, BREAKDOWNS
from wellled.speakup.reporting.periods import Quarter, suppress_below
from wellled.speakup.reporting.suppression import Cell, CellKey, SumGroup, suppress

# The board view ------------------------------------------------------------------

ELEMENTS: list[tuple[str, str]] = [
    ("element_patient_safety", "Patient safety or quality"),
    ("element_worker_safety", "Worker safety or wellbeing"),
    ("element_bullying_harassment", "Bullying or harassment"),
    ("element_other_behaviour", "Other inappropriate attitudes or behaviours"),
    ("detriment_reported", "Detriment reported for speaking up"),
]
FEEDBACK_ANSWERS = [(str(v), str(label)) for v, label in FeedbackAnswer.choices]


@dataclass
class BoardRow:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class BoardTable:
    caption: str
    rows: list[BoardRow]
    note: str = ""


@dataclass
class ConfidenceRow:
    survey_year: int
    financial_year: str
    measures: dict[str, float | None]
    concerns: Cell | None  # None: the financial year has not ended


@dataclass
class BoardReport:
    quarters: list[Quarter]
    threshold: int
    tables: list[BoardTable]
    themes: BoardTable
    suppressed: int
    confidence: list[ConfidenceRow] = field(default_factory=list)


OTHER_THEMES = "other"
OTHER_THEMES_LABEL = "Other themes"


Row = Mapping[str, Any]


def _quarter_counts(
    quarters: Iterable[Quarter],
    *,
    named_from: Iterable[Quarter] = (),
    threshold: int = 0,
) -> tuple[dict[CellKey, int], list[SumGroup], dict[str, str]]:
    """Every board count for the quarters, and the identities between them.

    Theme names are typed by guardians, so a rare one can point at a person: a
    theme is named only when at least `threshold` concerns carry it over the
    `named_from` quarters. The rest are counted together, unnamed, as the concerns
    with any of them ("Other themes"), and that count is suppressed like any other.
    """
    quarters = sorted(set(quarters))
    values: dict[CellKey, int] = {}
    groups: list[SumGroup] = []
    if not quarters:
        return values, groups, {}
    start, end = quarters[0].start, quarters[-1].end
    received, closed = _received_and_closed(start, end)
    themes_of, theme_names = _themes(start, end)
    theme_names = _name_common_themes(received, themes_of, theme_names, named_from, threshold)
    for quarter in quarters:
        in_quarter = [c for c in received if quarter.start <= c["received_week"] <= quarter.end]
        _count_received(quarter.slug, in_quarter, themes_of, theme_names, values, groups)
        closed_here = [
            c
            for c in closed
            if c["closed_week"] is not None and quarter.start <= c["closed_week"] <= quarter.end
        ]
        _count_closed(quarter.slug, closed_here, values, groups)
    # Themes seen in only some quarters still get a (zero) cell in the others.
    for quarter in quarters:
        for theme in theme_names:
            values.setdefault(("theme", theme, quarter.slug), 0)
    return values, groups, theme_names


def _received_and_closed(start: datetime.date, end: datetime.date) -> tuple[list[Row], list[Row]]:
    received: list[Row] = list(
        Case.objects.filter(received_week__range=(start, end)).values(
            "pk", *_VALUES, "received_week"
        )
    )
    closed: list[Row] = list(
        Case.objects.filter(status="closed", closed_week__range=(start, end)).values(
            "feedback_answer", "closed_week"
        )
    )
    return received, closed


def _themes(
    start: datetime.date, end: datetime.date
) -> tuple[dict[Any, list[str]], dict[str, str]]:
    """The themes of each case received in the period, and each theme's name."""
    themes_of: dict[Any, list[str]] = {}
    theme_names: dict[str, str] = {}
    for case_id, theme_pk, name in Case.themes.through.objects.filter(
        case__received_week__range=(start, end)
    ).values_list("case_id", "theme_id", "theme__name"):
        themes_of.setdefault(case_id, []).append(str(theme_pk))
        theme_names[str(theme_pk)] = str(name)
    return themes_of, theme_names


def _name_common_themes(
    received: list[Row],
    themes_of: dict[Any, list[str]],
    theme_names: dict[str, str],
    named_from: Iterable[Quarter],
    threshold: int,
) -> dict[str, str]:
    """The themes that may be named; the rare ones become "Other themes" in
    `themes_of` (changed in place)."""
    shown = [(q.start, q.end) for q in named_from]
    carried = Counter(
        theme
        for c in received
        if any(start <= c["received_week"] <= end for start, end in shown)
        for theme in set(themes_of.get(c["pk"], []))
    )
    rare = {theme for theme in theme_names if carried[theme] < threshold}
    named = {theme: name for theme, name in theme_names.items() if theme not in rare}
    if rare:
        named[OTHER_THEMES] = OTHER_THEMES_LABEL
    for case in received:
        # Counted once under "Other themes", however many rare themes it has.
        themes = themes_of.get(case["pk"], [])
        themes_of[case["pk"]] = [t for t in themes if t not in rare] + (
            [OTHER_THEMES] if any(t in rare for t in themes) else []
        )
    return named


def _count_received(
    q: str,
    in_quarter: list[Row],
    themes_of: dict[Any, list[str]],
    theme_names: dict[str, str],
    values: dict[CellKey, int],
    groups: list[SumGroup],
) -> None:
    """The quarter's concerns received: by route, worker group, element and theme."""
    values[("total", q)] = len(in_quarter)
    routes = Counter(c["route"] for c in in_quarter)
    for route, _ in BREAKDOWNS["route"]:
        values[("route", route, q)] = routes.get(route, 0)
    groups.append(SumGroup(("total", q), tuple(("route", r, q) for r, _ in BREAKDOWNS["route"])))
    worker_groups = Counter(c["worker_group"] for c in in_quarter)
    for group, _ in BREAKDOWNS["worker_group"]:
        values[("worker_group", group, q)] = worker_groups.get(group, 0)
    groups.append(
        SumGroup(("total", q), tuple(("worker_group", g, q) for g, _ in BREAKDOWNS["worker_group"]))
    )
    for name, _ in ELEMENTS:
        values[("element", name, q)] = sum(1 for c in in_quarter if c[name])
    theme_counts = Counter(t for c in in_quarter for t in themes_of.get(c["pk"], []))
    for theme in theme_names:
        values[("theme", theme, q)] = theme_counts.get(theme, 0)


def _count_closed(
    q: str, closed_here: list[Row], values: dict[CellKey, int], groups: list[SumGroup]
) -> None:
    """The quarter's concerns closed, by the worker's answer to the feedback question."""
    values[("closed", q)] = len(closed_here)
    answers = Counter(c["feedback_answer"] for c in closed_here)
    for answer, _ in FEEDBACK_ANSWERS:
        values[("feedback", answer, q)] = answers.get(answer, 0)
    groups.append(SumGroup(("closed", q), tuple(("feedback", a, q) for a, _ in FEEDBACK_ANSWERS)))


def board_report(
    quarters: list[Quarter],
    *,
    today: datetime.date,
    confidence_years: dict[int, dict[str, float | None]] | None = None,
    threshold: int | None = None,
) -> BoardReport:
    """Trends and themes by quarter, suppressed for the board.

    `confidence_years` maps a staff survey year to the trust's raising-concerns
    results; each is shown beside the concerns received in the financial year
    that starts in April of that year (the survey runs in its autumn), once that
    year has ended. Every finished financial year from the earliest one shown
    joins the same suppression as a total of its quarters, whether or not a
    survey year sits beside it, so a small quarter cannot be worked out from a
    year's total and the pattern does not change when a survey is imported.
    """
    k = suppress_below() if threshold is None else threshold
    confidence_years = confidence_years or {}
    first_year = min([quarters[0].year, *confidence_years]) if quarters else None
    last_finished = Quarter.containing(today).year - 1
    finished_years = list(range(first_year, last_finished + 1)) if first_year is not None else []
    every_quarter = set(quarters)
    for year in finished_years:
        every_quarter.update(Quarter(year, n) for n in range(1, 5))
    values, groups, theme_names = _quarter_counts(every_quarter, named_from=quarters, threshold=k)
    for year in finished_years:
        values[("year", year)] = sum(values[("total", Quarter(year, n).slug)] for n in range(1, 5))
        groups.append(
            SumGroup(("year", year), tuple(("total", Quarter(year, n).slug) for n in range(1, 5)))
        )
    # A year's total appears only once the year has ended, after its quarters
    # were shown on earlier reports: hide the year rather than a quarter.
    hidden = suppress(
        values, groups, k, hide_totals_first=[("year", year) for year in finished_years]
    )

    def cell(key: CellKey) -> Cell:
        return Cell(None if key in hidden else values[key])

    slugs = [q.slug for q in quarters]
    shown = {
        key
        for key in values
        if isinstance(key, tuple)
        and (key[-1] in slugs or (key[0] == "year" and key[1] in confidence_years))
    }
    return BoardReport(
        quarters=quarters,
        threshold=k,
        tables=_count_tables(cell, slugs),
        themes=_themes_table(cell, slugs, theme_names, k),
        suppressed=len(hidden & shown),
        confidence=_confidence(cell, confidence_years, last_finished),
    )


def _confidence(
    cell: Callable[[CellKey], Cell],
    confidence_years: dict[int, dict[str, float | None]],
    last_finished: int,
) -> list[ConfidenceRow]:
    """Each survey year's results beside the concerns of its financial year, once ended."""
    return [
        ConfidenceRow(
            survey_year=year,
            financial_year=Quarter(year, 1).financial_year,
            measures=measures,
            concerns=cell(("year", year)) if year <= last_finished else None,
        )
        for year, measures in sorted(confidence_years.items())
    ]


def _count_tables(cell: Callable[[CellKey], Cell], slugs: list[str]) -> list[BoardTable]:
    """Routes, elements, worker groups and feedback, a column per quarter."""
    routes = BoardTable(
        "Concerns raised by route",
        [
            BoardRow(label, [cell(("route", value, q)) for q in slugs])
            for value, label in BREAKDOWNS["route"]
        ]
        + [BoardRow("All concerns", [cell(("total", q)) for q in slugs], is_total=True)],
    )
    elements = BoardTable(
        "Concerns by element of the national return",
        [BoardRow(label, [cell(("element", name, q)) for q in slugs]) for name, label in ELEMENTS],
        note="A concern can have several elements, so these do not add up to the total.",
    )
    worker = BoardTable(
        "Concerns by worker group",
        [
            BoardRow(label, [cell(("worker_group", value, q)) for q in slugs])
            for value, label in BREAKDOWNS["worker_group"]
        ]
        + [BoardRow("All concerns", [cell(("total", q)) for q in slugs], is_total=True)],
    )
    feedback = BoardTable(
        "'Given your experience, would you speak up again?' (concerns closed in the quarter)",
        [
            BoardRow(label, [cell(("feedback", value, q)) for q in slugs])
            for value, label in FEEDBACK_ANSWERS
        ]
        + [BoardRow("Concerns closed", [cell(("closed", q)) for q in slugs], is_total=True)],
    )
    return [routes, elements, worker, feedback]


def _themes_table(
    cell: Callable[[CellKey], Cell], slugs: list[str], theme_names: dict[str, str], k: int
) -> BoardTable:
    return BoardTable(
        "Themes of concerns raised",
        [
            BoardRow(name, [cell(("theme", theme_id, q)) for q in slugs])
            for theme_id, name in sorted(
                theme_names.items(), key=lambda item: (item[0] == OTHER_THEMES, item[1])
            )
        ],
        note="A concern can have several themes, or none. A theme given to fewer than "
        f"{k} concerns over these quarters is not named: those concerns are counted "
        f"together under “{OTHER_THEMES_LABEL}”.",
    )
