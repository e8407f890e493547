"""One disclosure-control decision per family of figures, taken jointly over every figure
any output shows, so that no hidden figure follows from any combination of shown ones.

A *family* is what one set of measures publishes: yearly values of every region on the
boundaries of the time and on today's (the districts that merged summed), the city, the
sex and age groups, the months where a page shows months (the crime page), and the same
months of the year before that a year-to-date status sentence names. Every such figure is a
sum of stored observations (the *atoms*: region as reported, year, month, sex, age group).

The decision:

1. **Primary suppression**: a count above zero and below the threshold, or a survey cell
   with fewer respondents than the minimum, is hidden.
2. **Audit and complement**, per year: the shown figures, the zeros they show (a shown 0
   says each of its parts is 0) and the sums the data really satisfy (the city is the sum
   of its districts, the total the sum of women and men, ...) form a linear system. A
   hidden figure whose value follows from it (its row lies in the span of the known rows)
   is disclosed; of the shown figures its derivation uses, the smallest above zero is hidden
   too, and the audit runs again until no hidden figure follows.

Pages, exports, status sentences, the year-end summary and the command line read the
decision through :func:`decide`, so the same figure is hidden everywhere.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from indicators import disclosure_years
from indicators.disclosure_years import CITY, TOLERANCE, CellKey, Constraint
from store import queries
from store.series import observation_rows


@dataclass(frozen=True)
class Family:
    """What one set of measures publishes, and the rule that protects it."""

    measures: tuple[str, ...]
    size: Literal["count", "respondents"]  # what the threshold is about
    threshold: int
    by_sex: bool = False
    by_age: bool = False
    sex: str | None = None  # one sex instead of the totals (an indicator's filter)
    age_group: str | None = None
    months: tuple[object, object] | None = None  # whole months an event source covers
    every_event: bool = False  # the source lists every event (a part without rows had 0)
    monthly_output: bool = False  # some page shows the months (the crime page)


@dataclass(frozen=True)
class Decision:
    hidden: frozenset[CellKey]
    disclosed: int = 0  # hidden figures still derivable (only when every complement failed)

    def year(
        self, boundaries: str, region: str, year: int, sex: str = "total", age: str = "all"
    ) -> bool:
        return (boundaries, "year", region, int(year), 0, sex, age) in self.hidden

    def month(self, boundaries: str, region: str, year: int, month: int) -> bool:
        return (boundaries, "month", region, int(year), int(month), "total", "all") in self.hidden

    def ytd(
        self, boundaries: str, region: str, year: int, last_month: int, sex: str, age: str
    ) -> bool:
        """Whether the same months (1..last_month) a year before ``year`` are hidden."""
        key = (boundaries, "ytd", region, int(year), int(last_month), sex, age)
        return key in self.hidden


def decide(
    con: duckdb.DuckDBPyConnection,
    family: Family,
    today_of: Mapping[str, str],
    kinds: Mapping[str, str],
) -> Decision:
    """The hidden figures of ``family`` (cached per store file, data version and family).
    ``today_of`` maps a district of the time to the one of today; ``kinds`` a region code
    to its kind (district, city, municipality)."""
    identity = queries.store_identity(con)
    if identity is None:  # an in-memory store: nothing tells two of them apart, not cached
        return _decide(con, family, today_of, kinds)
    key = (identity, queries.data_version(con), family)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    decision = _decide(con, family, today_of, kinds)
    _CACHE[key] = decision
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return decision


_CACHE: OrderedDict[tuple[object, ...], Decision] = OrderedDict()
_CACHE_SIZE = 512


def clear_cache() -> None:
    _CACHE.clear()


def _rows(con: duckdb.DuckDBPyConnection, family: Family, boundaries: str) -> pd.DataFrame:
    return observation_rows(
        con,
        list(family.measures),
        boundaries=boundaries,  # type: ignore[arg-type]
        by_sex=family.by_sex,
        by_age=family.by_age,
        sex=family.sex,
        age_group=family.age_group,
        months=family.months,
        every_event=family.every_event,
    )


def atoms_of(con: duckdb.DuckDBPyConnection, family: Family) -> pd.DataFrame:
    """The stored observations a family's figures are sums of (one row per region as
    reported, year, month, sex and age group), with ``size``."""
    atoms = _rows(con, family, "time")
    size = atoms["total"] if family.size == "count" else atoms["respondents"]
    return atoms.assign(size=size.astype(float)).reset_index(drop=True)


def _complete_today(con: duckdb.DuckDBPyConnection, family: Family) -> pd.DataFrame:
    """Which sums on today's boundaries are complete, per region, year, month, sex, age."""
    rows = _rows(con, family, "today")
    return rows[["region_code", "year", "month", "sex", "age_group", "complete"]]


