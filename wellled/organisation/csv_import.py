"""Import sites and services from a CSV file, all or nothing.

The page checks the file itself (size, encoding, header) and starts a background
job with the decoded text. The job runs `import_units_from_csv`, which checks
every row first and writes nothing unless every row is right, so a file with
mistakes can be corrected and uploaded again as a whole.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from wellled.core import audit, jobs
from wellled.core.models import Job
from wellled.core.types import Actor
from wellled.organisation.access import ALL, Cap, scope_paths
from wellled.organisation.models import OrgUnit, ServiceLine, Setting, UnitKind

JOB_KIND = "organisation.import_csv"

# Column name -> what goes in it, shown on the import page.
COLUMNS: dict[str, str] = {
    "kind": "site or service",
    "name": "The unit's name",
    "ods_code": "Its ODS code (needed for a site that services refer to)",
    "parent": "Name or ODS code of the hub a site sits in, or the care group a service is in",
    "address": "A site's address",
    "postcode": "A site's postcode",
    "service_line": "For a service: " + ", ".join(ServiceLine.values),
    "setting": "For a service: " + ", ".join(Setting.values),
    "sites": "For a service: ODS codes of the sites where it is delivered, separated by ;",
}
REQUIRED_COLUMNS = ("kind", "name", "parent")
TEMPLATE_ROWS = [
    {
        "kind": "site",
        "name": "Example Health Centre",
        "ods_code": "RZZ10",
        "parent": "North hub",
        "address": "1 High Street, Town",
        "postcode": "AB1 2CD",
    },
    {
        "kind": "service",
        "name": "Example memory service",
        "parent": "Adult mental health",
        "service_line": "mental_health",
        "setting": "community",
        "sites": "RZZ10",
    },
]

# Where a site or a service may be placed by the import (the model allows the trust too).
IMPORT_PARENTS: dict[str, tuple[str, ...]] = {
    UnitKind.SITE: (UnitKind.HUB, UnitKind.TRUST),
    UnitKind.SERVICE: (UnitKind.CARE_GROUP, UnitKind.TRUST),
}
ODS_CODE = re.compile(r"^[A-Z0-9]{1,10}$")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    sites: int = 0
    services: int = 0
    site_links: int = 0


@dataclass
class _Row:
    number: int
    kind: str
    name: str
    ods_code: str | None
    parent: OrgUnit | None
    address: str
    postcode: str
    service_line: str
    setting: str
    site_codes: list[str]


def size_label(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:g} MB"
    return f"{limit // 1024} KB"


def decode_upload(raw: bytes, filename: str) -> str:
    """The file's text, or FileProblem naming what is wrong with it."""
    if not filename.lower().endswith(".csv"):
        raise FileProblem("The file must be a CSV file (its name ends in .csv)")
    if not raw.strip():
        raise FileProblem("The file is empty")
    if b"\x00" in raw:
        raise FileProblem(
            "The file is not a CSV file. If it is a spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)' and upload that"
        )
    try:
        # utf-8-sig drops the byte order mark that Excel puts at the start.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file must be saved as UTF-8. In Excel, choose 'Save as' and "
            "'CSV UTF-8 (comma delimited)'"
        ) from None
    check_header(text)
    return text


