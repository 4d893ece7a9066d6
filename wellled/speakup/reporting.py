"""Speak-up figures that identify no one: the national return, the board view, IPR metrics.

Everything here reads only the case's plaintext reporting fields (route, the
week received and closed, status, the elements, worker group, detriment,
themes, feedback answer). Nothing decrypts a case.

* `national_return(quarter)`: the quarterly counts for the national return,
  through the field set (a versioned JSON file in `return_fields/`) in force for
  the quarter. Guardians see these counts as they are.
* `board_report(quarters)`: trends and themes by quarter for the board, with
  every count from 1 to the threshold minus one suppressed, and enough other
  cells suppressed that no suppressed count can be worked out from a total
  (`suppress`).
* `register_metric_sources()`: monthly measures for the SPC/IPR module, with
  the same suppression.

A case falls in the quarter (or month) of its received week's Monday: dates
are held only to the week, so a case received on Tuesday 1 April in a week
that began on Monday 31 March counts in the quarter ending in March.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from django.conf import settings

from wellled.speakup.models import Case, FeedbackAnswer, Route, WorkerGroup

if TYPE_CHECKING:
    from wellled.organisation.models import OrgUnit

DEFAULT_SUPPRESS_BELOW = 5
FIELD_SETS_DIR = Path(__file__).resolve().parent / "return_fields"


def suppress_below() -> int:
    """The smallest count shown to the board: settings.WELLLED_SPEAKUP_SUPPRESS_BELOW (5)."""
    return int(getattr(settings, "WELLLED_SPEAKUP_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW))


# Quarters ------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: year 2025, number 1 is April to June 2025 (Q1 2025/26)."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, slug: str) -> Quarter:
        """'2025-Q1' -> Quarter(2025, 1); ValueError for anything else."""
        match = _QUARTER.match(slug.strip())
        if match is None:
            raise ValueError(f"{slug!r} is not a quarter like 2025-Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> datetime.date:
        month = 4 + 3 * (self.number - 1)
        return datetime.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.financial_year}"

    @property
    def months_label(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    def __str__(self) -> str:
        return self.label


def recent_quarters(count: int, today: datetime.date) -> list[Quarter]:
    """The `count` quarters up to and including today's, oldest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))


# Field sets of the national return -------------------------------------------

# The plaintext fields a field set may count by, and the choices of those it may break down.
FILTERABLE: dict[str, type] = {
    "route": str,
    "status": str,
    "worker_group": str,
    "feedback_answer": str,
    "element_patient_safety": bool,
    "element_worker_safety": bool,
    "element_bullying_harassment": bool,
    "element_other_behaviour": bool,
    "detriment_reported": bool,
}
BREAKDOWNS: dict[str, list[tuple[str, str]]] = {
    "route": [(str(v), str(label)) for v, label in Route.choices],
    "worker_group": [(str(v), str(label)) for v, label in WorkerGroup.choices],
    "feedback_answer": [(str(v), str(label)) for v, label in FeedbackAnswer.choices],
}


class FieldSetError(ValueError):
    """A field set file is malformed: a programming error, caught by the tests."""


@dataclass(frozen=True)
class ReturnField:
    key: str
    label: str
    where: tuple[tuple[str, Any], ...] = ()
    any_of: tuple[str, ...] = ()
    breakdown: str = ""
    period: Literal["received", "closed"] = "received"

    def matches(self, case: Mapping[str, Any]) -> bool:
        if any(case[name] != value for name, value in self.where):
            return False
        return not self.any_of or any(case[name] for name in self.any_of)


@dataclass(frozen=True)
class FieldSet:
    version: str
    owner: str
    title: str
    valid_from: datetime.date
    source: str
    provisional: bool
    notes: str
    fields: tuple[ReturnField, ...]


