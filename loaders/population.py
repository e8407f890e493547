"""Population per district, city or municipality and year, the denominator of rates.

Layouts read (``python -m loaders load population FILE [--year YEAR]``):
- the city's statistics table (Statistik om Stockholm): ``area, area_level, pop_2000, …``;
  groups of districts (Västerort …) and prognoses are left out, and said so;
- Folkhälsokollen's district table ``omr_kod, omr_namn, population`` (no year in the file:
  ``--year`` is required), and its small-area table, summed to districts;
- a tidy table ``region, year, [sex], [age_group], population`` (staff files);
- SCB's PxWeb JSON (``columns`` + ``data``, values as strings, ``..`` missing): region codes,
  ``Tid``, ``Kon`` (1 men, 2 women) and ``Alder`` kept; other dimensions are summed.
Every region must be known: a file with an unknown district loads nothing and names the
line and the value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from loaders import plausible
from loaders.batch import LoadError, LoadReport, Problem, commit_batch, file_sha256
from store import queries, reference_data
from store.regions import RegionResolver, UnknownRegionError

SOURCE = "befolkning"
_POP_COLUMN = re.compile(r"^pop_(\d{4})$")
_SEX = {
    "1": "male",
    "2": "female",
    "man": "male",
    "män": "male",
    "kvinnor": "female",
    "kvinna": "female",
    "k": "female",
    "m": "male",
    "t": "total",
    "totalt": "total",
    "alla": "total",
    "total": "total",
    "": "total",
    "1+2": "total",
}


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _count(text: str) -> float | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if cleaned in ("", "..", "-"):
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 else None


class _Rows:
    """Collects rows and problems while reading, one place for every layout."""

    def __init__(self, resolver: RegionResolver) -> None:
        self.resolver = resolver
        self.rows: list[tuple[str, int, str, str, float]] = []
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self._unknown: set[str] = set()

    def region(self, line: int, name: str, code: str | None = None) -> str | None:
        if code:
            known = self.resolver.by_code(code)
            if known is not None:
                if name and self._resolve(name) not in (None, known):
                    self.problems.append(
                        Problem(line, f"code {code} is {known}, but the name says {name!r}")
                    )
                return known
        if not name:
            self.problems.append(Problem(line, "the region is empty"))
            return None
        found = self._resolve(name)
        if found is None and name not in self._unknown:
            self._unknown.add(name)
            hint = self.resolver.suggest(name)
            closest = f"; closest known names: {', '.join(hint)}" if hint else ""
            self.problems.append(Problem(line, f"unknown region {name!r}{closest}"))
        return found

    def _resolve(self, name: str) -> str | None:
        try:
            return self.resolver.code(name)
        except UnknownRegionError:
            return None

    def add(self, line: int, code: str | None, year: int, sex: str, age: str, text: str) -> None:
        value = _count(text)
        if value is None:
            if text.strip() not in ("", ".."):
                self.problems.append(Problem(line, f"population {text!r} is not a number ≥ 0"))
            return
        if code is not None:
            self.rows.append((code, year, sex, age, value))


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().casefold() for h in reader.fieldnames or []]
    rows = []
    for number, row in enumerate(reader, start=2):
        rows.append(
            (
                number,
                {k.strip().casefold(): (v or "").strip() for k, v in row.items() if k is not None},
            )
        )
    return header, rows


def _statistics_table(
    header: list[str], rows: Iterable[tuple[int, dict[str, str]]], out: _Rows
) -> None:
    years = {c: int(m.group(1)) for c in header if (m := _POP_COLUMN.match(c))}
    skipped = []
    for line, row in rows:
        if "grupp" in row.get("area_level", ""):
            skipped.append(row["area"])
            continue
        code = out.region(line, row["area"])
        for column, year in years.items():
            out.add(line, code, year, "total", "all", row[column])
    if skipped:
        out.notes.append(f"Left out groups of districts: {', '.join(skipped)}.")
    if any(c.startswith("prognos") for c in header):
        out.notes.append("Left out the prognosis columns (not a measured population).")


def _district_table(
    rows: Iterable[tuple[int, dict[str, str]]], year: int | None, out: _Rows, small_areas: bool
) -> None:
    if year is None:
        out.problems.append(Problem(1, "this table says no year: give it with --year"))
        return
    totals: dict[str, float] = {}
    for line, row in rows:
        if small_areas:
            code = out.region(line, row["stadsdelsomrade"])
        else:
            code = out.region(line, row.get("omr_namn", ""), row.get("omr_kod"))
        value = _count(row["population"])
        if value is None:
            out.problems.append(Problem(line, f"population {row['population']!r} is not a number"))
        elif code is not None:
            totals[code] = totals.get(code, 0.0) + value
    for code, value in totals.items():
        out.rows.append((code, year, "total", "all", value))
    if small_areas:
        out.notes.append(f"Summed the small areas to {len(totals)} districts.")


def _tidy_table(rows: Iterable[tuple[int, dict[str, str]]], out: _Rows) -> None:
    for line, row in rows:
        code = out.region(line, row["region"])
        year_text = row["year"]
        if not year_text.isdigit():
            out.problems.append(Problem(line, f"year {year_text!r} is not a year"))
            continue
        sex = _SEX.get(row.get("sex", "").casefold())
        if sex is None:
            out.problems.append(Problem(line, f"sex {row['sex']!r}: expected Kvinnor, Män or Alla"))
            continue
        age = row.get("age_group", "") or "all"
        out.add(
            line,
            code,
            int(year_text),
            sex,
            "all" if age.casefold() in ("alla", "all", "totalt") else age,
            row["population"],
        )


def _pxweb(data: dict, out: _Rows) -> None:
    columns = data.get("columns")
    if not isinstance(columns, list) or not isinstance(data.get("data"), list):
        out.problems.append(Problem(None, "not a PxWeb response: expected 'columns' and 'data'"))
        return
    keys = [c["code"] for c in columns if c.get("type") != "c"]
    if "Region" not in keys or "Tid" not in keys:
        out.problems.append(
            Problem(
                None, f"a PxWeb population table needs Region and Tid; it has {', '.join(keys)}"
            )
        )
        return
    summed = [k for k in keys if k not in ("Region", "Tid", "Kon", "Alder")]
    totals: dict[tuple[str, int, str, str], float] = {}
    for i, item in enumerate(data["data"], start=1):
        key = dict(zip(keys, item["key"], strict=True))
        code = out.region(i, "", key["Region"]) if out.resolver.by_code(key["Region"]) else None
        if code is None:
            out.problems.append(
                Problem(
                    None, f"data item {i}: region code {key['Region']!r} is not in the register"
                )
            )
            continue
        sex = {"1": "male", "2": "female"}.get(key.get("Kon", ""), "total")
        age = key.get("Alder", "tot")
        age = "all" if age in ("tot", "totalt") else age
        value = _count(item["values"][0])
        if value is None:
            continue
        group = (code, int(key["Tid"][:4]), sex, age)
        totals[group] = totals.get(group, 0.0) + value
    out.rows.extend((c, y, s, a, v) for (c, y, s, a), v in totals.items())
    if summed:
        seen = {
            k: sorted({dict(zip(keys, d["key"], strict=True))[k] for d in data["data"]})
            for k in summed
        }
        out.notes.append(
            "Summed over "
            + "; ".join(f"{k} ({', '.join(v)})" for k, v in seen.items())
            + ": if not every category was selected, these totals are partial."
        )


def read(path: Path, resolver: RegionResolver, year: int | None) -> _Rows:
    out = _Rows(resolver)
    text = _text(path.read_bytes())
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            out.problems.append(
                Problem(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})")
            )
            return out
        _pxweb(data, out)
        return out
    header, rows = _read_csv(text)
    if "area" in header and any(_POP_COLUMN.match(c) for c in header):
        _statistics_table(header, rows, out)
    elif {"stadsdelsomrade", "population"} <= set(header):
        _district_table(rows, year, out, small_areas=True)
    elif {"omr_namn", "population"} <= set(header):
        _district_table(rows, year, out, small_areas=False)
    elif {"region", "year", "population"} <= set(header):
        _tidy_table(rows, out)
    else:
        out.problems.append(
            Problem(
                1,
                f"unknown layout (columns: {', '.join(header)}); expected the city's "
                "statistics table, Folkhälsokollen's table, 'region, year, population' "
                "or SCB PxWeb JSON",
            )
        )
    return out


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    loaded_by: str,
    year: int | None = None,
) -> LoadReport:
    data = path.read_bytes()
    out = read(path, RegionResolver.from_store(con), year)
    if out.problems:
        raise LoadError(str(path), sorted(out.problems, key=lambda p: p.line or 0))
    if not out.rows:
        raise LoadError(str(path), [Problem(None, "the file holds no population figures")])
    frame = pd.DataFrame(out.rows, columns=["region_code", "year", "sex", "age_group", "count"])
    duplicated = frame[frame.duplicated(["region_code", "year", "sex", "age_group"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise LoadError(
            str(path), [Problem(None, f"{first['region_code']} {first['year']} appears twice")]
        )
    implausible = plausible.population_problems(frame)
    if implausible:
        raise LoadError(str(path), [Problem(None, p) for p in implausible])
    report = LoadReport(source=SOURCE, file_name=path.name, notes=list(out.notes))
    if year is not None:
        report.notes.append(f"Year {year} given on the command line (the file says none).")

    def build(batch_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        queries.insert_population(con, batch_id, frame)
        report.other_rows = len(frame)
        return pd.DataFrame(columns=["region_code", "year", "preliminary"]), pd.DataFrame()

    commit_batch(
        con,
        source=SOURCE,
        path=path,
        sha256=file_sha256(data),
        loaded_by=loaded_by,
        build=build,
        report=report,
        note=f"år {year}" if year else None,
    )
    names = reference_data.region_names(con)
    report.regions = sorted({names[c] for c in frame["region_code"]})
    report.years = sorted(int(y) for y in frame["year"].unique())
    return report
