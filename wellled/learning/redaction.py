"""Keep the people on a case out of text written for everyone to read.

Shared learning and "You said, we did" summaries are read across the trust and
by the public. `personal_details_in(text, complaint)` names what in the text
could identify the complainant or patient: their names, the case reference, an
NHS number, an email address, a phone number or a date of birth. The actions
refuse such text with that list, so the author rewrites it; nothing is silently
rewritten, because a half-redacted sentence can still identify someone.
"""

from __future__ import annotations

import re

from wellled.complaints.models import Complaint

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# NHS numbers are written 10 digits, with or without spaces (3 3 4).
_NHS_NUMBER = re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")
# UK phone numbers: 0 or +44 then 9-10 more digits, spaces allowed.
_PHONE = re.compile(r"(?:\+44\s?|\b0)(?:\d\s?){9,10}\b")
_SHORT_NAME_PART = 3  # "Al", "Jo": too common to refuse on their own


def _name_parts(full_name: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", full_name) if len(part) >= _SHORT_NAME_PART]


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def personal_details_in(text: str, complaint: Complaint | None = None) -> list[str]:
    """What in `text` could identify someone, in words a person can act on."""
    found: list[str] = []
    if _EMAIL.search(text):
        found.append("an email address")
    if _NHS_NUMBER.search(text):
        found.append("an NHS number or another 10-digit number")
    if _PHONE.search(text):
        found.append("a phone number")
    if complaint is None:
        return found
    if _contains_word(text, complaint.reference):
        found.append("the case reference")
    people = [("the complainant's name", complaint.complainant.full_name)]
    if complaint.patient is not None:
        people.append(("the patient's name", complaint.patient.full_name))
    for label, full_name in people:
        if any(_contains_word(text, part) for part in _name_parts(full_name)):
            found.append(label)
    if complaint.patient is not None and complaint.patient.date_of_birth is not None:
        birthday = complaint.patient.date_of_birth
        written = {
            birthday.strftime("%d/%m/%Y"),
            birthday.isoformat(),
            f"{birthday.day} {birthday.strftime('%B')} {birthday.year}",
        }
        if any(form in text for form in written):
            found.append("the patient's date of birth")
    return list(dict.fromkeys(found))
