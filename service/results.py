"""Keeping the stored indicator results current (indicators.results), in the process that
changed the data: the dashboard refreshes them in a background thread after each load, undo
and upload it makes, once at start (a new program computes what it changed) and when a file of
the catalogue is edited (a definition or target); the command lines refresh them before they
return. Pages never wait for it: until a result is
stored it is computed on the request, as before.

``DASHBOARD_RESULTS=off`` turns the refresh off (tests that do not test it: it would compute
every indicator after each of their loads)."""

from __future__ import annotations

import logging
import os
import threading

import duckdb

from catalogue.catalogue import current_catalogue
from indicators import results
from service import session
from store import db
from store.replica import partial_cursor_for

LOG = logging.getLogger(__name__)
_THREADS: dict[str, threading.Thread] = {}
_AGAIN: set[str] = set()
_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("DASHBOARD_RESULTS", "on").strip().lower() not in ("off", "0", "no")


def refresh_session(path: str | os.PathLike[str] | None = None) -> results.Refreshed:
    """Refresh the results of the store the process's session holds (read from its copy)."""
    reader = session.current_cursor(path)
    writer = session.write_cursor(path)
    try:
        return results.refresh(reader, writer, current_catalogue())
    finally:
        reader.close()
        writer.close()


def refresh_connection(con: duckdb.DuckDBPyConnection) -> results.Refreshed | None:
    """Refresh the results of the store ``con`` (a command line's own connection) was opened
    on, reading from an in-memory copy of what they read (the observations of the stale
    indicators' measures and the small tables, not the whole store); None when turned off."""
    if not enabled():
        return None
    catalogue = current_catalogue()
    if not db.is_lake(con):
        known = results.plan(con, catalogue)
        if not known.missing:
            return results.Refreshed(0, 0, 0.0)
        reader = db.cursor(con)
    else:
        # What to compute and the copy it reads, from one state of the store.
        plans: list[results.Plan] = []

        def measures_of(cur: duckdb.DuckDBPyConnection) -> list[str] | None:
            plans.append(results.plan(cur, catalogue))
            stale = plans[-1].stale
            return sorted({m for d in stale for m in d.measures}) if stale else None

        copy = partial_cursor_for(con, measures_of)
        if copy is None:
            return results.Refreshed(0, 0, 0.0)
        reader, known = copy, plans[-1]
    try:
        return results.refresh(reader, con, catalogue, known)
    finally:
        reader.close()


def report(done: results.Refreshed) -> str:
    """One line for a command line's output."""
    if not done.computed:
        return "Indicator results: all current."
    return f"Indicator results: {done.computed} computed and stored in {done.seconds:.1f} s."


def refresh_later(path: str | os.PathLike[str] | None = None) -> None:
    """Refresh in a background thread (one per store; a request while one runs makes it run
    once more when done)."""
    if not enabled():
        return
    key = str(session.db_path(path))
    with _LOCK:
        running = _THREADS.get(key)
        if running is not None and running.is_alive():
            _AGAIN.add(key)
            return
        thread = threading.Thread(target=_run, args=(key,), name=f"results {key}", daemon=True)
        _THREADS[key] = thread
        thread.start()


_CATALOGUE_SEEN: dict[str, str] = {}


def refresh_when_catalogue_changes(path: str | os.PathLike[str] | None = None) -> None:
    """At a page run: the first time in this process, and whenever a YAML file of the
    catalogue changed since (a definition or target edited), refresh in the background: the
    results it changed are computed before a reader asks for them. Costs a look at the files'
    times and sizes."""
    version = session.catalogue_version()
    key = str(session.db_path(path))
    with _LOCK:
        if _CATALOGUE_SEEN.get(key) == version:
            return
        _CATALOGUE_SEEN[key] = version
    refresh_later(path)


def _run(key: str) -> None:
    while True:
        try:
            done = refresh_session(key)
            LOG.info("indicator results: %d computed, %d current, %.1f s", done.computed,
                     done.kept, done.seconds)  # fmt: skip
        except Exception:  # a failed refresh leaves results to be computed on request
            LOG.exception("indicator results could not be refreshed")
        with _LOCK:
            if key not in _AGAIN:
                _THREADS.pop(key, None)
                return
            _AGAIN.discard(key)


def wait(timeout: float | None = None) -> None:
    """Wait for the background refreshes of this process (tests, and a server stopping)."""
    with _LOCK:
        threads = list(_THREADS.values())
    for thread in threads:
        thread.join(timeout)
