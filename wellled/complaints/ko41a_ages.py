"""Section 3 of the KO41a return, "Age of patient": the bands (data, in
`data/ko41a_age_bands.json`, each marked verified, corroborated or unverified) and
the count of new complaints in each.

The age is the patient's age on the day the complaint was received (our rule: the
guidelines ask for the detail "only ... for new complaints received", so the day of
receipt is the day that makes it new). A complaint with no date of birth recorded
counts as "Age unknown", so the bands always add up to the new complaints, as the
KO41b guidance requires of its own form ("the component parts must equal the value
entered in the Total New Complaints box").
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from wellled.complaints.models import Complaint

BANDS_FILE = Path(__file__).resolve().parent / "data" / "ko41a_age_bands.json"
SECTION = "3 Age of patient"


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    low: int | None
    high: int | None
    verification: str
    source: str

    @property
    def is_unknown(self) -> bool:
        return self.low is None


class AgeBandError(ValueError):
    """The bands file is malformed: a programming error, caught by the tests."""


def _checked(bands: list[AgeBand]) -> list[AgeBand]:
    """Known bands run from 0 without gap or overlap, the last open-ended; one unknown."""
    known = [b for b in bands if not b.is_unknown]
    unknown = [b for b in bands if b.is_unknown]
    if len(unknown) != 1 or not known or known[0].low != 0 or known[-1].high is not None:
        raise AgeBandError("Age bands must start at 0, end open-ended, and have one 'unknown'")
    for before, after in itertools.pairwise(known):
        if before.high is None or after.low != before.high + 1:
            raise AgeBandError(f"Age band {after.code} does not follow {before.code}")
    return bands


@cache
def age_bands() -> tuple[AgeBand, ...]:
    data = json.loads(BANDS_FILE.read_text(encoding="utf-8"))
    bands = [
        AgeBand(
            code=str(entry["code"]),
            label=str(entry["label"]),
            low=entry["low"],
            high=entry["high"],
            verification=str(entry["verification"]),
            source=str(entry["source"]),
        )
        for entry in data["bands"]
    ]
    return tuple(_checked(bands))


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Whole years from birth to `day` (a birthday on 29 February is reached on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_for(born: datetime.date | None, day: datetime.date) -> AgeBand:
    bands = age_bands()
    unknown = next(b for b in bands if b.is_unknown)
    if born is None or born > day:
        return unknown
    age = age_on(born, day)
    for band in bands:
        if band.low is not None and age >= band.low and (band.high is None or age <= band.high):
            return band
    return unknown


def age_counts(received: QuerySet[Complaint], site: list[str]) -> dict[Any, Counter[str]]:
    """Site id (None for the whole) -> band code -> new complaints."""
    counts: dict[Any, Counter[str]] = {}
    for row in received.values(*site, "received_on", "patient__date_of_birth").order_by():
        band = band_for(row["patient__date_of_birth"], row["received_on"])
        counts.setdefault(row.get("site_id"), Counter())[band.code] += 1
    return counts
