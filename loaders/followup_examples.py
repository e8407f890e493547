"""Loading the demo's example follow-up (actions, assessments, comments, local agreements),
marked as examples."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import yaml

from catalogue.arshjul import due_day, followup_lines, load_arshjul, report_key, year_end_key
from catalogue.catalogue import load_catalogue
from store import action_plan as store_plan
from store import db, followup, reference_data
from store import events as store_events
from store import local as store_local
from store import targets as store_targets
from store.regions import RegionResolver

EXAMPLES = db.PROJECT_ROOT / "data" / "demo" / "followup_examples.yaml"
DEMO_USER = "demodata"
TARGET_SOURCE = "Exempeldata: påhittat mål för demonstrationen"


def load(con: duckdb.DuckDBPyConnection, path: Path = EXAMPLES) -> int:
    """Add the examples unless any follow-up is stored already; returns actions added."""
    if followup.has_followup(con):
        return 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    resolver = RegionResolver.from_store(con)
    added = 0
    with db.transaction(con):
        for item in data.get("actions", []):
            values = {k: v for k, v in item.items() if k not in ("region", "notes")}
            values["region_code"] = resolver.code(item["region"])
            action_id = followup.add_action(con, values, DEMO_USER, is_example=True)
            for noted_on, text in item.get("notes", []):
                followup.add_note(con, action_id, date.fromisoformat(noted_on), text, DEMO_USER)
            added += 1
        for item in data.get("assessments", []):
            values = {**item, "region_code": resolver.code(item["region"])}
            followup.add_assessment(con, values, DEMO_USER, is_example=True)
        for item in data.get("comments", []):
            values = {**item, "region_code": resolver.code(item["region"])}
            followup.add_comment(con, values, DEMO_USER, is_example=True)
        for item in data.get("local_agreements", []):
            head = {k: item.get(k) for k in ("title", "valid_from", "valid_to", "revision_date")}
            head["district"] = resolver.code(item["region"])
            head["police_areas"] = ",".join(item["police_areas"])
            areas = [
                {"key": a["key"], "title": a["title"], "description": a.get("description", ""),
                 "city_areas": ",".join(a["city_areas"]), "indicators": ",".join(a["indicators"])}
                for a in item["areas"]
            ]  # fmt: skip
            members = [
                {k: m[k] for k in ("role", "name", "party", "email", "reports")}
                for m in item["members"]
            ]
            meetings = [{"meeting_date": m["date"], "note": m["note"]} for m in item["meetings"]]
            store_local.save_agreement(
                con, head, areas, members, meetings, DEMO_USER, "exempel", is_example=True
            )
        _events_and_targets(con, data, resolver)
        _action_plan(con, data.get("action_plan"))
        _reports_handed_in(con, date.today())
    return added


def _action_plan(con: duckdb.DuckDBPyConnection, item: dict | None) -> None:
    """The example handlingsplan, adopted: the goals and responsible parties of the examples,
    the indicators, what cannot be measured and the follow-up from the catalogue and the
    årshjul (as service.action_plan proposes them)."""
    if not item:
        return
    year = int(item["year"])
    catalogue = load_catalogue()
    agreement = max(
        (a for a in catalogue.agreements.values() if a.valid_from <= date(year, 12, 31)),
        key=lambda a: a.valid_from,
    )
    follow = followup_lines(load_arshjul(), year)
    areas = [
        {
            "area": area.id,
            "title": area.title,
            "goal": item["areas"][area.id]["goal"],
            "indicators": catalogue.indicators_for(area.id, agreement.id),
            "unmeasured": area.unmeasured or "",
            "responsible": item["areas"][area.id]["responsible"],
            "followup": follow,
        }
        for area in agreement.areas
    ]
    store_plan.add_version(
        con,
        year,
        agreement.id,
        "fastställd",
        json.dumps({"areas": areas}, ensure_ascii=False),
        DEMO_USER,
        f"Handlingsplan {year}: exempel, fastställd",
        is_example=True,
    )


def _reports_handed_in(con: duckdb.DuckDBPyConnection, today: date) -> None:
    """The demo's districts handed in every report due before ``today`` (last year's and this
    year's) on its date, and the year-end summaries were done: a new user is not greeted by
    a list of overdue reports no one could have written (issue 36). Marked as examples."""
    settings = load_arshjul()
    register = reference_data.regions(con, ("district",))
    districts = [str(c) for c in register[register["valid_to"].isna()]["code"]]
    items: list[tuple[str, date]] = []
    for year in (today.year - 1, today.year):
        plan = settings.plan(year)
        for report in plan.reports:
            due = due_day(year, report.due)
            if due < today:
                items += [(report_key(year, report.key, code), due) for code in districts]
        if (due := due_day(year, plan.year_end)) < today:
            items.append((year_end_key(year), due))
    store_local.mark_many_done(con, items, DEMO_USER, is_example=True)


def _events_and_targets(
    con: duckdb.DuckDBPyConnection, data: dict, resolver: RegionResolver
) -> None:
    """The example events (their districts by code) and targets (the indicator's direction
    from the catalogue; "city" for the whole city)."""
    for item in data.get("events", []):
        values = {**item, "regions": [resolver.code(r) for r in item.get("regions", [])]}
        store_events.add_event(con, values, DEMO_USER, is_example=True)
    definitions = load_catalogue().definitions if data.get("targets") else {}
    for item in data.get("targets", []):
        region = resolver.resolve(item["region"]).region
        values = {
            "indicator": item["indicator"],
            "scope": "city" if region.kind == "city" else region.code,
            "target_year": item["target_year"],
            "value": float(item["value"]),
            "direction": definitions[item["indicator"]].direction,
            "source": TARGET_SOURCE,
            "applies_from": item["applies_from"],
        }
        store_targets.add_target(con, values, DEMO_USER, is_example=True)
