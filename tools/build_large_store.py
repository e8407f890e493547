"""Build a large store through the loaders, for the benchmarks (issues 16 and 33): the demo data;
BRÅ's reported crime 1997-2025 for every municipality and for Stockholm's districts of the time
(across the 2007, 2020 and 2023 changes; real region names and codes, the export's own format,
the last year preliminary); the city's safety survey every year, as the upload template's rows
and as respondent-level files with their mapping; a million police events over ten years in the
API's format; and hundreds of actions and assessments through the guarded write path.

    python tools/build_large_store.py --db /tmp/large/store.sqlite [--events 1000000]
        [--first-year 1997] [--last-year 2025] [--categories 20]

With the defaults the store holds about 4.5 million observations (about 100 times the demo's;
the district level about 30 times), 1 million police events, 300 actions and 300 assessments.
The figures are made up (seeded, so every build is the same), their shape is real: every file
goes through the same loader, checks and transaction as a real one. Stockholm county's
municipalities keep the demo's real figures for 2020-2023. Takes about 10 minutes on the
project's 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_police_events import write_events  # noqa: E402
from loaders import bra_anmalda_brott, polisen_handelser  # noqa: E402
from loaders.demo import load_demo  # noqa: E402
from service.results import refresh_connection  # noqa: E402
from service.session import open_store  # noqa: E402
from store import loading, queries, reference_data, snapshots  # noqa: E402

USER = "large-store"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
# Categories as BRÅ's statistics database names them.
CATEGORIES = [
    "3-7 kap. Brott mot person", "3 kap. Brott mot liv och hälsa",
    "därav misshandel inkl. grov", "4 kap. Brott mot frihet och frid",
    "5 kap. Ärekränkningsbrott", "6 kap. Sexualbrott", "7 kap. Brott mot familj",
    "8-12 kap. Brott mot förmögenhet m.m.", "8 kap. Stöldbrott", "därav bostadsinbrott",
    "därav fickstöld", "9 kap. Bedrägeri m.m.", "12 kap. Skadegörelsebrott",
    "13-15 kap. Brott mot allmänheten", "16 kap. Brott mot allmän ordning",
    "17 kap. Brott mot allmän verksamhet", "Narkotikastrafflagen", "Trafikbrottslagen",
    "Vapenlagen", "därav rattfylleri",
]  # fmt: skip
DEMO_YEARS = range(2020, 2024)  # the demo's real BRÅ files
STOCKHOLM_COUNTY = "01"


def municipalities() -> list[tuple[str, str, str]]:
    """(code, name, county) of every municipality in the register."""
    with (ROOT / "data" / "reference" / "regions.csv").open(encoding="utf-8") as handle:
        return [
            (row["code"], row["name"], row["parent"])
            for row in csv.DictReader(handle)
            if row["kind"] in ("municipality", "city")
        ]


def spread_over_ten_years(path: Path, last: int) -> None:
    """The events' dates moved over the ten years up to ``last`` (the API's format kept)."""
    import json

    rng = random.Random(35)
    events = json.loads(path.read_text(encoding="utf-8"))
    for event in events:
        event["datetime"] = f"{rng.randint(last - 9, last)}{event['datetime'][4:]}"
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")


def write_bra_year(path: Path, year: int, last_year: int, categories: list[str]) -> int:
    """One year of BRÅ's export for every municipality (those of Stockholm county left out in
    the demo's years); returns the number of lines."""
    rng = random.Random(year)
    label = f"{year} prel." if year == last_year else str(year)
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    for code, name, county in municipalities():
        if county == STOCKHOLM_COUNTY and year in DEMO_YEARS:
            continue
        size = random.Random(code).uniform(0.2, 8.0)
        for c, category in enumerate(categories):
            base = size * (40 if c < 8 else 10)
            for month in MONTHS:
                count = max(0, int(rng.gauss(base, base**0.5)))
                rate = round(count / size * 3.0)
                lines.append(f"{name} kommun;{category};{label};{month};{count};{rate};")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return len(lines) - 1


