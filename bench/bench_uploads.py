"""Benchmark: validate and preview large uploads.

    python bench/bench_uploads.py [--aggregated 50000] [--respondents 100000]

Writes an aggregated file in the template's layout (.xlsx) and a respondent-level file (.xlsx,
one row per respondent, four questions), then times ``loaders.survey.prepare`` on each against
a store with the demo data (safety checks, parsing in the child process, validation of every
row, history warnings and the preview against stored values), and reports the peak memory of
this process and of the parsing child. Targets (issue 5): aggregated 50 000 rows under 5 s,
respondent-level 100 000 rows under 10 s, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from catalogue.catalogue import load_catalogue
from loaders import survey
from loaders.demo import load_demo
from loaders.respondents import Mapping, Question
from loaders.survey_cells import TEMPLATE_HEADERS
from service.session import open_store

DISTRICTS = [
    "Bromma",
    "Järva",
    "Farsta",
    "Södermalm",
    "Kungsholmen",
    "Skärholmen",
    "Hässelby-Vällingby",
    "Norra innerstaden",
    "Enskede-Årsta-Vantör",
    "Skarpnäck",
    "Hägersten-Älvsjö",
    "Hela staden",
]


def write_aggregated(path: Path, rows: int, catalogue) -> None:  # type: ignore[no-untyped-def]
    shares = [m.title for m in catalogue.measures.values() if m.upload and m.kind == "share"]
    ages = ["Alla", *catalogue.age_groups]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(TEMPLATE_HEADERS)
    rng = random.Random(1)
    written = 0
    for year in range(2000, 2027):
        for measure in shares:
            for district in DISTRICTS:
                for sex in ("Alla", "Kvinnor", "Män"):
                    for age in ages:
                        if written == rows:
                            book.save(path)
                            return
                        sheet.append(
                            [
                                district,
                                year,
                                measure,
                                sex,
                                age,
                                round(rng.uniform(2, 40), 1),
                                rng.randint(30, 2000),
                                None,
                                "",
                            ]
                        )
                        written += 1
    raise SystemExit(f"the layout holds only {written} distinct rows")


QUESTIONS = ["Otrygg ute sent", "Orolig för brott", "Utsatt för brott", "Avstår aktiviteter"]
ANSWERS = ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg", "Vet inte", ""]


def write_respondents(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Svar")
    sheet.append(["Id", "SDO", "Kön", "Ålder", *QUESTIONS])
    rng = random.Random(2)
    for i in range(rows):
        sheet.append(
            [
                i,
                rng.choice(DISTRICTS[:-1]),
                rng.choice(["Kvinna", "Man", "Annat"]),
                rng.choice(["16-29", "30-44", "45-64", "65-84"]),
                *(rng.choice(ANSWERS) for _ in QUESTIONS),
            ]
        )
    book.save(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--aggregated", type=int, default=50_000)
    parser.add_argument("--respondents", type=int, default=100_000)
    args = parser.parse_args()
    catalogue = load_catalogue()
    measures = [
        "stad_trygghet.otrygg_ute_kvall",
        "stad_trygghet.orolig_brott",
        "stad_trygghet.utsatt_brott_mot_person",
        "stad_trygghet.avstar_aktiviteter",
    ]
    mapping = Mapping(
        name="bench",
        year=2025,
        district_column="SDO",
        sex_column="Kön",
        age_column="Ålder",
        questions=[
            Question(q, m, ["Ganska otrygg", "Mycket otrygg"], ["Vet inte"])
            for q, m in zip(QUESTIONS, measures, strict=True)
        ],
    )
    with tempfile.TemporaryDirectory() as tmp:
        con = open_store(Path(tmp) / "bench.duckdb")
        load_demo(con)
        aggregated = Path(tmp) / "aggregated.xlsx"
        respondents = Path(tmp) / "respondents.xlsx"
        write_aggregated(aggregated, args.aggregated, catalogue)
        write_respondents(respondents, args.respondents)
        for label, path, used in (
            ("aggregated", aggregated, None),
            ("respondent-level", respondents, mapping),
        ):
            start = time.perf_counter()
            prepared = survey.prepare(con, path, catalogue, mapping=used)
            seconds = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(
                f"{label}: {size:.1f} MB file → {len(prepared.table.rows)} rows, "
                f"{len(prepared.table.errors)} errors, {len(prepared.table.warnings)} "
                f"warnings, preview {len(prepared.preview)} rows: {seconds:.2f} s"
            )
        con.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {own:.0f} MB, parsing child {child:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
