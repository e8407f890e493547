"""Turning the many spellings of a district or municipality into one region code.

Files spell names in many ways: ``Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)``,
``Norrmalm stadsdel (upphörde 2024-01-01)``, ``Spånga-Tensta SDO``, ``Skarpnäcks
stadsdelsnämnd``, ``Stockholm kommun``. Normalisation removes what does not identify the
place (case, hyphens, spaces, parentheses, administrative words); the normalised form is
then looked up in the register's aliases. Nothing is guessed: a name that is not known
raises :class:`UnknownRegionError` with the closest known names.

Diacritics are kept on purpose: Håbo and Habo are two municipalities.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from store import reference_data

# Administrative words that say what kind of unit a name is, in the forms files use them
# (definite, genitive). They never distinguish one place from another.
_DESIGNATORS = {
    "stadsdelsområde",
    "stadsdelsområdet",
    "stadsdelsområdes",
    "stadsdelsområdets",
    "stadsdelsförvaltning",
    "stadsdelsförvaltningen",
    "stadsdelsförvaltningens",
    "stadsdelsförvaltnings",
    "stadsdelsnämnd",
    "stadsdelsnämnden",
    "stadsdelsnämndens",
    "stadsdelsnämnds",
    "stadsdel",
    "stadsdelen",
    "stadsdelens",
    "stadsdels",
    "sdo",
    "sdf",
    "sdn",
    "kommun",
    "kommunen",
    "kommunens",
    "kommuns",
    "stad",
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,:;'’\"]+")


def normalise_name(raw: str) -> str:
    """The lookup key of a spelling: lower case, no parentheses, no designators, no
    spaces or hyphens. ``"Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)"`` →
    ``"enskedeårstavantör"``."""
    text = unicodedata.normalize("NFC", raw).replace("\u00a0", " ").casefold()
    without = _PARENTHESES.sub(" ", text)
    # "(Vårby)" is a name in parentheses, not a name with a note: keep its text.
    text = without if without.strip() else text.replace("(", " ").replace(")", " ")
    tokens = [t for t in _SEPARATORS.split(text) if t]
    kept = [t for t in tokens if t not in _DESIGNATORS]
    # A name that is nothing but a designator ("Stad") keeps its words.
    return "".join(kept or tokens)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str


DISTRICT_KINDS = ("district", "city")  # what the city's own files are about


class UnknownRegionError(LookupError):
    """A name that the register does not know; carries the closest known names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Closest known names: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"Unknown region name {name!r}.{hint}")


@dataclass(frozen=True)
class Resolution:
    region: Region
    how: str  # "exact" or "genitive" (a trailing -s removed), for the load report


class RegionResolver:
    """Resolves spellings against the register's aliases (one alias table, no guessing)."""

    def __init__(
        self, aliases: dict[str, Region], lifetimes: RegionLifetimes | None = None
    ) -> None:
        self._aliases = aliases
        self._codes = {region.code for region in aliases.values()}
        self.lifetimes = lifetimes  # when each region existed (from the store's register)

    @classmethod
    def from_store(
        cls, con: duckdb.DuckDBPyConnection, register: pd.DataFrame | None = None
    ) -> RegionResolver:
        """``register``: reference_data.regions(con), where the caller has read it already."""
        frame = reference_data.region_aliases(con)
        aliases = {
            str(row.alias): Region(str(row.code), str(row.name), str(row.kind))
            for row in frame.itertuples(index=False)
        }
        return cls(aliases, RegionLifetimes.from_store(con, register))

    def resolve(self, name: str, kinds: tuple[str, ...] | None = None) -> Resolution:
        """The region a spelling names; unknown, an error with the closest names (of
        ``kinds`` only: an upload about districts suggests no municipality)."""
        key = normalise_name(name)
        if key in self._aliases:
            return Resolution(self._aliases[key], "exact")
        # Genitive -s ("Skarpnäcks stadsdelsnämnd"), tried only when the plain form is
        # unknown, so real names ending in s (Borås, Bollnäs) are found first.
        if key.endswith("s") and key[:-1] in self._aliases:
            return Resolution(self._aliases[key[:-1]], "genitive")
        raise UnknownRegionError(name, self.suggest(name, kinds=kinds))

    def by_code(self, code: str) -> str | None:
        """A code as files write it (``80106``, ``0180``, ``180``) if the register has it."""
        code = code.strip()
        if code in self._codes:
            return code
        if code.isdigit() and code.zfill(4) in self._codes:
            return code.zfill(4)
        return None

    def code(self, name: str) -> str:
        return self.resolve(name).region.code

    def suggest(self, name: str, limit: int = 3, kinds: tuple[str, ...] | None = None) -> list[str]:
        key = normalise_name(name)
        known = [a for a, r in self._aliases.items() if kinds is None or r.kind in kinds]
        close = difflib.get_close_matches(key, known, n=limit * 3, cutoff=0.6)
        names: list[str] = []
        for alias in close:
            display = self._aliases[alias].name
            if display not in names:
                names.append(display)
        return names[:limit]

    def resolve_all(self, names: Iterable[str]) -> tuple[dict[str, Resolution], list[str]]:
        """Resolve many names at once: the known ones, and every unknown one (in order)."""
        known: dict[str, Resolution] = {}
        unknown: list[str] = []
        for name in names:
            if name in known or name in unknown:
                continue
            try:
                known[name] = self.resolve(name)
            except UnknownRegionError:
                unknown.append(name)
        return known, unknown


