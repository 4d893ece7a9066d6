"""Shared helpers for the ratings engine tests."""

from __future__ import annotations

from collections.abc import Sequence

from wellled.engines.ratings import get_methodology


def statements(key_question: str, methodology: str = "saf_2024_statements") -> tuple[str, ...]:
    return get_methodology(methodology).key_question(key_question).statement_ids


def scored(key_question: str, scores: Sequence[int | None]) -> dict[str, int | None]:
    """Scores in the framework's statement order (S1..S8, W1..W8 and so on)."""
    ids = statements(key_question)
    assert len(ids) == len(scores), f"{key_question} has {len(ids)} statements"
    return dict(zip(ids, scores, strict=True))


FIVE = ("safe", "effective", "caring", "responsive", "well-led")


def five(*ratings: str) -> dict[str, str]:
    return dict(zip(FIVE, ratings, strict=True))
