"""Key question scores and ratings, statement scores from evidence categories, limiters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from .methodology import DEFAULT_METHODOLOGY, KeyQuestion, Methodology, get_methodology
from .model import (
    AppliedLimiter,
    KeyQuestionResult,
    MissingScoresError,
    PercentageScore,
    Rating,
    RatingsError,
    Rounding,
    ScoreError,
    StatementScore,
)

MIN_SCORE = 1
MAX_SCORE = 4


def score_key_question(
    scores: Mapping[str, int | None],
    *,
    methodology: str = DEFAULT_METHODOLOGY,
    key_question: str | None = None,
    previous_rating: Rating | str | None = None,
    rounding: Rounding | str | None = None,
    limiters: Iterable[str] = (),
) -> KeyQuestionResult:
    """Score one key question from its quality statement scores and rate it.

    `scores` maps statement id to 1-4, or None when the statement was not assessed. A
    statement left out counts as not assessed. Statements not assessed take the score
    `previous_rating` implies (Outstanding 4, Good 3, Requires improvement 2, Inadequate 1);
    with no previous rating they raise MissingScoresError rather than being guessed.
    `key_question` may be omitted when the statement ids name it.
    """
    method = get_methodology(methodology)
    if method.key_question_scoring != "percentage_bands":
        note = method.data.get("key_question_scoring_note", "")
        raise RatingsError(f"{method.id} does not score key questions numerically. {note}".strip())
    kq = _resolve_key_question(method, scores, key_question)
    given = {sid: _checked_score(sid, value) for sid, value in scores.items()}
    previous = Rating.parse(previous_rating) if previous_rating is not None else None

    unassessed = tuple(sid for sid in kq.statement_ids if given.get(sid) is None)
    if unassessed and previous is None:
        raise MissingScoresError(
            f"No score for {len(unassessed)} {kq.name} statement(s): {', '.join(unassessed)}. "
            "Score them, or pass previous_rating= so they take the score it implies."
        )
    used: dict[str, int] = {}
    for sid in kq.statement_ids:
        score = given.get(sid)
        if score is None:
            assert previous is not None
            score = method.implied_scores.get(previous, previous.rank)
        used[sid] = score

    percentage = _percentage(sum(used.values()), MAX_SCORE * len(used), method, rounding)
    rating, applied = apply_limiters(
        percentage.band, limiters, methodology=method.id, statement_scores=used
    )
    return KeyQuestionResult(
        methodology=method.id,
        key_question=kq.id,
        statement_scores=used,
        carried_forward=unassessed,
        previous_rating=previous,
        percentage=percentage,
        band_rating=percentage.band,
        rating=rating,
        limiters_applied=applied,
        notes=_notes(method, percentage, unassessed, previous),
    )


def statement_score_from_evidence(
    category_scores: Mapping[str, int | None],
    *,
    methodology: str = "saf_2023_evidence_categories",
    statement: str | None = None,
    rounding: Rounding | str | None = None,
) -> StatementScore:
    """A quality statement's 1-4 score from its evidence-category scores (SAF before Dec 2024).

    The scored categories' total as a percentage of their maximum, rounded and mapped with
    the key question bands (Inadequate 1 ... Outstanding 4). Categories given as None are
    not counted. This conversion is UNCERTAIN: see docs/engines/ratings.md.
    """
    method = get_methodology(methodology)
    if method.statement_scoring != "evidence_categories":
        raise RatingsError(
            f"{method.id} does not score evidence categories: quality statements are scored "
            "directly. Use methodology='saf_2023_evidence_categories'."
        )
    where = f" for statement {statement!r}" if statement else ""
    unknown = sorted(set(category_scores) - set(method.evidence_categories))
    if unknown:
        known = ", ".join(method.evidence_categories)
        raise RatingsError(
            f"Unknown evidence categor{'y' if len(unknown) == 1 else 'ies'}{where}: "
            f"{', '.join(unknown)}. Use: {known}."
        )
    scored = {
        cat: score
        for cat, value in category_scores.items()
        if (score := _checked_score(cat, value, kind="evidence category")) is not None
    }
    if not scored:
        raise MissingScoresError(f"No evidence category is scored{where}.")
    percentage = _percentage(sum(scored.values()), MAX_SCORE * len(scored), method, rounding)
    notes = (str(method.rule("evidence_conversion", "status")),)
    return StatementScore(
        score=percentage.band.rank,
        categories=scored,
        percentage=percentage,
        methodology=method.id,
        notes=notes,
    )


def apply_limiters(
    rating: Rating | str,
    limiters: Iterable[str],
    *,
    methodology: str = DEFAULT_METHODOLOGY,
    statement_scores: Mapping[str, int] | None = None,
) -> tuple[Rating, tuple[AppliedLimiter, ...]]:
    """Cap a rating by the named limiters that apply, returning it and what applied.

    Enforcement limiters ("requirement_notice", "warning_notice",
    "condition_of_registration") are facts the caller states about this rating: they
    always apply. "statement_scored_1" is a rule switch: it applies when a statement
    scores 1.
    """
    method = get_methodology(methodology)
    result = Rating.parse(rating)
    applied: list[AppliedLimiter] = []
    for name in dict.fromkeys(limiters):
        rule = method.limiters.get(name)
        if rule is None:
            known = ", ".join(method.limiters) or "none"
            raise RatingsError(
                f"Unknown limiter {name!r} for {method.id}. Known limiters: {known}."
            )
        reason = rule.reason
        if rule.trigger == "any_statement_scored_1":
            ones = [sid for sid, score in (statement_scores or {}).items() if score == MIN_SCORE]
            if not ones:
                continue
            reason = f"{', '.join(ones)} scored 1: {reason}"
        changed = rule.cap < result
        result = min(result, rule.cap)
        applied.append(
            AppliedLimiter(
                name=name,
                cap=rule.cap,
                reason=reason,
                status=rule.status,
                sources=method.source_urls(rule.sources),
                changed_rating=changed,
            )
        )
    return result, tuple(applied)


def _resolve_key_question(
    method: Methodology, scores: Mapping[str, object], key_question: str | None
) -> KeyQuestion:
    if key_question is not None:
        kq = method.key_question(key_question)
        stray = [sid for sid in scores if sid not in kq.statement_ids]
        if stray:
            raise ScoreError(
                f"{', '.join(map(repr, stray))} {'is' if len(stray) == 1 else 'are'} not "
                f"{kq.name} statement(s) in {method.id}. {kq.name} statements: "
                f"{', '.join(kq.statement_ids)}."
            )
        return kq
    if not scores:
        raise ScoreError("No scores given: pass key_question= to score a key question from none.")
    found: dict[str, KeyQuestion] = {}
    for sid in scores:
        owner = method.key_question_of(sid)
        if owner is None:
            raise ScoreError(
                f"Unknown quality statement {sid!r} in {method.id}. "
                "See get_methodology(...).key_questions for the statement ids."
            )
        found[owner.id] = owner
    if len(found) > 1:
        raise ScoreError(
            f"The scores mix key questions ({', '.join(found)}): score one key question at a time."
        )
    return next(iter(found.values()))


def _checked_score(name: str, value: object, *, kind: str = "statement") -> int | None:
    if value is None:
        return None
    # bool is an int in Python; True as a score is a bug in the caller, not a 1.
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
        raise ScoreError(
            f"Score for {kind} {name!r} must be a whole number from {MIN_SCORE} to {MAX_SCORE}, "
            f"or None if not assessed; got {value!r}."
        )
    return value


def _percentage(
    total: int, maximum: int, method: Methodology, rounding: Rounding | str | None
) -> PercentageScore:
    mode = Rounding.parse(rounding) if rounding is not None else method.default_rounding
    raw = Fraction(total * 100, maximum)
    by_mode = {m: method.band_for(m.apply(raw)) for m in Rounding}
    return PercentageScore(
        total=total,
        maximum=maximum,
        raw_percentage=raw,
        published_percentage=mode.apply(raw),
        rounding=mode,
        band=by_mode[mode],
        bands_by_rounding=by_mode,
    )


def _notes(
    method: Methodology,
    percentage: PercentageScore,
    carried: tuple[str, ...],
    previous: Rating | None,
) -> tuple[str, ...]:
    notes: list[str] = []
    if percentage.boundary_case:
        spread = "; ".join(f"{m.value}: {r}" for m, r in percentage.bands_by_rounding.items())
        notes.append(
            f"Boundary case: {float(percentage.raw_percentage):g}% falls in a different band "
            f"depending on rounding ({spread}). CQC does not publish its rounding rule."
        )
    if carried:
        notes.append(
            f"{len(carried)} statement(s) scored from the previous rating ({previous}): "
            f"{', '.join(carried)}. {method.rule('unassessed_statements', 'note')}"
        )
    return tuple(notes)
