"""The read model's cache: every view declares what it depends on (``data``, ``followup``,
``catalogue``), and its cached result is used only while those versions are unchanged.

So a saved assessment is in the next year-end download, a load shows on every page at the
next rerun, and an edited YAML definition shows without a restart; no page keys a cache by
hand. The versions are read from the store at each call (a few small queries); results are
kept per database file, in a bounded least-recently-used table per view.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from typing import Any, ParamSpec, TypeVar

from indicators import disclosure, results
from service import session

DEPENDENCIES = ("data", "followup", "catalogue")
P = ParamSpec("P")
R = TypeVar("R")
# One cache per view, by where it is defined: a page script defines its views anew at every
# run, and they must find the entries of the previous run.
_CACHES: dict[str, OrderedDict[tuple[object, ...], Any]] = {}
_LOCK = threading.Lock()


def _versions(depends: tuple[str, ...], db: str) -> tuple[str, ...]:
    """The versions of what a view depends on (no query once the process has its read copy)."""
    return session.versions(depends, db)


def view(*depends: str, max_entries: int = 64) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a view of the current store (``session.db_path()``) on its arguments and the
    versions of what it ``depends`` on. Arguments must be hashable."""
    unknown = set(depends) - set(DEPENDENCIES)
    if unknown:
        raise ValueError(f"unknown dependencies {sorted(unknown)}; known: {DEPENDENCIES}")

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        name = f"{fn.__code__.co_filename}:{fn.__qualname__}"
        with _LOCK:
            entries = _CACHES.setdefault(name, OrderedDict())
        lock = _LOCK

        @functools.wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            db = str(session.db_path())
            key = (
                db,
                session.AS_OF.get(),
                _versions(depends, db),
                args,
                tuple(sorted(kwargs.items())),
            )
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    return entries[key]
            result = fn(*args, **kwargs)
            with lock:
                entries[key] = result
                while len(entries) > max_entries:
                    entries.popitem(last=False)
            return result

        cached.depends = depends  # type: ignore[attr-defined]
        cached.clear = entries.clear  # type: ignore[attr-defined]
        return cached

    return wrap


def clear_all(keep: Collection[str] = ()) -> None:
    """Forget every cached view, the disclosure decisions and the decoded stored results
    (tests that rebuild a store under the same path); with ``keep``, only the views of
    other stores than those paths (the decisions and decoded results are keyed by a store's
    identity and data version, so they stay right)."""
    with _LOCK:
        for entries in _CACHES.values():
            for key in [k for k in entries if k[0] not in keep]:
                del entries[key]
    if not keep:
        disclosure.clear_cache()
        results.clear_decoded()
