"""The national return: quarterly counts through the versioned field set in force
(`return_fields/*.json`), and its CSV and spreadsheet exports."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from wellled.speakup.models import Case, FeedbackAnswer, Route, WorkerGroup
from wellled.speakup.reporting.periods import Quarter

FIELD_SETS_DIR = Path(__file__).resolve().parent.parent / "return_fields"


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
    # Why this field (or its categories) is not confirmed against the collection's
    # own text; empty when it is. Shown on the return page and in its exports.
    unconfirmed: str = ""

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
    # False when the collection's own specification could not be read, so the
    # fields are wellled's best reading of it (said on the page and the export).
    specification_available: bool = True
    # What the collection asks for that wellled does not count, and why.
    not_counted: tuple[str, ...] = ()


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
        unconfirmed=str(entry.get("unconfirmed", "")),
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
        specification_available=bool(data.get("specification_available", True)),
        not_counted=tuple(str(item) for item in data.get("not_counted", ())),
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


def caveats(field_set: FieldSet) -> list[str]:
    """What a guardian must know before submitting: an unavailable specification,
    fields not confirmed against the collection, and what is asked but not counted."""
    lines: list[str] = []
    if not field_set.specification_available:
        lines.append(
            f"Not checked against {field_set.owner}'s specification for this collection, "
            "which was not available when this field set was written."
        )
    unsure = [f for f in field_set.fields if f.unconfirmed]
    lines += [f"Not confirmed: {f.label}. {f.unconfirmed}" for f in unsure]
    lines += [f"Not counted by wellled: {item}" for item in field_set.not_counted]
    return lines


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
    # openpyxl is loaded only when a spreadsheet is asked for: it is slow to import.
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
    for line in caveats(field_set):
        about.append(["Caveat", line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
