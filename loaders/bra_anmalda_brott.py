"""BRÅ's reported-crime statistics, from the statistics database's "Databasfil" export.

The export is read exactly as BRÅ writes it (see data/demo/bra/SOURCE.md): latin-1, ``;``
with a trailing ``;``, ``2023 prel.`` for preliminary years, Swedish month abbreviations,
``..`` for not available, and parent rows echoed once per selected child as exact
duplicate lines. Each line gives two measures: the count and BRÅ's own monthly rate per
100 000 inhabitants.

Steps: ``read_lines`` (bytes → numbered lines) → ``parse_lines`` (fields → records, every
malformed line collected) → ``tidy`` (regions resolved, echoes and placeholders dropped,
long observations) → ``load`` (one batch, one transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from loaders.batch import LoadError, LoadReport, Problem, commit_batch, file_sha256
from store import reference_data
from store.regions import RegionResolver

SOURCE = "bra_anmalda_brott"
HEADER = ["Region", "Brott", "År", "Period", "Antal", "/100 000 inv"]

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "maj": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_FULL_MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}

# Stable measure ids for the categories the project follows; other categories get an id
# made from their label, and the label itself is always kept in the measure table.
KNOWN_CATEGORIES = {
    "3-7 kap. Brott mot person": "brott_mot_person",
    "3 kap. Brott mot liv och hälsa": "brott_mot_liv_och_halsa",
    "därav misshandel inkl. grov": "misshandel",
    "4 kap. Brott mot frihet och frid": "brott_mot_frihet_och_frid",
    "5 kap. Ärekränkningsbrott": "arekrankningsbrott",
    "6 kap. Sexualbrott": "sexualbrott",
    "7 kap. Brott mot familj": "brott_mot_familj",
}
COUNT_UNIT = "antal anmälda brott"
RATE_UNIT = "anmälda brott per 100 000 invånare"

_YEAR = re.compile(r"^(\d{4})(\s*prel\.?)?$", re.IGNORECASE)
_NOT_AVAILABLE = ".."


@dataclass(frozen=True)
class Record:
    line: int
    text: str
    region: str
    category: str
    year: int
    month: int
    preliminary: bool
    count: float | None
    rate: float | None


def category_id(label: str) -> str:
    if label in KNOWN_CATEGORIES:
        return KNOWN_CATEGORIES[label]
    folded = label.casefold().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def count_measure_id(label: str) -> str:
    return f"bra.{category_id(label)}"


def rate_measure_id(label: str) -> str:
    return f"bra.{category_id(label)}.per_100k"


def _is_rate(measure_id: str) -> bool:
    return measure_id.endswith(".per_100k")


def read_lines(data: bytes) -> list[tuple[int, str]]:
    """Decode the file (UTF-8 if it is valid UTF-8, else latin-1 as BRÅ writes it) and
    return its non-blank lines with their 1-based line numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.strip():
            lines.append((number, line))
    return lines


def _fields(line: str) -> list[str]:
    parts = line.split(";")
    if len(parts) == len(HEADER) + 1 and parts[-1].strip() == "":
        parts = parts[:-1]  # BRÅ ends every row with a ';'
    return [p.strip() for p in parts]


def _number(text: str, what: str) -> tuple[float | None, str | None]:
    if text == _NOT_AVAILABLE:
        return None, None
    if not text:
        return None, f"{what} is empty; expected a number or '..'"
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(cleaned), None
    except ValueError:
        return None, f"{what} {text!r} is not a number or '..'"


