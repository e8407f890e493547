"""Kolada: municipal key figures (KPIs) per municipality, year and gender.

``python -m loaders load kolada FILE`` reads:
- the API v3 JSON shape ``{"values": [{"kpi", "municipality", "period", "values":
  [{"gender", "status", "value"}]}], "next_url": …}`` (one page, or a JSON array of pages;
  a page that says there are more pages is loaded and the report says so);
- the flattened CSV (``kpi, municipality_id, year, gender, status, value, …``) as rKolada
  writes it;
- KPI metadata (``id, title, description, …``): titles and descriptions are kept on the
  measures ``kolada.<kpi>``, whether the values come before or after.
Gender T/K/M is total/female/male; a value with status ``Missing`` (or none) is not stored.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pandas as pd

from loaders.batch import LoadError, LoadReport, Problem, commit_batch, file_sha256
from store import queries
from store.regions import RegionResolver

SOURCE = "kolada"
GENDER = {"T": "total", "K": "female", "M": "male"}


def measure_id(kpi: str) -> str:
    return f"kolada.{kpi.strip().lower()}"


def _values_from_json(text: str, problems: list[Problem], notes: list[str]) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Problem(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"))
        return []
    pages = data if isinstance(data, list) else [data]
    rows = []
    for p, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or not isinstance(page.get("values"), list):
            problems.append(Problem(None, f"page {p}: not a Kolada response (no 'values' list)"))
            continue
        if page.get("next_url") and p == len(pages):
            notes.append(
                f"The response says there are more pages ({page['next_url']}); load them as well."
            )
        for i, item in enumerate(page["values"], start=1):
            where = f"page {p}, value {i}"
            if not {"kpi", "municipality", "period", "values"} <= set(item):
                problems.append(
                    Problem(
                        None,
                        f"{where}: expected kpi, municipality, period and "
                        f"values; found {', '.join(sorted(item))}",
                    )
                )
                continue
            for entry in item["values"]:
                rows.append(
                    {
                        "where": where,
                        "kpi": item["kpi"],
                        "municipality": item["municipality"],
                        "year": item["period"],
                        "gender": entry.get("gender"),
                        "status": entry.get("status") or "",
                        "value": entry.get("value"),
                    }
                )
    return rows


def _values_from_csv(rows: list[tuple[int, dict[str, str]]]) -> list[dict]:
    return [
        {
            "where": f"line {line}",
            "kpi": r["kpi"],
            "municipality": r["municipality_id"],
            "year": r["year"],
            "gender": r["gender"],
            "status": r.get("status", ""),
            "value": r["value"],
        }
        for line, r in rows
    ]


def _csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    return header, [
        (n, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]


def _tidy(
    raw: list[dict], resolver: RegionResolver, problems: list[Problem], gaps: list[dict]
) -> pd.DataFrame:
    """The values; a value Kolada marks ``Missing`` (or gives none) is not stored but kept in
    ``gaps`` (for the whole population only), so that the page says Kolada has no figure
    rather than that nothing was loaded."""
    rows = []
    unknown: set[str] = set()
    for item in raw:
        status = str(item["status"]).strip()
        value = item["value"]
        if status.casefold() == "missing" or value in (None, ""):
            code = resolver.by_code(str(item["municipality"]))
            if code is not None and str(item["gender"]).upper() == "T":
                try:
                    year = int(str(item["year"])[:4])
                except ValueError:
                    continue
                gaps.append({"measure": measure_id(item["kpi"]), "region_code": code,
                             "year": year, "month": None})  # fmt: skip
            continue
        code = resolver.by_code(str(item["municipality"]))
        if code is None:
            if item["municipality"] not in unknown:
                unknown.add(item["municipality"])
                problems.append(
                    Problem(
                        None,
                        f"{item['where']}: municipality "
                        f"{item['municipality']!r} is not in the register",
                    )
                )
            continue
        gender = GENDER.get(str(item["gender"]).upper())
        if gender is None:
            problems.append(
                Problem(None, f"{item['where']}: gender {item['gender']!r}; expected T, K or M")
            )
            continue
        try:
            number, year = float(value), int(str(item["year"])[:4])
        except ValueError:
            problems.append(
                Problem(
                    None,
                    f"{item['where']}: value {value!r} or year {item['year']!r} is not a number",
                )
            )
            continue
        rows.append(
            {
                "measure": measure_id(item["kpi"]),
                "kpi": item["kpi"],
                "region_code": code,
                "year": year,
                "sex": gender,
                "value": number,
            }
        )
    return pd.DataFrame(rows, columns=["measure", "kpi", "region_code", "year", "sex", "value"])


def load(con: duckdb.DuckDBPyConnection, path: Path, *, loaded_by: str) -> LoadReport:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            str(path),
            [Problem(None, f"not UTF-8 text (byte {exc.start}); expected Kolada's JSON or CSV")],
        ) from None
    problems: list[Problem] = []
    report = LoadReport(source=SOURCE, file_name=path.name)
    if text.lstrip()[:1] in ("{", "["):
        raw = _values_from_json(text, problems, report.notes)
        metadata = None
    else:
        header, rows = _csv_rows(text)
        if {"id", "title", "description"} <= set(header):
            metadata = pd.DataFrame(
                [
                    {
                        "id": measure_id(r["id"]),
                        "label": r["title"],
                        "description": r["description"],
                    }
                    for _, r in rows
                ]
            )
            raw = []
        elif {"kpi", "municipality_id", "year", "gender", "value"} <= set(header):
            raw, metadata = _values_from_csv(rows), None
        else:
            raise LoadError(
                str(path),
                [
                    Problem(
                        1,
                        "unknown layout (columns: "
                        f"{', '.join(header)}); expected Kolada values "
                        "or KPI metadata",
                    )
                ],
            )
    missing: list[dict] = []
    frame = _tidy(raw, RegionResolver.from_store(con), problems, missing)
    if problems:
        raise LoadError(str(path), problems)
    if frame.empty and metadata is None:
        raise LoadError(str(path), [Problem(None, "the file holds no values")])

    def build(batch_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        if metadata is not None:
            queries.describe_measures(con, metadata.assign(source=SOURCE))
            report.other_rows = len(metadata)
            report.notes.append(f"Kept the titles and descriptions of {len(metadata)} KPIs.")
        observations = frame.assign(
            source=SOURCE, month=None, age_group="all", respondents=None, preliminary=False
        )
        kpis = frame.drop_duplicates("measure")
        measures = pd.DataFrame(
            {
                "id": kpis["measure"],
                "source": SOURCE,
                "label": kpis["kpi"],
                "unit": "enligt Kolada",
                "spatially_additive": False,
            }
        )
        return observations, measures

    return commit_batch(
        con,
        source=SOURCE,
        path=path,
        sha256=file_sha256(data),
        loaded_by=loaded_by,
        build=build,
        report=report,
        gaps=pd.DataFrame(missing, columns=["measure", "region_code", "year", "month"]),
    )
