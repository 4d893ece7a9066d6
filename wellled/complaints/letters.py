"""Letters: the trust's editable templates, drafting a case's letter, PDF and DOCX.

Templates use Django template syntax limited to `{{ variable }}` with the names
in `VARIABLES`: no tags, no filters, no attribute lookups, so an edited template
can neither run code nor reach data beyond what a letter needs. The rendered
text is plain text; PDF and DOCX are built from it, and the PDF renderer never
fetches anything over the network.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import threading
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, Template
from django.utils import timezone
from django.utils.html import escape

from wellled.complaints import clocks
from wellled.complaints.models import (
    Complainant,
    Complaint,
    Letter,
    Letterhead,
    LetterKind,
    LetterTemplate,
)
from wellled.core.workdays import long_date

# The words that must appear for the Ombudsman rights paragraph to count as present.
OMBUDSMAN_NAME = "Parliamentary and Health Service Ombudsman"
OMBUDSMAN_PARAGRAPH = (
    "If you are not happy with our response, you have the right to ask the "
    "Parliamentary and Health Service Ombudsman to look at your complaint. The "
    "Ombudsman makes final decisions on complaints that have not been resolved by "
    "the NHS in England. It is independent and its service is free. You can contact "
    "it on 0345 015 4033 or at www.ombudsman.org.uk."
)

VARIABLES: dict[str, str] = {
    "reference": "The case reference, e.g. C-2026-00042",
    "complainant_name": "The complainant's name",
    "salutation": "The greeting: 'Dear Ms Rivera' when a title is recorded, else "
    "'Dear Alex Rivera'",
    "patient_name": "The patient's name (empty when none is recorded)",
    "service": "The service complained about",
    "received_on": "The day the complaint was received",
    "acknowledgement_due": "The day the acknowledgement is due",
    "response_due": "The response date (agreed or set), or 'to be agreed'",
    "backstop_due": "The last day of the six months beginning on the day of receipt "
    "(or a longer period agreed before it ended)",
    "date_due": "The date the response is due: agreed or set, else the last day of the six months",
    "handler_name": "The name of the person handling the case",
    "today": "The date the letter is drafted",
    "ombudsman_paragraph": "The standard Ombudsman rights paragraph",
    "time_limit": "The last day of the 12 months for making the complaint (regulation 12)",
    "time_limit_reasons": "The trust's reasons on the two limbs of the time limit's waiver",
}

_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"^[a-z_]+$")

DEFAULTS: dict[str, tuple[str, str]] = {
    LetterKind.ACKNOWLEDGEMENT: (
        "Your complaint {{ reference }}",
        "{{ salutation }}\n\n"
        "Thank you for your complaint about {{ service }}, which we received on "
        "{{ received_on }}. Your reference is {{ reference }}.\n\n"
        "We would like to talk with you about how we will look into your complaint "
        "and when you can expect our response. {{ handler_name }} will contact you to "
        "arrange this, or you can reply to this letter.\n\n"
        "Yours sincerely\n\n{{ handler_name }}\nComplaints team",
    ),
    LetterKind.HOLDING: (
        "Your complaint {{ reference }}: an update",
        "{{ salutation }}\n\n"
        "We are still looking into your complaint {{ reference }} about {{ service }}. "
        "We expect to send our response by {{ response_due }}.\n\n"
        "Yours sincerely\n\n{{ handler_name }}\nComplaints team",
    ),
    LetterKind.LATE: (
        "Your complaint {{ reference }}: our response is late",
        "{{ salutation }}\n\n"
        "We are sorry that we have not sent our response to your complaint "
        "{{ reference }} by {{ date_due }}, the date it was due.\n\n"
        "[Explain the reason for the delay.]\n\n"
        "We will send our response as soon as we reasonably can.\n\n"
        "Yours sincerely\n\n{{ handler_name }}\nComplaints team",
    ),
    LetterKind.TIME_LIMIT: (
        "Your complaint {{ reference }}: made after the time limit",
        "Dear {{ complainant_name }}\n\n"
        "Thank you for your complaint about {{ service }}, which we received on "
        "{{ received_on }}. Your reference is {{ reference }}.\n\n"
        "A complaint should be made within 12 months of the events, or of the day you "
        "first knew of them if that was later. For your complaint, that time ended on "
        "{{ time_limit }}. We can still look into a later complaint if there was good "
        "reason for not complaining sooner and if, despite the delay, it is still "
        "possible to investigate it effectively and fairly.\n\n"
        "We have considered both of these carefully. We are sorry that we cannot accept "
        "your complaint, for these reasons:\n\n{{ time_limit_reasons }}\n\n"
        "If you have information we did not have, please tell us and we will look at "
        "our decision again.\n\n"
        "{{ ombudsman_paragraph }}\n\n"
        "Yours sincerely\n\n{{ handler_name }}\nComplaints team",
    ),
    LetterKind.FINAL: (
        "Our response to your complaint {{ reference }}",
        "{{ salutation }}\n\n"
        "Thank you for your complaint about {{ service }}, received on {{ received_on }}.\n\n"
        "How we looked into your complaint\n[Explain how the complaint was considered.]\n\n"
        "What we found\n[Set out the conclusions, including anything that needs to be put "
        "right.]\n\n"
        "What we are doing about it\n[Confirm the action taken or proposed.]\n\n"
        "{{ ombudsman_paragraph }}\n\n"
        "Yours sincerely\n\n[Responsible person or delegate]",
    ),
}


def template_errors(text: str) -> list[str]:
    """Why a template's text may not be saved (empty when it may)."""
    errors = []
    if "{%" in text or "%}" in text:
        errors.append("Templates may not use {% %} tags: use only {{ variables }}")
    if "{#" in text:
        errors.append("Templates may not use {# #} comments")
    for match in _VARIABLE.finditer(text):
        name = match.group(1)
        if not _NAME.match(name) or name not in VARIABLES:
            errors.append(
                f"{{{{ {name} }}}} is not a letter variable: use one of "
                + ", ".join(sorted(VARIABLES))
            )
    stripped = _VARIABLE.sub("", text)
    if "{{" in stripped or "}}" in stripped:
        errors.append("A {{ variable }} is not closed properly")
    return errors