def parse_lines(lines: list[tuple[int, str]]) -> tuple[list[Record], list[Problem]]:
    """Records from the data lines; every malformed line becomes a problem."""
    problems: list[Problem] = []
    if not lines:
        return [], [Problem(None, "the file is empty")]
    header_line, header_text = lines[0]
    header = _fields(header_text)
    if header != HEADER:
        problems.append(
            Problem(
                header_line,
                f"expected the header {';'.join(HEADER)!r}, found {header_text!r}; is this "
                "BRÅ's 'Databasfil' export?",
            )
        )
        return [], problems

    records: list[Record] = []
    for number, text in lines[1:]:
        fields = _fields(text)
        if len(fields) != len(HEADER):
            problems.append(
                Problem(
                    number,
                    f"expected {len(HEADER)} fields separated by ';', found "
                    f"{len(fields)}: {text!r}",
                )
            )
            continue
        region, category, year_text, period, count_text, rate_text = fields
        line_problems: list[str] = []
        if not region:
            line_problems.append("the region is empty")
        if not category:
            line_problems.append("the crime category is empty")
        year_match = _YEAR.match(year_text)
        if not year_match:
            line_problems.append(f"year {year_text!r} is not a year such as 2022 or '2023 prel.'")
        month = MONTHS.get(period.casefold()) or _FULL_MONTHS.get(period.casefold())
        if month is None:
            line_problems.append(
                f"period {period!r} is not a month; expected one of "
                + ", ".join(m.capitalize() for m in MONTHS)
            )
        count, count_problem = _number(count_text, "count (Antal)")
        rate, rate_problem = _number(rate_text, "rate (/100 000 inv)")
        line_problems += [p for p in (count_problem, rate_problem) if p]
        if count is not None and (count < 0 or count != int(count)):
            line_problems.append(f"count (Antal) {count_text!r} is not a whole number ≥ 0")
        if line_problems:
            problems.extend(Problem(number, p) for p in line_problems)
            continue
        assert year_match is not None and month is not None
        records.append(
            Record(
                line=number,
                text=text,
                region=region,
                category=category,
                year=int(year_match.group(1)),
                month=month,
                preliminary=bool(year_match.group(2)),
                count=count,
                rate=rate,
            )
        )
    return records, problems


def drop_echoes(records: list[Record]) -> tuple[list[Record], int, list[Problem]]:
    """Remove exact duplicate lines (BRÅ's echoed parent rows). Two different lines for the
    same region, category and month are a contradiction and become problems."""
    seen_text: set[str] = set()
    by_key: dict[tuple[str, str, int, int], Record] = {}
    kept: list[Record] = []
    dropped = 0
    problems: list[Problem] = []
    for record in records:
        canonical = ";".join(_fields(record.text))
        if canonical in seen_text:
            dropped += 1
            continue
        seen_text.add(canonical)
        key = (record.region, record.category, record.year, record.month)
        if key in by_key:
            first = by_key[key]
            problems.append(
                Problem(
                    record.line,
                    f"{record.region}, {record.category}, {record.year}-{record.month:02d} "
                    f"already appears on line {first.line} with other figures",
                )
            )
            continue
        by_key[key] = record
        kept.append(record)
    return kept, dropped, problems


def _valid_whole_year(valid_from: object, valid_to: object, year: int) -> bool:
    start = None if pd.isna(valid_from) else pd.Timestamp(valid_from).date()
    end = None if pd.isna(valid_to) else pd.Timestamp(valid_to).date()
    return (start is None or start <= date(year, 1, 1)) and (
        end is None or end >= date(year, 12, 31)
    )


