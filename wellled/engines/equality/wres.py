"""Workforce Race Equality Standard: the nine indicators (ref §1).

    from wellled.engines.equality import wres
    r = wres.indicator_2(white_shortlisted=389, white_appointed=117,
                         bme_shortlisted=10, bme_appointed=2)
    r.ratio, r.ci_low, r.ci_high, r.outside_band, r.significant, r.sentence()

The version is the edition of NHS England's technical guidance the definitions follow
(July 2018, Naqvi, Coghill and Chinembiri; ref "Primary documents"). Wording is [V] from
trusts reproducing NHS England's text; formulas are [C] unless marked.
"""

from __future__ import annotations

from .groups import BME, WHITE, Declaration, declaration
from .indicators import Indicator
from .stats import BAND, RelativeLikelihood, check_counts, relative_likelihood

VERSION = "2018"
_PAGE = "https://www.england.nhs.uk/publication/workforce-race-equality-standard-wres-indicators/"


def _indicator(number: str, **fields: object) -> Indicator:
    return Indicator(standard="WRES", number=number, version=VERSION, **fields)  # type: ignore[arg-type]


INDICATOR_1 = _indicator(
    "1",
    kind="representation",
    better="closer_to_zero",
    title=(
        "Percentage of staff in each of the AfC Bands 1-9 and VSM (including executive board "
        "members) compared with the percentage of staff in the overall workforce"
    ),
    source=_PAGE,
    uncertain="Whether unknown ethnicity is in the denominator of each band's percentage.",
)
INDICATOR_2 = _indicator(
    "2",
    kind="likelihood",
    better="closer_to_one",
    title=(
        "Relative likelihood of White applicants being appointed from shortlisting across "
        "all posts compared to BME applicants"
    ),
    numerator="White applicants",
    comparison="BME applicants",
    event="to be appointed from shortlisting",
    source=_PAGE,
    uncertain="Whether 'appointed' counts offers accepted only; applicants or applications.",
)
INDICATOR_3 = _indicator(
    "3",
    kind="likelihood",
    better="closer_to_one",
    title=(
        "Relative likelihood of BME staff entering the formal disciplinary process compared "
        "to White staff"
    ),
    numerator="BME staff",
    comparison="White staff",
    event="to enter the formal disciplinary process",
    source=_PAGE,
    uncertain="Two-year rolling average of the current and previous year: pool the counts.",
)
INDICATOR_4 = _indicator(
    "4",
    kind="likelihood",
    better="closer_to_one",
    title=(
        "Relative likelihood of White staff accessing non-mandatory training and CPD "
        "compared to BME staff"
    ),
    numerator="White staff",
    comparison="BME staff",
    event="to access non-mandatory training and CPD",
    source=_PAGE,
)
_SURVEY = {"groups": (BME, WHITE), "kind": "survey", "source": _PAGE}
INDICATOR_5 = _indicator(
    "5",
    better="lower",
    title=(
        "Percentage of staff experiencing harassment, bullying or abuse from patients, "
        "relatives or the public in last 12 months"
    ),
    **_SURVEY,
)
INDICATOR_6 = _indicator(
    "6",
    better="lower",
    title=(
        "Percentage of staff experiencing harassment, bullying or abuse from staff in last "
        "12 months"
    ),
    uncertain="Combined rule: from managers or from other colleagues (either item).",
    **_SURVEY,
)
INDICATOR_7 = _indicator(
    "7",
    better="higher",
    title=(
        "Percentage of staff believing that the trust provides equal opportunities for "
        "career progression or promotion"
    ),
    uncertain="Whether 'Don't know' is excluded from the denominator.",
    **_SURVEY,
)
INDICATOR_8 = _indicator(
    "8",
    better="lower",
    title=(
        "In the last 12 months have you personally experienced discrimination at work from "
        "a manager, team leader or other colleagues?"
    ),
    **_SURVEY,
)
INDICATOR_9 = _indicator(
    "9",
    kind="board",
    better="closer_to_zero",
    title=(
        "Percentage difference between the organisation's Board voting membership and its "
        "overall workforce"
    ),
    source=_PAGE,
    uncertain="The split into total, voting and executive membership is [C].",
)
INDICATORS = (
    INDICATOR_1,
    INDICATOR_2,
    INDICATOR_3,
    INDICATOR_4,
    INDICATOR_5,
    INDICATOR_6,
    INDICATOR_7,
    INDICATOR_8,
    INDICATOR_9,
)


def _unknown(unknown: int | None, known: int) -> Declaration | None:
    if unknown is None:
        return None
    check_counts(unknown, unknown, "unknown ethnicity")
    return declaration(known, unknown)


def indicator_2(
    *,
    white_shortlisted: int,
    white_appointed: int,
    bme_shortlisted: int,
    bme_appointed: int,
    unknown_shortlisted: int | None = None,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """White appointed-from-shortlisting rate / BME rate. Above 1: White applicants favoured."""
    check_counts(white_appointed, white_shortlisted, "White applicants")
    check_counts(bme_appointed, bme_shortlisted, "BME applicants")
    result = relative_likelihood(
        white_appointed,
        white_shortlisted,
        bme_appointed,
        bme_shortlisted,
        confidence=confidence,
        band=band,
    )
    known = white_shortlisted + bme_shortlisted
    return result.with_context(INDICATOR_2, _unknown(unknown_shortlisted, known))


def indicator_3(
    *,
    bme_staff: int,
    bme_disciplinary: int,
    white_staff: int,
    white_disciplinary: int,
    unknown_staff: int | None = None,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """BME rate of entering formal disciplinary / White rate. Above 1: BME staff more likely.

    For the two-year rolling average [U], pool the two years' counts first:
    `indicator_3(**pool(this_year, last_year))`.
    """
    check_counts(bme_disciplinary, bme_staff, "BME staff")
    check_counts(white_disciplinary, white_staff, "White staff")
    result = relative_likelihood(
        bme_disciplinary,
        bme_staff,
        white_disciplinary,
        white_staff,
        confidence=confidence,
        band=band,
    )
    known = bme_staff + white_staff
    return result.with_context(INDICATOR_3, _unknown(unknown_staff, known))


def indicator_4(
    *,
    white_staff: int,
    white_trained: int,
    bme_staff: int,
    bme_trained: int,
    unknown_staff: int | None = None,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """White rate of accessing non-mandatory training / BME rate. Above 1: White favoured."""
    check_counts(white_trained, white_staff, "White staff")
    check_counts(bme_trained, bme_staff, "BME staff")
    result = relative_likelihood(
        white_trained, white_staff, bme_trained, bme_staff, confidence=confidence, band=band
    )
    known = white_staff + bme_staff
    return result.with_context(INDICATOR_4, _unknown(unknown_staff, known))