def cells_of(
    atoms: pd.DataFrame, complete_today: pd.DataFrame, family: Family, today_of: Mapping[str, str]
) -> list[tuple[CellKey, np.ndarray]]:
    """Every figure an output can show, as the atoms (row numbers) it sums."""
    if atoms.empty:
        return []
    frame = atoms.assign(today=atoms["region_code"].map(today_of).fillna(atoms["region_code"]))
    incomplete = complete_today[~complete_today["complete"].astype(bool)]
    broken_years = set(
        zip(incomplete["region_code"], incomplete["year"], incomplete["sex"],
            incomplete["age_group"], strict=True)
    )  # fmt: skip
    broken_months = set(
        zip(incomplete["region_code"], incomplete["year"], incomplete["month"], strict=True)
    )
    cells: list[tuple[CellKey, np.ndarray]] = []
    for boundaries, column in (("time", "region_code"), ("today", "today")):
        groups = _group_indices(frame, [column, "year", "sex", "age_group"])
        for (region, year, sex, age), rows in groups.items():
            if boundaries == "today" and (region, year, sex, age) in broken_years:
                continue
            cells.append(((boundaries, "year", str(region), int(year), 0, sex, age), rows))
        cells += _ytd_cells(frame, boundaries, column, family, broken_years)
        if family.monthly_output:
            totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
            totals = totals[totals["month"] > 0]
            positions = totals.index.to_numpy()
            for (region, year, month), rows in _group_indices(
                totals, [column, "year", "month"]
            ).items():
                if boundaries == "today" and (region, year, month) in broken_months:
                    continue
                index = positions[rows]
                key = (boundaries, "month", str(region), int(year), int(month), "total", "all")
                cells.append((key, index))
    return cells


def covered_years(months: tuple[object, object]) -> dict[int, tuple[int, int]]:
    """Year → (first, last) month of the whole months from ``months`` (first days of the
    first and last month covered)."""
    first, last = (pd.Timestamp(m) for m in months)  # type: ignore[arg-type]
    result = {}
    for year in range(first.year, last.year + 1):
        a = first.month if year == first.year else 1
        b = last.month if year == last.year else 12
        if a <= b:
            result[year] = (a, b)
    return result


def _ytd_cells(
    frame: pd.DataFrame,
    boundaries: str,
    column: str,
    family: Family,
    broken: set[tuple[object, ...]],
) -> list[tuple[CellKey, np.ndarray]]:
    """The same months a year earlier, for every year covered from January but not to
    December (as :func:`store.series.yearly_rows` names them in ``ytd_previous``)."""
    monthly = frame[frame["month"] > 0]
    if monthly.empty:
        return []
    cells: list[tuple[CellKey, np.ndarray]] = []
    covered = covered_years(family.months) if family.months is not None else {}
    wanted: list[tuple[object, int, object, object, int]] = []  # region, year, sex, age, last
    if family.months is not None:
        # Every region with figures the year before, whether or not it has any this year.
        for year, (first_month, last_month) in covered.items():
            if first_month != 1 or last_month == 12 or covered.get(year - 1, (0, 0))[0] != 1:
                continue
            earlier = monthly[monthly["year"] == year - 1]
            for region, sex, age in set(
                zip(earlier[column], earlier["sex"], earlier["age_group"], strict=True)
            ):
                wanted.append((region, year, sex, age, last_month))
    groups = _group_indices(monthly, [column, "year", "sex", "age_group"])
    month_of = monthly["month"].to_numpy()
    if family.months is None:
        for (region, year, sex, age), rows in groups.items():
            months = sorted({int(v) for v in month_of[rows]})
            if len(months) < 12 and months[0] == 1:
                wanted.append((region, int(year), sex, age, months[-1]))
    positions = monthly.index.to_numpy()
    for region, year, sex, age, last_month in wanted:
        rows = groups.get((region, year - 1, sex, age))
        if rows is None:
            continue
        rows = rows[month_of[rows] <= last_month]
        if not len(rows) or (boundaries == "today" and (region, year - 1, sex, age) in broken):
            continue
        key = (boundaries, "ytd", str(region), year, int(last_month), sex, age)
        cells.append((key, positions[rows]))
    return cells


