"""Returns and downloads: the KO41a return, regulation 18 figures, the CQC summary
and any filtered caseload, as CSV or XLSX.

Counting rules (KO41a): a complaint counts once in the total, and once against
every subject, service area and profession its issues raise (two issues with the
same subject count once for that subject). The return can be split by site.
Formal complaints under the Regulations only (not PALS concerns, oral complaints
resolved next working day, regulation 8 exclusions or complaints transferred out).

Spreadsheet cells that begin with = + - @ (or a tab or carriage return) are
prefixed with an apostrophe, so no export can smuggle in a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wellled.complaints import annual_report, clocks, ko41a_ages, measures
from wellled.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintIssue,
    Kind,
    Letter,
    LetterKind,
    Outcome,
    ReferenceItem,
    RepresentativeBasis,
    Status,
)
from wellled.complaints.queries import complaints_visible_to, overdue_condition
from wellled.core import spreadsheets
from wellled.core.spreadsheets import safe_cell
from wellled.core.types import AnyUser
from wellled.organisation.access import covers_everything
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # (label, text) rows of an "About" sheet in the XLSX (not in the CSV).
    notes: list[list[Any]] = field(default_factory=list)


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    # A byte-order mark so that spreadsheet programs read it as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheet: Sheet) -> bytes:
    raw = spreadsheets.xlsx_bytes(sheet.title, sheet.headers, sheet.rows)
    if not sheet.notes:
        return raw
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw))
    about = book.create_sheet("About")
    for row in sheet.notes:
        about.append([safe_cell(value) for value in row])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Years -----------------------------------------------------------------------


def financial_year(start_year: int) -> tuple[Date, Date]:
    """1 April `start_year` to 31 March of the next year (the reporting year)."""
    return Date(start_year, 4, 1), Date(start_year + 1, 3, 31)


def current_financial_year(today: Date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def year_label(start_year: int) -> str:
    return f"{start_year}-{str(start_year + 1)[-2:]}"


# Outcomes derived in SQL ----------------------------------------------------


def with_outcome_flags(cases: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Flags from which `derive_outcome` follows, computed per case in the database."""
    issues = ComplaintIssue.objects.filter(complaint=OuterRef("pk"))
    return cases.annotate(
        x_any=Exists(issues),
        x_undecided=Exists(issues.filter(outcome="")),
        x_up=Exists(issues.filter(outcome__in=[Outcome.UPHELD, Outcome.PARTIALLY_UPHELD])),
        x_down=Exists(issues.filter(outcome__in=[Outcome.NOT_UPHELD, Outcome.PARTIALLY_UPHELD])),
    )


def outcome_filters() -> dict[str, Q]:
    decided = Q(x_any=True, x_undecided=False)
    return {
        Outcome.UPHELD: decided & Q(x_down=False),
        Outcome.PARTIALLY_UPHELD: decided & Q(x_up=True, x_down=True),
        Outcome.NOT_UPHELD: decided & Q(x_up=False),
    }


def outcome_from_flags(case: Any) -> str:
    """The outcome of a case annotated by `with_outcome_flags` ("" while undecided)."""
    if not case.x_any or case.x_undecided:
        return ""
    if not case.x_down:
        return str(Outcome.UPHELD)
    if not case.x_up:
        return str(Outcome.NOT_UPHELD)
    return str(Outcome.PARTIALLY_UPHELD)


# KO41a ---------------------------------------------------------------------


def _sites(ids: Iterable[Any]) -> dict[Any, tuple[str, str]]:
    """Site id -> (name, ODS code); cases with no site recorded are one block."""
    found = {
        pk: (name, ods or "")
        for pk, name, ods in OrgUnit.objects.filter(pk__in=[i for i in ids if i]).values_list(
            "pk", "name", "ods_code"
        )
    }
    return {
        i: found.get(i, ("No site recorded", "")) if i else ("No site recorded", "") for i in ids
    }


def _per_site(cases: QuerySet[Complaint], site: list[str], **aggregates: Any) -> list[Any]:
    """The aggregates per site, or one row for the whole (values() with no field
    would group by every column)."""
    if site:
        return list(cases.values(*site).annotate(**aggregates).order_by())
    return [cases.aggregate(**aggregates)]


