"""Workforce Disability Equality Standard: the ten metrics (ref §2).

    from wellled.engines.equality import wdes
    r = wdes.metric_2(non_disabled_shortlisted=900, non_disabled_appointed=180,
                      disabled_shortlisted=100, disabled_appointed=12)

The version is the WDES 2023 metrics and technical guidance (version 5, March 2023): bank
staff excluded and VSM as WRES defines it [V]. Metric 3's scope (whether capability on the
grounds of ill health counts) changed nationally [C]; it is part of the version.
"""

from __future__ import annotations

from .groups import DISABLED, NON_DISABLED, Declaration, declaration
from .indicators import Indicator
from .stats import BAND, RelativeLikelihood, check_counts, relative_likelihood

VERSION = "2023"
_METRICS = "https://www.england.nhs.uk/long-read/nhs-wdes-2023-metrics/"


def _metric(number: str, **fields: object) -> Indicator:
    return Indicator(standard="WDES", number=number, version=VERSION, **fields)  # type: ignore[arg-type]


_SURVEY = {"groups": (DISABLED, NON_DISABLED), "kind": "survey", "source": _METRICS}
METRIC_1 = _metric(
    "1",
    kind="representation",
    better="closer_to_zero",
    title=(
        "Percentage of staff in AfC pay-bands or medical and dental subgroups and very senior "
        "managers (including Executive Board members) compared with the percentage of staff "
        "in the overall workforce"
    ),
    source=_METRICS,
)
METRIC_2 = _metric(
    "2",
    kind="likelihood",
    better="closer_to_one",
    title=(
        "Relative likelihood of non-Disabled staff compared to Disabled staff being appointed "
        "from shortlisting across all posts"
    ),
    numerator="Non-disabled applicants",
    comparison="Disabled applicants",
    event="to be appointed from shortlisting",
    source=_METRICS,
    uncertain="How applicants under the Guaranteed Interview Scheme are counted.",
)
METRIC_3 = _metric(
    "3",
    kind="likelihood",
    better="closer_to_one",
    title=(
        "Relative likelihood of Disabled staff compared to non-disabled staff entering the "
        "formal capability process, as measured by entry into the formal capability procedure"
    ),
    numerator="Disabled staff",
    comparison="Non-disabled staff",
    event="to enter the formal capability process",
    source=_METRICS,
    uncertain="Two-year rolling average; whether ill-health capability is in scope.",
)
METRIC_4A_PUBLIC = _metric(
    "4a-i",
    better="lower",
    title=(
        "Percentage of staff experiencing harassment, bullying or abuse from patients, "
        "service users, their relatives or other members of the public"
    ),
    **_SURVEY,
)
METRIC_4A_MANAGERS = _metric(
    "4a-ii",
    better="lower",
    title="Percentage of staff experiencing harassment, bullying or abuse from managers",
    **_SURVEY,
)
METRIC_4A_COLLEAGUES = _metric(
    "4a-iii",
    better="lower",
    title="Percentage of staff experiencing harassment, bullying or abuse from other colleagues",
    **_SURVEY,
)
METRIC_4B = _metric(
    "4b",
    better="higher",
    title=(
        "Percentage of staff saying the last time they experienced harassment, bullying or "
        "abuse at work, they or a colleague reported it"
    ),
    **_SURVEY,
)
METRIC_5 = _metric(
    "5",
    better="higher",
    title=(
        "Percentage of staff believing that the Trust provides equal opportunities for "
        "career progression or promotion"
    ),
    **_SURVEY,
)
METRIC_6 = _metric(
    "6",
    better="lower",
    title=(
        "Percentage of staff saying that they have felt pressure from their manager to come "
        "to work, despite not feeling well enough to perform their duties"
    ),
    **_SURVEY,
)
METRIC_7 = _metric(
    "7",
    better="higher",
    title=(
        "Percentage of staff saying that they are satisfied with the extent to which their "
        "organisation values their work"
    ),
    uncertain="Counting 'satisfied' and 'very satisfied' as positive.",
    **_SURVEY,
)
METRIC_8 = _metric(
    "8",
    kind="survey",
    better="higher",
    groups=(DISABLED,),
    title=(
        "Percentage of Disabled staff saying that their employer has made adequate "
        "adjustment(s) to enable them to carry out their work"
    ),
    source=_METRICS,
    uncertain="'No adjustment required' excluded from the denominator.",
)
METRIC_9A = _metric(
    "9a",
    kind="score",
    better="higher",
    groups=(DISABLED, NON_DISABLED),
    title=(
        "The staff engagement score for Disabled staff, compared to non-disabled staff and "
        "the overall engagement score for the organisation"
    ),
    source=_METRICS,
    uncertain="A 0-10 score, not a percentage: the engine compares it but does not test it.",
)
METRIC_9B = _metric(
    "9b",
    kind="narrative",
    better="higher",
    title=(
        "Has your trust taken action to facilitate the voices of Disabled staff in your "
        "organisation to be heard?"
    ),
    source=_METRICS,
    uncertain="Exact wording.",
)
METRIC_10 = _metric(
    "10",
    kind="board",
    better="closer_to_zero",
    title=(
        "Percentage difference between the organisation's board voting membership and its "
        "overall workforce, disaggregated by voting membership and executive membership"
    ),
    source=_METRICS,
    uncertain="Exact wording [U]; NHS Employers lists it as board make-up [C].",
)
METRICS = (
    METRIC_1,
    METRIC_2,
    METRIC_3,
    METRIC_4A_PUBLIC,
    METRIC_4A_MANAGERS,
    METRIC_4A_COLLEAGUES,
    METRIC_4B,
    METRIC_5,
    METRIC_6,
    METRIC_7,
    METRIC_8,
    METRIC_9A,
    METRIC_9B,
    METRIC_10,
)


def _unknown(unknown: int | None, known: int) -> Declaration | None:
    if unknown is None:
        return None
    check_counts(unknown, unknown, "unknown disability status")
    return declaration(known, unknown)


def metric_2(
    *,
    non_disabled_shortlisted: int,
    non_disabled_appointed: int,
    disabled_shortlisted: int,
    disabled_appointed: int,
    unknown_shortlisted: int | None = None,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """Non-disabled appointed-from-shortlisting rate / Disabled rate. Above 1: adverse."""
    check_counts(non_disabled_appointed, non_disabled_shortlisted, "non-disabled applicants")
    check_counts(disabled_appointed, disabled_shortlisted, "Disabled applicants")
    result = relative_likelihood(
        non_disabled_appointed,
        non_disabled_shortlisted,
        disabled_appointed,
        disabled_shortlisted,
        confidence=confidence,
        band=band,
    )
    known = non_disabled_shortlisted + disabled_shortlisted
    return result.with_context(METRIC_2, _unknown(unknown_shortlisted, known))


def metric_3(
    *,
    disabled_staff: int,
    disabled_capability: int,
    non_disabled_staff: int,
    non_disabled_capability: int,
    unknown_staff: int | None = None,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """Disabled rate of entering formal capability / non-disabled rate. Above 1: adverse."""
    check_counts(disabled_capability, disabled_staff, "Disabled staff")
    check_counts(non_disabled_capability, non_disabled_staff, "non-disabled staff")
    result = relative_likelihood(
        disabled_capability,
        disabled_staff,
        non_disabled_capability,
        non_disabled_staff,
        confidence=confidence,
        band=band,
    )
    known = disabled_staff + non_disabled_staff
    return result.with_context(METRIC_3, _unknown(unknown_staff, known))
