"""The 5x5 risk matrix: likelihood x consequence, and the bands of its scores.

Source: NPSA (2008) "A risk matrix for risk managers", as summarised in
/work/shared/reference/governance-and-involvement.md §2.1: likelihood 1 Rare …
5 Almost certain, consequence 1 Negligible … 5 Catastrophic; the score is their
product, so only 14 scores are possible. Common bands are 1-3 low, 4-6 moderate,
8-12 high, 15-25 extreme. Trusts differ, so `band()` takes the bands as an
argument, checked by `check_bands`; these are the default (no setting chooses
others yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
CONSEQUENCE = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
VALID_SCORES: frozenset[int] = frozenset(
    likely * worst for likely in LIKELIHOOD for worst in CONSEQUENCE
)


@dataclass(frozen=True)
class Band:
    name: str
    low: int  # lowest score in the band
    high: int  # highest score in the band


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("Low", 1, 3),
    Band("Moderate", 4, 6),
    Band("High", 8, 12),
    Band("Extreme", 15, 25),
)


def score(likelihood: int, consequence: int) -> int:
    """The product, refusing a likelihood or consequence outside 1-5."""
    if likelihood not in LIKELIHOOD:
        raise ValueError(f"likelihood must be 1 to 5, not {likelihood}")
    if consequence not in CONSEQUENCE:
        raise ValueError(f"consequence must be 1 to 5, not {consequence}")
    return likelihood * consequence


def band(value: int, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """The band a valid score falls in."""
    if value not in VALID_SCORES:
        raise ValueError(f"{value} is not a score of the 5x5 matrix")
    for candidate in bands:
        if candidate.low <= value <= candidate.high:
            return candidate.name
    raise ValueError(f"no band holds the score {value}")


def check_bands(bands: Sequence[Band]) -> None:
    """Configured bands must hold every valid score exactly once."""
    for value in VALID_SCORES:
        holding = [b.name for b in bands if b.low <= value <= b.high]
        if len(holding) != 1:
            raise ValueError(f"score {value} is in {len(holding)} bands: {holding}")