def _parse_field(path: Path, entry: dict[str, Any]) -> ReturnField:
    key = str(entry["key"])
    where = tuple(sorted(dict(entry.get("where", {})).items()))
    any_of = tuple(str(name) for name in entry.get("any_of", ()))
    breakdown = str(entry.get("breakdown", ""))
    period = str(entry.get("period", "received"))
    for name, value in where:
        if name not in FILTERABLE or not isinstance(value, FILTERABLE[name]):
            raise FieldSetError(f"{path.name}: {key} filters on {name}={value!r}")
    for name in any_of:
        if FILTERABLE.get(name) is not bool:
            raise FieldSetError(f"{path.name}: {key} any_of names {name!r}, not a yes/no field")
    if breakdown and breakdown not in BREAKDOWNS:
        raise FieldSetError(f"{path.name}: {key} breaks down by unknown {breakdown!r}")
    if period not in ("received", "closed"):
        raise FieldSetError(f"{path.name}: {key} has period {period!r}")
    return ReturnField(
        key=key,
        label=str(entry["label"]),
        where=where,
        any_of=any_of,
        breakdown=breakdown,
        period="closed" if period == "closed" else "received",
    )


def _parse_field_set(path: Path) -> FieldSet:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != path.stem:
        raise FieldSetError(f"{path.name}: 'version' must be {path.stem!r}")
    fields = tuple(_parse_field(path, entry) for entry in data["fields"])
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise FieldSetError(f"{path.name}: a field key is repeated")
    return FieldSet(
        version=str(data["version"]),
        owner=str(data["owner"]),
        title=str(data["title"]),
        valid_from=datetime.date.fromisoformat(str(data["valid_from"])),
        source=str(data["source"]),
        provisional=bool(data.get("provisional", False)),
        notes=str(data.get("notes", "")),
        fields=fields,
    )


@cache
def field_sets() -> dict[str, FieldSet]:
    """Every version of the return's field set, oldest first."""
    sets = sorted(
        (_parse_field_set(path) for path in FIELD_SETS_DIR.glob("*.json")),
        key=lambda s: s.valid_from,
    )
    return {s.version: s for s in sets}


def field_set_for(quarter: Quarter) -> FieldSet:
    """The version in force on the quarter's first day; LookupError before the first."""
    fitting = [s for s in field_sets().values() if s.valid_from <= quarter.start]
    if not fitting:
        raise LookupError(f"No field set of the national return covers {quarter}")
    return fitting[-1]


# The national return -----------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    """One count of the return: a field, or one category of a field broken down."""

    key: str
    label: str
    category: str
    category_label: str
    count: int


_VALUES = (
    "route",
    "status",
    "worker_group",
    "feedback_answer",
    "element_patient_safety",
    "element_worker_safety",
    "element_bullying_harassment",
    "element_other_behaviour",
    "detriment_reported",
)


def _cases(
    period: Literal["received", "closed"], start: datetime.date, end: datetime.date
) -> list[dict[str, Any]]:
    cases = Case.objects.all()
    if period == "received":
        cases = cases.filter(received_week__range=(start, end))
    else:
        cases = cases.filter(status="closed", closed_week__range=(start, end))
    return list(cases.values(*_VALUES))


def national_return(quarter: Quarter, *, field_set: FieldSet | None = None) -> list[ReturnRow]:
    """The quarter's counts for each field of the field set (by default the one in force)."""
    chosen = field_set if field_set is not None else field_set_for(quarter)
    cases = {
        "received": _cases("received", quarter.start, quarter.end),
        "closed": _cases("closed", quarter.start, quarter.end),
    }
    rows: list[ReturnRow] = []
    for spec in chosen.fields:
        matching = [case for case in cases[spec.period] if spec.matches(case)]
        if not spec.breakdown:
            rows.append(ReturnRow(spec.key, spec.label, "", "", len(matching)))
            continue
        counted = Counter(case[spec.breakdown] for case in matching)
        for value, label in BREAKDOWNS[spec.breakdown]:
            rows.append(ReturnRow(spec.key, spec.label, value, label, counted.get(value, 0)))
    return rows


