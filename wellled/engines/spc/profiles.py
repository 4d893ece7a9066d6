"""Named rule sets that reproduce each NHS England SPC tool.

NHS England publishes several Making Data Count tools and they disagree in the
details (shift length, which rules cross a recalculation, how a point that is
both improvement and concern is shown, moving-range screening, the minimum
number of points). Each difference is an explicit field here, so a chart is
never computed under a silent choice. docs/engines/spc.md gives the source of
every setting.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Conflict = Literal["improvement", "concern", "precedence"]
Screening = Literal["off", "nhsr", "sql"]
BaselineMode = Literal["baseline_only", "first_partition", "per_segment"]
TrendEqual = Literal["break", "continue"]
AssuranceEdge = Literal["inclusive", "strict"]
VariationPoint = Literal["last_point", "last_special_cause"]


@dataclass(frozen=True)
class Profile:
    """Every option that changes a computed value. Frozen: derive variants with `replace`."""

    name: str
    description: str
    # Process limits: mean ± limit_constant * mean moving range.
    limit_constant: float = 2.66
    # Two-sigma lines: mean ± two_sigma_constant * mean moving range.
    two_sigma_constant: float = 2.66 * 2 / 3
    # Moving ranges above this multiple of the mean moving range are outliers.
    mr_outlier_constant: float = 3.267
    # "off": no screening; "nhsr": drop mR < 3.267·mR̄ (strict), keep the mean;
    # "sql": keep mR <= 3.267·mR̄ and recompute the mean without the points whose mR was dropped.
    screen_mr_outliers: Screening = "off"
    shift_points: int = 6
    trend_points: int = 6
    # "break": an equal value ends a trend; "continue": it neither counts nor breaks.
    trend_equal_values: TrendEqual = "break"
    two_sigma_rule: bool = True
    # MDC v5 does not count a point beyond the process limit towards two-in-three.
    two_sigma_includes_beyond_limit: bool = False
    # Which rules carry on across a rebase (recalculation) or a baseline boundary.
    shift_crosses_rebase: bool = True
    trend_crosses_rebase: bool = True
    two_sigma_crosses_rebase: bool = True
    # A point both improvement and concern: which wins, or NHSR's fixed precedence
    # (outside limits > trend > two-in-three > shift, the winning rule gives the side).
    conflict: Conflict = "improvement"
    # A series shorter than this is shown without limits, special causes or icons.
    min_points: int = 13
    # Warn when a segment (between rebases) has fewer points than this; 0 = never.
    short_segment_warning: int = 12
    # How a baseline combines with rebases:
    # "baseline_only": rebases are ignored when a baseline is set (Excel v5);
    # "first_partition": the baseline is its own partition and the partition after it
    #   copies its limits; later rebases recalculate (SQL v2.4);
    # "per_segment": limits of every rebase segment come from its first N points (NHSR).
    baseline_mode: BaselineMode = "baseline_only"
    # Smallest baseline accepted; a shorter one is an error (NHSR refuses < 12).
    baseline_min_points: int = 2
    # The target on a process limit counts as pass/fail ("inclusive") or hit-or-miss ("strict").
    assurance_edge: AssuranceEdge = "inclusive"
    # The variation icon is read from the last point (every MDC tool) or, as abspc
    # does, from the last special-cause point; no shipped profile uses the latter.
    variation_from: VariationPoint = "last_point"

    def __post_init__(self) -> None:
        if self.shift_points < 2 or self.trend_points < 2:
            raise ValueError("shift_points and trend_points must be at least 2")
        if self.min_points < 1:
            raise ValueError("min_points must be at least 1")
        if self.limit_constant <= 0 or self.two_sigma_constant <= 0:
            raise ValueError("the sigma constants must be positive")

    def replace(self, **changes: object) -> Profile:
        """A copy with some options changed, e.g. `profile.replace(shift_points=7)`."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def settings(self) -> dict[str, object]:
        """The options as a plain dict, for storing next to a computed chart."""
        return dataclasses.asdict(self)


MDC_EXCEL_V5 = Profile(
    name="mdc_excel_v5",
    description="NHS England Making Data Count Single Chart Tool v5.0 (Excel)",
)

MDC_SQL_V2 = Profile(
    name="mdc_sql_v2",
    description="NHS England Making Data Count SPC charts SQL query v2.4",
    two_sigma_constant=2.66 * (2 / 3.0),
    shift_points=7,
    trend_points=7,
    shift_crosses_rebase=False,
    trend_crosses_rebase=True,
    two_sigma_crosses_rebase=False,
    min_points=15,
    short_segment_warning=12,
    baseline_mode="first_partition",
)

NHSR_0_2_2 = Profile(
    name="nhsr_0_2_2",
    description="NHS-R Community NHSRplotthedots 0.2.2 (R)",
    two_sigma_constant=2 * (2.66 / 3),
    screen_mr_outliers="nhsr",
    shift_points=7,
    trend_points=7,
    shift_crosses_rebase=False,
    trend_crosses_rebase=False,
    two_sigma_crosses_rebase=False,
    conflict="precedence",
    min_points=1,
    short_segment_warning=12,
    baseline_mode="per_segment",
    baseline_min_points=12,
    assurance_edge="strict",
)

PROFILES: dict[str, Profile] = {p.name: p for p in (MDC_EXCEL_V5, MDC_SQL_V2, NHSR_0_2_2)}
DEFAULT_PROFILE = MDC_EXCEL_V5.name


class UnknownProfileError(ValueError):
    pass


def get_profile(profile: str | Profile | None = None) -> Profile:
    """The named profile (default mdc_excel_v5); a Profile passes through unchanged."""
    if profile is None:
        return PROFILES[DEFAULT_PROFILE]
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownProfileError(
            f"unknown SPC profile {profile!r}; the known profiles are: {known}"
        ) from None
