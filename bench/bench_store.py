"""Benchmark: the store itself, embedded (SQLite catalog) and in server mode (PostgreSQL
catalog): loading the real BRÅ files, two loads at once, a small write, a query on the lake
and on the in-memory copy the pages read, and bringing that copy up to date after a load.

    python bench/bench_store.py [--repeat 3] [--mode embedded|server|both]

Server mode starts a throwaway PostgreSQL (tests/postgres.py: Debian's packages, as the
postgres user when run as root). The load is `python -m loaders load bra` of the five BRÅ
exports in data/demo/bra (real files from BRÅ's statistics database), one after the other
into a new store, each in its own process as an operator would run them. Medians of
``--repeat`` rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BRA = sorted((ROOT / "data" / "demo" / "bra").glob("Databasfil*.txt"))


def _load(db: Path, file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "loaders", "load", "bra", str(file), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait(process: subprocess.Popen[str]) -> None:
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"a load failed: {err}")


@contextmanager
def _mode(mode: str, folder: Path) -> Iterator[None]:
    """The environment of one mode: nothing for embedded, a fresh PostgreSQL database and data
    folder for server mode (a new one for every store)."""
    if mode == "embedded":
        yield
        return
    from tests.postgres import postgres_server

    with postgres_server(folder) as server:
        os.environ["DASHBOARD_DATA_PATH"] = str(folder / "data")
        try:
            yield server  # type: ignore[misc]
        finally:
            os.environ.pop("DASHBOARD_CATALOG", None)
            os.environ.pop("DASHBOARD_DATA_PATH", None)


def _fresh(mode: str, server: object, folder: Path, name: str) -> Path:
    if mode == "server":
        os.environ["DASHBOARD_CATALOG"] = server.new_database()  # type: ignore[attr-defined]
        os.environ["DASHBOARD_DATA_PATH"] = str(folder / f"{name}.data")
    return folder / f"{name}.sqlite"


def measure(mode: str, repeat: int) -> dict[str, float]:
    from service import session
    from store import db as store_db
    from store.replica import Replica

    results: dict[str, list[float]] = {}

    def note(key: str, seconds: float) -> None:
        results.setdefault(key, []).append(seconds)

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)
        with _mode(mode, folder) as server:
            for round_ in range(repeat):
                db = _fresh(mode, server, folder, f"serial{round_}")
                session.open_store(db).close()  # the schema and register, not timed
                start = time.perf_counter()
                for file in BRA:
                    _wait(_load(db, file))
                note("five BRÅ files, one after the other", time.perf_counter() - start)

                con = store_db.connect(db)
                start = time.perf_counter()
                with store_db.transaction(con):
                    con.execute("INSERT INTO audit_log (who, what) VALUES ('bench', 'write')")
                note("a small write (one audit entry)", time.perf_counter() - start)
                query = "SELECT count(*) FROM observation_current WHERE region_code = '80106'"
                start = time.perf_counter()
                for _ in range(20):
                    con.execute(query).fetchall()
                note("a query on the lake", (time.perf_counter() - start) / 20)
                replica = Replica(con)
                start = time.perf_counter()
                cursor = replica.cursor()
                note("the in-memory copy, made", time.perf_counter() - start)
                start = time.perf_counter()
                for _ in range(20):
                    cursor.execute(query).fetchall()
                note("the same query on the copy", (time.perf_counter() - start) / 20)
                with store_db.transaction(con):
                    con.execute("UPDATE load_batch SET note = 'bench' WHERE id = 1")
                start = time.perf_counter()
                replica.cursor().close()
                note("the copy brought up to date after a change", time.perf_counter() - start)
                con.close()

                db = _fresh(mode, server, folder, f"parallel{round_}")
                session.open_store(db).close()
                start = time.perf_counter()
                both = [_load(db, BRA[0]), _load(db, BRA[1])]
                for process in both:
                    _wait(process)
                note("two BRÅ files at once (two processes)", time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=["embedded", "server", "both"], default="both")
    args = parser.parse_args()
    modes = ["embedded", "server"] if args.mode == "both" else [args.mode]
    for mode in modes:
        print(f"{mode}: medians of {args.repeat}")
        for key, seconds in measure(mode, args.repeat).items():
            shown = f"{seconds * 1000:7.1f} ms" if seconds < 1 else f"{seconds:7.2f} s "
            print(f"  {key:<48} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
