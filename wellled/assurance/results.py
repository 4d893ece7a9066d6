"""A round's ratings, worked out by the ratings engine from its statement scores.

Nothing here scores anything itself: every percentage, band and rating comes from
`wellled.engines.ratings`. This module gathers a round's scores, calls the engine
per key question, and asks it again with one statement moved +/-1 for the "what-if".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wellled.engines.ratings import (
    KeyQuestionResult,
    MissingScoresError,
    OverallResult,
    Rating,
    RatingsError,
    aggregate_overall,
    get_methodology,
    score_key_question,
)


@dataclass(frozen=True)
class WhatIf:
    statement_id: str
    statement_label: str
    from_score: int
    to_score: int
    rating: str
    published_percentage: int


@dataclass(frozen=True)
class KeyQuestionOutcome:
    key_question: str
    name: str
    result: KeyQuestionResult | None
    problem: str = ""
    up: list[WhatIf] = field(default_factory=list)
    down: list[WhatIf] = field(default_factory=list)
    scored: int = 0
    total: int = 0

    @property
    def rating(self) -> str:
        return str(self.result.rating) if self.result is not None else ""


@dataclass(frozen=True)
class RoundOutcome:
    methodology: str
    key_questions: list[KeyQuestionOutcome]
    overall: OverallResult | None = None

    def for_key_question(self, key_question: str) -> KeyQuestionOutcome | None:
        for outcome in self.key_questions:
            if outcome.key_question == key_question:
                return outcome
        return None


def key_question_outcome(
    *,
    methodology_id: str,
    key_question: str,
    scores: Mapping[str, int | None],
    previous_rating: str | None = None,
    rounding: str | None = None,
) -> KeyQuestionOutcome:
    """The engine's result for one key question, with the single changes that move its band."""
    method = get_methodology(methodology_id)
    kq = method.key_question(key_question)
    labels = {s.id: f"{s.label} {s.name}" for s in kq.statements}
    full = {sid: scores.get(sid) for sid in kq.statement_ids}
    scored = sum(1 for value in full.values() if value is not None)
    previous = previous_rating or None
    try:
        result = score_key_question(
            full,
            methodology=methodology_id,
            key_question=key_question,
            previous_rating=previous,
            rounding=rounding,
        )
    except MissingScoresError as error:
        return KeyQuestionOutcome(
            key_question, kq.name, None, str(error), scored=scored, total=len(full)
        )
    except RatingsError as error:
        return KeyQuestionOutcome(
            key_question, kq.name, None, str(error), scored=scored, total=len(full)
        )
    up: list[WhatIf] = []
    down: list[WhatIf] = []
    for sid, used in result.statement_scores.items():
        for step, bucket in ((1, up), (-1, down)):
            moved = used + step
            if not 1 <= moved <= 4:
                continue
            trial = dict(result.statement_scores)
            trial[sid] = moved
            other = score_key_question(
                trial, methodology=methodology_id, key_question=key_question, rounding=rounding
            )
            if other.rating != result.rating:
                bucket.append(
                    WhatIf(
                        sid,
                        labels.get(sid, sid),
                        used,
                        moved,
                        str(other.rating),
                        other.published_percentage,
                    )
                )
    return KeyQuestionOutcome(
        key_question, kq.name, result, up=up, down=down, scored=scored, total=len(full)
    )


def round_outcome(
    *,
    methodology_id: str,
    key_questions: Iterable[str],
    scores: Mapping[str, int | None],
    previous_ratings: Mapping[str, str] | None = None,
    rounding: str | None = None,
) -> RoundOutcome:
    previous_ratings = previous_ratings or {}
    outcomes = [
        key_question_outcome(
            methodology_id=methodology_id,
            key_question=kq,
            scores=scores,
            previous_rating=previous_ratings.get(kq),
            rounding=rounding,
        )
        for kq in key_questions
    ]
    overall = None
    if len(outcomes) > 1 and all(o.result is not None for o in outcomes):
        ratings: dict[str, Rating | str] = {
            o.key_question: o.result.rating for o in outcomes if o.result is not None
        }
        try:
            overall = aggregate_overall(ratings, methodology=methodology_id)
        except RatingsError:
            overall = None
    return RoundOutcome(methodology_id, outcomes, overall)
