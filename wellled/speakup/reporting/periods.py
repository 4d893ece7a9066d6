"""Periods of the speak-up figures: financial-year quarters, and the suppression
threshold every published count is held to."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

# Counts of 1 to 5 are hidden from the board by default (issue #14, item 7).
DEFAULT_SUPPRESS_BELOW = 6


def suppress_below() -> int:
    """The smallest count shown to the board: settings.WELLLED_SPEAKUP_SUPPRESS_BELOW (6).

    `checks.check_suppression_threshold` refuses to start with anything but a whole
    number of at least 1, so this needs no checking of its own."""
    return int(getattr(settings, "WELLLED_SPEAKUP_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW))


# Quarters ------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: year 2025, number 1 is April to June 2025 (Q1 2025/26)."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, slug: str) -> Quarter:
        """'2025-Q1' -> Quarter(2025, 1); ValueError for anything else."""
        match = _QUARTER.match(slug.strip())
        if match is None:
            raise ValueError(f"{slug!r} is not a quarter like 2025-Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> datetime.date:
        # The NHS year starts on 1 April; each quarter three months on.
        start: datetime.date = datetime.date(self.year, 4, 1) + relativedelta(
            months=3 * (self.number - 1)
        )
        return start

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.financial_year}"

    @property
    def months_label(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    def __str__(self) -> str:
        return self.label


def recent_quarters(count: int, today: datetime.date) -> list[Quarter]:
    """The `count` quarters up to and including today's, oldest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))