def template_for(kind: str) -> LetterTemplate:
    """The trust's template for the kind, or the built-in wording (not saved)."""
    found = LetterTemplate.objects.filter(kind=kind).first()
    if found is not None:
        return found
    subject, body = DEFAULTS[kind]
    return LetterTemplate(kind=kind, subject=subject, body=body)


def variables_for(complaint: Complaint) -> dict[str, str]:
    handler = complaint.handler
    due = clocks.applicable_response_due(complaint.response_due, complaint.backstop_due)
    limit = clocks.time_limit(complaint.event_date, complaint.aware_date)
    return {
        "reference": complaint.reference,
        "complainant_name": complaint.complainant.full_name,
        "salutation": salutation(complaint.complainant),
        "patient_name": complaint.patient.full_name if complaint.patient else "",
        "service": complaint.service.name,
        "received_on": long_date(complaint.received_on),
        "acknowledgement_due": long_date(complaint.acknowledgement_due)
        if complaint.acknowledgement_due
        else "",
        "response_due": long_date(complaint.response_due)
        if complaint.response_due
        else "a date still to be agreed",
        "backstop_due": long_date(complaint.backstop_due) if complaint.backstop_due else "",
        "date_due": long_date(due) if due else "",
        "handler_name": (handler.get_full_name() or handler.get_username()) if handler else "",
        "today": long_date(timezone.localdate()),
        "ombudsman_paragraph": OMBUDSMAN_PARAGRAPH,
        "time_limit": long_date(limit) if limit else "",
        "time_limit_reasons": _time_limit_reasons(complaint),
    }


def _time_limit_reasons(complaint: Complaint) -> str:
    """The decision's reasons on each limb, as the letter states them."""
    if not complaint.time_limit_decided_on:
        return ""
    good = "met" if complaint.late_good_reason else "not met"
    fair = "met" if complaint.late_still_investigable else "not met"
    return (
        f"Good reason for not complaining sooner ({good}): {complaint.late_good_reason_note}\n"
        f"Still possible to investigate effectively and fairly ({fair}): "
        f"{complaint.late_still_investigable_note}"
    )


# No loaders, no libraries, no autoescaping: the output is plain text.
_ENGINE = Engine(autoescape=False, libraries={}, loaders=[])


@functools.lru_cache(maxsize=64)
def _compiled(text: str) -> Template:
    """A template's text, checked and compiled once: the trust has a handful."""
    if template_errors(text):
        raise ValueError("The template is not safe to render")
    return _ENGINE.from_string(text)


def render_text(text: str, values: dict[str, str]) -> str:
    return _compiled(text).render(Context(values, autoescape=False))


def has_ombudsman_paragraph(body: str) -> bool:
    squashed = " ".join(body.split()).lower()
    return OMBUDSMAN_NAME.lower() in squashed and "ombudsman.org.uk" in squashed


def _paragraphs(body: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]


# Titles people write into the name itself; the title field is preferred.
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "sir"})


