"""The progress report a trust sends to CQC and its integrated care board.

One inspection: its ratings, then every finding with its action's status,
milestones, a summary of the evidence of completion and the executive sign-off.
It names only the owners and signers (by name), never anyone else.

The report is built from the database once (`build_report`) and rendered as PDF
(WeasyPrint, fetching nothing) or DOCX (python-docx). A report is a few pages, so
the pages produce it while the user waits.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.contrib.auth.models import User

from wellled.assurance.models import EvidenceItem
from wellled.engines.ratings import UnknownMethodologyError, get_methodology
from wellled.improvement.models import Action, Status
from wellled.improvement.models import Milestone as ActionMilestone
from wellled.improvement.queries import actions_by_source, actions_for_sources
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import SHOWN_STATUSES, Finding, Inspection
from wellled.organisation.models import OrgUnit, UnitKind


def person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def statement_names(methodology_id: str) -> dict[str, str]:
    try:
        methodology = get_methodology(methodology_id)
    except UnknownMethodologyError:
        return {}
    return {s.id: f"{s.label} {s.name}" for kq in methodology.key_questions for s in kq.statements}


def key_question_names(methodology_id: str) -> dict[str, str]:
    try:
        return {kq.id: kq.name for kq in get_methodology(methodology_id).key_questions}
    except UnknownMethodologyError:
        return {}


@dataclass
class ReportRow:
    finding: str
    kind: str
    regulation: str
    statements: list[str]
    action: str = ""
    owner: str = ""
    due: str = ""
    status: str = "No action yet"
    milestones: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    latest_update: str = ""
    sign_off: str = ""


@dataclass
class Report:
    title: str
    trust_name: str
    inspection: str
    subtitle: str
    produced_on: datetime.date
    ratings: list[tuple[str, str]]
    counts: dict[str, int]
    rows: list[ReportRow]


def _day(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _trust_name(inspection: Inspection) -> str:
    root = inspection.scope.path.strip("/").split("/")[0]
    trust = OrgUnit.objects.filter(pk=int(root), kind=UnitKind.TRUST).first()
    return trust.name if trust else inspection.scope.name


def _ratings(inspection: Inspection) -> list[tuple[str, str]]:
    kq_names = key_question_names(inspection.methodology)
    ratings = [
        (kq_names.get(r.key_question, r.key_question), r.rating) for r in inspection.ratings.all()
    ]
    if inspection.overall_rating:
        ratings.append(("Overall", inspection.overall_rating))
    return ratings


def _subtitle(inspection: Inspection) -> str:
    subtitle = (
        f"{inspection.get_kind_display()} of {inspection.scope.name}, "
        f"{_day(inspection.started_on)} to {_day(inspection.ended_on)}"
    )
    if inspection.report_published_on:
        subtitle += f"; report published {_day(inspection.report_published_on)}"
    return subtitle


def _count_action(counts: dict[str, int], action: Action, today: datetime.date) -> None:
    counts["overdue"] += action.is_overdue(today)
    counts["at_risk"] += action.status == Status.AT_RISK and not action.is_overdue(today)
    counts["done"] += action.status == Status.DONE
    counts["signed_off"] += action.signed_off_on is not None


def _milestone_line(milestone: ActionMilestone, today: datetime.date) -> str:
    if milestone.done_on:
        state = f"met {_day(milestone.done_on)}"
    else:
        state = "overdue" if milestone.due_on < today else "not yet met"
    return f"{milestone.title}: due {_day(milestone.due_on)}, {state}"


def _sign_off_line(action: Action) -> str:
    if action.signed_off_on is not None:
        return f"Signed off by {person(action.signed_off_by)} on {_day(action.signed_off_on)}"
    if action.status == Status.DONE:
        return "Awaiting executive sign-off"
    return "Not yet signed off"


def _evidence_line(item: EvidenceItem) -> str:
    detail = item.file_name or item.url
    return f"{item.get_kind_display()}: {item.title}" + (f" ({detail})" if detail else "")


def _describe_action(row: ReportRow, action: Action, today: datetime.date) -> None:
    """The row's action columns (milestones, evidence, updates prefetched)."""
    row.action = action.title
    row.owner = person(action.owner)
    row.due = _day(action.due_on)
    row.status = SHOWN_STATUSES["overdue" if action.is_overdue(today) else str(action.status)]
    if action.status == Status.DONE:
        row.status += f" on {_day(action.done_on)}"
    row.milestones = [_milestone_line(m, today) for m in action.milestones.all()]
    row.evidence = [_evidence_line(link.item) for link in action.evidence_links.all()]
    updates = list(action.updates.all())
    if updates:
        row.latest_update = f"{_day(updates[0].written_on)}: {updates[0].note}"
    row.sign_off = _sign_off_line(action)


def _finding_row(finding: Finding, names: dict[str, str]) -> ReportRow:
    return ReportRow(
        finding=(f"{finding.reference}: " if finding.reference else "") + finding.text,
        kind=finding.get_kind_display(),
        regulation=finding.regulation,
        statements=[names.get(s.statement_id, s.statement_id) for s in finding.statements.all()],
    )


