"""Who may open each URL of surveys, and of speak-up reporting (speakup_reports).

Merged into tests/test_url_permissions.py.
"""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import Access, Samples
from wellled.core.testing import Trust

# VIEW_SPEAKUP_MEASURES: suppressed aggregates for leaders and guardians.
SPEAKUP_MEASURE_VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "guardian", "auditor", "operator"}
)
# READ_SPEAKUP_CASES: guardians only; operators are excluded from speak-up casework.
GUARDIANS = frozenset({"guardian"})
SURVEY_VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "guardian", "edi_lead", "auditor", "operator"}
)
SURVEY_IMPORTERS = frozenset({"governance_lead", "edi_lead", "operator"})

ACCESS: Access = {
    "speakup_reports:board": SPEAKUP_MEASURE_VIEWERS,
    "speakup_reports:return": GUARDIANS,
    "speakup_reports:return_csv": GUARDIANS,
    "speakup_reports:return_xlsx": GUARDIANS,
    "surveys:index": SURVEY_VIEWERS,
    "surveys:year": SURVEY_VIEWERS,
    "surveys:import": SURVEY_IMPORTERS,
    "survey-result-list": SURVEY_VIEWERS,
}


def _survey_year(trust: Trust) -> dict[str, Any]:
    from wellled.surveys.tests.support import store_results

    store_results(2023, {"RZZ": {"safe_to_speak_up": 61.5}})
    return {"year": 2023}


SAMPLES: Samples = {"surveys:year": _survey_year}
