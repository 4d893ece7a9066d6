"""Who is where: WRES indicator 1 / WDES metric 1 by band, and indicator 9 / metric 10.

Percentages here have everyone in the denominator, unknowns included, as trusts publish
them (ref §4 T2: NCIC's 990 BME, 6,307 White and 125 not declared print as 13%, 85%, 2%);
whether NHS England's template does the same is [U]. Unknowns are always shown as their
own column, so the reader sees how much the picture rests on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .groups import BANDS, CLUSTERS, UNKNOWN, cluster_of, normalise_band
from .stats import CountError


@dataclass(frozen=True)
class Headcount:
    """People by group ("bme", "white", "unknown", or "disabled", "non_disabled", ...)."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, group: str) -> int:
        return self.counts.get(group, 0)

    def percent(self, group: str) -> float | None:
        """Share of everyone, unknowns included, in percent; None for nobody."""
        return 100 * self.count(group) / self.total if self.total else None

    @property
    def declaration_rate(self) -> float | None:
        """Share of people whose group is known, in percent."""
        return 100 - (self.percent(UNKNOWN) or 0) if self.total else None


def headcount(counts: Mapping[str, int]) -> Headcount:
    for group, n in counts.items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise CountError(f"{group}: a headcount must be a whole number, not {n!r}")
    return Headcount(dict(counts))


@dataclass(frozen=True)
class BandRow:
    band: str  # a band from groups.BANDS, or a cluster label
    clinical: bool | None  # None: clinical and non-clinical together
    people: Headcount

    def gap(self, group: str, workforce: Headcount) -> float | None:
        """This band's percentage minus the workforce's, in percentage points."""
        here, overall = self.people.percent(group), workforce.percent(group)
        return None if here is None or overall is None else here - overall


@dataclass(frozen=True)
class Representation:
    workforce: Headcount
    bands: tuple[BandRow, ...]  # per band, clinical and non-clinical separately
    # WDES clusters 1-7, clinical then non-clinical: "Organisations should undertake this
    # calculation separately" for the two (ref §1.1) [V, truncated excerpt].
    clusters: tuple[BandRow, ...]

    def band(self, band: str, clinical: bool | None) -> BandRow | None:
        wanted = normalise_band(band)
        return next((r for r in self.bands if r.band == wanted and r.clinical is clinical), None)


def representation(staff: Iterable[tuple[str, bool, str]]) -> Representation:
    """Indicator 1 / metric 1 from (band, clinical, group) for each person at 31 March.

    Bands are normalised ("Band 8A" -> "8a"); an unknown band raises UnknownCodeError.
    Bands with nobody in them are left out. Bank staff should not be passed in (ref §1
    note 1: excluded since WDES 2023, to match WRES) [V for WDES].
    """
    by_band: dict[tuple[str, bool], Counter[str]] = {}
    by_cluster: dict[tuple[int, bool], Counter[str]] = {}
    overall: Counter[str] = Counter()
    for band, clinical, group in staff:
        name = normalise_band(band)
        by_band.setdefault((name, bool(clinical)), Counter())[group] += 1
        by_cluster.setdefault((cluster_of(name).number, bool(clinical)), Counter())[group] += 1
        overall[group] += 1
    order = {band: i for i, band in enumerate(BANDS)}
    bands = tuple(
        BandRow(band=band, clinical=clinical, people=Headcount(dict(counts)))
        for (band, clinical), counts in sorted(
            by_band.items(), key=lambda item: (not item[0][1], order[item[0][0]])
        )
    )
    clusters = tuple(
        BandRow(band=c.label, clinical=clinical, people=Headcount(dict(by_cluster[key])))
        for clinical in (True, False)
        for c in CLUSTERS
        if (key := (c.number, clinical)) in by_cluster
    )
    return Representation(workforce=Headcount(dict(overall)), bands=bands, clusters=clusters)


@dataclass(frozen=True)
class BoardGap:
    """Board percentage minus workforce percentage for one group, in percentage points."""

    membership: str  # "voting", "executive" or "whole board"
    group: str
    board: Headcount
    workforce: Headcount

    @property
    def board_percent(self) -> float | None:
        return self.board.percent(self.group)

    @property
    def workforce_percent(self) -> float | None:
        return self.workforce.percent(self.group)

    @property
    def gap(self) -> float | None:
        """Negative: the group is under-represented on the board (ref §4 T6)."""
        board, workforce = self.board_percent, self.workforce_percent
        return None if board is None or workforce is None else board - workforce


def board_gaps(
    *,
    group: str,
    workforce: Mapping[str, int],
    voting: Mapping[str, int],
    executive: Mapping[str, int],
    whole_board: Mapping[str, int] | None = None,
) -> dict[str, BoardGap]:
    """WRES indicator 9 (group "bme") or WDES metric 10 (group "disabled").

    Split into voting and executive membership (WDES 10's wording; WRES 9's current split
    is [C]), and the whole board when given.
    """
    staff = headcount(workforce)
    parts = {"voting": voting, "executive": executive}
    if whole_board is not None:
        parts["whole board"] = whole_board
    return {
        name: BoardGap(membership=name, group=group, board=headcount(counts), workforce=staff)
        for name, counts in parts.items()
    }
