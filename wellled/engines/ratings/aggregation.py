"""Aggregating ratings by CQC's ratings principles, flagging what they leave to judgement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .methodology import DEFAULT_METHODOLOGY, Methodology, Principles, Threshold, get_methodology
from .model import OverallResult, Rating, RatingsError

OUT, GOOD, RI, INAD = (
    Rating.OUTSTANDING,
    Rating.GOOD,
    Rating.REQUIRES_IMPROVEMENT,
    Rating.INADEQUATE,
)


def aggregate_overall(
    key_question_ratings: Mapping[str, Rating | str],
    *,
    methodology: str = DEFAULT_METHODOLOGY,
    principles: str | None = None,
) -> OverallResult:
    """Aggregate underlying ratings into one by the methodology's ratings principles.

    Returns the rating the principles give, or `judgement_needed=True` with `rating=None`
    and the `gap` named when they do not decide it. `principles` picks a named set in the
    methodology (e.g. "nhs_trust_combined_2018" in kloe_2014); the default is the
    methodology's own.
    """
    method = get_methodology(methodology)
    rules = _principles(method, principles)
    ratings = _parsed(key_question_ratings)
    _check_keys(rules, ratings)
    tally = _Tally(method, rules, Counter(ratings.values()), len(ratings))
    return _limited(tally) or _outstanding_or_good(tally)


@dataclass(frozen=True)
class _Tally:
    """The underlying ratings counted, and the two kinds of answer the principles give."""

    method: Methodology
    rules: Principles
    counts: Counter[Rating]
    total: int

    @property
    def summary(self) -> str:
        return ", ".join(f"{self.counts[r]} {r}" for r in (OUT, GOOD, RI, INAD) if self.counts[r])

    @property
    def unanimous(self) -> bool:
        return len(self.counts) == 1

    def minimum(self, thresholds: tuple[Threshold, ...]) -> int | None:
        return _minimum(thresholds, self.total)

    def decided(self, rating: Rating, why: str) -> OverallResult:
        return OverallResult(
            methodology=self.method.id,
            principles=self.rules.name,
            rating=rating,
            judgement_needed=False,
            reason=f"{self.summary}: {why}",
            counts={r: self.counts[r] for r in (OUT, GOOD, RI, INAD)},
            status=self.rules.status,
            sources=self.method.source_urls(self.rules.sources),
        )

    def judgement(self, gap: str) -> OverallResult:
        return OverallResult(
            methodology=self.method.id,
            principles=self.rules.name,
            rating=None,
            judgement_needed=True,
            reason=f"{self.summary}: the ratings principles do not decide this combination.",
            counts={r: self.counts[r] for r in (OUT, GOOD, RI, INAD)},
            gap=gap,
            status=self.rules.status,
            sources=self.method.source_urls(self.rules.sources),
        )


def _limited(t: _Tally) -> OverallResult | None:
    """Inadequate or Requires improvement ratings that limit the overall rating, if any."""
    counts, total, gap_note = t.counts, t.total, t.rules.gap_note
    x_ri = t.minimum(t.rules.requires_improvement_min)
    x_i = t.minimum(t.rules.inadequate_min)
    if x_i is not None and counts[INAD] >= x_i:
        return t.decided(INAD, f"{x_i} or more of {total} Inadequate normally gives Inadequate.")
    if counts[INAD] and x_i is None:
        if t.unanimous:
            return t.decided(INAD, _UNANIMOUS)
        return t.judgement(f"No verified Inadequate threshold for {total} ratings. {gap_note}")
    if x_ri is not None and counts[RI] >= x_ri:
        return t.decided(
            RI, f"{x_ri} or more of {total} Requires improvement normally limit it to that."
        )
    if counts[RI] and x_ri is None:
        if t.unanimous:
            return t.decided(RI, _UNANIMOUS)
        return t.judgement(
            f"No verified Requires improvement threshold for {total} ratings. {gap_note}"
        )
    if counts[INAD]:
        return t.judgement(gap_note)
    return None


def _outstanding_or_good(t: _Tally) -> OverallResult:
    counts, total = t.counts, t.total
    x_o = t.minimum(t.rules.outstanding_min)
    if not counts[RI] and counts[OUT]:
        if x_o is not None and counts[OUT] >= x_o:
            return t.decided(
                OUT, f"{x_o} or more of {total} Outstanding and the others Good give Outstanding."
            )
        if x_o is None:
            if t.unanimous:
                return t.decided(OUT, _UNANIMOUS)
            return t.judgement(f"No verified Outstanding threshold for {total} ratings.")
    return t.decided(
        GOOD, "no Inadequate and fewer Requires improvement than the limit normally give Good."
    )


# With every rating weighted equally, a unanimous set can only aggregate to itself. This
# is derived, not quoted: it decides sizes whose thresholds CQC's pages did not give.
_UNANIMOUS = "every underlying rating is the same (derived: ratings are weighted equally)."


def _principles(method: Methodology, name: str | None) -> Principles:
    if not method.principles:
        raise RatingsError(f"{method.id} has no aggregation principles.")
    chosen = name or method.default_principles
    if chosen not in method.principles:
        known = ", ".join(method.principles)
        raise RatingsError(f"Unknown principles {chosen!r} for {method.id}. Known: {known}.")
    return method.principles[chosen]


def _parsed(ratings: Mapping[str, Rating | str]) -> dict[str, Rating]:
    if not ratings:
        raise RatingsError("No ratings to aggregate.")
    parsed: dict[str, Rating] = {}
    for key, value in ratings.items():
        try:
            parsed[key] = Rating.parse(value)
        except RatingsError as error:
            raise RatingsError(f"Rating for {key!r}: {error}") from None
    return parsed


def _check_keys(rules: Principles, ratings: Mapping[str, Rating]) -> None:
    if rules.expected_keys is None:
        return
    missing = [k for k in rules.expected_keys if k not in ratings]
    unknown = [k for k in ratings if k not in rules.expected_keys]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(unknown)}")
        raise RatingsError(
            f"The {rules.name} principles need a rating for each of "
            f"{', '.join(rules.expected_keys)} ({'; '.join(problems)}). For a key question "
            "not assessed this time, give its existing rating."
        )


def _minimum(thresholds: tuple[Threshold, ...], count: int) -> int | None:
    for threshold in thresholds:
        if threshold.covers(count):
            return threshold.minimum
    return None
