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
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from wellled.core import csv_import as kit
from wellled.core import jobs
from wellled.core.csv_import import (
    FileProblem,
    RowError,
    RowErrors,
    Steps,
    data_rows,
    decode_csv,
    failed_outcome,
    no_progress,
    plural,
    read_csv,
)
from wellled.core.jobs import Progress
from wellled.core.models import Job
from wellled.core.types import Actor
from wellled.organisation import actions
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


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    sites: int = 0
    services: int = 0
    site_links: int = 0


def decode_upload(raw: bytes, filename: str) -> str:
    """The file's text, or FileProblem naming what is wrong with it."""
    text = decode_csv(raw, filename)
    check_header(text)
    return text


def _header(rows: list[list[str]]) -> list[str]:
    """The header's column names, once it and the rows under it pass the kit's checks."""
    header = kit.check_header(rows, COLUMNS, REQUIRED_COLUMNS)
    data_rows(rows, "sites or services")
    return header


def check_header(text: str) -> None:
    _header(read_csv(text))


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
        self.errors = RowErrors()
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
        self.errors.add(row, message)

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
        return self._open_and_mine(number, kind, fitting[0])

    def _open_and_mine(self, number: int, kind: str, parent: OrgUnit) -> OrgUnit | None:
        if not parent.is_active:
            self.error(number, f"{parent} is closed: a {kind} cannot be added to it")
            return None
        if not self.in_scope(parent):
            self.error(number, f"You cannot add units to {parent}: it is outside your area")
            return None
        return parent

    def check(self, number: int, values: dict[str, str]) -> _Row | None:
        """The row ready to add, or None when it has problems (recorded in `errors`)."""
        start = self.errors.mark()
        kind = values.get("kind", "").strip().lower()
        name = " ".join(values.get("name", "").split())
        code = values.get("ods_code", "").strip().upper() or None
        postcode = " ".join(values.get("postcode", "").split()).upper()
        self._check_kind_and_name(number, values, kind, name)
        if code is not None:
            self._check_code(number, code)
        if len(postcode) > 10:
            self.error(number, "The postcode must be 10 characters or fewer")
        service_line, setting = self._check_service_fields(number, kind, code, values)
        parent = self._check_placement(number, kind, name, values.get("parent", "").strip())
        if self.errors.since(start):
            return None
        return _Row(
            number=number,
            new=actions.NewUnit(
                kind=kind,
                name=name,
                parent=parent,
                ods_code=code,
                address=values.get("address", "").strip(),
                postcode=postcode,
                service_line=service_line,
                setting=setting,
                site_codes=_site_codes(values.get("sites", "")),
            ),
        )

    def _check_kind_and_name(
        self, number: int, values: dict[str, str], kind: str, name: str
    ) -> None:
        if kind not in IMPORT_PARENTS:
            shown = f"'{values.get('kind', '').strip()}'" if kind else "nothing"
            self.error(number, f"'kind' must be site or service, not {shown}")
        if not name:
            self.error(number, "Enter a name")
        elif len(name) > 200:
            self.error(number, "The name must be 200 characters or fewer")

    def _check_code(self, number: int, code: str) -> None:
        if not ODS_CODE.match(code):
            self.error(number, f"'{code}' is not an ODS code: use up to 10 letters and digits")
        elif code in self.file_codes:
            self.error(number, f"ODS code {code} is also on row {self.file_codes[code]}")
        elif code in self.by_code:
            self.error(number, f"ODS code {code} is already used by {self.by_code[code]}")
        self.file_codes.setdefault(code, number)

    def _check_service_fields(
        self, number: int, kind: str, code: str | None, values: dict[str, str]
    ) -> tuple[str, str]:
        """(service line, setting) for a service; for a site, that it has neither."""
        raw_line = values.get("service_line", "").strip()
        raw_setting = values.get("setting", "").strip()
        if kind == UnitKind.SERVICE:
            return (
                self._choice(number, "service_line", raw_line, ServiceLine),
                self._choice(number, "setting", raw_setting, Setting),
            )
        if kind == UnitKind.SITE:
            for column, raw in (("service_line", raw_line), ("setting", raw_setting)):
                if raw:
                    self.error(number, f"Only services have a '{column}': leave it empty")
            if values.get("sites", "").strip():
                self.error(number, "Only services are delivered at sites: leave 'sites' empty")
            if code:
                self.file_sites.add(code)
        return "", ""

    def _choice(
        self, number: int, column: str, raw: str, choices: type[ServiceLine] | type[Setting]
    ) -> str:
        found = _choice(raw, choices) or ""
        if not found:
            self.error(
                number,
                f"'{column}' must be one of {', '.join(choices.values)}"
                + (f", not '{raw}'" if raw else ""),
            )
        return found

    def _check_placement(self, number: int, kind: str, name: str, value: str) -> OrgUnit | None:
        """The parent the row names, and that it has no unit of that kind and name yet."""
        if kind not in IMPORT_PARENTS:
            return None
        parent = self.find_parent(number, kind, value)
        if parent is not None and name:
            key = (parent.pk, kind, name.casefold())
            if key in self.taken_names:
                self.error(number, f"{parent} already has a {kind} called {name}")
            elif key in self.file_names:
                self.error(
                    number, f"Row {self.file_names[key]} already adds a {kind} called {name}"
                )
            self.file_names.setdefault(key, number)
        return parent

    def check_sites(self, row: _Row) -> None:
        """Runs after every row is read, since a service may name a site further down."""
        for code in row.new.site_codes:
            if code in self.file_sites:
                continue
            unit = self.by_code.get(code)
            if unit is None:
                self.error(row.number, f"No site has the ODS code {code}, in wellled or the file")
            elif unit.kind != UnitKind.SITE:
                self.error(row.number, f"{code} is {unit}, which is not a site")
            elif not unit.is_active:
                self.error(row.number, f"The site {unit} ({code}) is closed")