# (site id, section, code, item, count, rank within the section)
_Found = tuple[Any, str, str, str, int, Any]

SUMMARY = "2 Summary of overall numbers"
# The guidance's section 2 (brought forward, new, resolved, carried forward); the
# resolved are split by outcome, as the KO41b guidance defines "resolved".
_SUMMARY_ITEMS = (
    ("brought_forward", "Brought forward (open at the start of the year)"),
    ("new", "New complaints received"),
    ("resolved", "Resolved (first response sent)"),
    (Outcome.UPHELD, "Resolved: upheld"),
    (Outcome.PARTIALLY_UPHELD, "Resolved: partially upheld"),
    (Outcome.NOT_UPHELD, "Resolved: not upheld"),
    ("carried_forward", "Carried forward (open at the end of the year)"),
)


def _open_on(day: Date) -> Q:
    """Received by `day`, not answered by it, and not closed without an answer by it."""
    return (
        Q(received_on__lte=day)
        & (Q(first_responded_on__isnull=True) | Q(first_responded_on__gt=day))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=day) | Q(first_responded_on__isnull=False))
    )


def _ko41a_summary(
    cases: QuerySet[Complaint], site: list[str], first: Date, last: Date
) -> list[_Found]:
    flags = outcome_filters()
    answered = Q(first_responded_on__range=(first, last))
    aggregates = {
        "brought_forward": Count("pk", filter=_open_on(first - datetime.timedelta(days=1))),
        "new": Count("pk", filter=Q(received_on__range=(first, last))),
        "resolved": Count("pk", filter=answered),
        **{str(k): Count("pk", filter=answered & q) for k, q in flags.items()},
        "carried_forward": Count("pk", filter=_open_on(last)),
    }
    found: list[_Found] = []
    for row in _per_site(with_outcome_flags(cases), site, **aggregates):
        for rank, (key, label) in enumerate(_SUMMARY_ITEMS):
            found.append((row.get("site_id"), SUMMARY, str(key), label, row[str(key)], rank))
    return found


def _ko41a_age(received: QuerySet[Complaint], site: list[str]) -> list[_Found]:
    """Section 3: new complaints by the patient's age band on the day received (every
    band given, zeros included, so the bands add up to the new complaints)."""
    counts = ko41a_ages.age_counts(received, site)
    if not site:
        counts.setdefault(None, Counter())
    return [
        (site_id, ko41a_ages.SECTION, band.code, band.label, by_band.get(band.code, 0), rank)
        for site_id, by_band in counts.items()
        for rank, band in enumerate(ko41a_ages.age_bands())
    ]


def _ko41a_status(received: QuerySet[Complaint], site: list[str]) -> list[_Found]:
    """Section 4: made by the patient, or by someone else (for them, or affected)."""
    by_patient = Q(complainant__representative_basis=RepresentativeBasis.SELF)
    rows = _per_site(
        received,
        site,
        patient=Count("pk", filter=by_patient),
        other=Count("pk", filter=~by_patient),
    )
    section = "4 Status of complainant"
    found: list[_Found] = []
    for row in rows:
        found.append((row.get("site_id"), section, "patient", "Patient", row["patient"], 0))
        found.append(
            (
                row.get("site_id"),
                section,
                "someone_else",
                "Someone other than the patient",
                row["other"],
                1,
            )
        )
    return found


