"""A round's ratings, worked out by the ratings engine from its statement scores.

Nothing here scores anything itself: every percentage, band and rating comes from
`wellled.engines.ratings`. This module gathers a round's scores, calls the engine
per key question, and asks it again with one statement moved +/-1 for the "what-if".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from wellled.engines.ratings import (
    AppliedLimiter,
    KeyQuestionResult,
    LimiterRule,
    MissingScoresError,
    OverallResult,
    Rating,
    RatingsError,
    aggregate_overall,
    get_methodology,
    score_key_question,
)

LIMITER_NAMES: dict[str, str] = {
    "statement_scored_1": "A statement scored 1",
    "requirement_notice": "Requirement notice",
    "warning_notice": "Warning notice",
    "condition_of_registration": "Condition of registration",
}


def limiter_name(name: str) -> str:
    return LIMITER_NAMES.get(name, name.replace("_", " ").capitalize())


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
    # The limiter names recorded for this key question (whether or not they applied).
    limiters: tuple[str, ...] = ()

    @property
    def rating(self) -> str:
        return str(self.result.rating) if self.result is not None else ""

    @property
    def limited(self) -> bool:
        """Whether a limiter lowered the rating below the band the percentage gives."""
        return self.result is not None and self.result.rating != self.result.band_rating

    @property
    def not_applied(self) -> list[str]:
        """Limiters recorded but not applied (statement scored 1 with no statement at 1)."""
        if self.result is None:
            return []
        applied = {limiter.name for limiter in self.result.limiters_applied}
        return [limiter_name(name) for name in self.limiters if name not in applied]

    @property
    def applied(self) -> list[dict[str, object]]:
        """Each limiter that applied, in words, with whether it lowered the rating."""
        if self.result is None:
            return []
        return [
            {
                "name": limiter.name,
                "label": limiter_name(limiter.name),
                "cap": str(limiter.cap),
                "reason": limiter.reason,
                "status": limiter.status,
                "changed_rating": limiter.changed_rating,
            }
            for limiter in self.result.limiters_applied
        ]

    @property
    def rules(self) -> list[LimiterRuleRow]:
        """Every limiter rule of the methodology, whether it applied here, and why, in words.

        The page lists them all, not only those applied, so nobody has to guess whether
        the rating was capped, or why not.
        """
        if self.result is None:
            return []
        method = get_methodology(self.result.methodology)
        applied = {limiter.name: limiter for limiter in self.result.limiters_applied}
        ones = [sid for sid, score in self.result.statement_scores.items() if score == 1]
        return [
            LimiterRuleRow(
                label=limiter_name(name),
                cap=str(rule.cap),
                applied=name in applied,
                why=_limiter_why(rule, name in self.limiters, applied.get(name), ones),
                status=rule.status,
                sources=method.source_urls(rule.sources),
            )
            for name, rule in method.limiters.items()
        ]


@dataclass(frozen=True)
class LimiterRuleRow:
    label: str
    cap: str
    applied: bool
    why: str
    status: str
    sources: tuple[str, ...]


def _limiter_why(
    rule: LimiterRule, recorded: bool, applied: AppliedLimiter | None, ones: list[str]
) -> str:
    if applied is not None:
        effect = (
            f"it lowered the rating to {rule.cap}"
            if applied.changed_rating
            else f"it changed nothing, as the rating was already at or below {rule.cap}"
        )
        return f"Applied: {applied.reason}; {effect}."
    if rule.trigger == "any_statement_scored_1":
        if recorded:
            return "Switched on for this round, but no statement is scored 1."
        if ones:
            return (
                f"Not applied: this rule is not switched on for this round, so {', '.join(ones)} "
                f"scored 1 does not cap the rating. Switched on, it would cap it at {rule.cap}."
            )
        return "Not applied: not switched on for this round (and no statement is scored 1)."
    return (
        "Not applied: none is recorded against this key question for this round "
        "(recorded on the limiters page)."
    )


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
    limiters: Sequence[str] = (),
) -> KeyQuestionOutcome:
    """The engine's result for one key question, with the single changes that move its band.

    `limiters` go to the engine as they are; the what-if applies them too, so a change
    that moves the band but not the capped rating is not listed.
    """
    method = get_methodology(methodology_id)
    kq = method.key_question(key_question)
    labels = {s.id: f"{s.label} {s.name}" for s in kq.statements}
    full = {sid: scores.get(sid) for sid in kq.statement_ids}
    scored = sum(1 for value in full.values() if value is not None)
    previous = previous_rating or None
    names = tuple(limiters)
    try:
        result = score_key_question(
            full,
            methodology=methodology_id,
            key_question=key_question,
            previous_rating=previous,
            rounding=rounding,
            limiters=names,
        )
    except MissingScoresError as error:
        return KeyQuestionOutcome(
            key_question, kq.name, None, str(error), scored=scored, total=len(full), limiters=names
        )
    except RatingsError as error:
        return KeyQuestionOutcome(
            key_question, kq.name, None, str(error), scored=scored, total=len(full), limiters=names
        )
    up, down = _band_changes(
        result,
        labels,
        methodology_id=methodology_id,
        key_question=key_question,
        rounding=rounding,
        limiters=names,
    )
    return KeyQuestionOutcome(
        key_question,
        kq.name,
        result,
        up=up,
        down=down,
        scored=scored,
        total=len(full),
        limiters=names,
    )


def _band_changes(
    result: KeyQuestionResult,
    labels: Mapping[str, str],
    *,
    methodology_id: str,
    key_question: str,
    rounding: str | None,
    limiters: tuple[str, ...],
) -> tuple[list[WhatIf], list[WhatIf]]:
    """The single one-point changes to a statement's score that move the rating (up, down)."""
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
                trial,
                methodology=methodology_id,
                key_question=key_question,
                rounding=rounding,
                limiters=limiters,
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
    return up, down


def round_outcome(
    *,
    methodology_id: str,
    key_questions: Iterable[str],
    scores: Mapping[str, int | None],
    previous_ratings: Mapping[str, str] | None = None,
    rounding: str | None = None,
    limiters: Mapping[str, Sequence[str]] | None = None,
) -> RoundOutcome:
    previous_ratings = previous_ratings or {}
    limiters = limiters or {}
    outcomes = [
        key_question_outcome(
            methodology_id=methodology_id,
            key_question=kq,
            scores=scores,
            previous_rating=previous_ratings.get(kq),
            rounding=rounding,
            limiters=limiters.get(kq, ()),
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