def _read(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not a readable CSV file ({exc})") from None


def _header(rows: list[list[str]]) -> list[str]:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileProblem("The first row must name the columns: " + ", ".join(COLUMNS))
    header = [cell.strip().lower() for cell in rows[0]]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append("the header has no " + ", ".join(f"'{name}'" for name in missing))
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        problems.append(
            "the header has unknown columns "
            + ", ".join(f"'{name}'" for name in unknown)
            + " (the columns are "
            + ", ".join(COLUMNS)
            + ")"
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        problems.append("the header repeats " + ", ".join(f"'{name}'" for name in repeated))
    if problems:
        raise FileProblem("Row 1: " + "; ".join(problems))
    if len(rows) < 2 or not any(any(cell.strip() for cell in row) for row in rows[1:]):
        raise FileProblem("The file has a header but no rows of sites or services under it")
    return header


def check_header(text: str) -> None:
    _header(_read(text))


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _choice(value: str, choices: type[ServiceLine] | type[Setting]) -> str | None:
    """The stored value for a code or a label, matched without regard to case."""
    wanted = value.strip().casefold().replace(" ", "_").replace("-", "_")
    for code, label in choices.choices:
        if wanted in (code, str(label).casefold().replace(" ", "_").replace("-", "_")):
            return code
    return None


class _Checker:
    """Checks every row against the file and the database, collecting every problem."""

    def __init__(self, acting_user: Actor) -> None:
        self.errors: list[RowError] = []
        # No acting user means the system itself (a command or the demo), which may add anywhere.
        self.paths = (
            scope_paths(acting_user, Cap.MANAGE_ORGANISATION) if acting_user is not None else ALL
        )
        existing = OrgUnit.objects.exclude(ods_code=None).only(
            "pk", "kind", "name", "ods_code", "is_active"
        )
        self.by_code: dict[str, OrgUnit] = {(u.ods_code or "").upper(): u for u in existing}
        parent_kinds = {kind for kinds in IMPORT_PARENTS.values() for kind in kinds}
        self.parents_by_name: dict[str, list[OrgUnit]] = defaultdict(list)
        self.parents = list(OrgUnit.objects.filter(kind__in=parent_kinds))
        for unit in self.parents:
            self.parents_by_name[unit.name.casefold()].append(unit)
        self.taken_names: set[tuple[int, str, str]] = {
            (parent_id, kind, name.casefold())
            for parent_id, kind, name in OrgUnit.objects.filter(
                parent__in=self.parents, kind__in=IMPORT_PARENTS
            ).values_list("parent_id", "kind", "name")
        }
        self.file_codes: dict[str, int] = {}
        self.file_names: dict[tuple[int, str, str], int] = {}
        self.file_sites: set[str] = set()

    def error(self, row: int, message: str) -> None:
        self.errors.append(RowError(row, message))

    def in_scope(self, unit: OrgUnit) -> bool:
        return any(unit.path.startswith(path) for path in self.paths)

    def find_parent(self, number: int, kind: str, value: str) -> OrgUnit | None:
        allowed = IMPORT_PARENTS[kind]
        wanted = " or ".join(str(UnitKind(k).label).lower() for k in allowed)
        if not value:
            self.error(number, f"Enter the {wanted} this {kind} belongs to in 'parent'")
            return None
        by_code = self.by_code.get(value.upper())
        candidates = [by_code] if by_code is not None else self.parents_by_name[value.casefold()]
        if not candidates:
            self.error(number, f"There is no {wanted} called or with the ODS code '{value}'")
            return None
        fitting = [unit for unit in candidates if unit.kind in allowed]
        if not fitting:
            other = candidates[0]
            self.error(
                number,
                f"'{value}' is a {UnitKind(other.kind).label.lower()}: "
                f"a {kind} must sit under a {wanted}",
            )
            return None
        if len(fitting) > 1:
            self.error(number, f"More than one unit is called '{value}': use its ODS code")
            return None
        parent = fitting[0]
        if not parent.is_active:
            self.error(number, f"{parent} is closed: a {kind} cannot be added to it")
            return None
        if not self.in_scope(parent):
            self.error(number, f"You cannot add units to {parent}: it is outside your area")
            return None
        return parent

    def check(self, number: int, values: dict[str, str]) -> _Row | None:
        start = len(self.errors)
        kind = values.get("kind", "").strip().lower()
        name = " ".join(values.get("name", "").split())
        code = values.get("ods_code", "").strip().upper() or None
        postcode = " ".join(values.get("postcode", "").split()).upper()
        raw_line = values.get("service_line", "").strip()
        raw_setting = values.get("setting", "").strip()
        raw_sites = values.get("sites", "").strip()
        if kind not in IMPORT_PARENTS:
            shown = f"'{values.get('kind', '').strip()}'" if kind else "nothing"
            self.error(number, f"'kind' must be site or service, not {shown}")
        if not name:
            self.error(number, "Enter a name")
        elif len(name) > 200:
            self.error(number, "The name must be 200 characters or fewer")
        if code is not None:
            if not ODS_CODE.match(code):
                self.error(number, f"'{code}' is not an ODS code: use up to 10 letters and digits")
            elif code in self.file_codes:
                self.error(number, f"ODS code {code} is also on row {self.file_codes[code]}")
            elif code in self.by_code:
                self.error(number, f"ODS code {code} is already used by {self.by_code[code]}")
            self.file_codes.setdefault(code, number)
        if len(postcode) > 10:
            self.error(number, "The postcode must be 10 characters or fewer")
        service_line = setting = ""
        site_codes = list(dict.fromkeys(c.strip().upper() for c in raw_sites.split(";")))
        site_codes = [c for c in site_codes if c]
        if kind == UnitKind.SERVICE:
            service_line = _choice(raw_line, ServiceLine) or ""
            if not service_line:
                self.error(
                    number,
                    f"'service_line' must be one of {', '.join(ServiceLine.values)}"
                    + (f", not '{raw_line}'" if raw_line else ""),
                )
            setting = _choice(raw_setting, Setting) or ""
            if not setting:
                self.error(
                    number,
                    f"'setting' must be one of {', '.join(Setting.values)}"
                    + (f", not '{raw_setting}'" if raw_setting else ""),
                )
        elif kind == UnitKind.SITE:
            for column, raw in (("service_line", raw_line), ("setting", raw_setting)):
                if raw:
                    self.error(number, f"Only services have a '{column}': leave it empty")
            if raw_sites:
                self.error(number, "Only services are delivered at sites: leave 'sites' empty")
            if code:
                self.file_sites.add(code)
        parent = None
        if kind in IMPORT_PARENTS:
            parent = self.find_parent(number, kind, values.get("parent", "").strip())
        if parent is not None and name:
            key = (parent.pk, kind, name.casefold())
            if key in self.taken_names:
                self.error(number, f"{parent} already has a {kind} called {name}")
            elif key in self.file_names:
                self.error(
                    number, f"Row {self.file_names[key]} already adds a {kind} called {name}"
                )
            self.file_names.setdefault(key, number)
        if len(self.errors) > start:
            return None
        return _Row(
            number=number,
            kind=kind,
            name=name,
            ods_code=code,
            parent=parent,
            address=values.get("address", "").strip(),
            postcode=postcode,
            service_line=service_line,
            setting=setting,
            site_codes=site_codes,
        )

    def check_sites(self, row: _Row) -> None:
        """Runs after every row is read, since a service may name a site further down."""
        for code in row.site_codes:
            if code in self.file_sites:
                continue
            unit = self.by_code.get(code)
            if unit is None:
                self.error(row.number, f"No site has the ODS code {code}, in wellled or the file")
            elif unit.kind != UnitKind.SITE:
                self.error(row.number, f"{code} is {unit}, which is not a site")
            elif not unit.is_active:
                self.error(row.number, f"The site {unit} ({code}) is closed")


Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


@transaction.atomic
def import_units_from_csv(
    *, acting_user: User | None, text: str, progress: Progress = _no_progress
) -> ImportResult:
    """Check every row, then create every site and service, or nothing at all."""
    progress(5, "Reading the file")
    try:
        rows = _read(text)
        header = _header(rows)
    except FileProblem as problem:
        return ImportResult(errors=[RowError(1, str(problem).removeprefix("Row 1: "))])
    checker = _Checker(acting_user)
    good: list[_Row] = []
    total = len(rows) - 1
    for index, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, as spreadsheets leave at the end
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            checker.error(index, f"The row has {len(cells)} cells but the header has {len(header)}")
            continue
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        row = checker.check(index, values)
        if row is not None:
            good.append(row)
        if index % 500 == 0:
            progress(5 + 45 * (index - 1) // total, f"Checked {index - 1} of {total} rows")
    for row in good:
        checker.check_sites(row)
    if checker.errors:
        errors = sorted(checker.errors, key=lambda e: e.row)
        return ImportResult(errors=errors)
    progress(50, f"All {len(good)} rows are correct: adding them")
    return _write(acting_user, good, checker, progress)


def _write(
    acting_user: Actor, rows: list[_Row], checker: _Checker, progress: Progress
) -> ImportResult:
    # Sites first, so that services in the same file can be linked to them.
    sites = [row for row in rows if row.kind == UnitKind.SITE]
    services = [row for row in rows if row.kind == UnitKind.SERVICE]
    created: dict[str, OrgUnit] = {}
    done = 0
    for batch in (sites, services):
        for row in batch:
            assert row.parent is not None  # the checker refuses rows without one
            unit = OrgUnit.objects.create(
                kind=row.kind,
                name=row.name,
                parent=row.parent,
                ods_code=row.ods_code,
                address=row.address,
                postcode=row.postcode,
                service_line=row.service_line,
                setting=row.setting,
                path="",
            )
            unit.path = f"{row.parent.path}{unit.pk}/"
            unit.depth = unit.path.count("/") - 2
            unit.save(update_fields=["path", "depth"])
            if row.ods_code:
                created[row.ods_code] = unit
            links = [created.get(code) or checker.by_code[code] for code in row.site_codes]
            if links:
                unit.sites.add(*links)
            done += 1
            if done % 200 == 0:
                progress(50 + 45 * done // len(rows), f"Added {done} of {len(rows)} units")
    link_count = sum(len(row.site_codes) for row in services)
    result = ImportResult(sites=len(sites), services=len(services), site_links=link_count)
    audit.record(
        acting_user=acting_user,
        action="units.imported",
        object_type="organisation.orgunit",
        object_repr=f"{result.sites} sites and {result.services} services from a CSV file",
        after={"sites": result.sites, "services": result.services, "site_links": link_count},
    )
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@jobs.handler(JOB_KIND)
def run_import(job: Job, progress: Progress) -> jobs.Outcome:
    result = import_units_from_csv(
        acting_user=job.started_by, text=str(job.payload.get("text", "")), progress=progress
    )
    if result.errors:
        return jobs.Outcome(
            succeeded=False,
            message=(
                f"Nothing was imported: {_plural(len(result.errors), 'problem')} found. "
                "Correct the file and upload it again."
            ),
            result={"errors": [error.as_dict() for error in result.errors]},
            result_url=reverse("organisation:import"),
        )
    return jobs.Outcome(
        succeeded=True,
        message=(
            f"Imported {_plural(result.sites, 'site')} and {_plural(result.services, 'service')}"
        ),
        result={
            "sites": result.sites,
            "services": result.services,
            "site_links": result.site_links,
        },
        result_url=reverse("organisation:tree"),
    )
