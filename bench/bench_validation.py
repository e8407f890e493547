"""Benchmark: bounded validation of hostile uploads (issue 14).

    python bench/bench_validation.py [--rows 1000000] [--within 200000] [--bad 0.1]

Writes two template-layout .xlsx files with ``--bad`` of their rows broken (a misspelt
measure, a share above 100, an unknown district, in turn), both without a ``<dimension>``
element (so the cheap header check cannot refuse them):

1. ``--rows`` rows (default 1 000 000): must be refused, by the parsing child, within 60 s
   and 1 GB (the upload size limit is raised to 100 MB here, so that the row limit is what
   refuses it; with the default 20 MB the size check refuses it at once);
2. ``--within`` rows (default 200 000, under the 250 000-row limit): must be validated
   (every problem found, the first 1 000 listed) within 60 s and 1 GB.

The files are written by a separate process; each is then validated in a fresh process
that reports its wall time and its own and the parsing child's peak memory (``ru_maxrss``)
for ``loaders.survey.prepare`` on an in-memory store with the register.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from catalogue.catalogue import load_catalogue
from loaders import survey
from loaders.survey_cells import TEMPLATE_HEADERS
from loaders.upload_safety import UploadRefused
from service.session import open_store

DISTRICTS = ["Bromma", "Järva", "Farsta", "Södermalm", "Skärholmen", "Skarpnäck"]
MEASURE = "Otrygg ute ensam sent en kväll i det egna området"


def write(path: Path, rows: int, bad: float, compact: bool = False) -> None:
    """``compact``: three short cells a row (district, year, measure id), so that 1 000 000
    rows stay under the unpacked-size check and reach the row limit, like the attack's
    11.8 MB file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(TEMPLATE_HEADERS)
    if compact:
        for i in range(rows):
            sheet.append(["Bromma", 2024, "x" if bad and i % int(1 / bad) == 0 else "s.o"])
        book.save(path)
        _drop_dimension(path)
        return
    every = int(1 / bad) if bad else 0
    for i in range(rows):
        district, measure, share = DISTRICTS[i % len(DISTRICTS)], MEASURE, 12.5
        if every and i % every == 0:
            kind = (i // every) % 3
            if kind == 0:
                measure = "Otryg ute ensam sen en kväll"
            elif kind == 1:
                share = 140.0
            else:
                district = "Bromma-Västerort"
        sheet.append([district, 2023 + i % 4, measure, "Alla", "Alla", share, 400])
    book.save(path)
    _drop_dimension(path)


def _drop_dimension(path: Path) -> None:
    """Remove <dimension>, as a hostile file would."""
    source = zipfile.ZipFile(path)
    target_path = path.with_suffix(".tmp")
    with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(item, data)
    source.close()
    target_path.replace(path)


def measure(path: Path) -> tuple[float, str, float, float]:
    con = open_store(":memory:")
    catalogue = load_catalogue()
    start = time.perf_counter()
    try:
        prepared = survey.prepare(con, path, catalogue)
        outcome = (
            f"validated: {prepared.table.error_count} errors found, "
            f"{len(prepared.table.findings)} listed, {len(prepared.table.rows)} good rows"
        )
    except UploadRefused as refused:
        outcome = f"refused: {refused}"
    elapsed = time.perf_counter() - start
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return elapsed, outcome, own, child


def _in_process(target, *args):  # type: ignore[no-untyped-def]
    """Run ``target(*args)`` in a fresh process and return its result."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(target, args)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--within", type=int, default=200_000)
    parser.add_argument("--bad", type=float, default=0.1)
    args = parser.parse_args()
    os.environ["DASHBOARD_UPLOAD_MAX_MB"] = "100"
    with tempfile.TemporaryDirectory() as folder:
        for label, rows in (("over the limit", args.rows), ("within the limit", args.within)):
            path = Path(folder) / f"bench_{rows}.xlsx"
            started = time.perf_counter()
            _in_process(write, path, rows, args.bad, label == "over the limit")
            written = time.perf_counter() - started
            elapsed, outcome, own, child = _in_process(measure, path)
            print(
                f"{label}: {rows} rows ({path.stat().st_size / 1e6:.1f} MB, written in "
                f"{written:.0f} s): {elapsed:.1f} s; peak memory this process {own:.0f} MB, "
                f"parsing child {child:.0f} MB; {outcome}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