@dataclass(frozen=True)
class _Row:
    number: int
    new: actions.NewUnit


def _site_codes(raw: str) -> tuple[str, ...]:
    codes = dict.fromkeys(code.strip().upper() for code in raw.strip().split(";"))
    return tuple(code for code in codes if code)


def _check_rows(
    checker: _Checker, rows: list[list[str]], header: list[str], progress: Progress
) -> list[_Row]:
    good: list[_Row] = []
    steps = Steps(progress, total=len(rows) - 1, every=500)
    for number, cells in data_rows(rows, "sites or services"):
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            checker.error(
                number, f"The row has {len(cells)} cells but the header has {len(header)}"
            )
            continue
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        row = checker.check(number, values)
        if row is not None:
            good.append(row)
        steps.checked(number)
    for row in good:
        checker.check_sites(row)
    return good


@transaction.atomic
def import_units_from_csv(
    *, acting_user: User | None, text: str, progress: Progress = no_progress
) -> ImportResult:
    """Check every row, then create every site and service, or nothing at all."""
    progress(5, "Reading the file")
    try:
        rows = read_csv(text)
        header = _header(rows)
    except FileProblem as problem:
        return ImportResult(errors=[RowError(1, str(problem).removeprefix("Row 1: "))])
    checker = _Checker(acting_user)
    good = _check_rows(checker, rows, header, progress)
    if checker.errors:
        return ImportResult(errors=checker.errors.sorted())
    progress(50, f"All {len(good)} rows are correct: adding them")
    added = actions.import_units(
        acting_user=acting_user,
        units=[row.new for row in good],
        known_sites=checker.by_code,
        progress=progress,
    )
    return ImportResult(sites=added.sites, services=added.services, site_links=added.site_links)


@jobs.handler(JOB_KIND)
def run_import(job: Job, progress: Progress) -> jobs.Outcome:
    result = import_units_from_csv(
        acting_user=job.started_by, text=str(job.payload.get("text", "")), progress=progress
    )
    if result.errors:
        return failed_outcome(result.errors, reverse("organisation:import"))
    return jobs.Outcome(
        succeeded=True,
        message=f"Imported {plural(result.sites, 'site')} and {plural(result.services, 'service')}",
        result={
            "sites": result.sites,
            "services": result.services,
            "site_links": result.site_links,
        },
        result_url=reverse("organisation:tree"),
    )