def _title_and_name(person: Complainant) -> tuple[str, list[str]]:
    parts = person.full_name.split()
    title = person.title.strip()
    if parts and parts[0].lower().rstrip(".") in _TITLES:
        title = title or parts[0]
        parts = parts[1:]
    return title, parts


def salutation(person: Complainant) -> str:
    """'Dear Ms Rivera' when a title is known, else 'Dear Alex Rivera' (never a guess
    at someone's title from their name)."""
    title, parts = _title_and_name(person)
    if title and parts:
        return f"Dear {title} {parts[-1]}"
    if parts:
        return f"Dear {' '.join(parts)}"
    return "Dear Sir or Madam"


def addressee(person: Complainant) -> list[str]:
    """The recipient's name and postal address, one line each, as printed."""
    title, parts = _title_and_name(person)
    name = " ".join([title, *parts]).strip()
    lines = [line.strip() for line in person.address.splitlines() if line.strip()]
    return [name, *lines] if name else lines


@dataclass(frozen=True)
class Head:
    """What the top of a letter carries: the trust's letterhead, the recipient and the date."""

    name: str
    address: list[str]
    contact: list[str]
    recipient: list[str]
    dated: str
    reference: str


def letter_head(letter: Letter, trust_name: str) -> Head:
    saved = Letterhead.objects.order_by("pk").first()
    contact = []
    if saved is not None:
        contact = [
            text
            for text in (
                f"Telephone {saved.phone}" if saved.phone else "",
                saved.email,
                saved.website,
            )
            if text
        ]
    day: datetime.date = letter.sent_on or timezone.localdate()
    return Head(
        name=(saved.name if saved is not None and saved.name else trust_name),
        address=saved.address.splitlines() if saved is not None else [],
        contact=contact,
        recipient=addressee(letter.complaint.complainant),
        dated=long_date(day),
        reference=letter.complaint.reference,
    )


# The letter's look, the same for every letter: parsed once per thread (`_renderer`).
LETTER_CSS = (
    "@page{size:A4;margin:20mm 22mm}"
    "body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;line-height:1.4}"
    "h1{font-size:13pt;margin-top:8mm}.head{text-align:right;color:#425563}"
    ".head strong{color:#005eb8;font-size:14pt}.to{margin-top:10mm;min-height:30mm}"
    ".meta{margin-top:6mm}"
)


def _lines(lines: list[str]) -> str:
    return "<br>".join(escape(line) for line in lines)


def _letter_html(letter: Letter, head: Head) -> str:
    paragraphs = "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in _paragraphs(letter.body)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(letter.subject)}</title></head><body>"
        f"<p class='head'><strong>{escape(head.name)}</strong><br>{_lines(head.address)}"
        f"{'<br>' if head.address and head.contact else ''}{_lines(head.contact)}</p>"
        f"<p class='to'>{_lines(head.recipient)}</p>"
        f"<p class='meta'>{escape(head.dated)}<br>Our reference {escape(head.reference)}</p>"
        f"<h1>{escape(letter.subject)}</h1>{paragraphs}</body></html>"
    )


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"Letters do not fetch anything ({url[:40]})")


_RENDERERS = threading.local()


def _renderer() -> tuple[Any, Any]:
    """This thread's font configuration and parsed letter stylesheet.

    Building them is a fixed cost of every letter otherwise (fontconfig's set-up and
    the CSS parse); neither depends on the letter, and letters use no web fonts, so
    keeping them is safe. Per thread, because WeasyPrint does not say its font
    configuration may be shared between threads.
    """
    cached = getattr(_RENDERERS, "pair", None)
    if cached is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        cached = (fonts, CSS(string=LETTER_CSS, font_config=fonts, url_fetcher=_no_fetch))
        _RENDERERS.pair = cached
    return cached


def letter_pdf(letter: Letter, trust_name: str) -> bytes:
    from weasyprint import HTML

    fonts, stylesheet = _renderer()
    html = _letter_html(letter, letter_head(letter, trust_name))
    document = HTML(string=html, url_fetcher=_no_fetch)
    result: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    return result


def letter_docx(letter: Letter, trust_name: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    head = letter_head(letter, trust_name)
    document = Document()
    top = document.add_paragraph()
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top.add_run(head.name).bold = True
    for line in [*head.address, *head.contact]:
        top.add_run().add_break()
        top.add_run(line)
    document.add_paragraph("\n".join(head.recipient))
    document.add_paragraph(f"{head.dated}\nOur reference {head.reference}")
    document.add_heading(letter.subject, level=1)
    for part in _paragraphs(letter.body):
        document.add_paragraph(part)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
