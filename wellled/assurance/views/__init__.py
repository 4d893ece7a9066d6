"""Pages for CQC assurance, one module per part: rounds (with the home page and the
frameworks), scoring, the evidence library and the well-led page."""

from wellled.assurance.views.evidence import (
    evidence_detail,
    evidence_download,
    evidence_edit,
    evidence_list,
    evidence_new,
    evidence_retire,
    pack_download,
    pack_start,
)
from wellled.assurance.views.judged import assess_question, judge_key_question
from wellled.assurance.views.rounds import (
    framework_detail,
    framework_list,
    index,
    owners,
    round_close,
    round_detail,
    round_limiters,
    round_new,
    trend,
)
from wellled.assurance.views.scoring import score, score_preview
from wellled.assurance.views.well_led import well_led

__all__ = [
    "assess_question",
    "evidence_detail",
    "evidence_download",
    "evidence_edit",
    "evidence_list",
    "evidence_new",
    "evidence_retire",
    "framework_detail",
    "framework_list",
    "index",
    "judge_key_question",
    "owners",
    "pack_download",
    "pack_start",
    "round_close",
    "round_detail",
    "round_limiters",
    "round_new",
    "score",
    "score_preview",
    "trend",
    "well_led",
]
