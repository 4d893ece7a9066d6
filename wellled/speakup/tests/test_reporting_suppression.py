"""Small-number suppression for the board: no count from 1 to k-1 is seen or can be worked out.

The properties are checked on random tables with hypothesis, by a method
independent of the one `suppress` uses: for each hidden cell, whether the
published identities and the shown cells pin it down (it is determined exactly
when adding its unit row to the system's matrix does not raise the rank).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wellled.speakup.reporting import SumGroup, suppress


def _pinned(
    values: dict[Hashable, int], groups: list[SumGroup], hidden: frozenset[Hashable]
) -> list[Hashable]:
    """Hidden cells whose value follows from the shown cells (rank test)."""
    unknowns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for group in groups:
        row = [0.0] * len(unknowns)
        if group.total in index:
            row[index[group.total]] -= 1
        for part in group.parts:
            if part in index:
                row[index[part]] += 1
        if any(row):
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    pinned = []
    for key, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            pinned.append(key)
    return pinned


def _two_way(cells: list[list[int]]) -> tuple[dict[Hashable, int], list[SumGroup]]:
    """An r x c table with row totals, column totals and a grand total."""
    rows, cols = len(cells), len(cells[0])
    values: dict[Hashable, int] = {}
    for r in range(rows):
        for c in range(cols):
            values[(r, c)] = cells[r][c]
        values[(r, "all")] = sum(cells[r])
    for c in range(cols):
        values[("all", c)] = sum(cells[r][c] for r in range(rows))
    values[("all", "all")] = sum(values[(r, "all")] for r in range(rows))
    groups = [SumGroup((r, "all"), tuple((r, c) for c in range(cols))) for r in range(rows)]
    groups += [SumGroup(("all", c), tuple((r, c) for r in range(rows))) for c in range(cols)]
    groups.append(SumGroup(("all", "all"), tuple((r, "all") for r in range(rows))))
    groups.append(SumGroup(("all", "all"), tuple(("all", c) for c in range(cols))))
    return values, groups


def _check(
    values: dict[Hashable, int],
    groups: list[SumGroup],
    k: int,
    first: tuple[Hashable, ...] = (),
) -> frozenset[Hashable]:
    hidden = suppress(values, groups, k, hide_totals_first=first)
    # 1. Every small count is hidden.
    assert all(key in hidden for key, v in values.items() if 0 < v < k)
    # 2. No hidden cell can be worked out exactly from the shown ones.
    assert _pinned(values, groups, hidden) == []
    # 3. Where a total is shown, the hidden parts are 0, or two or more holding at least k.
    for group in groups:
        if group.total in hidden:
            assert any(p in hidden for p in group.parts), "a hidden total would be the parts' sum"
            continue
        parts = [p for p in group.parts if p in hidden]
        if parts:
            assert len(parts) >= 2
            assert sum(values[p] for p in parts) >= k
    return hidden


counts = st.integers(min_value=0, max_value=30)
small_heavy = st.one_of(st.integers(min_value=0, max_value=6), counts)


@settings(max_examples=150, deadline=None)
@given(
    cells=st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(small_heavy, min_size=cols, max_size=cols), min_size=1, max_size=6
        )
    ),
    k=st.integers(min_value=2, max_value=10),
)
def test_two_way_tables_with_margins(cells: list[list[int]], k: int) -> None:
    values, groups = _two_way(cells)
    _check(values, groups, k)


@settings(max_examples=150, deadline=None)
@given(
    quarters=st.lists(st.lists(small_heavy, min_size=3, max_size=3), min_size=1, max_size=8),
    k=st.integers(min_value=2, max_value=10),
    years_first=st.booleans(),
)
def test_routes_and_worker_groups_share_each_quarters_total(
    quarters: list[list[int]], k: int, years_first: bool
) -> None:
    """Like the board: two breakdowns of one total per quarter, and years of quarters."""
    values: dict[Hashable, int] = {}
    groups: list[SumGroup] = []
    for q, routes in enumerate(quarters):
        values[("total", q)] = sum(routes)
        for r, v in enumerate(routes):
            values[("route", r, q)] = v
        groups.append(SumGroup(("total", q), tuple(("route", r, q) for r in range(3))))
        # A second breakdown of the same total: everything in one group but one case.
        other = [sum(routes) - min(sum(routes), 1), min(sum(routes), 1)]
        for g, v in enumerate(other):
            values[("group", g, q)] = v
        groups.append(SumGroup(("total", q), tuple(("group", g, q) for g in range(2))))
    for year in range(0, len(quarters), 4):
        members = tuple(("total", q) for q in range(year, min(year + 4, len(quarters))))
        values[("year", year)] = sum(values[m] for m in members)
        groups.append(SumGroup(("year", year), members))
    years = [key for key in values if isinstance(key, tuple) and key[0] == "year"]
    first = tuple(years) if years_first else ()
    _check(values, groups, k, first)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(counts, min_size=1, max_size=12), k=st.integers(min_value=1, max_value=8))
def test_cells_with_no_totals_hide_only_small_counts(values: list[int], k: int) -> None:
    """Themes and elements are not exclusive: with no identity, only small counts go."""
    table: dict[Hashable, int] = dict(enumerate(values))
    hidden = suppress(table, [], k)
    assert hidden == {i for i, v in enumerate(values) if 0 < v < k}


def test_one_small_route_takes_the_next_smallest_with_it() -> None:
    values: dict[Hashable, int] = {"open": 20, "confidential": 9, "anonymous": 2, "total": 31}
    hidden = suppress(values, [SumGroup("total", ("open", "confidential", "anonymous"))], 5)
    assert hidden == {"anonymous", "confidential"}


def test_two_small_cells_holding_less_than_k_take_a_third() -> None:
    values: dict[Hashable, int] = {"a": 1, "b": 2, "c": 7, "d": 12, "total": 22}
    hidden = suppress(values, [SumGroup("total", ("a", "b", "c", "d"))], 5)
    assert hidden == {"a", "b", "c"}


def test_zeros_and_large_counts_are_shown() -> None:
    values: dict[Hashable, int] = {"a": 0, "b": 6, "total": 6}
    assert suppress(values, [SumGroup("total", ("a", "b"))], 5) == frozenset()


def test_a_small_total_hides_a_part_too() -> None:
    # The total is 4: hidden. Its parts 0 and 4 would add up to it, so 4 goes too.
    values: dict[Hashable, int] = {"a": 0, "b": 4, "total": 4}
    hidden = suppress(values, [SumGroup("total", ("a", "b"))], 5)
    assert {"total", "b"} <= hidden


def test_the_threshold_of_one_hides_nothing() -> None:
    values: dict[Hashable, int] = {"a": 1, "b": 2, "total": 3}
    assert suppress(values, [SumGroup("total", ("a", "b"))], 1) == frozenset()


def test_a_cell_bridging_two_hidden_blocks_is_protected() -> None:
    """Every row and column has two hidden cells holding at least k, yet the cell
    joining the two blocks would follow from the totals: more must be hidden."""
    big = 20
    cells = [[big] * 4 for _ in range(4)]
    small = {
        (0, 0): 2,
        (0, 1): 3,
        (1, 0): 3,
        (1, 1): 2,
        (1, 2): 1,
        (2, 2): 2,
        (2, 3): 3,
        (3, 2): 3,
        (3, 3): 2,
    }
    for (r, c), v in small.items():
        cells[r][c] = v
    values, groups = _two_way(cells)
    hidden = _check(values, groups, 5)
    assert set(small) <= hidden
    assert len(hidden) > len(small)


def test_a_total_published_later_is_hidden_instead_of_its_parts() -> None:
    values: dict[Hashable, int] = {"q1": 10, "q2": 10, "q3": 10, "q4": 3, "year": 33}
    group = [SumGroup("year", ("q1", "q2", "q3", "q4"))]
    assert suppress(values, group, 5) == {"q4", "q1"}
    assert suppress(values, group, 5, hide_totals_first=["year"]) == {"q4", "year"}


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=2),
        min_size=2,
        max_size=2,
    ),
    k=st.integers(min_value=2, max_value=6),
)
def test_no_hidden_cell_is_pinned_even_knowing_counts_are_whole_and_not_negative(
    cells: list[list[int]], k: int
) -> None:
    """The attacker's full knowledge on a 2 x 2 table with margins: every whole,
    non-negative filling of the hidden cells that agrees with what is shown. Each
    hidden cell must still have more than one possible value."""
    values, groups = _two_way(cells)
    hidden = suppress(values, groups, k)
    top = sum(values[(r, c)] for r in range(2) for c in range(2))
    ranges = [
        np.arange(top + 1) if (r, c) in hidden else np.array([values[(r, c)]])
        for r in range(2)
        for c in range(2)
    ]
    grid = np.array(np.meshgrid(*ranges, indexing="ij")).reshape(4, -1)
    a, b, c, d = grid
    derived: dict[Hashable, Any] = {
        (0, "all"): a + b,
        (1, "all"): c + d,
        ("all", 0): a + c,
        ("all", 1): b + d,
        ("all", "all"): a + b + c + d,
    }
    fits = np.ones(grid.shape[1], dtype=bool)
    for margin, sums in derived.items():
        if margin not in hidden:
            fits &= sums == values[margin]
    every: dict[Hashable, Any] = {(0, 0): a, (0, 1): b, (1, 0): c, (1, 1): d, **derived}
    for key in hidden:
        possible = set(every[key][fits].tolist())
        assert values[key] in possible
        assert len(possible) > 1, f"{key} is pinned to {possible}"
