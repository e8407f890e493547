"""The register of lokalpolisområden (data/reference/lokalpolisomraden.csv): each area's code,
name, polisområde, the districts it serves, and whether the link was checked against the
police's own register. Read and checked here; local agreements name their areas from it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REGISTER = Path(__file__).resolve().parent.parent / "data" / "reference" / "lokalpolisomraden.csv"


@dataclass(frozen=True)
class PoliceArea:
    code: str
    name: str
    police_district: str
    districts: tuple[str, ...]
    verified: bool
    source: str


@cache
def register(path: Path = REGISTER) -> tuple[PoliceArea, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    register = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        if not code or code in {p.code for p in register}:
            raise ValueError(f"{path.name}, line {line}: a code is missing or used twice")
        register.append(
            PoliceArea(
                code=code,
                name=(row.get("name") or "").strip(),
                police_district=(row.get("polisomrade") or "").strip(),
                districts=tuple((row.get("districts") or "").split()),
                verified=(row.get("verified") or "").strip().lower() == "ja",
                source=(row.get("source") or "").strip(),
            )
        )
    return tuple(register)
