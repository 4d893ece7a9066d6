"""The BAF as a board paper, in Word and PDF (python-docx and WeasyPrint, as the
inspection report and complaint letters are written): a summary table, then each
principal risk with its scores and movement, appetite, controls and gaps,
assurances by line and gaps, and its actions.

The shape follows the typical BAF entry of reference §2.3 (EEAST's paper asks the
board to check and challenge the sources of assurance, so they are listed in full)."""

from __future__ import annotations

import datetime
import io
from html import escape
from typing import Any

from wellled.improvement.models import Action
from wellled.improvement.queries import actions_by_source
from wellled.strategy.improvement_source import RISK_KIND
from wellled.strategy.register import RiskRow

MOVEMENT = {"up": "Worse", "down": "Better", "unchanged": "No change", "new": "New"}


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _action_line(action: Action) -> str:
    return (
        f"{action.title}: {_person(action.owner)}, due {action.due_on:%d %B %Y}, "
        f"{action.get_status_display().lower()}"
    )


def appetite_text(row: RiskRow) -> str:
    if row.appetite is None:
        return "No appetite set for this category"
    text = f"{row.appetite.get_level_display()} (tolerates up to {row.appetite.max_score})"
    if row.above_appetite:
        text += ": current score ABOVE appetite"
    if row.target_outside_appetite:
        text += "; target score outside appetite"
    return text


def _facts(row: RiskRow, actions: list[Action]) -> list[tuple[str, str]]:
    risk = row.risk
    previous = row.previous_score
    due = risk.next_review_on
    return [
        ("Strategic objective", f"{risk.objective.title} ({risk.objective.theme.title})"),
        ("Cause", risk.cause),
        ("Event", risk.event),
        ("Effect", risk.effect),
        ("Executive owner", _person(risk.owner)),
        ("Lead committee", risk.committee),
        ("Category and appetite", f"{risk.get_category_display()}: {appetite_text(row)}"),
        (
            "Scores (likelihood x consequence)",
            f"Inherent {risk.inherent_score}; current {risk.current_score} "
            f"({risk.current_likelihood}x{risk.current_consequence}, {risk.current_band}); "
            f"target {risk.target_score}",
        ),
        (
            "Movement since last review",
            MOVEMENT[row.movement] + (f" (was {previous})" if previous is not None else ""),
        ),
        ("Assurance rating", risk.get_assurance_rating_display()),
        ("Key controls", _lines([c.description for c in risk.controls.all() if not c.is_gap])),
        ("Gaps in control", _lines([c.description for c in risk.controls.all() if c.is_gap])),
        (
            "Sources of assurance",
            _lines(
                [
                    f"{a.get_line_display()}: {'positive' if a.positive else 'NEGATIVE'}: "
                    f"{a.description}"
                    for a in risk.assurances.all()
                    if not a.is_gap
                ]
            ),
        ),
        ("Gaps in assurance", _lines([a.description for a in risk.assurances.all() if a.is_gap])),
        ("Actions", _lines([_action_line(a) for a in actions])),
        (
            "Reviewed",
            f"{risk.reviewed_on:%d %B %Y}; next review "
            + (f"{due:%d %B %Y}" if due else "not set"),
        ),
    ]


def _lines(items: list[str]) -> str:
    return "\n".join(items) if items else "None recorded"


HEADS = ("Risk", "Current", "Target", "Movement", "Appetite", "Assurance")


def _summary(row: RiskRow) -> tuple[str, ...]:
    return (
        f"{row.risk.reference} {row.risk.title}",
        f"{row.risk.current_score} ({row.risk.current_band})",
        str(row.risk.target_score),
        MOVEMENT[row.movement],
        "Above" if row.above_appetite else "Within" if row.appetite else "Not set",
        row.risk.get_assurance_rating_display(),
    )


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The BAF paper fetches nothing ({url[:40]})")


_CSS = (
    "body{font-family:Arial,sans-serif;font-size:10pt;color:#212b32}"
    "table{border-collapse:collapse;width:100%;margin-bottom:12pt}"
    "th,td{border:1px solid #768692;padding:3pt;text-align:left;vertical-align:top}"
    "td{white-space:pre-line}h2{page-break-before:auto}"
)


def baf_pdf(rows: list[RiskRow], *, trust_name: str, on: datetime.date) -> bytes:
    from weasyprint import HTML

    e = escape
    actions = actions_by_source(RISK_KIND, [row.risk.pk for row in rows])
    head = "".join(f"<th scope='col'>{e(h)}</th>" for h in HEADS)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(v)}</td>" for v in _summary(row)) + "</tr>" for row in rows
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Board Assurance Framework, {on:%B %Y}</title><style>{_CSS}</style></head><body>",
        f"<p>{e(trust_name)}</p><h1>Board Assurance Framework</h1>",
        f"<p>As at {on:%d %B %Y}. Scores are likelihood x consequence (5x5).</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
    ]
    for row in rows:
        facts = _facts(row, actions.get(str(row.risk.pk), []))
        cells = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
        parts.append(f"<h2>{e(row.risk.reference)} {e(row.risk.title)}</h2><table>{cells}</table>")
    parts.append("</body></html>")
    result: bytes = HTML(string="".join(parts), url_fetcher=_no_fetch).write_pdf()
    return result


def baf_docx(rows: list[RiskRow], *, trust_name: str, on: datetime.date) -> bytes:
    from docx import Document

    actions = actions_by_source(RISK_KIND, [row.risk.pk for row in rows])
    document = Document()
    document.core_properties.title = f"Board Assurance Framework, {on:%B %Y}"
    document.add_paragraph(trust_name)
    document.add_heading("Board Assurance Framework", level=0)
    document.add_paragraph(f"As at {on:%d %B %Y}. Scores are likelihood x consequence (5x5).")
    summary = document.add_table(rows=1, cols=6)
    summary.style = "Table Grid"
    for cell, text in zip(summary.rows[0].cells, HEADS, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(summary.add_row().cells, _summary(row), strict=True):
            cell.text = text
    for row in rows:
        document.add_heading(f"{row.risk.reference} {row.risk.title}", level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in _facts(row, actions.get(str(row.risk.pk), [])):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
