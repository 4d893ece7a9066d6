"""CQC ratings, computed the way CQC's published method does, with every rule's source.

Plain Python with no Django, for the web app and for analysts in a notebook:

    from wellled.engines.ratings import score_key_question, aggregate_overall

    result = score_key_question(
        {"shared-direction-and-culture": 3, "freedom-to-speak-up": 2, ...},
        methodology="saf_2024_statements",
    )
    result.raw_percentage, result.published_percentage, str(result.rating)

The rules are data in `frameworks/*.json`; docs/engines/ratings.md documents the API,
the rules, their sources and what is uncertain.
"""

from .aggregation import aggregate_overall
from .methodology import (
    DEFAULT_METHODOLOGY,
    KeyQuestion,
    LimiterRule,
    Methodology,
    QualityStatement,
    get_methodology,
    methodologies,
)
from .model import (
    AppliedLimiter,
    KeyQuestionResult,
    MissingScoresError,
    OverallResult,
    PercentageScore,
    Rating,
    RatingsError,
    Rounding,
    ScoreError,
    StatementScore,
    UnknownMethodologyError,
)
from .scoring import apply_limiters, score_key_question, statement_score_from_evidence

__all__ = [
    "DEFAULT_METHODOLOGY",
    "AppliedLimiter",
    "KeyQuestion",
    "KeyQuestionResult",
    "LimiterRule",
    "Methodology",
    "MissingScoresError",
    "OverallResult",
    "PercentageScore",
    "QualityStatement",
    "Rating",
    "RatingsError",
    "Rounding",
    "ScoreError",
    "StatementScore",
    "UnknownMethodologyError",
    "aggregate_overall",
    "apply_limiters",
    "get_methodology",
    "methodologies",
    "score_key_question",
    "statement_score_from_evidence",
]