def tidy(
    records: list[Record],
    resolver: RegionResolver,
    register: pd.DataFrame,
    *,
    skip_unknown_regions: bool,
    report: LoadReport,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], pd.DataFrame]:
    """Observations, measures, problems and gaps (the cells marked '..') from parsed
    records; unknown regions become problems (one per name, with the first line it is on)
    unless they are to be skipped."""
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for record in records:
        first_line.setdefault(record.region, record.line)
    known, unknown = resolver.resolve_all(first_line)
    if unknown and not skip_unknown_regions:
        for name in unknown:
            hint = resolver.suggest(name)
            closest = f"; closest known names: {', '.join(hint)}" if hint else ""
            problems.append(Problem(first_line[name], f"unknown region {name!r}{closest}"))
    elif unknown:
        skipped = sum(1 for r in records if r.region in unknown)
        report.notes.append(
            f"Skipped {skipped} lines of {len(unknown)} unknown region(s): "
            + ", ".join(repr(n) for n in unknown)
        )
    genitive = sorted(n for n, res in known.items() if res.how == "genitive")
    if genitive:
        report.notes.append(
            "Read as genitive forms: "
            + ", ".join(f"{n!r} → {known[n].region.name}" for n in genitive)
        )

    rows, gaps = [], []
    for record in records:
        resolution = known.get(record.region)
        if resolution is None:
            continue
        base = (resolution.region.code, record.year, record.month, record.preliminary)
        if record.count is not None:
            rows.append((count_measure_id(record.category), *base, record.count, record.category))
        else:  # '..': BRÅ has no figure for this region and month
            gaps.append((count_measure_id(record.category), *base[:3]))
        if record.rate is not None:
            rows.append((rate_measure_id(record.category), *base, record.rate, record.category))
    frame = pd.DataFrame(
        rows, columns=["measure", "region_code", "year", "month", "preliminary", "value", "label"]
    )

    frame = _without_placeholders(frame, register, report)

    frame = frame.assign(source=SOURCE, sex="total", age_group="all", respondents=None)
    labels = frame[["measure", "label"]].drop_duplicates("measure")
    measures = pd.DataFrame(
        {
            "id": labels["measure"],
            "source": SOURCE,
            "label": labels["label"],
            "unit": [RATE_UNIT if _is_rate(m) else COUNT_UNIT for m in labels["measure"]],
            "spatially_additive": [not _is_rate(m) for m in labels["measure"]],
        }
    )
    gap_frame = pd.DataFrame(gaps, columns=["measure", "region_code", "year", "month"])
    return frame, measures, problems, gap_frame


def _without_placeholders(
    frame: pd.DataFrame, register: pd.DataFrame, report: LoadReport
) -> pd.DataFrame:
    """BRÅ lists every region it has ever had, with zeros for the years a region did not
    exist (Järva in 2023, Kista in 2023). A region-year that is all zeros while the region
    did not exist for the whole year is such a placeholder, not a measurement: left out,
    and said in the report."""
    validity = register.set_index("code")
    placeholders = []
    if not frame.empty:
        totals = frame.groupby(["region_code", "year"])["value"].agg(lambda v: (v == 0).all())
        for (code, year), all_zero in totals.items():
            row = validity.loc[code]
            if all_zero and not _valid_whole_year(row["valid_from"], row["valid_to"], int(year)):
                placeholders.append((code, year, row["name"]))
    if placeholders:
        drop = frame.set_index(["region_code", "year"]).index.isin(
            [(c, y) for c, y, _ in placeholders]
        )
        frame = frame[~drop]
        report.notes.append(
            "Left out placeholder zeros for regions that did not exist that whole year: "
            + ", ".join(f"{name} {year}" for _, year, name in sorted(placeholders, key=str))
        )

    return frame


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    loaded_by: str,
    skip_unknown_regions: bool = False,
) -> LoadReport:
    """Load one BRÅ export as one batch. Raises :class:`LoadError` (nothing stored) when
    any line is malformed or names an unknown region."""
    data = path.read_bytes()
    report = LoadReport(source=SOURCE, file_name=path.name)
    records, problems = parse_lines(read_lines(data))
    records, echoes, echo_problems = drop_echoes(records)
    problems += echo_problems
    register = reference_data.regions(con)
    resolver = RegionResolver.from_store(con, register)
    frame, measures, region_problems, gaps = tidy(
        records, resolver, register, skip_unknown_regions=skip_unknown_regions, report=report
    )
    problems += region_problems
    if problems:
        raise LoadError(str(path), sorted(problems, key=lambda p: p.line or 0))
    if frame.empty:
        raise LoadError(str(path), [Problem(None, "the file holds no figures to load")])
    if echoes:
        report.notes.insert(0, f"Dropped {echoes} echoed duplicate lines.")
    not_available = sum(1 for r in records if r.count is None)
    if not_available:
        report.notes.append(f"{not_available} lines had '..' (not available) as count.")
    commit_batch(
        con,
        source=SOURCE,
        path=path,
        sha256=file_sha256(data),
        loaded_by=loaded_by,
        observations=frame,
        measures=measures,
        report=report,
        gaps=gaps,
        lifetimes=resolver.lifetimes,
    )
    return report
