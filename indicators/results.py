"""Indicator results computed when the data change, not when a page asks (issue 16).

After a load, an undo or an edit of the catalogue, :func:`refresh` computes every indicator
whose inputs changed, for each kind of request the pages, the command line and the report
make (:data:`REQUESTS`), and stores the frames in ``indicator_result`` with a digest of their
inputs. :func:`values` and :func:`values_all` return the stored frame when its digest is the
current one and compute (as before) only when it is not, so a result is never stale: at
worst it is computed on the request, as it was before results were stored.

The digest of an indicator (:meth:`Inputs.key`) covers everything its result depends on: the
batches (and their states) of the sources of its measures, the population's batches for a
rate, the region register, the catalogue's YAML files and the code that computes. So a
police load changes the digest of the police indicators only; the others' stored results
stay as they were and are used as they are.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from catalogue.catalogue import CATALOGUE_DIR, Catalogue
from catalogue.model import Definition
from indicators.basis import OUTPUT_COLUMNS, Regions, Request
from indicators.compute import compute_many
from store import db, queries, reference_data
from store import results as stored_results
from store import targets as store_targets

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
POPULATION_SOURCE = "befolkning"  # loaders.population.SOURCE
UPLOAD_SOURCE = "uppladdning"  # loaders.survey.UPLOAD_SOURCE: one file, several sources

# The requests made without a choice of regions: the pages (today's boundaries or those of
# the time, with women and men or not), Datastatus and the follow-up (today), the year-end
# report (today, with a row for every missing figure).
REQUESTS: tuple[Request, ...] = (
    Request(boundaries="today"),
    Request(boundaries="time"),
    Request(boundaries="today", by_sex=True),
    Request(boundaries="time", by_sex=True),
    Request(boundaries="today", with_missing=True),
)
# The code whose change changes results: a new version of it computes every result again.
CODE = [
    *sorted((ROOT / "indicators").glob("*.py")),
    *sorted((ROOT / "catalogue").glob("*.py")),
    ROOT / "store" / "series.py",
    ROOT / "store" / "queries.py",
    ROOT / "store" / "regions.py",
    ROOT / "store" / "derived.sql",
]


def request_key(definition: Definition, request: Request) -> str | None:
    """The stored kind of a request (None: not stored, e.g. a chosen list of regions). A
    breakdown the indicator does not have asks for the same frame as none."""
    if request.region_codes is not None or request.by_age:
        return None
    by_sex = request.by_sex and "sex" in definition.breakdowns
    return f"{request.boundaries};sex={int(by_sex)};missing={int(request.with_missing)}"


@functools.cache
def code_digest() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_CATALOGUE_DIGESTS: dict[tuple[object, ...], str] = {}


def catalogue_digest(root: Path = CATALOGUE_DIR) -> str:
    """The YAML files' contents (read again only when a file's time or size changed)."""
    paths = sorted(root.rglob("*.yaml"))
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if signature not in _CATALOGUE_DIGESTS:
        digest = hashlib.sha256()
        for path in paths:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _CATALOGUE_DIGESTS.clear()
        _CATALOGUE_DIGESTS[signature] = digest.hexdigest()[:16]
    return _CATALOGUE_DIGESTS[signature]


# Per store and state of its batches, the batches that hold each measure: reading it scans the
# observation table, and it can only change when a batch is added or changes state.
_MEASURE_BATCHES: OrderedDict[tuple[str, str], object] = OrderedDict()
_MEMO_LOCK = threading.Lock()
T = TypeVar("T")


def _memo(
    memo: OrderedDict[tuple[str, str], object], key: tuple[str, str], read: Callable[[], T]
) -> T:
    """``read()`` once per key, the last eight keys kept (a process follows one store's states)."""
    with _MEMO_LOCK:
        known = memo.get(key)
    if known is None:
        known = read()
        with _MEMO_LOCK:
            memo[key] = known
            while len(memo) > 8:
                memo.popitem(last=False)
    return known  # type: ignore[return-value]


def _measure_batches(
    con: duckdb.DuckDBPyConnection, batches: dict[str, str]
) -> dict[str, list[int]]:
    identity = queries.store_identity(con)
    if identity is None:
        return stored_results.measure_batches(con)
    state = hashlib.sha256(repr(sorted(batches.items())).encode()).hexdigest()
    return _memo(_MEASURE_BATCHES, (identity, state), lambda: stored_results.measure_batches(con))


@dataclass(frozen=True)
class Inputs:
    """What the results depend on, read from the store once for many indicators."""

    batches: dict[str, str]  # source → its batches and their states
    sources: dict[str, str]  # measure → source
    register: str
    catalogue: str
    targets: dict[str, str] = field(default_factory=dict)  # indicator → its app targets
    # measure → its batches and their states: only the batches that hold the measure
    measures: dict[str, str] = field(default_factory=dict)
    # sources whose series have a covered period: a load moves it for all their series
    covered: frozenset[str] = frozenset()

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection, root: Path = CATALOGUE_DIR) -> Inputs:
        batches = stored_results.batches_by_source(con)
        # Each batch as "id:state:checksum", split out of the sources' texts (one query).
        texts = {
            int(text.split(":", 1)[0]): text
            for joined in batches.values()
            for text in joined.split(",")
            if text
        }
        return cls(
            batches=batches,
            sources=stored_results.measure_sources(con),
            register=stored_results.register_checksum(con),
            catalogue=catalogue_digest(root),
            targets=store_targets.digests(con),
            measures={
                m: ",".join(texts.get(b, str(b)) for b in ids)
                for m, ids in _measure_batches(con, batches).items()
            },
            covered=frozenset(stored_results.covered_sources(con)),
        )

    def key(self, definition: Definition, catalogue: Catalogue) -> str:
        """The digest of one indicator's inputs (issue 33: a load changes the results of the
        measures it holds, not every result of its source). A measure with stored rows
        depends on the batches that hold it (its observations, cells marked as missing,
        field periods); a measure with none, or of a source whose series have a covered period
        (police events: a new event of any type moves the period every type is counted for),
        on every batch of its sources: those it was stored under, the one the catalogue
        names, staff uploads when it can be uploaded. A rate depends on the population."""
        sources: set[str] = set()
        held: list[str] = []
        for m in sorted(definition.measures):
            known = catalogue.measures.get(m)
            own = {self.sources.get(m, "")} | ({known.source} if known is not None else set())
            if m in self.measures and not own & self.covered:
                held.append(f"{m}={self.measures[m]}")
                continue
            sources |= own
            if known is not None and known.upload:
                sources.add(UPLOAD_SOURCE)
        if definition.type == "rate":
            sources.add(POPULATION_SOURCE)
        parts = [code_digest(), self.catalogue, self.register, definition.id,
                 f"targets={self.targets.get(definition.id, '')}", *held]  # fmt: skip
        parts += [f"{s}={self.batches.get(s, '')}" for s in sorted(sources)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


# Stored frames are Arrow IPC streams with LZ4-compressed buffers: read back about twice as
# fast as Parquet at the same size (every page's first run after a load and every document
# decodes the frames it reads; 46 frames were 0,46 s of the city's year-end document).
_OBJECT_COLUMNS = b"object_columns"


def encode(frame: pd.DataFrame) -> bytes:
    """The frame as an Arrow IPC stream, with the columns it holds as Python objects named
    (read back, Arrow's strings become pandas' string type otherwise)."""
    frame = frame.reset_index(drop=True)
    frame.attrs = {}
    objects = [str(c) for c in frame.columns if frame[c].dtype == object]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), _OBJECT_COLUMNS: json.dumps(objects).encode()}
    table = table.replace_schema_metadata(metadata)
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode(data: bytes) -> pd.DataFrame:
    if data[:4] == b"PAR1":  # stored before Arrow streams; never current, read all the same
        frame = pd.read_parquet(io.BytesIO(data))
        objects = list(frame.attrs.pop("object_columns", []))
    else:
        table = pa.ipc.open_stream(data).read_all()
        objects = json.loads((table.schema.metadata or {}).get(_OBJECT_COLUMNS, b"[]"))
        frame = table.to_pandas()
    if objects:
        frame[objects] = frame[objects].astype(object)
        for column in objects:  # missing values as compute leaves them
            frame[column] = frame[column].where(frame[column].notna(), None)
    frame.attrs = {}
    return frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])


