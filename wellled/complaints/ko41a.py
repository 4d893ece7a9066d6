"""The KO41a return in the collection's layout: one row per organisation/site, one
column per data item, every item given (zeros included).

Sources (cited in docs/complaints-measures.md): NHS Digital's KO41a guidelines and
"support and further guidance" pages (sections 1 to 8; collected at site level; a
complaint spanning sites recorded against one site), and the KO41b guidance "Other
KO41b form information", whose validation rules we apply to KO41a too (marked as
such): the age and status parts "must equal the value entered in the Total New
Complaints box", a value must be entered in each box of those sections ("Enter 0
(zero)"), and the subject and profession totals "must be equal to or greater than
the total new complaints value".

The counts are the long form's (`exports.ko41a_return`), pivoted: one set of
counting rules for both layouts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wellled.complaints import exports, ko41a_ages
from wellled.complaints.models import ReferenceItem, ReferenceList, Verification

SOURCES = (
    "NHS Digital, KO41a NHS hospital and community health services written complaints: "
    "Guidelines, and Support and further guidance (stored copies; see "
    "docs/complaints-measures.md)"
)
# (section as the long form names it, reference list or None for a fixed list)
_CODED = (
    ("5 Service area", ReferenceList.KO41A_SERVICE_AREA),
    ("6 Subject area of clinical treatment", ReferenceList.KO41A_CLINICAL_SUBCATEGORY),
    ("7 Subject area", ReferenceList.KO41A_SUBJECT),
    ("8 Profession", ReferenceList.PROFESSION),
)
_STATUS = (("patient", "Patient"), ("someone_else", "Someone other than the patient"))
Column = tuple[str, str, str]  # (section, code, label)


def columns() -> list[Column]:
    """Every data item of sections 2 to 8, in the collection's order."""
    found: list[Column] = [(exports.SUMMARY, str(k), label) for k, label in exports._SUMMARY_ITEMS]
    found += [(ko41a_ages.SECTION, b.code, b.label) for b in ko41a_ages.age_bands()]
    found += [("4 Status of complainant", code, label) for code, label in _STATUS]
    items = ReferenceItem.objects.filter(
        list__in=[name for _, name in _CODED], is_active=True
    ).order_by("list", "order", "label")
    by_list: dict[str, list[ReferenceItem]] = defaultdict(list)
    for item in items:
        by_list[item.list].append(item)
    for section, name in _CODED:
        found += [(section, item.code, item.label) for item in by_list[name]]
    return found


def _heading(column: Column) -> str:
    section, code, label = column
    return f"{section.partition(' ')[0]}. {label} [{code}]"


def _checks(site: str, counts: dict[tuple[str, str], int]) -> list[str]:
    """The form's own validation rules (KO41b guidance, applied to KO41a)."""
    new = counts.get((exports.SUMMARY, "new"), 0)
    problems = []
    for section, what in ((ko41a_ages.SECTION, "age bands"), ("4 Status", "status items")):
        total = sum(n for (s, _), n in counts.items() if s.startswith(section))
        if total != new:
            problems.append(f"{site}: the {what} add up to {total}, not the {new} new complaints")
    resolved = counts.get((exports.SUMMARY, "resolved"), 0)
    parts = sum(
        counts.get((exports.SUMMARY, k), 0) for k in ("upheld", "partially_upheld", "not_upheld")
    )
    if parts != resolved:
        problems.append(
            f"{site}: {resolved} resolved, but {parts} upheld, partially upheld or not upheld "
            "(an answered complaint whose issues have no outcome yet)"
        )
    for section in ("5 ", "7 ", "8 "):
        total = sum(n for (s, _), n in counts.items() if s.startswith(section))
        if total < new:
            problems.append(
                f"{site}: section {section.strip()} counts {total}, fewer than the {new} new "
                "complaints (a complaint with no issue coded there)"
            )
    return problems


def ko41a_grid(*, start_year: int, paths: tuple[str, ...] | None = None) -> exports.Sheet:
    """One row per organisation/site for the financial year; the About sheet says
    what is and is not verified, and lists every check that fails."""
    long_form = exports.ko41a_return(start_year=start_year, by_site=True, paths=paths)
    trust_row = next((r for r in long_form.rows if r[3] == "1 Organisation"), None)
    org_code, org_name = (trust_row[4], trust_row[5]) if trust_row else ("", "")
    per_site: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    for _year, site_name, site_code, section, code, _label, n in long_form.rows:
        if section == "1 Organisation":
            continue
        per_site.setdefault((site_code, site_name), {})[(section, code)] = n
    wanted = columns()
    headers = [
        "Year",
        "1. Organisation ODS code",
        "1. Organisation name",
        "1. Site ODS code",
        "1. Site name",
        *(_heading(c) for c in wanted),
    ]
    label = exports.year_label(start_year)
    sheet = exports.Sheet(f"KO41a {label}", headers)
    problems: list[str] = []
    for (site_code, site_name), counts in sorted(per_site.items(), key=lambda i: i[0][1]):
        sheet.rows.append(
            [
                label,
                org_code,
                org_name,
                site_code,
                site_name,
                *(counts.get((s, c), 0) for s, c, _ in wanted),
            ]
        )
        where = f"{site_name} ({site_code})" if site_code else site_name
        problems += _checks(where, counts)
        if not site_code and counts.get((exports.SUMMARY, "new"), 0):
            problems.append(
                f"{site_name}: the collection records each complaint against one site "
                "(an ODS site code); record the site on these complaints"
            )
    sheet.notes = _notes(wanted, problems)
    return sheet


def _notes(wanted: list[Column], problems: list[str]) -> list[list[Any]]:
    unverified = ReferenceItem.objects.filter(
        list__in=[name for _, name in _CODED], is_active=True
    ).exclude(verification=Verification.VERIFIED)
    bands = [b for b in ko41a_ages.age_bands() if b.verification != Verification.VERIFIED]
    notes: list[list[Any]] = [
        ["Layout", "One row per organisation/site, one column per data item (zeros included)"],
        ["Sources", SOURCES],
        [
            "Data item codes",
            "NOT the collection's: the codes in [brackets] are wellled's reference data. NHS "
            "England's 'KO41a complaints data items lookup and validations' and the SDCS "
            "template could not be retrieved; map the columns to their codes before submitting",
        ],
        [
            "Age of patient",
            f"{len(bands)} of {len(ko41a_ages.age_bands())} bands are not verified against the "
            "collection (data/ko41a_age_bands.json); age on the day the complaint was received",
        ],
        ["Unverified items", f"{unverified.count()} items of sections 5 to 8 are not verified"],
        [
            "Brought and carried forward",
            "Open (received, not answered, not closed) on 31 March before / at the end of the "
            "year: wellled's rule, as the guidelines' text on these was not readable",
        ],
    ]
    notes += [["Check", text] for text in problems] or [["Check", "Every check passes"]]
    return notes
