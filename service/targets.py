"""Targets set in the app: an administratör, or a rapportör for their own districts, sets a
target for an indicator (the city or a district, the year it is for, the value, the source
that decided it) from an effective date; checked here, written through the one guarded path
(role, one transaction, audit entry). A target is never changed or removed: a new one takes
over from its date, so a year is always judged by the target in force then (and the date may
not lie before this year, so no earlier year's judgement changes). The indicators' YAML
targets stay as defaults."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from access.roles import Principal
from catalogue.model import Definition
from service import indicator_values, results, session
from service.indicator_values import CITY, catalogue, region_names
from service.readmodel import view
from service.writes import RuleBroken, guarded
from store import reference_data
from store import targets as store_targets

DIRECTION_WORDS = {"lower_is_better": "högst", "higher_is_better": "minst"}


def add(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    *,
    indicator: str,
    scope: str,
    target_year: int,
    value: float,
    source: str,
    applies_from: date,
    today: date | None = None,
) -> int:
    """Save a target; ``scope`` is "city" or a district's code."""
    today = today or date.today()
    catalogue = indicator_values.catalogue()
    definition = catalogue.definitions.get(indicator)
    if definition is None:
        raise RuleBroken(f"Sparades inte: okänd indikator {indicator}.")
    if scope != "city":
        known = set(reference_data.regions(con, ("district",))["code"].astype(str))
        if scope not in known:
            raise RuleBroken(f"Sparades inte: okänt stadsdelsområde {scope}.")
        if "district" not in definition.levels:
            raise RuleBroken("Sparades inte: indikatorn följs inte per stadsdelsområde.")
    if not 2000 <= int(target_year) <= 2100:
        raise RuleBroken("Sparades inte: målåret ska vara mellan 2000 och 2100.")
    if value is None or pd.isna(value) or value < 0:
        raise RuleBroken("Sparades inte: ange målvärdet (ett tal, minst 0).")
    if definition.type == "share" and value > 100:
        raise RuleBroken("Sparades inte: en andel kan vara högst 100 %.")
    cleaned = " ".join((source or "").split())
    if len(cleaned) < 3:
        raise RuleBroken(
            "Sparades inte: ange var målet är beslutat (t.ex. den lokala överenskommelsen)."
        )
    if applies_from < date(today.year, 1, 1):
        raise RuleBroken(
            f"Sparades inte: ett mål kan gälla från tidigast 1 januari {today.year}; tidigare "
            "år bedöms med de mål som gällde då."
        )
    if applies_from.year > int(target_year):
        raise RuleBroken("Sparades inte: målet börjar gälla efter sitt målår.")
    values = {
        "indicator": indicator,
        "scope": scope,
        "target_year": int(target_year),
        "value": float(value),
        "direction": definition.direction,
        "source": cleaned[:300],
        "applies_from": applies_from,
    }
    with guarded(con, principal, "targets", [indicator_values.CITY if scope == "city" else scope]):
        target_id = store_targets.add_target(con, values, principal.name)
    results.refresh_later()  # the stored statuses of this indicator are out of date now
    return target_id


def history(indicator: str | None = None) -> pd.DataFrame:
    """Every target, the YAML defaults and those set in the app, as the page lists them:
    newest effective date first within each indicator."""
    catalogue = indicator_values.catalogue()
    names = indicator_values.region_names()
    rows = []
    for ind, definition in catalogue.definitions.items():
        if indicator and ind != indicator:
            continue
        for target in definition.targets:
            rows.append({
                "indicator": ind, "scope": target.scope, "target_year": target.year,
                "value": target.value, "applies_from": target.applies_from,
                "source": target.decided_by or "", "created_by": "katalogen (YAML)",
                "created_at": None,
            })  # fmt: skip
    stored = app_targets()
    if indicator:
        stored = stored[stored["indicator"] == indicator]
    for row in stored.itertuples():
        rows.append({
            "indicator": row.indicator, "scope": row.scope, "target_year": int(row.target_year),
            "value": float(row.value), "applies_from": pd.Timestamp(row.applies_from).date(),
            "source": row.source, "created_by": row.created_by, "created_at": row.created_at,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["scope_name"] = [
        "Hela staden" if s == "city" else "alla områden" if s == "all" else names.get(s, s)
        for s in frame["scope"]
    ]
    return frame.sort_values(["indicator", "applies_from"], ascending=[True, False])


@view("data", max_entries=4)
def app_targets() -> pd.DataFrame:
    """Every target set in the app (store.targets), oldest first."""
    from store import targets

    con = session.cursor()
    try:
        return targets.targets(con)
    finally:
        con.close()


@view("data", "catalogue", max_entries=64)
def effective_definition(indicator: str) -> Definition:
    """The indicator's definition with the targets set in the app beside its YAML ones."""
    from indicators.compute import with_app_targets

    con = session.cursor()
    try:
        return with_app_targets(con, catalogue().definitions[indicator])
    finally:
        con.close()


def panel_targets(indicator: str, region_code: str) -> list:
    """The targets a chart of ``region_code`` draws: those for that district (by code or
    name) and those for every district; for the city, the city's."""
    names = region_names()

    def drawn(scope: str) -> bool:
        if scope == "all":
            return True
        if scope == "city":
            return region_code == CITY
        return region_code in (scope, _code_of(scope, names))

    return [t for t in effective_definition(indicator).targets if drawn(t.scope)]


def _code_of(name: str, names: dict[str, str]) -> str:
    return next((c for c, n in names.items() if n == name), name)
