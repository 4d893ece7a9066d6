"""The measures wellled keeps from the NHS Staff Survey, whatever a year numbers them.

A question map (wellled/surveys/question_maps/) says which question of a survey
year feeds which measure here. The measure keys are stable across years, so a
trend is a measure's values over years even when the question moved from q17b
to q20a.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    wording: str
    unit: Literal["%", "score"]
    improvement: Literal["increase", "decrease"]
    group: Literal["raising_concerns", "wellbeing"]

    @property
    def maximum(self) -> Decimal:
        return Decimal(100) if self.unit == "%" else Decimal(10)

    @property
    def unit_label(self) -> str:
        return "% of respondents" if self.unit == "%" else "score out of 10"


_ALL = [
    Measure(
        "secure_raising_clinical_concerns",
        "Secure raising concerns about unsafe clinical practice",
        "I would feel secure raising concerns about unsafe clinical practice",
        "%",
        "increase",
        "raising_concerns",
    ),
    Measure(
        "confident_clinical_concern_addressed",
        "Confident the organisation would address a clinical concern",
        "I am confident that my organisation would address my concern",
        "%",
        "increase",
        "raising_concerns",
    ),
    Measure(
        "safe_to_speak_up",
        "Safe to speak up about anything",
        "I feel safe to speak up about anything that concerns me in this organisation",
        "%",
        "increase",
        "raising_concerns",
    ),
    Measure(
        "confident_concern_addressed",
        "Confident the organisation would address any concern",
        "If I spoke up about something that concerned me I am confident my "
        "organisation would address my concern",
        "%",
        "increase",
        "raising_concerns",
    ),
    Measure(
        "raising_concerns_score",
        "Raising concerns sub-score",
        "The People Promise 'raising concerns' sub-score: the mean of the four raising "
        "concerns questions, for respondents who answered at least three",
        "score",
        "increase",
        "raising_concerns",
    ),
    Measure(
        "discrimination_from_colleagues",
        "Discrimination from a manager or colleagues",
        "Experienced discrimination at work from a manager, team leader or other "
        "colleagues in the last 12 months",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "discrimination_from_public",
        "Discrimination from patients or the public",
        "Experienced discrimination at work from patients, service users, their "
        "relatives or other members of the public in the last 12 months",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "harassment_from_managers",
        "Harassment, bullying or abuse from managers",
        "Experienced harassment, bullying or abuse at work from managers in the last 12 months",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "harassment_from_colleagues",
        "Harassment, bullying or abuse from colleagues",
        "Experienced harassment, bullying or abuse at work from other colleagues in the "
        "last 12 months",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "burnout",
        "Burnt out because of work",
        "Often or always feel burnt out because of work",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "work_related_stress",
        "Unwell from work-related stress",
        "Felt unwell as a result of work-related stress in the last 12 months",
        "%",
        "decrease",
        "wellbeing",
    ),
    Measure(
        "enough_staff",
        "Enough staff to do the job properly",
        "There are enough staff at this organisation for me to do my job properly",
        "%",
        "increase",
        "wellbeing",
    ),
]

MEASURES: dict[str, Measure] = {measure.key: measure for measure in _ALL}
RAISING_CONCERNS: list[str] = [m.key for m in _ALL if m.group == "raising_concerns"]
