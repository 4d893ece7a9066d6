"""A whole year's WRES or WDES from its aggregate inputs, with the change since last year.

What a report page, a national template or an EDI action's outcome needs, in one call:

    from wellled.engines.equality import YearInputs, EventCounts, year_report
    rows = year_report("WRES", current=this_year, previous=last_year)
    for row in rows: row.indicator.label, row.value, row.flags

Inputs are counts by group key ("white", "bme", "unknown"; "disabled", "non_disabled",
"unknown"): what the app stores for a year, and no person's record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from . import wdes, wres
from .catalogue import INDICATORS, LATEST
from .change import Change, likelihood_change
from .groups import BME, DISABLED, NON_DISABLED, UNKNOWN, WHITE
from .indicators import Indicator
from .representation import BoardGap, Representation, board_gaps, representation
from .stats import RelativeLikelihood
from .survey import SurveyResult, survey_indicator

Standard = Literal["WRES", "WDES"]
PROTECTED: dict[str, str] = {"WRES": BME, "WDES": DISABLED}


@dataclass(frozen=True)
class EventCounts:
    """People by group and how many of them had the event (appointed, disciplinary, ...)."""

    totals: Mapping[str, int]
    events: Mapping[str, int]

    def total(self, group: str) -> int:
        return self.totals.get(group, 0)

    def event(self, group: str) -> int:
        return self.events.get(group, 0)


@dataclass(frozen=True)
class YearInputs:
    """One reporting year (to 31 March) of one standard's inputs. Any may be missing."""

    year: int
    staff: Sequence[tuple[str, bool, str]] = ()  # (band, clinical, group) per person
    recruitment: EventCounts | None = None  # shortlisted, appointed
    formal_process: EventCounts | None = None  # WRES disciplinary / WDES capability
    training: EventCounts | None = None  # WRES 4 only
    board: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # voting, executive
    survey: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportRow:
    indicator: Indicator
    likelihood: RelativeLikelihood | None = None
    change: Change | None = None  # likelihood indicators: since last year
    survey: SurveyResult | None = None
    representation: Representation | None = None
    board: Mapping[str, BoardGap] | None = None

    @property
    def missing(self) -> bool:
        """No input for this indicator this year."""
        return not any((self.likelihood, self.survey, self.representation, self.board))

    @property
    def value(self) -> float | None:
        """The headline figure: the ratio, the protected group's %, or the voting gap."""
        if self.likelihood is not None:
            return self.likelihood.ratio
        if self.survey is not None:
            return self.survey.figure(self.survey.indicator.groups[0]).percent
        if self.board is not None and "voting" in self.board:
            return self.board["voting"].gap
        return None

    @property
    def flags(self) -> Flags:
        """The three flags of the report: outside the band, significant, change."""
        if self.likelihood is not None:
            return Flags(
                outside_band=self.likelihood.outside_band,
                significant=self.likelihood.significant,
                change=self.change.verdict if self.change else None,
            )
        if self.survey is not None:
            between = self.survey.between
            protected = self.survey.figure(self.survey.indicator.groups[0])
            return Flags(
                outside_band=None,
                significant=between.significant if between else None,
                change=protected.change.verdict if protected.change else None,
            )
        return Flags(outside_band=None, significant=None, change=None)


@dataclass(frozen=True)
class Flags:
    outside_band: bool | None  # None: the indicator has no band
    significant: bool | None  # the groups differ beyond chance (None: not tested)
    change: str | None  # verdict since last year (change.Verdict), None: no last year


Compute = Callable[[EventCounts], RelativeLikelihood]


def _wres_2(c: EventCounts) -> RelativeLikelihood:
    return wres.indicator_2(
        white_shortlisted=c.total(WHITE),
        white_appointed=c.event(WHITE),
        bme_shortlisted=c.total(BME),
        bme_appointed=c.event(BME),
        unknown_shortlisted=c.total(UNKNOWN),
    )


