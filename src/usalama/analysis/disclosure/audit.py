"""The attacker's view: what can be worked out about each withheld cell from what is published.

For each withheld cell the auditor solves two linear programs (``scipy.optimize.linprog``,
HiGHS): the least and the greatest value the cell can take subject to every published margin
(the equations of :func:`usalama.analysis.disclosure.suppress.equations`, with the published
cells as constants) and to every cell being non-negative. Withheld cells that share no
equation, directly or through other withheld cells, cannot inform each other, so each
connected group is solved on its own.

The rule tested (documented in ``docs/public-portal.md``): a withheld cell is protected when
its feasible interval ``[low, high]`` has width (``high > low``) **and** is not inside
``[1, k−1]`` — an attacker must not be able to conclude either the exact value or "a small
non-zero number of reports". A published count from 1 to k−1 fails outright, and a margin
whose cells are all published must add up exactly (totals reconcile).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from usalama.analysis.disclosure.suppress import Cell, Equation
from usalama.core.errors import InvalidInput

EPSILON = 1e-6
CEILING = 1e9  # far above any count: a cell reaching it is unbounded from above


@dataclass(frozen=True)
class Interval:
    low: float
    high: float  # math.inf when nothing bounds the cell from above

    def protects(self, k: int) -> bool:
        wide = self.high - self.low > EPSILON
        small_only = self.low >= 1 - EPSILON and self.high <= k - 1 + EPSILON
        return wide and not small_only


def _groups(eqs: Sequence[Equation], hidden: set[Cell]) -> list[list[Cell]]:
    root: dict[Cell, Cell] = {cell: cell for cell in hidden}

    def find(cell: Cell) -> Cell:
        while root[cell] != cell:
            root[cell] = root[root[cell]]
            cell = root[cell]
        return cell

    for total, parts in eqs:
        inside = [c for c in (total, *parts) if c in hidden]
        for other in inside[1:]:
            a, b = find(inside[0]), find(other)
            if a != b:
                root[b] = a
    grouped: dict[Cell, list[Cell]] = {}
    for cell in sorted(hidden, key=lambda c: (c[0], c[1] or "")):
        grouped.setdefault(find(cell), []).append(cell)
    return list(grouped.values())


def _systems(
    eqs: Sequence[Equation], published: Mapping[Cell, int | None]
) -> list[tuple[list[Cell], np.ndarray | None, np.ndarray | None]]:
    """One linear system per group of withheld cells: (cells, A_eq, b_eq)."""
    hidden = {cell for cell, value in published.items() if value is None}
    for total, parts in eqs:
        cells = (total, *parts)
        if any(c in hidden for c in cells):
            continue
        left = published.get(total) or 0
        right = sum(published.get(c) or 0 for c in parts)
        if left != right:
            raise InvalidInput(f"published totals do not add up at {total}: {left} != {right}")
    systems = []
    for group in _groups(eqs, hidden):
        index = {cell: i for i, cell in enumerate(group)}
        rows: list[np.ndarray] = []
        rhs: list[float] = []
        for total, parts in eqs:
            if total not in index and not any(c in index for c in parts):
                continue
            row = np.zeros(len(group))
            constant = 0.0
            for cell, sign in ((total, 1.0), *((c, -1.0) for c in parts)):
                if cell in index:
                    row[index[cell]] += sign
                else:
                    constant += sign * float(published.get(cell) or 0)
            rows.append(row)
            rhs.append(-constant)
        a_eq = np.vstack(rows) if rows else None
        b_eq = np.array(rhs) if rows else None
        systems.append((group, a_eq, b_eq))
    return systems


class _Solver:
    """Linear programs over one group; every solution found is a feasible point, kept."""

    def __init__(self, size: int, a_eq: np.ndarray | None, b_eq: np.ndarray | None) -> None:
        self.size, self.a_eq, self.b_eq = size, a_eq, b_eq
        self.seen_low = np.full(size, math.inf)
        self.seen_high = np.full(size, -math.inf)

    def solve(self, objective: np.ndarray) -> float | None:
        """The optimum of ``objective`` (minimised); None when it runs to the ceiling."""
        result = linprog(
            objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, CEILING), method="highs"
        )
        if result.status == 2:
            raise InvalidInput("the published table is inconsistent (no table fits it)")
        if result.status != 0:
            raise InvalidInput(f"the disclosure audit could not solve a margin: {result.message}")
        point = np.asarray(result.x, dtype=float)
        self.seen_low = np.minimum(self.seen_low, point)
        self.seen_high = np.maximum(self.seen_high, point)
        return float(result.fun)

    def exact(self, i: int) -> Interval:
        objective = np.zeros(self.size)
        objective[i] = 1.0
        low = self.solve(objective) or 0.0
        high = -(self.solve(-objective) or 0.0)
        return Interval(max(low, 0.0), math.inf if high >= CEILING - 1 else high)

    def seen(self, i: int) -> Interval:
        high = float(self.seen_high[i])
        return Interval(float(self.seen_low[i]), math.inf if high >= CEILING - 1 else high)


def intervals(
    eqs: Sequence[Equation], published: Mapping[Cell, int | None]
) -> dict[Cell, Interval]:
    """The exact feasible interval of every withheld (``None``) cell, from the published ones."""
    found: dict[Cell, Interval] = {}
    for group, a_eq, b_eq in _systems(eqs, published):
        solver = _Solver(len(group), a_eq, b_eq)
        for i, cell in enumerate(group):
            found[cell] = solver.exact(i)
    return found


def audit(eqs: Sequence[Equation], published: Mapping[Cell, int | None], k: int) -> list[Cell]:
    """Cells that break the rule: a published count in 1..k−1, or a withheld cell pinned down."""
    failing = [
        cell for cell, value in published.items() if value is not None and 1 <= value <= k - 1
    ]
    for group, a_eq, b_eq in _systems(eqs, published):
        solver = _Solver(len(group), a_eq, b_eq)
        # a few spread-out feasible points settle most cells without a program of their own:
        # the true interval contains every value seen, so a cell seen wide enough is protected
        ones = np.ones(len(group))
        solver.solve(ones)
        solver.solve(-ones)
        rng = np.random.default_rng(len(group))
        for _ in range(4):
            solver.solve(rng.choice([-1.0, 1.0], size=len(group)))
        for i, cell in enumerate(group):
            if solver.seen(i).protects(k):
                continue
            objective = np.zeros(len(group))
            objective[i] = 1.0
            solver.solve(objective)
            if solver.seen(i).protects(k):
                continue
            solver.solve(-objective)
            if not solver.seen(i).protects(k):
                failing.append(cell)
    return failing