def _computed(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    requests: list[Request],
    regions: Regions,
    present: set[str],
) -> list[pd.DataFrame]:
    # An event list with no event of a type still says 0 for the period it covers.
    if present & set(definition.measures) or definition.absent_is_zero:
        return compute_many(con, definition, catalogue, requests, regions)
    return [_empty() for _ in requests]


# Frames already decoded in this process, by store, indicator, kind of request and inputs
# digest: a stored result never changes under its digest, so after a load only the results
# the load changed are read and decoded again.
_DECODED: OrderedDict[tuple[str, str, str, str], pd.DataFrame] = OrderedDict()
_DECODED_SIZE = 512
_DECODED_LOCK = threading.Lock()


def clear_decoded() -> None:
    with _DECODED_LOCK:
        _DECODED.clear()
        _INPUTS.clear()


# Inputs read for a state the caller names (its data and catalogue versions): a page that reads
# several indicators' frames in one run reads them once (five small queries each time).
_INPUTS: OrderedDict[tuple[str, str], object] = OrderedDict()


def _inputs(con: duckdb.DuckDBPyConnection, identity: str | None, state: str | None) -> Inputs:
    if identity is None or state is None:
        return Inputs.from_store(con)
    return _memo(_INPUTS, (identity, state), lambda: Inputs.from_store(con))


