"""What each WRES indicator and WDES metric is: its key, official wording and direction.

Keyed by `(standard, number, version)` so a change of definition is a new entry, never an
edit of an old one (ref §5: a published schema mis-numbered the indicators; the official
numbers are the key). The computations live in `wres.py`, `wdes.py`, `representation.py`
and `survey.py`; this module only describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["representation", "likelihood", "survey", "score", "board", "narrative"]
# For a survey percentage: which way is better for staff. For a relative likelihood the
# official ratios are all built so that above 1 is adverse to BME or Disabled staff.
Better = Literal["lower", "higher", "closer_to_zero", "closer_to_one"]


@dataclass(frozen=True)
class Indicator:
    standard: Literal["WRES", "WDES"]
    number: str
    version: str
    kind: Kind
    title: str
    better: Better
    # Likelihood indicators: the group whose rate is the numerator, the comparison group
    # and the event, worded so that "<numerator> are 1.5 times as likely as <comparison>
    # <event>" reads as NHS England's reports do.
    numerator: str | None = None
    comparison: str | None = None
    event: str | None = None
    # Survey indicators: the groups compared (keys from groups.py), the protected group
    # first.
    groups: tuple[str, ...] = ()
    source: str = ""
    uncertain: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.standard, self.number, self.version)

    @property
    def label(self) -> str:
        word = "indicator" if self.standard == "WRES" else "metric"
        return f"{self.standard} {word} {self.number}"

    def adverse(self, value: float) -> bool:
        """Whether a value is on the adverse side of parity, in this indicator's direction.

        For a likelihood ratio, above 1; for a board gap, below 0 (under-representation).
        Survey percentages have no parity of their own: compare the groups instead.
        """
        if self.kind == "likelihood":
            return value > 1
        if self.kind in ("board", "representation"):
            return value < 0
        raise ValueError(f"{self.label} is not judged against parity on its own")


class UnknownIndicatorError(KeyError):
    pass
