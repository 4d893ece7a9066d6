"""The values the ratings engine takes and returns: ratings, rounding modes, results, errors."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from fractions import Fraction
from functools import total_ordering


class RatingsError(ValueError):
    """Bad input to the ratings engine. The message says what and where."""


class UnknownMethodologyError(RatingsError):
    pass


class ScoreError(RatingsError):
    pass


class MissingScoresError(RatingsError):
    pass


@total_ordering
class Rating(Enum):
    """CQC's four ratings, worded as CQC words them, ordered worst to best."""

    INADEQUATE = "Inadequate"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    GOOD = "Good"
    OUTSTANDING = "Outstanding"

    @property
    def rank(self) -> int:
        """1 (Inadequate) to 4 (Outstanding): also the statement score a rating implies."""
        return _ORDER.index(self) + 1

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Rating):
            return NotImplemented
        return self.rank < other.rank

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Rating | str) -> Rating:
        """A Rating from itself, its CQC wording in any case, or "RI"."""
        if isinstance(value, Rating):
            return value
        text = " ".join(str(value).split()).casefold()
        for rating in cls:
            if text in (rating.value.casefold(), rating.name.casefold().replace("_", " ")):
                return rating
        if text == "ri":
            return cls.REQUIRES_IMPROVEMENT
        words = ", ".join(f'"{r.value}"' for r in cls)
        raise RatingsError(f"Unknown rating {value!r}: use one of {words}.")

    @classmethod
    def from_rank(cls, rank: int) -> Rating:
        return _ORDER[rank - 1]


_ORDER = (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING)


class Rounding(StrEnum):
    """How a raw percentage becomes the whole percentage that is published.

    CQC publishes whole percentages; no source says how it rounds (see docs/engines/ratings.md).
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    FLOOR = "floor"
    CEILING = "ceiling"

    @classmethod
    def parse(cls, value: Rounding | str) -> Rounding:
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(m.value for m in cls)
            raise RatingsError(f"Unknown rounding mode {value!r}: use one of {known}.") from None

    def apply(self, value: Fraction) -> int:
        if self is Rounding.HALF_UP:
            return math.floor(value + Fraction(1, 2))
        if self is Rounding.HALF_EVEN:
            return round(value)
        if self is Rounding.FLOOR:
            return math.floor(value)
        return math.ceil(value)


@dataclass(frozen=True)
class AppliedLimiter:
    """A limiter that applied to a rating, with why and on whose authority."""

    name: str
    cap: Rating
    reason: str
    status: str
    sources: tuple[str, ...]
    changed_rating: bool


@dataclass(frozen=True)
class PercentageScore:
    """A percentage of the maximum score, raw and published, and its band."""

    total: int
    maximum: int
    raw_percentage: Fraction
    published_percentage: int
    rounding: Rounding
    band: Rating
    bands_by_rounding: Mapping[Rounding, Rating]

    @property
    def boundary_case(self) -> bool:
        """True when another rounding mode would put the percentage in a different band."""
        return len(set(self.bands_by_rounding.values())) > 1


@dataclass(frozen=True)
class StatementScore:
    """A quality statement's score built from its evidence-category scores (2023 method)."""

    score: int
    categories: Mapping[str, int]
    percentage: PercentageScore
    methodology: str
    notes: tuple[str, ...] = ()

    @property
    def boundary_case(self) -> bool:
        return self.percentage.boundary_case

    @property
    def scores_by_rounding(self) -> dict[Rounding, int]:
        return {mode: band.rank for mode, band in self.percentage.bands_by_rounding.items()}


@dataclass(frozen=True)
class KeyQuestionResult:
    """A key question's score and rating, with everything that went into it.

    `rating` is the answer; `band_rating` is what the percentage alone gives before any
    limiter. `carried_forward` names statements scored from the previous rating.
    """

    methodology: str
    key_question: str
    statement_scores: Mapping[str, int]
    carried_forward: tuple[str, ...]
    previous_rating: Rating | None
    percentage: PercentageScore
    band_rating: Rating
    rating: Rating
    limiters_applied: tuple[AppliedLimiter, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def raw_percentage(self) -> float:
        return float(self.percentage.raw_percentage)

    @property
    def published_percentage(self) -> int:
        return self.percentage.published_percentage

    @property
    def boundary_case(self) -> bool:
        """True when the rounding mode changes the band (e.g. 62.5% or 87.5%)."""
        return self.percentage.boundary_case

    @property
    def ratings_by_rounding(self) -> Mapping[Rounding, Rating]:
        return self.percentage.bands_by_rounding


@dataclass(frozen=True)
class OverallResult:
    """An aggregated rating, or a flag that the principles do not decide it.

    When `judgement_needed` is true, `rating` is None and `gap` says which case the
    principles leave open. The engine never guesses.
    """

    methodology: str
    principles: str
    rating: Rating | None
    judgement_needed: bool
    reason: str
    counts: Mapping[Rating, int]
    gap: str | None = None
    status: str = ""
    sources: tuple[str, ...] = field(default=())