def _wres_3(c: EventCounts) -> RelativeLikelihood:
    return wres.indicator_3(
        bme_staff=c.total(BME),
        bme_disciplinary=c.event(BME),
        white_staff=c.total(WHITE),
        white_disciplinary=c.event(WHITE),
        unknown_staff=c.total(UNKNOWN),
    )


def _wres_4(c: EventCounts) -> RelativeLikelihood:
    return wres.indicator_4(
        white_staff=c.total(WHITE),
        white_trained=c.event(WHITE),
        bme_staff=c.total(BME),
        bme_trained=c.event(BME),
        unknown_staff=c.total(UNKNOWN),
    )


def _wdes_2(c: EventCounts) -> RelativeLikelihood:
    return wdes.metric_2(
        non_disabled_shortlisted=c.total(NON_DISABLED),
        non_disabled_appointed=c.event(NON_DISABLED),
        disabled_shortlisted=c.total(DISABLED),
        disabled_appointed=c.event(DISABLED),
        unknown_shortlisted=c.total(UNKNOWN),
    )


def _wdes_3(c: EventCounts) -> RelativeLikelihood:
    return wdes.metric_3(
        disabled_staff=c.total(DISABLED),
        disabled_capability=c.event(DISABLED),
        non_disabled_staff=c.total(NON_DISABLED),
        non_disabled_capability=c.event(NON_DISABLED),
        unknown_staff=c.total(UNKNOWN),
    )


# Which input feeds each likelihood indicator, and the function that knows its direction.
LIKELIHOODS: dict[tuple[str, str], tuple[str, Compute]] = {
    ("WRES", "2"): ("recruitment", _wres_2),
    ("WRES", "3"): ("formal_process", _wres_3),
    ("WRES", "4"): ("training", _wres_4),
    ("WDES", "2"): ("recruitment", _wdes_2),
    ("WDES", "3"): ("formal_process", _wdes_3),
}


def _likelihood(
    indicator: Indicator, current: YearInputs, previous: YearInputs | None
) -> ReportRow:
    source, compute = LIKELIHOODS[(indicator.standard, indicator.number)]
    now_counts: EventCounts | None = getattr(current, source)
    if now_counts is None:
        return ReportRow(indicator)
    now = compute(now_counts)
    before_counts = getattr(previous, source) if previous is not None else None
    change = likelihood_change(compute(before_counts), now) if before_counts else None
    return ReportRow(indicator, likelihood=now, change=change)


def _row(indicator: Indicator, current: YearInputs, previous: YearInputs | None) -> ReportRow:
    if indicator.kind == "likelihood":
        return _likelihood(indicator, current, previous)
    if indicator.kind == "survey" and indicator.number in current.survey:
        before = previous.survey.get(indicator.number) if previous is not None else None
        result = survey_indicator(
            indicator, current=current.survey[indicator.number], previous=before
        )
        return ReportRow(indicator, survey=result)
    if indicator.kind == "representation" and current.staff:
        return ReportRow(indicator, representation=representation(current.staff))
    if indicator.kind == "board" and current.board and current.staff:
        workforce: dict[str, int] = {}
        for _, _, group in current.staff:
            workforce[group] = workforce.get(group, 0) + 1
        gaps = board_gaps(
            group=PROTECTED[indicator.standard],
            workforce=workforce,
            voting=current.board.get("voting", {}),
            executive=current.board.get("executive", {}),
            whole_board=current.board.get("whole board"),
        )
        return ReportRow(indicator, board=gaps)
    return ReportRow(indicator)


def year_report(
    standard: Standard,
    *,
    current: YearInputs,
    previous: YearInputs | None = None,
    version: str | None = None,
) -> list[ReportRow]:
    """Every indicator of one standard and version, in official order, for one year."""
    wanted = version or LATEST[standard]
    return [
        _row(indicator, current, previous)
        for (std, _, ver), indicator in INDICATORS.items()
        if std == standard and ver == wanted
    ]
