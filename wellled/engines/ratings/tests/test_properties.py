"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from wellled.engines.ratings import (
    KeyQuestion,
    KeyQuestionResult,
    Rating,
    Rounding,
    aggregate_overall,
    get_methodology,
    score_key_question,
)

from .support import FIVE

# No example database: it would write a .hypothesis folder into the checkout.
checked = settings(max_examples=200, deadline=None, database=None)

SAF = ("saf_2023_evidence_categories", "saf_2024_statements")
KEY_QUESTIONS = get_methodology("saf_2024_statements").key_questions
LIMITER_SETS = st.sets(
    st.sampled_from(["statement_scored_1", "requirement_notice", "warning_notice"]), max_size=2
)


@st.composite
def key_question_scores(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    kq = draw(st.sampled_from(KEY_QUESTIONS))
    size = len(kq.statements)
    values = draw(st.lists(st.integers(1, 4), min_size=size, max_size=size))
    return kq.id, dict(zip(kq.statement_ids, values, strict=True))


@checked
@given(
    key_question_scores(),
    st.data(),
    st.sampled_from(list(Rounding)),
    LIMITER_SETS,
    st.sampled_from(SAF),
)
def test_raising_any_statement_score_never_lowers_the_rating(
    case: tuple[str, dict[str, int]],
    data: st.DataObject,
    rounding: Rounding,
    limiters: set[str],
    methodology: str,
) -> None:
    _, scores = case
    raised_id = data.draw(st.sampled_from(sorted(s for s, v in scores.items() if v < 4) or [""]))
    if not raised_id:
        return
    raised = scores | {raised_id: data.draw(st.integers(scores[raised_id] + 1, 4))}
    before, after = (
        score_key_question(s, rounding=rounding, limiters=limiters, methodology=methodology)
        for s in (scores, raised)
    )
    assert after.published_percentage >= before.published_percentage
    assert after.band_rating >= before.band_rating
    assert after.rating >= before.rating


@checked
@given(st.sampled_from(KEY_QUESTIONS), st.sampled_from(list(Rounding)), st.sampled_from(SAF))
def test_all_ones_give_25_and_all_fours_give_100(
    kq: KeyQuestion, rounding: Rounding, methodology: str
) -> None:
    def every(score: int) -> KeyQuestionResult:
        scores = dict.fromkeys(kq.statement_ids, score)
        return score_key_question(scores, rounding=rounding, methodology=methodology)

    ones, fours = every(1), every(4)
    assert (ones.raw_percentage, ones.published_percentage) == (25, 25)
    assert ones.rating is Rating.INADEQUATE
    assert (fours.raw_percentage, fours.published_percentage, fours.rating) == (
        100,
        100,
        Rating.OUTSTANDING,
    )


@checked
@given(key_question_scores(), st.sampled_from(list(Rounding)))
def test_the_published_percentage_is_the_raw_one_rounded(
    case: tuple[str, dict[str, int]], rounding: Rounding
) -> None:
    result = score_key_question(case[1], rounding=rounding)
    raw = result.percentage.raw_percentage
    published = result.published_percentage
    if rounding in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        assert abs(published - raw) <= Fraction(1, 2)
    else:
        assert abs(published - raw) < 1
    assert result.percentage.total == sum(case[1].values())


@checked
@given(key_question_scores(), st.sampled_from(list(Rating)), st.data())
def test_a_carried_forward_statement_counts_as_the_score_its_rating_implies(
    case: tuple[str, dict[str, int]], previous: Rating, data: st.DataObject
) -> None:
    _, scores = case
    dropped = data.draw(st.sets(st.sampled_from(sorted(scores))))
    partial = {s: (None if s in dropped else v) for s, v in scores.items()}
    explicit = {s: (previous.rank if s in dropped else v) for s, v in scores.items()}
    carried = score_key_question(partial, previous_rating=previous)
    assert carried.percentage == score_key_question(explicit).percentage
    assert set(carried.carried_forward) == dropped


ratings = st.sampled_from(list(Rating))


@checked
@given(
    st.sampled_from(
        [
            ("saf_2024_statements", None, FIVE),
            ("kloe_2014", "nhs_trust", FIVE),
            ("kloe_2014", "nhs_trust_combined_2018", (*FIVE, "use-of-resources")),
        ]
    ),
    st.data(),
)
def test_aggregation_is_monotone(
    case: tuple[str, str | None, tuple[str, ...]], data: st.DataObject
) -> None:
    methodology, principles, keys = case
    before = {k: data.draw(ratings) for k in keys}
    raised_key = data.draw(st.sampled_from(keys))
    better = [r for r in Rating if r >= before[raised_key]]
    after = before | {raised_key: data.draw(st.sampled_from(better))}
    first = aggregate_overall(before, methodology=methodology, principles=principles)
    second = aggregate_overall(after, methodology=methodology, principles=principles)
    assert first.judgement_needed == (first.rating is None)
    if first.rating is not None and second.rating is not None:
        assert second.rating >= first.rating


@checked
@given(st.lists(ratings, min_size=1, max_size=12), st.data())
def test_nhs_trust_aggregation_of_any_size_is_monotone(
    underlying: list[Rating], data: st.DataObject
) -> None:
    before = {f"service-{n}": r for n, r in enumerate(underlying)}
    key = data.draw(st.sampled_from(sorted(before)))
    after = before | {key: data.draw(st.sampled_from([r for r in Rating if r >= before[key]]))}
    first = aggregate_overall(before, methodology="kloe_2014")
    second = aggregate_overall(after, methodology="kloe_2014")
    if first.rating is not None and second.rating is not None:
        assert second.rating >= first.rating