def relations_of(
    keys: list[CellKey], today_of: Mapping[str, str], kinds: Mapping[str, str]
) -> list[tuple[CellKey, list[CellKey]]]:
    """Which figures are sums of which (a year of its months, the city of its districts,
    a merged district of today of its parts of the time, a total of the sexes or the age
    groups, the same months a year earlier of those months): (whole, parts). The caller
    keeps only those the data satisfy."""
    groups: dict[tuple[object, ...], list[CellKey]] = {}
    wholes: dict[tuple[object, ...], CellKey] = {}
    # The years whose months some same-months-a-year-later figure sums (few: a partial year).
    ytd_lasts: dict[tuple[object, ...], list[int]] = {}
    for key in keys:
        boundaries, kind, region, year, month, _, _ = key
        if kind == "ytd":
            ytd_lasts.setdefault((boundaries, region, year - 1), []).append(month)
    for key in keys:
        boundaries, kind, region, year, month, sex, age = key
        if kind == "ytd":
            wholes[("ytd", boundaries, region, year - 1, month)] = key
            continue
        if kind == "month":
            groups.setdefault(("months", boundaries, region, year), []).append(key)
            wholes[("months", boundaries, region, year)] = (
                boundaries, "year", region, year, 0, "total", "all",
            )  # fmt: skip
            for last in ytd_lasts.get((boundaries, region, year), ()):
                if last >= month:
                    groups.setdefault(("ytd", boundaries, region, year, last), []).append(key)
        if kinds.get(region) == "district":
            group = ("city", boundaries, kind, year, month, sex, age)
            groups.setdefault(group, []).append(key)
            wholes[group] = (boundaries, kind, CITY, year, month, sex, age)
        successor = today_of.get(region, region)
        if boundaries == "time" and successor != region:
            group = ("merged", successor, kind, year, month, sex, age)
            groups.setdefault(group, []).append(key)
            wholes[group] = ("today", kind, successor, year, month, sex, age)
        if kind == "year" and sex != "total":
            group = ("sex", boundaries, region, year, age)
            groups.setdefault(group, []).append(key)
            wholes[group] = (boundaries, kind, region, year, 0, "total", age)
        if kind == "year" and age != "all":
            group = ("age", boundaries, region, year, sex)
            groups.setdefault(group, []).append(key)
            wholes[group] = (boundaries, kind, region, year, 0, sex, "all")
    return [(wholes[g], parts) for g, parts in groups.items() if g in wholes]


def _group_indices(frame: pd.DataFrame, columns: list[str]) -> dict[tuple, np.ndarray]:
    """Like ``frame.groupby(columns, sort=False).indices`` (group key → ascending row
    positions), computed from integer codes: pandas' own is slow on Arrow string columns."""
    if frame.empty:
        return {}
    codes, uniques = [], []
    for column in columns:
        code, unique = pd.factorize(frame[column], use_na_sentinel=False)
        codes.append(code.astype(np.int64))
        uniques.append(list(unique))
    combined = np.zeros(len(frame), dtype=np.int64)
    for code, unique in zip(codes, uniques, strict=True):
        combined = combined * max(len(unique), 1) + code
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(order)]
    appearance = np.argsort(order[starts], kind="stable")  # groups in order of first row
    firsts = order[starts[appearance]]
    plain = [[_plain(v) for v in unique] for unique in uniques]
    keys = zip(
        *(
            [values[c] for c in code[firsts].tolist()]
            for code, values in zip(codes, plain, strict=True)
        ),
        strict=True,
    )
    bounds = zip(starts[appearance].tolist(), ends[appearance].tolist(), strict=True)
    return {key: order[a:b] for key, (a, b) in zip(keys, bounds, strict=True)}


def _plain(value: object) -> object:
    """A numpy scalar as the Python value pandas' groupby keys would be."""
    return value.item() if isinstance(value, np.generic) else value


def _constraints(atoms: pd.DataFrame, kinds: Mapping[str, str]) -> list[Constraint]:
    """Sums the data really satisfy: the city is the sum of its districts, the total the sum
    of the sexes, all ages the sum of the age groups. An attacker may know them; they are
    added only where they hold."""
    result: list[Constraint] = []
    size = atoms["size"].to_numpy(dtype=float)
    kind = atoms["region_code"].map(kinds).to_numpy()

    def add(whole: np.ndarray, parts: np.ndarray) -> None:
        if len(whole) != 1 or len(parts) == 0:
            return
        if np.isnan(size[whole]).any() or np.isnan(size[parts]).any():
            return
        if abs(size[whole].sum() - size[parts].sum()) > TOLERANCE:
            return
        members = np.concatenate([whole, parts])
        result.append((members, np.concatenate([np.ones(1), -np.ones(len(parts))])))

    regions = atoms["region_code"].to_numpy(dtype=object)
    for where in _group_indices(atoms, ["year", "month", "sex", "age_group"]).values():
        add(where[regions[where] == CITY], where[kind[where] == "district"])
    for column, total, other in (("sex", "total", "age_group"), ("age_group", "all", "sex")):
        values = atoms[column].to_numpy(dtype=object)
        keys = ["region_code", "year", "month", other]
        several = atoms.groupby(keys, sort=False)[column].transform("size").to_numpy() > 1
        if not several.any():  # no breakdown by this column: no sum to add
            continue
        for where in _group_indices(atoms[several], keys).values():
            where = np.flatnonzero(several)[where]
            mask = values[where] == total
            add(where[mask], where[~mask])
    return result