def build_report(inspection: Inspection, *, today: datetime.date) -> Report:
    """One row per action, and one for each finding with no action yet."""
    names = statement_names(inspection.methodology)
    rows: list[ReportRow] = []
    counts = {"findings": 0, "done": 0, "signed_off": 0, "overdue": 0, "at_risk": 0}
    findings = list(
        inspection.findings.prefetch_related("statements").order_by("kind", "reference", "pk")
    )
    ids = [f.pk for f in findings]
    by_finding = actions_by_source(
        KIND,
        ids,
        actions_for_sources(KIND, ids).prefetch_related("updates", "evidence_links__item"),
    )
    for finding in findings:
        counts["findings"] += 1
        answered = by_finding.get(str(finding.pk), [])
        if not answered:
            rows.append(_finding_row(finding, names))
        for action in answered:
            row = _finding_row(finding, names)
            _count_action(counts, action, today)
            _describe_action(row, action, today)
            rows.append(row)
    return Report(
        title="Action plan progress report",
        trust_name=_trust_name(inspection),
        inspection=inspection.title,
        subtitle=_subtitle(inspection),
        produced_on=today,
        ratings=_ratings(inspection),
        counts=counts,
        rows=rows,
    )


def _summary_line(report: Report) -> str:
    c = report.counts
    return (
        f"{c['findings']} findings; {c['done']} actions done, of which {c['signed_off']} "
        f"signed off; {c['at_risk']} at risk; {c['overdue']} overdue."
    )


# PDF -------------------------------------------------------------------------

_CSS = (
    "@page{size:A4;margin:18mm 16mm;"
    "@bottom-right{content:'Page ' counter(page) ' of ' counter(pages);"
    "font-size:8pt;color:#425563}}"
    "body{font-family:Arial,Helvetica,sans-serif;font-size:9.5pt;line-height:1.35;color:#212b32}"
    "h1{font-size:16pt;margin:0 0 2mm}h2{font-size:12pt;margin:6mm 0 2mm}"
    "h3{font-size:10.5pt;margin:4mm 0 1mm}.muted{color:#425563}"
    "table{border-collapse:collapse;width:100%;margin:2mm 0}"
    "th,td{border:0.5pt solid #aeb7bd;padding:1.5mm;text-align:left;vertical-align:top}"
    "th{background:#f0f4f5}.item{page-break-inside:avoid;border-top:1pt solid #005eb8;"
    "padding-top:2mm;margin-top:4mm}ul{margin:0;padding-left:5mm}"
)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The progress report fetches nothing ({url[:40]})")


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f"<p class='muted'>{escape(empty)}</p>"
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def report_html(report: Report) -> str:
    e = escape
    ratings = "".join(
        f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in report.ratings
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(report.title)}: {e(report.inspection)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<p class='muted'>{e(report.trust_name)}</p>",
        f"<h1>{e(report.title)}</h1>",
        f"<p><strong>{e(report.inspection)}</strong><br>{e(report.subtitle)}</p>",
        f"<p class='muted'>Produced {e(_day(report.produced_on))}</p>",
        f"<p>{e(_summary_line(report))}</p>",
    ]
    if ratings:
        parts.append(
            "<h2>Ratings</h2><table><thead><tr><th scope='col'>Key question</th>"
            f"<th scope='col'>Rating</th></tr></thead><tbody>{ratings}</tbody></table>"
        )
    parts.append("<h2>Actions</h2>")
    for row in report.rows:
        parts.append("<div class='item'>")
        parts.append(f"<h3>{e(row.kind)}</h3><p>{e(row.finding)}</p>")
        facts = []
        if row.regulation:
            facts.append(("Regulation", row.regulation))
        if row.statements:
            facts.append(("Quality statements", "; ".join(row.statements)))
        if row.action:
            facts += [
                ("Action", row.action),
                ("Owner", row.owner),
                ("Due", row.due),
                ("Status", row.status),
                ("Sign-off", row.sign_off),
            ]
            if row.latest_update:
                facts.append(("Latest update", row.latest_update))
        else:
            facts.append(("Status", row.status))
        parts.append(
            "<table><tbody>"
            + "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
            + "</tbody></table>"
        )
        if row.action:
            parts.append("<p><strong>Milestones</strong></p>" + _list(row.milestones, "None set."))
            parts.append(
                "<p><strong>Evidence of completion</strong></p>" + _list(row.evidence, "None yet.")
            )
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    result: bytes = HTML(string=report_html(report), url_fetcher=_no_fetch).write_pdf()
    return result


# DOCX ------------------------------------------------------------------------


def report_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = f"{report.title}: {report.inspection}"
    document.add_paragraph(report.trust_name)
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.inspection).runs[0].bold = True
    document.add_paragraph(report.subtitle)
    document.add_paragraph(f"Produced {_day(report.produced_on)}")
    document.add_paragraph(_summary_line(report))
    if report.ratings:
        document.add_heading("Ratings", level=1)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Key question", "Rating"
        for kq, rating in report.ratings:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = kq, rating
    document.add_heading("Actions", level=1)
    for row in report.rows:
        document.add_heading(row.kind, level=2)
        document.add_paragraph(row.finding)
        facts: list[tuple[str, str]] = []
        if row.regulation:
            facts.append(("Regulation", row.regulation))
        if row.statements:
            facts.append(("Quality statements", "; ".join(row.statements)))
        if row.action:
            facts += [
                ("Action", row.action),
                ("Owner", row.owner),
                ("Due", row.due),
                ("Status", row.status),
                ("Sign-off", row.sign_off),
            ]
            if row.latest_update:
                facts.append(("Latest update", row.latest_update))
        else:
            facts.append(("Status", row.status))
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in facts:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        if row.action:
            document.add_paragraph("Milestones").runs[0].bold = True
            for item in row.milestones or ["None set."]:
                document.add_paragraph(item, style="List Bullet")
            document.add_paragraph("Evidence of completion").runs[0].bold = True
            for item in row.evidence or ["None yet."]:
                document.add_paragraph(item, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