class _Reader:
    """Stored results of one store state, and what computing the others needs (read once).
    ``state``: what the caller knows this state by (the versions of the data and the catalogue
    it read, see service.views), so that its inputs are read once per state; None: read."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, catalogue: Catalogue, state: str | None = None
    ) -> None:
        self.con, self.catalogue = con, catalogue
        self.identity = queries.store_identity(con)  # None: an in-memory store, not kept
        self.inputs = _inputs(con, self.identity, state)
        self._regions: Regions | None = None
        self._present: set[str] | None = None
        self._fetched: dict[tuple[str, str], bytes] = {}

    def _decoded(self, indicator: str, kind: str, key: str) -> pd.DataFrame | None:
        if self.identity is None:
            return None
        with _DECODED_LOCK:
            frame = _DECODED.get((self.identity, indicator, kind, key))
            if frame is not None:
                _DECODED.move_to_end((self.identity, indicator, kind, key))
        # A copy: the caller may add columns; the data are shared until then.
        return None if frame is None else frame.copy(deep=False)

    def _keep(self, indicator: str, kind: str, key: str, frame: pd.DataFrame) -> None:
        if self.identity is None:
            return
        with _DECODED_LOCK:
            _DECODED[(self.identity, indicator, kind, key)] = frame.copy(deep=False)
            while len(_DECODED) > _DECODED_SIZE:
                _DECODED.popitem(last=False)

    def prefetch(self, definitions: list[Definition], request: Request) -> None:
        """Read the stored frames of many indicators for one request in one query."""
        by_kind: dict[str, dict[str, str]] = {}
        for definition in definitions:
            kind = request_key(definition, request)
            if kind is not None:
                key = self.inputs.key(definition, self.catalogue)
                if self._decoded(definition.id, kind, key) is None:
                    by_kind.setdefault(kind, {})[definition.id] = key
        for kind, wanted in by_kind.items():
            for indicator, data in stored_results.stored_many(self.con, kind, wanted).items():
                self._fetched[(indicator, kind)] = data

    def value(self, definition: Definition, request: Request) -> pd.DataFrame:
        """The frame, with ``attrs["inputs"]``: what it was computed from (see
        :func:`inputs_of`)."""
        kind = request_key(definition, request)
        key = self.inputs.key(definition, self.catalogue)
        if kind is not None:
            known = self._decoded(definition.id, kind, key)
            if known is not None:
                known.attrs["inputs"] = key
                return known
            data = self._fetched.pop((definition.id, kind), None)
            if data is None:
                data = stored_results.stored(self.con, definition.id, kind, key)
            if data is not None:
                frame = decode(data)
                self._keep(definition.id, kind, key, frame)
                frame = frame.copy(deep=False)
                frame.attrs["inputs"] = key
                return frame
        if self._regions is None:
            self._regions = Regions.from_store(self.con)
            self._present = reference_data.measures_with_data(self.con)
        assert self._present is not None
        (frame,) = _computed(
            self.con, definition, self.catalogue, [request], self._regions, self._present
        )
        frame.attrs["inputs"] = key
        return frame


def inputs_of(frame: pd.DataFrame) -> str | None:
    """What a frame of :func:`values` or :func:`values_all` was computed from (its indicator's
    definition, the batches that hold its measures, the region register, its targets): the
    same text exactly while its figures are the same, whatever else a load changed. A view
    built from one indicator's frame can be cached under it rather than under the version of
    all the data (issue 33: a load for one crime category leaves every other card as it
    was)."""
    value = frame.attrs.get("inputs")
    return str(value) if value is not None else None


def values(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    request: Request,
    state: str | None = None,
) -> pd.DataFrame:
    """One indicator: the stored result when it is current, else computed (``state``: see
    _Reader)."""
    return _Reader(con, catalogue, state).value(definition, request)


def values_all(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    request: Request,
    state: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Every indicator of the catalogue (like compute.compute_all), stored where current."""
    reader = _Reader(con, catalogue, state)
    reader.prefetch(list(catalogue.definitions.values()), request)
    return {i: reader.value(d, request) for i, d in catalogue.definitions.items()}


