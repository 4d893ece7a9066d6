"""Suppression: which counts to hide so that no small count can be seen or worked
out from the totals published beside it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

CellKey = Hashable


@dataclass(frozen=True)
class SumGroup:
    """A published identity: the total cell equals the sum of the part cells."""

    total: CellKey
    parts: tuple[CellKey, ...]


def _pick(
    candidates: Iterable[CellKey], values: Mapping[CellKey, int], hidden: set[CellKey]
) -> CellKey | None:
    """The shown cell to suppress next: the smallest count above zero, else a zero."""
    shown = [c for c in candidates if c not in hidden]
    if not shown:
        return None
    return min(shown, key=lambda c: (values[c] == 0, values[c], repr(c)))


def _determined(hidden: list[CellKey], groups: Sequence[SumGroup]) -> list[CellKey]:
    """Hidden cells whose value follows exactly from the shown cells and the groups.

    Each group is one linear equation; with the shown cells moved to the right-hand
    side the hidden cells are the unknowns. A hidden cell is determined when every
    solution gives it the same value: when the null space of the system is zero in
    its coordinate.
    """
    if not hidden:
        return []
    position = {key: i for i, key in enumerate(hidden)}
    equations = []
    for group in groups:
        row = np.zeros(len(hidden))
        if group.total in position:
            row[position[group.total]] -= 1.0
        for part in group.parts:
            if part in position:
                row[position[part]] += 1.0
        if row.any():
            equations.append(row)
    if not equations:
        return []
    matrix = np.array(equations)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return list(hidden)
    return [key for key, i in position.items() if np.abs(null_space[:, i]).max() < 1e-9]


def suppress(
    values: Mapping[CellKey, int],
    groups: Sequence[SumGroup],
    threshold: int,
    *,
    hide_totals_first: Iterable[CellKey] = (),
) -> frozenset[CellKey]:
    """The cells to hide so that no count from 1 to threshold - 1 can be seen or worked out.

    1. Primary: every count from 1 to threshold - 1 (a zero identifies no one).
    2. Secondary, repeated until nothing changes:
       * in a group whose total is shown, the hidden parts must be at least two and
         hold at least `threshold` between them (otherwise the total minus the shown
         parts gives a small number away);
       * a hidden total needs a hidden part, or the parts add up to it;
       * no hidden cell may follow exactly from all the groups together (a linear
         check over the whole table, which catches chains across rows and columns).
       Each time, the smallest shown count above zero in the group is hidden;
       a total named in `hide_totals_first` is hidden instead of its parts (for
       totals published later than their parts, whose parts were already seen).
    """
    totals_first = set(hide_totals_first)
    cells = set(values)
    for group in groups:
        missing = {group.total, *group.parts} - cells
        if missing:
            raise KeyError(f"a group names cells with no value: {sorted(map(repr, missing))}")
    hidden: set[CellKey] = {key for key, value in values.items() if 0 < value < threshold}
    if not hidden:
        return frozenset()
    by_cell: dict[CellKey, list[SumGroup]] = {}
    for group in groups:
        for key in (group.total, *group.parts):
            by_cell.setdefault(key, []).append(group)
    while True:
        added = _next_in_a_group(values, groups, threshold, hidden, totals_first)
        if added is None:
            added = _next_determined(values, groups, hidden, by_cell)
        if added is None:
            return frozenset(hidden)
        hidden.add(added)


def _next_in_a_group(
    values: Mapping[CellKey, int],
    groups: Sequence[SumGroup],
    threshold: int,
    hidden: set[CellKey],
    totals_first: set[CellKey],
) -> CellKey | None:
    """The next cell to hide so that no one group gives a hidden count away."""
    for group in groups:
        added: CellKey | None = None
        hidden_parts = [p for p in group.parts if p in hidden]
        if group.total not in hidden:
            if hidden_parts and (
                len(hidden_parts) == 1 or sum(values[p] for p in hidden_parts) < threshold
            ):
                if group.total in totals_first:
                    added = group.total
                else:
                    added = _pick(group.parts, values, hidden)
                if added is None:
                    added = _pick([group.total], values, hidden)
        elif not hidden_parts:
            added = _pick(group.parts, values, hidden)
        if added is not None:
            return added
    return None


def _next_determined(
    values: Mapping[CellKey, int],
    groups: Sequence[SumGroup],
    hidden: set[CellKey],
    by_cell: Mapping[CellKey, list[SumGroup]],
) -> CellKey | None:
    """The next cell to hide so that no hidden cell follows from all the groups together."""
    for key in _determined(sorted(hidden, key=repr), groups):
        neighbours = [c for g in by_cell.get(key, []) for c in (g.total, *g.parts)]
        added = _pick(neighbours, values, hidden)
        if added is None:
            everywhere = [c for g in groups for c in (g.total, *g.parts)]
            added = _pick(everywhere, values, hidden)
        if added is not None:
            return added
    return None


@dataclass(frozen=True)
class Cell:
    """A count as the board sees it: its value, or None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None
