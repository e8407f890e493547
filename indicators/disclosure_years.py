"""A year's protection, kept: the linear programs that protect one year of a family's figures (the
audit and the complement: no hidden figure follows from the shown ones and the sums the data
satisfy), and the memory and on-disk cache of years already decided, keyed on exactly the year's
figures, sums, threshold and this code (issue 33)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from store import cachefiles

# A year's protection (the linear programs of protect_year, most of a decision's time) is a
# function of that year's figures (their atoms, values, costs and primary suppression, in
# order), its known sums and the threshold: kept under a digest of exactly those and of this
# code, in memory and in the user's cache folder, so a load for 2025 decides 2025 again and
# finds every other year of the family as it was decided (issue 33: a survey load decided
# 18 years of the city's survey in each new process).
CACHE_ENV = "DASHBOARD_DISCLOSURE_CACHE"

CITY = "0180"
TOLERANCE = 1e-7
# boundaries, kind ("year", "month" or "ytd"), region, year, month, sex, age group. For
# "ytd" the year is the current (partial) year and the month its last month: the figure is
# the same months of the year before.
CellKey = tuple[str, str, str, int, int, str, str]
Constraint = tuple[np.ndarray, np.ndarray]  # atoms (row numbers) and their coefficients


MAX_CACHED = 5000  # years kept on disk (a few hundred bytes each)


_YEARS: OrderedDict[str, tuple[list[bool], int]] = OrderedDict()


def atom_ids(atoms: pd.DataFrame) -> list[tuple[object, ...]]:
    """Each atom as what it is (region, year, month, sex, age group, size), not by its row."""
    columns = ["region_code", "year", "month", "sex", "age_group", "size"]
    values = [atoms[c].tolist() for c in columns]
    return [tuple(str(v) for v in row) for row in zip(*values, strict=True)]


class Year(NamedTuple):
    """What :func:`protect_year` protects one year by (its arguments, in order)."""

    figures: list[int]
    members_of: list[tuple[int, ...]]
    totals: np.ndarray
    costs: np.ndarray
    hidden: np.ndarray
    constraints: list[Constraint]
    threshold: int


def year_key(year: Year, atom_ids: list[tuple[object, ...]]) -> str:
    figures, members_of, totals, costs, hidden, constraints, threshold = year
    code = cachefiles.code_digest((Path(__file__),), ("scipy",))  # scipy: the solver
    items = [
        (tuple(atom_ids[a] for a in members_of[f]), repr(float(totals[f])), int(costs[f]),
         bool(hidden[f]))
        for f in figures
    ]  # fmt: skip
    sums = [
        (tuple(atom_ids[int(a)] for a in members), tuple(repr(float(c)) for c in coefficients))
        for members, coefficients in constraints
    ]
    return cachefiles.key(code, (int(threshold), items, sums))


def decided_year(key: str, size: int) -> tuple[list[bool], int] | None:
    known = _YEARS.get(key)
    if known is None:
        data = cachefiles.read(cachefiles.folder(CACHE_ENV, "disclosure"), key, ".json")
        try:
            loaded = json.loads(data) if data is not None else None
            known = ([bool(f) for f in loaded["hidden"]], int(loaded["disclosed"]))
        except (ValueError, TypeError, KeyError):
            return None
        _YEARS[key] = known
    _YEARS.move_to_end(key)
    return known if len(known[0]) == size else None


def keep_year(key: str, flags: list[bool], disclosed: int) -> None:
    _YEARS[key] = (flags, disclosed)
    while len(_YEARS) > 4096:
        _YEARS.popitem(last=False)
    data = json.dumps({"hidden": flags, "disclosed": disclosed}).encode()
    cachefiles.write(cachefiles.folder(CACHE_ENV, "disclosure"), key, ".json", data, MAX_CACHED)


def sums(values: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """The sum of ``values`` over each group of row positions (none empty), at once."""
    if not groups:
        return np.zeros(0)
    flat = np.concatenate(groups)
    starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
    return np.add.reduceat(values[flat], starts)


def complement_relations(
    relations: list[tuple[CellKey, list[CellKey]]],
    figure_of: Mapping[CellKey, int],
    totals: np.ndarray,
    costs: np.ndarray,
    hidden: np.ndarray,
    primary: np.ndarray,
) -> None:
    """In every sum the data satisfy with exactly one hidden member, hide the smallest other
    part above zero (the whole only when no part is left), until nothing changes; then show
    again, largest first, each complement whose sums all keep none or two hidden."""
    sums: list[tuple[int, list[int]]] = []
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for whole_key, part_keys in relations:
        whole = figure_of.get(whole_key)
        parts = sorted({figure_of[k] for k in part_keys if k in figure_of} - {whole})
        if whole is None or not parts or (whole, tuple(parts)) in seen:
            continue
        if abs(totals[whole] - totals[parts].sum()) > TOLERANCE:
            continue  # not a sum in this data (e.g. the city counts events of no district)
        seen.add((whole, tuple(parts)))
        sums.append((whole, parts))
    changed = True
    while changed:
        changed = False
        for whole, parts in sums:
            members = [whole, *parts]
            if int(hidden[members].sum()) != 1:
                continue
            candidates = [m for m in members if not hidden[m] and totals[m] > 0]
            if not candidates:
                continue
            pick = min(candidates, key=lambda m: (m == whole, costs[m], totals[m], m))
            hidden[pick] = True
            changed = True
    member_of: dict[int, list[list[int]]] = {}
    for whole, parts in sums:
        for member in (whole, *parts):
            member_of.setdefault(member, []).append([whole, *parts])
    complements = [f for f in np.flatnonzero(hidden & ~primary) if f in member_of]
    for figure in sorted(complements, key=lambda f: (-costs[f], -totals[f], f)):
        hidden[figure] = False
        if any(int(hidden[members].sum()) == 1 for members in member_of[figure]):
            hidden[figure] = True


def priority(key: CellKey) -> int:
    boundaries, kind, region = key[0], key[1], key[2]
    if kind == "month":
        return 0
    if kind == "ytd":
        return 1
    if region == CITY:
        return 4
    return 3 if boundaries == "today" else 2


def protect_year(
    figures: list[int],
    members_of: list[tuple[int, ...]],
    totals: np.ndarray,
    costs: np.ndarray,
    hidden: np.ndarray,
    constraints: list[Constraint],
    threshold: int,
) -> int:
    """Hide complements among ``figures`` (one year) until no hidden one can be narrowed
    down to a range narrower than ``threshold`` (see :func:`protect_group`); modifies
    ``hidden``. Returns the number of hidden figures that could not be protected.

    The figures fall apart into groups that share no atom, directly or through a known sum
    (each municipality's months and year; Stockholm's districts and the city): no figure of
    one group can be derived from another's, so each group is protected on its own, which
    gives the same result as one system of all of them at a fraction of the cost (the null
    space is taken of each group's small matrix, not of one matrix of every municipality)."""
    if not hidden[figures].any():
        return 0
    parent: dict[int, int] = {}

    def root(atom: int) -> int:
        while parent.setdefault(atom, atom) != atom:
            parent[atom] = parent[parent[atom]]
            atom = parent[atom]
        return atom

    def join(atoms: list[int]) -> None:
        first = root(atoms[0])
        for atom in atoms[1:]:
            parent[root(atom)] = first

    for figure in figures:
        join([int(a) for a in members_of[figure]])
    columns = set(parent)
    usable = [c for c in constraints if all(int(a) in columns for a in c[0])]
    for members, _ in usable:
        join([int(a) for a in members])
    groups: dict[int, list[int]] = {}
    for figure in figures:
        groups.setdefault(root(int(members_of[figure][0])), []).append(figure)
    sums: dict[int, list[Constraint]] = {}
    for constraint in usable:
        sums.setdefault(root(int(constraint[0][0])), []).append(constraint)
    return sum(
        protect_group(group, members_of, totals, costs, hidden, sums.get(key, []), threshold)
        for key, group in groups.items()
    )


def protect_group(
    figures: list[int],
    members_of: list[tuple[int, ...]],
    totals: np.ndarray,
    costs: np.ndarray,
    hidden: np.ndarray,
    constraints: list[Constraint],
    threshold: int,
) -> int:
    """:func:`protect_year` for one group of figures that share atoms.

    What a reader knows is a set of linear relations over the atoms (each stored figure, at
    least 0): every shown figure equals its value, the sums the data satisfy hold, and each
    hidden figure above zero is at least 1 (zeros are shown, so a hidden one is not 0). A
    linear program (HiGHS) finds the smallest and largest value each hidden figure can take;
    while one range is narrower than the threshold, the shown figure that bounds it (a
    nonzero dual value) and costs least is hidden too."""
    if not hidden[figures].any():
        return 0
    columns = sorted({a for f in figures for a in members_of[f]})
    local = {a: i for i, a in enumerate(columns)}
    rows = np.zeros((len(figures), len(columns)))
    for i, figure in enumerate(figures):
        rows[i, [local[a] for a in members_of[figure]]] = 1.0
    known = []
    for members, coefficients in constraints:
        if all(int(a) in local for a in members):
            row = np.zeros(len(columns))
            row[[local[int(a)] for a in members]] = coefficients
            known.append(row)
    given_up: set[int] = set()
    # Hiding a figure only widens the others' ranges (its value becomes "at least 1" instead
    # of known), so a figure found wide enough stays so: each is checked until it is, and a
    # figure hidden as a complement is checked in its turn.
    pending = [i for i, f in enumerate(figures) if hidden[f]]
    while pending:
        target = pending[0]
        shown = [i for i, f in enumerate(figures) if not hidden[f]]
        audit = Audit(rows, [totals[f] for f in figures], shown, known)
        low, high, binding = audit.range(target)
        if high - low >= threshold - TOLERANCE:
            pending.pop(0)
            continue
        candidates = [i for i in binding if totals[figures[i]] > 0] or binding
        if not candidates:
            given_up.add(target)  # narrow from zeros and sums alone: nothing to hide
            pending.pop(0)
            continue
        pick = min(candidates, key=lambda i: (costs[figures[i]], totals[figures[i]], i))
        hidden[figures[pick]] = True
        pending.append(pick)
    return len(given_up)


class Audit:
    """The feasible range of figures given what a reader knows (see :func:`protect_group`):
    ``rows`` (figure × atom, 1 where the figure sums the atom), the figures' values, which
    are shown, and the sums the data satisfy (rows over the atoms equal to 0)."""

    def __init__(
        self,
        rows: np.ndarray,
        values: list[float],
        shown: list[int],
        known: list[np.ndarray],
    ) -> None:
        self.rows = rows
        self.values = np.asarray(values, dtype=float)
        self.shown = shown
        equal = [rows[shown]] + ([np.array(known)] if known else [])
        self.a_eq = np.vstack(equal) if shown or known else None
        self.b_eq = np.concatenate([self.values[shown], np.zeros(len(known))])
        hidden = [i for i in range(len(rows)) if i not in set(shown) and self.values[i] > 0]
        # A hidden figure above zero is at least 1: -row · x <= -1.
        self.a_ub = -rows[hidden] if hidden else None
        self.b_ub = -np.ones(len(hidden)) if hidden else None

    def _bound(self, figure: int, sense: float) -> tuple[float, np.ndarray]:
        """(the optimum of sense · figure, the shown figures' dual values)."""
        from scipy.optimize import linprog  # only an audit solves; a command line does not

        result = linprog(
            sense * self.rows[figure], A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq,
            b_eq=self.b_eq if self.a_eq is not None else None, bounds=(0, None),
            method="highs",
        )  # fmt: skip
        if result.status == 3:  # unbounded: no upper limit
            return -np.inf, np.zeros(len(self.shown))
        if result.status != 0:  # infeasible: the data break a relation; nothing is learnt
            return -np.inf, np.zeros(len(self.shown))
        duals = result.eqlin.marginals[: len(self.shown)] if self.a_eq is not None else []
        return float(result.fun), np.asarray(duals, dtype=float)

    def range(self, figure: int) -> tuple[float, float, list[int]]:
        """(lowest, highest, the shown figures that bound either)."""
        low, low_duals = self._bound(figure, 1.0)
        high, high_duals = self._bound(figure, -1.0)
        binding = np.flatnonzero((np.abs(low_duals) > TOLERANCE) | (np.abs(high_duals) > TOLERANCE))
        lowest = low if np.isfinite(low) else 0.0
        return lowest, -high, [self.shown[j] for j in binding]