@dataclass(frozen=True)
class Refreshed:
    computed: int  # results computed and stored
    kept: int  # results still current, left as they were
    seconds: float


@dataclass(frozen=True)
class Plan:
    """What a refresh has to do, read from one state of the store: its inputs, the keys of
    the results stored, and the (indicator, kind of request) of every result to compute."""

    inputs: Inputs
    have: set[tuple[str, str, str]]
    missing: list[tuple[Definition, str]]

    @property
    def stale(self) -> list[Definition]:
        """The indicators with a result to compute."""
        return list({d.id: d for d, _ in self.missing}.values())


def plan(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> Plan:
    """The results :func:`refresh` would compute (small queries: the batches, the register's
    checksum and the stored results' keys, never their frames)."""
    inputs = Inputs.from_store(con)
    have = stored_results.stored_keys(con)
    missing: list[tuple[Definition, str]] = []
    for d in catalogue.definitions.values():
        key = inputs.key(d, catalogue)
        kinds = {k for k in (request_key(d, r) for r in REQUESTS) if k is not None}
        missing += [(d, kind) for kind in sorted(kinds) if (d.id, kind, key) not in have]
    return Plan(inputs, have, missing)


def stale(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[Definition]:
    """The indicators with a result :func:`refresh` would compute."""
    return plan(con, catalogue).stale


def pending(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> int:
    """How many results :func:`refresh` would compute."""
    return len(plan(con, catalogue).missing)


def refresh(
    reader: duckdb.DuckDBPyConnection,
    writer: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    known: Plan | None = None,
) -> Refreshed:
    """Compute every result whose inputs changed (read through ``reader``, the process's
    copy of the store where it has one) and store them through ``writer`` in one
    transaction. Results that are current are left alone; a result whose computation fails
    is not stored (it is computed, and fails, on the request as before). ``known``: the
    :func:`plan` read from the same state of the store as ``reader`` holds (a command line's
    copy), not read again."""
    started = time.perf_counter()
    inputs = known.inputs if known is not None else Inputs.from_store(reader)
    have = known.have if known is not None else stored_results.stored_keys(reader)
    regions: Regions | None = None
    present: set[str] = set()
    rows: list[tuple[str, str, str, bytes]] = []
    kept = 0
    for definition in catalogue.definitions.values():
        key = inputs.key(definition, catalogue)
        kinds: set[str] = set()
        wanted: dict[str, Request] = {}  # the kinds to compute, each by its first request
        for request in REQUESTS:
            kind = request_key(definition, request)
            if kind is None or kind in kinds:
                continue
            kinds.add(kind)
            if (definition.id, kind, key) in have:
                kept += 1
            else:
                wanted[kind] = request
        if not wanted:
            continue
        if regions is None:
            regions = Regions.from_store(reader)
            present = reference_data.measures_with_data(reader)
        frames = _computed(reader, definition, catalogue, list(wanted.values()), regions, present)
        for kind, frame in zip(wanted, frames, strict=True):
            if not frame.attrs.get("error"):
                rows.append((definition.id, kind, key, encode(frame)))
    if rows:
        with db.transaction(writer):
            stored_results.replace(writer, rows)
            if {indicator for indicator, _, _ in have} - set(catalogue.definitions):
                stored_results.remove_others(writer, list(catalogue.definitions))
    return Refreshed(len(rows), kept, time.perf_counter() - started)