EXPORT_HEADER = ["field_set", "quarter", "field", "label", "category", "category_label", "count"]


def _export_rows(quarter: Quarter, field_set: FieldSet, rows: list[ReturnRow]) -> list[list[Any]]:
    return [
        [field_set.version, quarter.slug, r.key, r.label, r.category, r.category_label, r.count]
        for r in rows
    ]


def return_csv(quarter: Quarter, field_set: FieldSet, rows: list[ReturnRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    writer.writerows(_export_rows(quarter, field_set, rows))
    return out.getvalue()


def return_xlsx(quarter: Quarter, field_set: FieldSet, rows: list[ReturnRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{quarter.slug} return"
    sheet.append(EXPORT_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _export_rows(quarter, field_set, rows):
        sheet.append(row)
    sheet.column_dimensions["D"].width = 70
    sheet.column_dimensions["F"].width = 45
    about = book.create_sheet("About")
    about.append(["Field set", field_set.version])
    about.append(["Owner", field_set.owner])
    about.append(["Title", field_set.title])
    about.append(["In force from", field_set.valid_from.isoformat()])
    about.append(["Quarter", f"{quarter.label} ({quarter.months_label})"])
    about.append(["Source", field_set.source])
    if field_set.notes:
        about.append(["Notes", field_set.notes])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Suppression --------------------------------------------------------------------

CellKey = Hashable


@dataclass(frozen=True)
class SumGroup:
    """A published identity: the total cell equals the sum of the part cells."""

    total: CellKey
    parts: tuple[CellKey, ...]


def _pick(
    candidates: Iterable[CellKey], values: Mapping[CellKey, int], hidden: set[CellKey]
) -> CellKey | None:
    """The shown cell to suppress next: the smallest count above zero, else a zero."""
    shown = [c for c in candidates if c not in hidden]
    if not shown:
        return None
    return min(shown, key=lambda c: (values[c] == 0, values[c], repr(c)))


def _determined(hidden: list[CellKey], groups: Sequence[SumGroup]) -> list[CellKey]:
    """Hidden cells whose value follows exactly from the shown cells and the groups.

    Each group is one linear equation; with the shown cells moved to the right-hand
    side the hidden cells are the unknowns. A hidden cell is determined when every
    solution gives it the same value: when the null space of the system is zero in
    its coordinate.
    """
    if not hidden:
        return []
    position = {key: i for i, key in enumerate(hidden)}
    equations = []
    for group in groups:
        row = np.zeros(len(hidden))
        if group.total in position:
            row[position[group.total]] -= 1.0
        for part in group.parts:
            if part in position:
                row[position[part]] += 1.0
        if row.any():
            equations.append(row)
    if not equations:
        return []
    matrix = np.array(equations)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return list(hidden)
    return [key for key, i in position.items() if np.abs(null_space[:, i]).max() < 1e-9]


def suppress(
    values: Mapping[CellKey, int],
    groups: Sequence[SumGroup],
    threshold: int,
    *,
    hide_totals_first: Iterable[CellKey] = (),
) -> frozenset[CellKey]:
    """The cells to hide so that no count from 1 to threshold - 1 can be seen or worked out.

    1. Primary: every count from 1 to threshold - 1 (a zero identifies no one).
    2. Secondary, repeated until nothing changes:
       * in a group whose total is shown, the hidden parts must be at least two and
         hold at least `threshold` between them (otherwise the total minus the shown
         parts gives a small number away);
       * a hidden total needs a hidden part, or the parts add up to it;
       * no hidden cell may follow exactly from all the groups together (a linear
         check over the whole table, which catches chains across rows and columns).
       Each time, the smallest shown count above zero in the group is hidden;
       a total named in `hide_totals_first` is hidden instead of its parts (for
       totals published later than their parts, whose parts were already seen).
    """
    totals_first = set(hide_totals_first)
    cells = set(values)
    for group in groups:
        missing = {group.total, *group.parts} - cells
        if missing:
            raise KeyError(f"a group names cells with no value: {sorted(map(repr, missing))}")
    hidden: set[CellKey] = {key for key, value in values.items() if 0 < value < threshold}
    if not hidden:
        return frozenset()
    by_cell: dict[CellKey, list[SumGroup]] = {}
    for group in groups:
        for key in (group.total, *group.parts):
            by_cell.setdefault(key, []).append(group)
    while True:
        added: CellKey | None = None
        for group in groups:
            hidden_parts = [p for p in group.parts if p in hidden]
            if group.total not in hidden:
                if hidden_parts and (
                    len(hidden_parts) == 1 or sum(values[p] for p in hidden_parts) < threshold
                ):
                    if group.total in totals_first:
                        added = group.total
                    else:
                        added = _pick(group.parts, values, hidden)
                    if added is None:
                        added = _pick([group.total], values, hidden)
            elif not hidden_parts:
                added = _pick(group.parts, values, hidden)
            if added is not None:
                break
        if added is None:
            for key in _determined(sorted(hidden, key=repr), groups):
                neighbours = [c for g in by_cell.get(key, []) for c in (g.total, *g.parts)]
                added = _pick(neighbours, values, hidden)
                if added is None:
                    everywhere = [c for g in groups for c in (g.total, *g.parts)]
                    added = _pick(everywhere, values, hidden)
                if added is not None:
                    break
        if added is None:
            return frozenset(hidden)
        hidden.add(added)


@dataclass(frozen=True)
class Cell:
    """A count as the board sees it: its value, or None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


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
    theme_names: dict[str, str] = {}
    if not quarters:
        return values, groups, theme_names
    start, end = quarters[0].start, quarters[-1].end
    received = list(
        Case.objects.filter(received_week__range=(start, end)).values(
            "pk", *_VALUES, "received_week"
        )
    )
    closed = list(
        Case.objects.filter(status="closed", closed_week__range=(start, end)).values(
            "feedback_answer", "closed_week"
        )
    )
    themes_of: dict[Any, list[str]] = {}
    for case_id, theme_pk, name in Case.themes.through.objects.filter(
        case__received_week__range=(start, end)
    ).values_list("case_id", "theme_id", "theme__name"):
        themes_of.setdefault(case_id, []).append(str(theme_pk))
        theme_names[str(theme_pk)] = str(name)
    shown = [(q.start, q.end) for q in named_from]
    carried = Counter(
        theme
        for c in received
        if any(start <= c["received_week"] <= end for start, end in shown)
        for theme in set(themes_of.get(c["pk"], []))
    )
    rare = {theme for theme in theme_names if carried[theme] < threshold}
    theme_names = {theme: name for theme, name in theme_names.items() if theme not in rare}
    if rare:
        theme_names[OTHER_THEMES] = OTHER_THEMES_LABEL
    for case in received:
        # Counted once under "Other themes", however many rare themes it has.
        themes = themes_of.get(case["pk"], [])
        themes_of[case["pk"]] = [t for t in themes if t not in rare] + (
            [OTHER_THEMES] if any(t in rare for t in themes) else []
        )
    for quarter in quarters:
        q = quarter.slug
        in_quarter = [c for c in received if quarter.start <= c["received_week"] <= quarter.end]
        values[("total", q)] = len(in_quarter)
        routes = Counter(c["route"] for c in in_quarter)
        for route, _ in BREAKDOWNS["route"]:
            values[("route", route, q)] = routes.get(route, 0)
        groups.append(
            SumGroup(("total", q), tuple(("route", r, q) for r, _ in BREAKDOWNS["route"]))
        )
        worker_groups = Counter(c["worker_group"] for c in in_quarter)
        for group, _ in BREAKDOWNS["worker_group"]:
            values[("worker_group", group, q)] = worker_groups.get(group, 0)
        groups.append(
            SumGroup(
                ("total", q), tuple(("worker_group", g, q) for g, _ in BREAKDOWNS["worker_group"])
            )
        )
        for name, _ in ELEMENTS:
            values[("element", name, q)] = sum(1 for c in in_quarter if c[name])
        theme_counts = Counter(t for c in in_quarter for t in themes_of.get(c["pk"], []))
        for theme in theme_names:
            values[("theme", theme, q)] = theme_counts.get(theme, 0)
        closed_here = [
            c
            for c in closed
            if c["closed_week"] is not None and quarter.start <= c["closed_week"] <= quarter.end
        ]
        values[("closed", q)] = len(closed_here)
        answers = Counter(c["feedback_answer"] for c in closed_here)
        for answer, _ in FEEDBACK_ANSWERS:
            values[("feedback", answer, q)] = answers.get(answer, 0)
        groups.append(
            SumGroup(("closed", q), tuple(("feedback", a, q) for a, _ in FEEDBACK_ANSWERS))
        )
    # Themes seen in only some quarters still get a (zero) cell in the others.
    for quarter in quarters:
        for theme in theme_names:
            values.setdefault(("theme", theme, quarter.slug), 0)
    return values, groups, theme_names


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
    themes = BoardTable(
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
    confidence = [
        ConfidenceRow(
            survey_year=year,
            financial_year=Quarter(year, 1).financial_year,
            measures=measures,
            concerns=cell(("year", year)) if year <= last_finished else None,
        )
        for year, measures in sorted(confidence_years.items())
    ]
    shown = {
        key
        for key in values
        if isinstance(key, tuple)
        and (key[-1] in slugs or (key[0] == "year" and key[1] in confidence_years))
    }
    return BoardReport(
        quarters=quarters,
        threshold=k,
        tables=[routes, elements, worker, feedback],
        themes=themes,
        suppressed=len(hidden & shown),
        confidence=confidence,
    )


# Metrics for the SPC / IPR module ---------------------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months = []
    month = _month_start(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def _monthly_system(
    months: list[datetime.date], counts: Mapping[datetime.date, int], k: int
) -> frozenset[CellKey]:
    """Suppress monthly counts as if each quarter's total were published beside them."""
    quarters = sorted({Quarter.containing(m) for m in months})
    values: dict[CellKey, int] = {}
    groups = []
    for quarter in quarters:
        parts = []
        month = quarter.start
        while month <= quarter.end:
            values[month] = counts.get(month, 0)
            parts.append(month)
            month = _next_month(month)
        values[quarter] = sum(values[m] for m in parts)
        groups.append(SumGroup(quarter, tuple(parts)))
    return suppress(values, groups, k)


def _monthly_counts(
    dates: Iterable[datetime.date],
) -> Counter[datetime.date]:
    return Counter(_month_start(d) for d in dates)


def _whole_quarters(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    return Quarter.containing(start).start, Quarter.containing(end).end


def _trust_wide(unit: OrgUnit | None) -> bool:
    # Figures for part of the trust could be subtracted from the trust's to reveal
    # small numbers, so speak-up measures exist for the whole trust only.
    return unit is None or unit.parent_id is None


def concerns_per_month(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    months = _months(start, end)
    if not _trust_wide(unit):
        return [(m, None) for m in months]
    first, last = _whole_quarters(start, end)
    counts = _monthly_counts(
        Case.objects.filter(received_week__range=(first, last)).values_list(
            "received_week", flat=True
        )
    )
    hidden = _monthly_system(_months(first, last), counts, suppress_below())
    return [(m, None if m in hidden else float(counts.get(m, 0))) for m in months]


def _share(
    start: datetime.date,
    end: datetime.date,
    unit: OrgUnit | None,
    *,
    closed: bool,
    denominator: dict[str, Any],
    numerator: dict[str, Any],
) -> list[tuple[datetime.date, float | None]]:
    """numerator ÷ denominator per month, hidden where any of the counts behind it is."""
    months = _months(start, end)
    if not _trust_wide(unit):
        return [(m, None) for m in months]
    first, last = _whole_quarters(start, end)
    date_field = "closed_week" if closed else "received_week"
    cases = Case.objects.filter(**{f"{date_field}__range": (first, last)}, **denominator)
    rows = list(cases.values_list(date_field, *numerator))
    wanted = tuple(numerator.values())
    all_counts = _monthly_counts(row[0] for row in rows)
    yes_counts = _monthly_counts(row[0] for row in rows if tuple(row[1:]) == wanted)
    no_counts = Counter({m: all_counts[m] - yes_counts.get(m, 0) for m in all_counts})
    k = suppress_below()
    every = _months(first, last)
    hidden = (
        _monthly_system(every, all_counts, k)
        | _monthly_system(every, yes_counts, k)
        | _monthly_system(every, no_counts, k)
    )
    result: list[tuple[datetime.date, float | None]] = []
    for month in months:
        total = all_counts.get(month, 0)
        if total == 0 or month in hidden:
            result.append((month, None))
        else:
            result.append((month, round(100.0 * yes_counts.get(month, 0) / total, 1)))
    return result


def anonymous_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start, end, unit, closed=False, denominator={}, numerator={"route": Route.ANONYMOUS}
    )


def detriment_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start, end, unit, closed=False, denominator={}, numerator={"detriment_reported": True}
    )


def would_speak_up_again_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start,
        end,
        unit,
        closed=True,
        denominator={
            "status": "closed",
            "feedback_answer__in": ["yes", "no", "maybe", "dont_know"],
        },
        numerator={"feedback_answer": FeedbackAnswer.YES},
    )


_SUPPRESSION_NOTE = (
    " Months are those of the Monday of the week received. Counts from 1 to the "
    "suppression threshold minus one (settings WELLLED_SPEAKUP_SUPPRESS_BELOW, default 5), "
    "and enough other months of the same quarter that a hidden month cannot be worked out "
    "from the quarter's total, are left out. Whole trust only."
)


def register_metric_sources() -> None:
    """Register the speak-up measures with the SPC/IPR module (call from AppConfig.ready)."""
    from wellled.reports.sources import MetricSource, register_source

    register_source(
        MetricSource(
            key="speakup.concerns_raised",
            title="Concerns raised with the Freedom to Speak Up guardians",
            definition="Concerns received in the month, by any route." + _SUPPRESSION_NOTE,
            unit="count",
            improvement="neither",
            frequency="monthly",
            domain="well-led",
            compute=concerns_per_month,
        )
    )
    register_source(
        MetricSource(
            key="speakup.anonymous_share",
            title="Concerns raised anonymously",
            definition=(
                "Concerns received anonymously in the month ÷ concerns received in the month."
                " A month is left out when the anonymous or the named concerns are fewer than"
                " the threshold." + _SUPPRESSION_NOTE
            ),
            unit="%",
            improvement="decrease",
            frequency="monthly",
            domain="well-led",
            compute=anonymous_share,
        )
    )
    register_source(
        MetricSource(
            key="speakup.detriment_share",
            title="Concerns where the worker reports detriment for speaking up",
            definition=(
                "Concerns received in the month whose worker reports detriment ÷ concerns "
                "received in the month." + _SUPPRESSION_NOTE
            ),
            unit="%",
            improvement="decrease",
            frequency="monthly",
            domain="well-led",
            compute=detriment_share,
        )
    )
    register_source(
        MetricSource(
            key="speakup.would_speak_up_again",
            title="Workers who would speak up again",
            definition=(
                "Concerns closed in the month whose worker answered Yes to 'Given your "
                "experience, would you speak up again?' ÷ those closed in the month with an "
                "answer (Yes, No, Maybe or Don't know)." + _SUPPRESSION_NOTE
            ),
            unit="%",
            improvement="increase",
            frequency="monthly",
            domain="well-led",
            compute=would_speak_up_again_share,
        )
    )
