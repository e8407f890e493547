"""How the local agreements cover the city-wide areas (Översikt's matrix for the beredningsgrupp):
per district and city-wide area, the local areas and the planned or running actions that serve
it, and the revisions that are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT
from service import overview, targets
from service.indicator_values import catalogue, fmt_value
from service.local import Agreement, city_areas


def actions_by_local_area(actions: pd.DataFrame, district: str) -> dict[str, pd.DataFrame]:
    """The actions of a district per local area key."""
    if actions.empty or "local_area" not in actions:
        return {}
    own = actions[(actions["region_code"].astype(str) == district) & actions["local_area"].notna()]
    return {str(k): g for k, g in own.groupby("local_area")}


ACTIVE = ("planerad", "pågående")


@dataclass(frozen=True)
class Cell:
    local_areas: tuple[str, ...]
    actions: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.local_areas and not self.actions


def coverage(
    agreements: dict[str, Agreement], actions: pd.DataFrame, districts: dict[str, str]
) -> dict[str, dict[str, Cell]]:
    """District × city-wide area: the local areas and the active actions (of the current
    agreement) that serve it. ``districts`` is name → code of today's districts."""
    wide = city_areas()
    active = (
        actions[
            (actions["agreement"].astype(str) == CURRENT_AGREEMENT) & actions["status"].isin(ACTIVE)
        ]
        if not actions.empty
        else actions
    )
    matrix: dict[str, dict[str, Cell]] = {}
    for _name, code in districts.items():
        agreement = agreements.get(code)
        row: dict[str, Cell] = {}
        for area_id in wide:
            local = tuple(
                a.title for a in (agreement.areas if agreement else ()) if area_id in a.city_areas
            )
            own = (
                active[(active["region_code"].astype(str) == code) & (active["area"] == area_id)]
                if not active.empty
                else active
            )
            row[area_id] = Cell(local, tuple(str(t) for t in own.get("title", [])))
        matrix[code] = row
    return matrix


def coverage_text(cell: Cell) -> str:
    """A cell as the matrix shows it."""
    if cell.empty:
        return "⚠ saknas"
    parts = []
    if cell.local_areas:
        parts.append(
            f"{len(cell.local_areas)} lokalt område" + ("n" if len(cell.local_areas) > 1 else "")
        )
    if cell.actions:
        parts.append(f"{len(cell.actions)} åtgärd" + ("er" if len(cell.actions) > 1 else ""))
    return " · ".join(parts)


def coverage_rows(
    agreements: dict[str, Agreement], actions: pd.DataFrame, districts: dict[str, str]
) -> pd.DataFrame:
    """The matrix as a table: a row per district, a column per city-wide area, and a column
    naming what is missing."""
    wide = city_areas()
    matrix = coverage(agreements, actions, districts)
    rows = []
    for name, code in districts.items():
        cells = matrix[code]
        row: dict[str, object] = {"Stadsdelsområde": name}
        agreement = agreements.get(code)
        row["Lokal överenskommelse"] = (
            f"version {agreement.version}, revideras {agreement.revision_date}"
            if agreement
            else "saknas"
        )
        for area_id, title in wide.items():
            row[title] = coverage_text(cells[area_id])
        missing = [wide[a] for a, c in cells.items() if c.empty]
        row["Saknar lokalt område och åtgärd"] = "; ".join(missing) if missing else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def revisions_due(
    agreements: dict[str, Agreement], by: date, districts: dict[str, str]
) -> list[tuple[str, date | None]]:
    """Districts whose agreement is to be revised by ``by`` (or who have none): (name, date)."""
    due = []
    for name, code in districts.items():
        agreement = agreements.get(code)
        if agreement is None:
            due.append((name, None))
        elif agreement.revision_date and agreement.revision_date <= by:
            due.append((name, agreement.revision_date))
    return due


@dataclass(frozen=True)
class FollowedIndicator:
    """One indicator a local area follows, as its table shows it."""

    title: str
    year: str
    latest: str  # the latest value ("skyddat", "–")
    status: str
    local_target: str  # the district's own targets ("12,0 år 2027; …", "–")
    example: bool


def followed_indicators(code: str, indicators: tuple[str, ...]) -> list[FollowedIndicator]:
    """The indicators of a local area with the district's latest value and status (the
    overview's rows) and the targets set for the district alone."""
    figures: dict[str, dict] = {}
    for area_rows in overview.overview_rows().get(code, {}).values():
        for row in area_rows:
            figures.setdefault(str(row["indicator"]), row)
    definitions = catalogue().definitions
    set_targets = targets.app_targets()
    found = []
    for indicator in indicators:
        definition = definitions.get(indicator)
        row = figures.get(indicator)
        own = (
            set_targets[(set_targets["indicator"] == indicator) & (set_targets["scope"] == code)]
            if not set_targets.empty
            else set_targets
        )
        if row and row["suppressed"]:
            latest = "skyddat"
        elif row and definition and row["value"] is not None:
            latest = fmt_value(definition, row["value"])
        else:
            latest = "–"
        goals = (
            "; ".join(
                f"{fmt_value(definition, v)} år {int(y)}"
                for v, y in zip(own["value"], own["target_year"], strict=True)
            )
            if definition is not None and not own.empty
            else "–"
        )
        found.append(
            FollowedIndicator(
                title=definition.title if definition else indicator,
                year=str(row["year"] or "–") if row else "–",
                latest=latest,
                status=str(row["label"]) if row else "följs inte per område",
                local_target=goals,
                example=bool(row and row["example"]),
            )
        )
    return found