def districts_of(year: int) -> list[str]:
    """The districts that existed the whole of ``year`` (a half-year district is left out:
    BRÅ's export has no part-year rows for them)."""
    out = []
    with (ROOT / "data" / "reference" / "regions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] != "district":
                continue
            start = int(row["valid_from"][:4]) if row["valid_from"] else 0
            starts_mid = bool(row["valid_from"]) and row["valid_from"][5:] != "01-01"
            end = int(row["valid_to"][:4]) if row["valid_to"] else 9999
            ends_mid = bool(row["valid_to"]) and row["valid_to"][5:] != "12-31"
            if (start < year or (start == year and not starts_mid)) and (
                end > year or (end == year and not ends_mid)
            ):
                out.append(row["name"])
    return out


def write_bra_districts_year(path: Path, year: int, last_year: int, categories: list[str]) -> int:
    """One year of BRÅ's export for Stockholm's districts of that year."""
    rng = random.Random(10_000 + year)
    label = f"{year} prel." if year == last_year else str(year)
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    for name in districts_of(year):
        size = random.Random(name).uniform(0.4, 1.6)
        for c, category in enumerate(categories):
            base = size * (60 if c < 8 else 15)
            for month in MONTHS:
                count = max(0, int(rng.gauss(base, base**0.5)))
                lines.append(f"Stadsdelsområde {name} (Sthlm);{category};{label};{month};"
                             f"{count};{round(count / size * 2.0)};")  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return len(lines) - 1


SURVEY_MEASURES = {  # title (as the upload names it) → the city's level, in per cent
    "Ofta orolig för att utsättas för brott": 10.0,
    "Utsatt för brott mot person senaste 12 månaderna": 14.0,
    "Avstår från aktiviteter av oro för brott": 13.0,
}
RESPONDENT_QUESTION = "Hur trygg känner du dig ute ensam sent en kväll?"
ANSWERS = ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg", "Vet inte"]


def survey_years(first: int, last: int) -> list[int]:
    """The survey's years that the demo's example files leave free."""
    return [y for y in range(max(first, 2008), last + 1) if y not in (2017, 2020, 2023)]


def load_surveys(con: object, folder: Path, years: list[int], respondents: int) -> int:
    """Each year: three questions as the template's rows (districts of the time, women and
    men), and the fourth as a respondent-level file with its mapping; all through the upload's
    own preparation and guarded commit. Returns the observations stored."""
    from openpyxl import Workbook

    from catalogue.catalogue import load_catalogue
    from loaders.respondents import Mapping
    from loaders.survey_cells import TEMPLATE_HEADERS
    from service import loads
    from tools.build_example_surveys import districts, share_rows

    catalogue = load_catalogue()
    rng = random.Random(33)
    stored = 0
    for year in years:
        rows: list[list[object]] = []
        for title, level in SURVEY_MEASURES.items():
            rows += share_rows(rng, title, {year: level + rng.uniform(-1, 1)}, 900)
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Data"
        sheet.append(TEMPLATE_HEADERS)
        for row in rows:
            sheet.append([*row[:-1], None])
        path = folder / f"trygghetsmatning_{year}.xlsx"
        book.save(path)
        answers = Workbook()
        sheet = answers.active
        assert sheet is not None
        sheet.title = "Data"
        sheet.append(["Svar-id", "SDO", "Kön", "Ålder", RESPONDENT_QUESTION])
        names = districts(year)
        for i in range(respondents):
            sheet.append([i + 1, rng.choice(names), rng.choice(["Kvinna", "Man"]),
                          rng.choice(["16-29", "30-44", "45-64", "65-84"]),
                          rng.choices(ANSWERS, [30, 45, 14, 7, 4])[0]])  # fmt: skip
        respondent_path = folder / f"svar_per_respondent_{year}.xlsx"
        answers.save(respondent_path)
        mapping = Mapping.from_dict({
            "name": "Stockholms stads trygghetsmätning", "year": year, "district_column": "SDO",
            "sex_column": "Kön", "age_column": "Ålder",
            "questions": [{"column": RESPONDENT_QUESTION,
                           "measure": "stad_trygghet.otrygg_ute_kvall",
                           "numerator": ["Ganska otrygg", "Mycket otrygg"],
                           "exclude": ["Vet inte"]}],
        })  # fmt: skip
        for file, mapped in ((path, None), (respondent_path, mapping)):
            prepared = loads.prepare_survey(con, file, catalogue, mapped)  # type: ignore[arg-type]
            if prepared.table.errors:
                raise SystemExit(f"{file.name}: {prepared.table.errors[:3]}")
            report = loads.commit_survey(con, loads.operator(USER), prepared, catalogue)  # type: ignore[arg-type]
            stored += report.rows
    return stored


def add_followup(con: object, actions: int, assessments: int) -> None:
    """Actions and assessments for today's districts and the 2024 agreement's areas, written
    through the service's guarded path as a rapportör's would be."""
    from catalogue.catalogue import load_catalogue
    from indicators.assessment import JUDGEMENTS
    from service import followup, loads

    catalogue = load_catalogue()
    areas = [a for a, _ in catalogue.areas()]
    codes = [
        str(c) for c in reference_data.regions(con, ("district",)).query("valid_to.isna()")["code"]
    ]  # type: ignore[arg-type]
    rng = random.Random(34)
    who = loads.operator(USER)
    for n in range(actions):
        year = rng.choice([2023, 2024, 2025, 2026])
        followup.new_action(con, who, {  # type: ignore[arg-type]
            "title": f"Åtgärd {n + 1}: trygghetsvandring och uppföljning",
            "area": rng.choice(areas), "region_code": rng.choice(codes),
            "owner": rng.choice(followup.OWNERS), "status": rng.choice(followup.STATUSES),
            "responsible_unit": "Stadsdelsförvaltningen",
            "start_date": date(year, 1, 1), "end_date": date(year, 12, 31),
            "description": "Genomförs tillsammans med lokalpolisområdet.",
        })  # fmt: skip
    for n in range(assessments):
        followup.assess(
            con, who, area=rng.choice(areas), region_code=rng.choice(codes),  # type: ignore[arg-type]
            year=2019 + n % 7, judgement=rng.choice(JUDGEMENTS),
            justification="Bedömningen bygger på lägesbilden och på polisens iakttagelser.",
        )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a new store (catalog file)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--first-year", type=int, default=1997)
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--categories", type=int, default=len(CATEGORIES))
    parser.add_argument("--respondents", type=int, default=3000, help="per survey year")
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--assessments", type=int, default=300)
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; give a new path")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = open_store(args.db)
    load_demo(con)
    print(f"demo data: {queries.count_observations(con)} observations", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for year in range(args.first_year, args.last_year + 1):
            path = Path(tmp) / f"Databasfil{year}.txt"
            lines = write_bra_year(path, year, args.last_year, CATEGORIES[: args.categories])
            report = bra_anmalda_brott.load(con, path, loaded_by=USER)
            print(f"BRÅ {year}: {lines} lines, {report.rows} observations", flush=True)
            if year not in DEMO_YEARS:
                path = Path(tmp) / f"Databasfil{year}_stadsdelsomraden.txt"
                lines = write_bra_districts_year(path, year, args.last_year,
                                                 CATEGORIES[: args.categories])  # fmt: skip
                report = bra_anmalda_brott.load(con, path, loaded_by=USER)
                print(f"BRÅ {year}, districts: {lines} lines, {report.rows} observations",
                      flush=True)  # fmt: skip
        years = survey_years(args.first_year, args.last_year)
        rows = load_surveys(con, Path(tmp), years, args.respondents)
        print(f"surveys: {len(years)} years, {rows} observations", flush=True)
        if args.events:
            path = Path(tmp) / "events.json"
            write_events(path, args.events)
            spread_over_ten_years(path, args.last_year + 1)
            report = polisen_handelser.load(con, path, loaded_by=USER)
            print(f"police: {args.events} events, {report.rows} observations", flush=True)
    # Every result stored, as the command line leaves a store after a load (an assessment is
    # checked against the indicators' statuses, read from them).
    os.environ.setdefault("DASHBOARD_RESULTS", "on")
    refresh_connection(con)
    add_followup(con, args.actions, args.assessments)
    print(f"follow-up: {args.actions} actions, {args.assessments} assessments", flush=True)
    # The nightly upkeep of a production store (`store maintain`, docs/store.md): inlined rows
    # flushed, small files merged in the tables' sort order.
    upkeep = snapshots.maintain(con, keep_days=7, now=datetime.now(UTC))
    print(f"maintained: {upkeep.files_deleted} files deleted", flush=True)
    print(
        f"{args.db}: {queries.count_observations(con)} observations "
        f"({queries.count_observations(con, current_only=True)} in force), "
        f"{len(loading.batches(con))} batches, built in {time.perf_counter() - started:.0f} s"
    )
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
