"""The register's arithmetic as properties, without the database: the appetite flags
(tolerance as the highest score accepted, reference §2.4), the movement since the
last review, and the heat map (each risk in exactly the cell of its current score)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wellled.strategy import matrix
from wellled.strategy.models import PrincipalRisk, RiskAppetite, RiskScore
from wellled.strategy.register import Filters, RiskRow, heat_map

axis = st.integers(min_value=1, max_value=5)
tolerance = st.sampled_from(sorted(matrix.VALID_SCORES))


def _risk(likelihood: int, consequence: int, target: tuple[int, int] = (1, 1)) -> PrincipalRisk:
    return PrincipalRisk(
        current_likelihood=likelihood,
        current_consequence=consequence,
        target_likelihood=target[0],
        target_consequence=target[1],
    )


@given(axis, axis, axis, axis, tolerance)
def test_a_risk_is_flagged_exactly_when_its_score_passes_the_tolerance(
    likely: int, worst: int, target_likely: int, target_worst: int, most: int
) -> None:
    row = RiskRow(
        risk=_risk(likely, worst, (target_likely, target_worst)),
        appetite=RiskAppetite(max_score=most),
    )
    assert row.above_appetite == (likely * worst > most)
    assert row.target_outside_appetite == (target_likely * target_worst > most)


@given(axis, axis)
def test_without_an_appetite_nothing_is_flagged(likely: int, worst: int) -> None:
    row = RiskRow(risk=_risk(likely, worst, (likely, worst)), appetite=None)
    assert not row.above_appetite and not row.target_outside_appetite


@given(axis, axis, st.lists(st.tuples(axis, axis), max_size=3))
def test_movement_compares_with_the_score_before(
    likely: int, worst: int, earlier: list[tuple[int, int]]
) -> None:
    history = [RiskScore(likelihood=likely, consequence=worst)]
    history += [RiskScore(likelihood=a, consequence=b) for a, b in earlier]
    row = RiskRow(risk=_risk(likely, worst), appetite=None, history=history)
    if not earlier:
        assert row.movement == "new"
    else:
        before = earlier[0][0] * earlier[0][1]
        now = likely * worst
        expected = "up" if now > before else "down" if now < before else "unchanged"
        assert row.movement == expected and row.previous_score == before


@given(st.lists(st.tuples(axis, axis), max_size=12))
def test_the_heat_map_holds_each_risk_once_in_the_cell_of_its_score(
    scores: list[tuple[int, int]],
) -> None:
    rows = [RiskRow(risk=_risk(a, b), appetite=None) for a, b in scores]
    grid = heat_map(rows)
    assert [line[0].likelihood for line in grid] == [5, 4, 3, 2, 1]
    placed = [(cell, risk) for line in grid for cell in line for risk in cell.risks]
    assert len(placed) == len(rows)
    for cell, risk in placed:
        assert (cell.likelihood, cell.consequence) == (
            risk.current_likelihood,
            risk.current_consequence,
        )
        assert cell.score == risk.current_score and cell.band == matrix.band(cell.score)


def test_filters_ignore_what_they_do_not_know() -> None:
    assert Filters.from_query({"category": "nonsense", "band": "Huge", "above": "yes"}) == Filters()
    chosen = Filters.from_query({"category": "finance", "band": "High", "above": "1"})
    assert chosen == Filters(category="finance", band="High", above_appetite=True)
