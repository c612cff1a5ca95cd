"""Primary and secondary suppression over an area hierarchy crossed with categories.

A table holds one count per (area, category) cell, the category ``None`` being the area's
total over every category. Areas form a tree (ward ⊂ sub-county ⊂ county ⊂ nation); the
published margins are the equations

* for every area and every category (and the total): the area's cell is the sum of its
  children's cells (the nation's robbery count is the sum of the counties' robbery counts);
* for every area: its total is the sum of its category cells.

Primary suppression withholds every count from 1 to k−1. Secondary suppression then makes
sure no withheld cell can be worked out from what is left: while some equation has exactly
one withheld cell (which would be its published total minus the published rest), withhold
the smallest other cell of that equation, preferring a non-zero one. Equations chain across
levels and categories, so one pass is not proof: :func:`protect` then runs the auditor
(:mod:`usalama.analysis.disclosure.audit`, a linear program per withheld cell) and withholds
more wherever a cell is still pinned down, until the auditor finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from usalama.core.errors import InvalidInput

DEFAULT_K = 5
MIN_K = 3

Cell = tuple[str, str | None]  # (area, category); category None is the area's total
Equation = tuple[Cell, tuple[Cell, ...]]  # total == sum(parts)


def check_k(k: int) -> int:
    """The threshold, refused below :data:`MIN_K` (a count of 1 or 2 would then be served)."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidInput(f"k must be a whole number, not {k!r}")
    if k < MIN_K:
        raise InvalidInput(f"k must be at least {MIN_K} (got {k}): smaller counts identify people")
    return k


@dataclass(frozen=True)
class Table:
    """Every cell of every area present, totals computed from the leaves (so they reconcile)."""

    parent: Mapping[str, str | None]  # area -> parent area, None for the root
    categories: tuple[str, ...]
    values: Mapping[Cell, int]

    def areas(self) -> list[str]:
        return list(self.parent)

    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {area: [] for area in self.parent}
        for area, up in self.parent.items():
            if up is not None:
                kids[up].append(area)
        return kids

    def equations(self) -> list[Equation]:
        return equations(self.parent, self.categories)


def equations(parent: Mapping[str, str | None], categories: Iterable[str]) -> list[Equation]:
    """The published margins of a table of this shape (see the module's docstring)."""
    cats: list[str | None] = [*categories, None]
    kids: dict[str, list[str]] = {area: [] for area in parent}
    for area, up in parent.items():
        if up is not None:
            kids[up].append(area)
    found: list[Equation] = []
    for area in parent:
        if kids[area]:
            for cat in cats:
                found.append(((area, cat), tuple((child, cat) for child in kids[area])))
        found.append(((area, None), tuple((area, cat) for cat in cats if cat is not None)))
    return found


def build_table(
    leaves: Mapping[tuple[str, str], int],
    parent: Mapping[str, str | None],
    categories: Iterable[str],
) -> Table:
    """Aggregate leaf counts (leaf area, category) up the tree.

    Only areas with at least one count are present (an absent area is a published zero);
    every present area carries every category, zeros included.
    """
    cats = tuple(categories)
    known = set(cats)
    values: dict[Cell, int] = {}
    present: dict[str, str | None] = {}
    for (area, cat), count in leaves.items():
        if cat not in known:
            raise InvalidInput(f"unknown category {cat!r}")
        if area not in parent:
            raise InvalidInput(f"unknown area {area!r}")
        if count < 0:
            raise InvalidInput(f"negative count for {area!r}/{cat!r}")
        if count == 0:
            continue
        node: str | None = area
        seen = 0
        while node is not None:
            seen += 1
            if seen > len(parent):
                raise InvalidInput(f"the area tree has a cycle through {area!r}")
            present[node] = parent[node]
            for key in ((node, cat), (node, None)):
                values[key] = values.get(key, 0) + count
            node = parent[node]
    # parents before children, in the order given
    ordered = {area: present[area] for area in parent if area in present}
    for area in ordered:
        for each in (*cats, None):
            values.setdefault((area, each), 0)
    return Table(ordered, cats, values)


@dataclass(frozen=True)
class Protected:
    table: Table
    k: int
    primary: frozenset[Cell]
    suppressed: frozenset[Cell]  # primary and secondary
    rounds: int = 0  # times the auditor sent the suppression back for more
    failures: tuple[Cell, ...] = field(default=())

    def published(self, cell: Cell) -> int | None:
        return None if cell in self.suppressed else self.table.values[cell]

    def published_values(self) -> dict[Cell, int | None]:
        return {cell: self.published(cell) for cell in self.table.values}


def _pick(candidates: Iterable[Cell], values: Mapping[Cell, int]) -> Cell | None:
    """The cell to withhold next: the smallest non-zero, else the smallest (a zero)."""
    best: tuple[int, int, str, str] | None = None
    chosen: Cell | None = None
    for cell in candidates:
        value = values[cell]
        key = (0 if value > 0 else 1, value, cell[0], cell[1] or "")
        if best is None or key < best:
            best, chosen = key, cell
    return chosen


def _close_single_gaps(
    eqs: list[Equation], values: Mapping[Cell, int], withheld: set[Cell]
) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            cells = (total, *parts)
            hidden = [cell for cell in cells if cell in withheld]
            if len(hidden) != 1:
                continue
            cell = _pick((c for c in cells if c not in withheld), values)
            if cell is not None:
                withheld.add(cell)
                changed = True


def protect(table: Table, k: int = DEFAULT_K, *, max_rounds: int = 10_000) -> Protected:
    """Suppress so that no count in 1..k−1 is published or can be recovered (LP-audited)."""
    from usalama.analysis.disclosure.audit import audit

    check_k(k)
    values = table.values
    primary = {cell for cell, value in values.items() if 1 <= value <= k - 1}
    withheld = set(primary)
    eqs = table.equations()
    by_cell: dict[Cell, list[Equation]] = {}
    for eq in eqs:
        for cell in (eq[0], *eq[1]):
            by_cell.setdefault(cell, []).append(eq)
    rounds = 0
    while True:
        _close_single_gaps(eqs, values, withheld)
        published = {cell: (None if cell in withheld else v) for cell, v in values.items()}
        failing = audit(eqs, published, k)
        if not failing or rounds >= max_rounds:
            return Protected(
                table, k, frozenset(primary), frozenset(withheld), rounds, tuple(failing)
            )
        rounds += 1
        for cell in failing:
            # widen the equation around the pinned cell that hides least so far
            options = sorted(
                by_cell.get(cell, []),
                key=lambda eq: sum(1 for c in (eq[0], *eq[1]) if c in withheld),
            )
            extra = None
            for total, parts in options:
                extra = _pick((c for c in (total, *parts) if c not in withheld), values)
                if extra is not None:
                    break
            if extra is None:
                extra = _pick((c for c in values if c not in withheld), values)
            if extra is not None:
                withheld.add(extra)