def _decide(
    con: duckdb.DuckDBPyConnection,
    family: Family,
    today_of: Mapping[str, str],
    kinds: Mapping[str, str],
) -> Decision:
    atoms = atoms_of(con, family)
    cells = cells_of(atoms, _complete_today(con, family), family, today_of)
    relations = relations_of([key for key, _ in cells], today_of, kinds)
    hidden_keys, disclosed = solve(atoms, cells, _constraints(atoms, kinds), family, relations)
    return Decision(frozenset(hidden_keys), disclosed)


def solve(
    atoms: pd.DataFrame,
    cells: list[tuple[CellKey, np.ndarray]],
    constraints: list[Constraint],
    family: Family,
    relations: list[tuple[CellKey, list[CellKey]]] = (),  # type: ignore[assignment]
) -> tuple[set[CellKey], int]:
    """Primary suppression; then, relation by relation, the smallest other part beside a
    single hidden one; then the audit and complement loop, one year at a time. Returns the
    hidden keys and how many hidden figures could not be protected."""
    size = atoms["size"].to_numpy(dtype=float)
    year_of = atoms["year"].to_numpy()
    cells = [(key, np.sort(rows)) for key, rows in cells if len(rows)]
    if family.size == "respondents":  # a figure with no respondents is not a count anyone sees
        known = ~np.isnan(size)
        counts = disclosure_years.sums(known.astype(float), [rows for _, rows in cells])
        cells = [cell for cell, n in zip(cells, counts, strict=True) if n > 0]
    # One figure per distinct set of atoms: the same sum under two names is one figure.
    figures: dict[tuple[int, ...], int] = {}
    keys_of: list[list[CellKey]] = []
    firsts: list[np.ndarray] = []
    for key, rows in cells:
        members = tuple(rows.tolist())
        figure = figures.get(members)
        if figure is None:
            figure = figures[members] = len(keys_of)
            keys_of.append([])
            firsts.append(rows)
        keys_of[figure].append(key)
    members_of = list(figures)
    totals = disclosure_years.sums(np.nan_to_num(size), firsts)
    # Which figure to give up first: months before the same months a year earlier, before
    # districts of the time, before today's districts, before the city; then the smallest.
    costs = np.array([max(disclosure_years.priority(k) for k in keys) for keys in keys_of])
    if family.size == "count":
        hidden = (totals > 0) & (totals < family.threshold)
    else:
        hidden = totals < family.threshold
    figure_of = {key: figure for figure, keys in enumerate(keys_of) for key in keys}
    disclosure_years.complement_relations(
        relations, figure_of, totals, costs, hidden, hidden.copy()
    )
    disclosed = 0
    by_year: dict[int, list[int]] = {}
    for figure, members in enumerate(members_of):
        by_year.setdefault(int(year_of[members[0]]), []).append(figure)
    sums_of_year: dict[int, list[Constraint]] = {}
    for constraint in constraints:
        sums_of_year.setdefault(int(year_of[constraint[0][0]]), []).append(constraint)
    atom_ids: list[tuple[object, ...]] | None = None
    for year, figures_of_year in by_year.items():
        constraints_of_year = sums_of_year.get(year, [])
        if not hidden[figures_of_year].any():
            continue  # nothing to protect (what disclosure_years.protect_year finds at once)
        if atom_ids is None:
            atom_ids = disclosure_years.atom_ids(atoms)
        year_of_figures = disclosure_years.Year(figures_of_year, members_of, totals, costs, hidden,
                                constraints_of_year, family.threshold)  # fmt: skip
        key = disclosure_years.year_key(year_of_figures, atom_ids)
        known = disclosure_years.decided_year(key, len(figures_of_year))
        if known is not None:
            flags, count = known
            hidden[figures_of_year] = flags
            disclosed += count
            continue
        count = disclosure_years.protect_year(*year_of_figures)
        disclosure_years.keep_year(key, [bool(hidden[f]) for f in figures_of_year], count)
        disclosed += count
    result = {key for figure, keys in enumerate(keys_of) if hidden[figure] for key in keys}
    return result, disclosed