class RegionLifetimes:
    """When each region existed, and what it became: a district has values only for the
    years it existed (a year of a merger belongs to both sides)."""

    def __init__(
        self,
        spans: dict[str, tuple[date | None, date | None]],
        names: dict[str, str],
        successors: dict[str, list[str]],
    ) -> None:
        self._spans, self._names, self._successors = spans, names, successors

    @classmethod
    def from_store(
        cls, con: duckdb.DuckDBPyConnection, register: pd.DataFrame | None = None
    ) -> RegionLifetimes:
        """``register``: reference_data.regions(con), where the caller has read it already."""
        register = reference_data.regions(con) if register is None else register
        spans = {
            str(r.code): (_day(r.valid_from), _day(r.valid_to))
            for r in register.itertuples(index=False)
        }
        successors: dict[str, list[str]] = {}
        for row in reference_data.region_successions(con).itertuples(index=False):
            successors.setdefault(str(row.old_code), []).append(str(row.new_code))
        return cls(spans, dict(zip(register["code"], register["name"], strict=True)), successors)

    def existed(self, code: str, year: int) -> bool:
        start, end = self._spans.get(code, (None, None))
        return (start is None or start <= date(year, 12, 31)) and (
            end is None or end >= date(year, 1, 1)
        )

    def months_in(self, code: str, year: int) -> tuple[int, int]:
        """The first and last month of ``year`` the region existed in, whole or in part
        (1, 12 for a year it existed throughout; a district merged on 1 July 2023 existed
        January–June of it, its successor July–December)."""
        start, end = self._spans.get(code, (None, None))
        first = start.month if start is not None and start.year == year else 1
        last = end.month if end is not None and end.year == year else 12
        return first, last

    def successor_in(self, code: str, year: int) -> str | None:
        """The name of the district that had taken over ``code``'s area in ``year``."""
        todo, seen = list(self._successors.get(code, [])), set()
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.add(current)
            if self.existed(current, year):
                return self._names.get(current, current)
            todo += self._successors.get(current, [])
        return None

    def not_existing(self, code: str, year: int) -> str | None:
        """Why ``code`` has no value in ``year`` (Swedish), or None when it existed."""
        if self.existed(code, year):
            return None
        name = self._names.get(code, code)
        start, _ = self._spans.get(code, (None, None))
        if start is not None and start > date(year, 12, 31):
            return f"{name} fanns inte {year} (bildades {start.isoformat()})"
        successor = self.successor_in(code, year)
        return f"{name} fanns inte {year}" + (f"; använd {successor}" if successor else "")


def _day(value: object) -> date | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if text in ("", "NaT", "None", "nan"):
        return None
    return date.fromisoformat(text[:10])