def _ko41a_coded(received: QuerySet[Complaint], site: list[str]) -> list[_Found]:
    """Sections 5 to 8: each complaint once against every item its issues raise."""
    sections = (
        ("5 Service area", "issues__service_area_id"),
        ("6 Subject area of clinical treatment", "issues__clinical_subcategory_id"),
        ("7 Subject area", "issues__subject_id"),
        ("8 Profession", "issues__profession_id"),
    )
    item_ids: set[int] = set()
    coded: list[tuple[Any, str, int, int]] = []
    for section, path in sections:
        rows = (
            received.filter(**{f"{path}__isnull": False})
            .values(*site, path)
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        for row in rows:
            coded.append((row.get("site_id"), section, row[path], row["n"]))
            item_ids.add(row[path])
    items = {i.pk: i for i in ReferenceItem.objects.filter(pk__in=item_ids)}
    return [
        (
            site_id,
            section,
            items[item_id].code,
            items[item_id].label,
            n,
            items[item_id].label.lower(),
        )
        for site_id, section, item_id, n in coded
    ]


def ko41a_return(
    *, start_year: int, by_site: bool = False, paths: tuple[str, ...] | None = None
) -> Sheet:
    """The KO41a return for a financial year in the collection's sections (1 to 8), one
    row per item (long form), for the trust or one block per site with its ODS code.
    `ko41a.ko41a_grid` gives the collection's layout (a row per organisation/site).
    See docs/complaints-measures.md for what is verified."""
    first, last = financial_year(start_year)
    cases = measures.regulated_cases(paths=paths)
    received = cases.filter(received_on__range=(first, last))
    site = ["site_id"] if by_site else []
    headers = [
        "Year",
        *(["Site", "Site ODS code"] if by_site else []),
        "Section",
        "Code",
        "Item",
        "Complaints",
    ]
    sheet = Sheet(f"KO41a {year_label(start_year)}", headers)
    found = [
        *_ko41a_summary(cases, site, first, last),
        *_ko41a_age(received, site),
        *_ko41a_status(received, site),
        *_ko41a_coded(received, site),
    ]
    sites = _sites({f[0] for f in found}) if by_site else {}
    found.sort(key=lambda f: (sites.get(f[0], ("", ""))[0], f[1], f[5]))
    label = year_label(start_year)
    trust = OrgUnit.objects.filter(kind=UnitKind.TRUST).first()
    if trust is not None:
        where = ["", ""] if by_site else []
        sheet.rows.append([label, *where, "1 Organisation", trust.ods_code or "", trust.name, None])
    for site_id, section, code, item_label, n, _rank in found:
        where = list(sites[site_id]) if by_site else []
        sheet.rows.append([label, *where, section, code, item_label, n])
    return sheet


# Regulation 18 ------------------------------------------------------------


def _reg18_outcomes(answered: QuerySet[Complaint]) -> dict[str, int]:
    """The outcomes of the complaints answered in the year, and how many on time."""
    flags = outcome_filters()
    return answered.aggregate(
        answered=Count("pk"),
        well_founded=Count("pk", filter=flags[Outcome.UPHELD] | flags[Outcome.PARTIALLY_UPHELD]),
        upheld=Count("pk", filter=flags[Outcome.UPHELD]),
        partially=Count("pk", filter=flags[Outcome.PARTIALLY_UPHELD]),
        not_upheld=Count("pk", filter=flags[Outcome.NOT_UPHELD]),
        on_time=Count("pk", filter=Q(first_responded_on__lte=measures._response_due())),
    )


def _reg18_outside(
    first: datetime.date, last: datetime.date, paths: tuple[str, ...] | None
) -> dict[str, int]:
    """What was received in the year outside the Regulations' clocks."""
    everything = Complaint.objects.order_by()
    if paths is not None and not covers_everything(paths):
        everything = everything.filter(measures._within(paths))
    return everything.filter(received_on__range=(first, last)).aggregate(
        pals=Count("pk", filter=Q(kind=Kind.PALS)),
        oral=Count("pk", filter=Q(kind=Kind.ORAL_RESOLVED)),
        excluded=Count("pk", filter=Q(kind=Kind.COMPLAINT) & ~Q(exclusion="")),
    )


def _reg18_learning(answered: QuerySet[Complaint]) -> dict[str, int]:
    """The well-founded issues answered, and whether each has its learning."""
    return ComplaintIssue.objects.filter(
        complaint__in=answered.values("pk"),
        outcome__in=[Outcome.UPHELD, Outcome.PARTIALLY_UPHELD],
    ).aggregate(
        n=Count("pk"),
        learning=Count("pk", filter=~Q(learning_statement="")),
        none=Count("pk", filter=Q(learning_statement="") & ~Q(no_learning_reason="")),
    )


def _reg18_rows(start_year: int, paths: tuple[str, ...] | None) -> list[tuple[str, Any, str]]:
    """(figure, value, regulation) for each figure regulation 18 asks for, and context."""
    first, last = financial_year(start_year)
    cases = measures.regulated_cases(paths=paths)
    answered = with_outcome_flags(cases.filter(first_responded_on__range=(first, last)))
    outcomes = _reg18_outcomes(answered)
    other = _reg18_outside(first, last, paths)
    issues = _reg18_learning(answered)
    return [
        (
            "Complaints received",
            cases.filter(received_on__range=(first, last)).count(),
            "18(2)(a)",
        ),
        (
            "Complaints decided to be well-founded (upheld or partially upheld)",
            outcomes["well_founded"],
            "18(2)(b)",
        ),
        (
            "Complaints the trust was told were referred to the Ombudsman",
            cases.filter(referred_to_phso_on__range=(first, last)).count(),
            "18(2)(c)",
        ),
        ("Complaints answered (first response sent)", outcomes["answered"], ""),
        ("of which upheld", outcomes["upheld"], ""),
        ("of which partially upheld", outcomes["partially"], ""),
        ("of which not upheld", outcomes["not_upheld"], ""),
        ("of which answered by the date due", outcomes["on_time"], ""),
        (
            "Complaints reopened in the year",
            cases.filter(reopened_on__range=(first, last)).count(),
            "",
        ),
        ("Upheld or partially upheld issues answered", issues["n"], "18(2)(d)"),
        ("of which with learning recorded", issues["learning"], "18(2)(d)"),
        ("of which with a recorded reason for no learning", issues["none"], "18(2)(d)"),
        ("PALS concerns received (outside the Regulations)", other["pals"], ""),
        (
            "Oral complaints resolved by the next working day (regulation 8(1)(c))",
            other["oral"],
            "",
        ),
        ("Complaints excluded under regulation 8", other["excluded"], ""),
    ]


def reg18_figures(*, start_year: int, paths: tuple[str, ...] | None = None) -> Sheet:
    """The figures regulation 18 asks the annual report to state, with context, then
    its narrative: subject matter, matters of general importance, and the action
    taken or to be taken (annual_report.py)."""
    label = year_label(start_year)
    sheet = Sheet(f"Regulation 18 {label}", ["Year", "Figure", "Value", "Regulation"])
    for figure, value, reg in _reg18_rows(start_year, paths):
        sheet.rows.append([label, figure, value, reg])
    subjects = ko41a_return(start_year=start_year, paths=paths)
    for row in subjects.rows:
        if row[1] == "7 Subject area":
            sheet.rows.append([label, f"Subject matter: {row[3]}", row[4], "18(2)(d)(i)"])
    first, last = financial_year(start_year)
    answered = measures.regulated_cases(paths=paths).filter(first_responded_on__range=(first, last))
    for line in annual_report.narrative(answered):
        sheet.rows.append([label, line.heading, line.text, line.regulation])
    return sheet


# Case-level exports (complaints staff and service leads only) ---------------


def _subjects_by_case(ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    rows = (
        ComplaintIssue.objects.filter(complaint_id__in=ids)
        .order_by("complaint_id", "subject__label")
        .values_list("complaint_id", "subject__label")
        .distinct()
    )
    for complaint_id, label in rows:
        found.setdefault(complaint_id, []).append(label)
    return {k: "; ".join(v) for k, v in found.items()}


def _letters_by_case(ids: Sequence[int]) -> dict[int, list[tuple[str, Date]]]:
    """The letters sent on each case, in the order sent: (kind label, date)."""
    labels = dict(LetterKind.choices)
    found: dict[int, list[tuple[str, Date]]] = {}
    rows = (
        Letter.objects.filter(complaint_id__in=ids, sent_on__isnull=False)
        .order_by("complaint_id", "sent_on", "pk")
        .values_list("complaint_id", "kind", "sent_on")
    )
    for complaint_id, kind, sent_on in rows:
        if sent_on is not None:  # filtered out above; this tells the type checker
            found.setdefault(complaint_id, []).append((labels.get(kind, kind), sent_on))
    return found


def _correspondence(letters: list[tuple[str, Date]], responded: Date | None) -> tuple[str, str]:
    """(every letter sent, the letters sent after the first response)."""
    sent = "; ".join(f"{label} {day:%d/%m/%Y}" for label, day in letters)
    after = [f"{label} {day:%d/%m/%Y}" for label, day in letters if responded and day > responded]
    return sent, "; ".join(after)


def cqc_summary(*, user: AnyUser, start: Date, end: Date) -> Sheet:
    """Regulation 16(3) of the 2014 Regulations: a summary of (a) the complaints,
    (b) the responses to them and any further correspondence with the complainants,
    for CQC within 28 days of its request. References, dates, subjects, outcomes and
    the letters sent (kind and date): no names, no summaries."""
    cases = with_outcome_flags(
        complaints_visible_to(user).filter(received_on__range=(start, end))
    ).order_by("received_on", "pk")
    headers = [
        "Reference",
        "Kind",
        "Received",
        "Service",
        "Site",
        "Subjects",
        "Status",
        "Acknowledgement due",
        "Acknowledged",
        "Response due",
        "First response sent",
        "Answered by the date due",
        "Outcome",
        "Reopened",
        "Referred to the Ombudsman",
        "Letters sent",
        "Further correspondence after the response",
    ]
    sheet = Sheet("CQC complaints summary", headers)
    rows = list(cases)
    subjects = _subjects_by_case([c.pk for c in rows])
    letters = _letters_by_case([c.pk for c in rows])
    outcome_labels = dict(Outcome.choices)
    for case in rows:
        # As the measures: agreed or set by the trust, else the six months' last day.
        due = case.first_response_due or case.response_due or case.backstop_due
        outcome = outcome_labels.get(outcome_from_flags(case), "")
        on_time = ""
        if due and case.first_responded_on:
            on_time = "Yes" if case.first_responded_on <= due else "No"
        sheet.rows.append(
            [
                case.reference,
                case.get_kind_display(),
                case.received_on,
                case.service.name,
                case.site.name if case.site else "",
                subjects.get(case.pk, ""),
                case.get_status_display(),
                case.acknowledgement_due,
                case.acknowledged_on,
                due,
                case.first_responded_on,
                on_time,
                outcome,
                case.reopened_on,
                case.referred_to_phso_on,
                *_correspondence(letters.get(case.pk, []), case.first_responded_on),
            ]
        )
    return sheet


def caseload(*, user: AnyUser, status: str = "", overdue: bool = False) -> Sheet:
    """The caseload as the list page filters it (open cases, by status, overdue)."""
    today = timezone.localdate()
    cases = complaints_visible_to(user).filter(status__in=OPEN_STATUSES)
    if status:
        cases = cases.filter(status=status)
    if overdue:
        cases = cases.filter(overdue_condition(today))
    cases = cases.order_by("-received_on", "-pk")
    headers = [
        "Reference",
        "Kind",
        "Received",
        "Service",
        "Site",
        "Handler",
        "Status",
        "Next step",
        "Due",
        "Overdue",
    ]
    sheet = Sheet("Complaints caseload", headers)
    for case in cases:
        deadline = clocks.next_deadline(
            acknowledgement_due=case.acknowledgement_due,
            acknowledged_on=case.acknowledged_on,
            response_due=case.response_due,
            backstop_due=case.backstop_due,
            responded_on=case.responded_on,
            reopened=case.status == Status.REOPENED,
        )
        handler = (
            case.handler.get_full_name() or case.handler.get_username() if case.handler else ""
        )
        sheet.rows.append(
            [
                case.reference,
                case.get_kind_display(),
                case.received_on,
                case.service.name,
                case.site.name if case.site else "",
                handler,
                case.get_status_display(),
                deadline.label if deadline else "",
                deadline.due if deadline else None,
                "Yes" if deadline and deadline.due < today else "",
            ]
        )
    return sheet
