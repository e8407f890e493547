"""Respondent-level survey files (one row per respondent, one column per question, answers as
text) aggregated to shares with respondents per district, sex and age band, through a
mapping the user makes once and saves by name.

A mapping says which column holds the district (or one district for the whole file), sex and
age band, the year, and for each question: the measure it feeds, the answers that count
(the numerator) and the answers left out of the denominator (``Vet inte``). Blank answers are
left out too. Every district, sex and age combination also gets its totals (sex ``Alla``,
age ``Alla``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalogue.catalogue import Catalogue
from loaders.survey_cells import address, cell_text, dashed, norm_header
from loaders.survey_types import SEX, Finding, SurveyRow, SurveyTable
from loaders.upload_parse import ParsedSheet
from store.regions import DISTRICT_KINDS, RegionResolver, UnknownRegionError


@dataclass
class Question:
    column: str
    measure: str
    numerator: list[str]
    exclude: list[str] = field(default_factory=list)


@dataclass
class Mapping:
    name: str
    year: int | None = None
    year_column: str | None = None
    district: str | None = None  # one district for the whole file
    district_column: str | None = None
    sex_column: str | None = None
    age_column: str | None = None
    age_values: dict[str, str] = field(default_factory=dict)  # answer → age band
    questions: list[Question] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        questions = [Question(**q) for q in data.get("questions", [])]
        fields = {k: v for k, v in data.items() if k != "questions"}
        return cls(**fields, questions=questions)

    @classmethod
    def from_file(cls, path: Path) -> Mapping:
        return cls.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def columns_and_answers(parsed: ParsedSheet, limit: int = 50) -> dict[str, list[str]]:
    """The header of a respondent-level file and the distinct answers of each column (for
    the mapping form)."""
    if not parsed.rows:
        return {}
    header = [cell_text(h) for h in parsed.rows[0]]
    answers: dict[str, set[str]] = {h: set() for h in header if h}
    for row in parsed.rows[1:]:
        for h, value in zip(header, row, strict=False):
            if h and len(answers[h]) < limit:
                text = cell_text(value)
                if text:
                    answers[h].add(text)
    return {h: sorted(v) for h, v in answers.items()}


def aggregate(
    parsed: ParsedSheet, mapping: Mapping, catalogue: Catalogue, resolver: RegionResolver
) -> SurveyTable:
    """One answer per row (a respondent) counted into shares per district, year, sex and age
    band as the mapping says; every problem named with its cell."""
    table = SurveyTable(sheet=parsed.sheet)
    if not parsed.rows:
        table.findings.append(Finding("fel", parsed.sheet, "", "", "filen är tom"))
        return table
    columns = _Columns(table, parsed, mapping, catalogue)
    if table.errors:
        return table
    fixed_region = None
    if mapping.district:
        try:
            fixed_region = resolver.resolve(mapping.district, DISTRICT_KINDS).region
        except UnknownRegionError as exc:
            table.findings.append(
                Finding(
                    "fel",
                    parsed.sheet,
                    "",
                    mapping.district,
                    f"okänt stadsdelsområde; närmast: {', '.join(exc.suggestions)}",
                )
            )
            return table
    counter = _Counter(table, parsed.sheet, mapping, catalogue, resolver, columns, fixed_region)
    for i, row in enumerate(parsed.rows[1:], start=1):
        counter.count(i, row)
    for (code, name, year, measure, sex, age), (hits, total) in sorted(counter.counts.items()):
        table.rows.append(
            SurveyRow(
                0,
                code,
                name,
                year,
                measure,
                sex,
                age,
                round(100 * hits / total, 4),
                float(total),
                "",
            )
        )
    if not table.rows and not table.errors:
        table.findings.append(
            Finding("fel", parsed.sheet, "", "", "inga svar att räkna med kartläggningen")
        )
    return table


class _Columns:
    """The mapping's columns found in the header row, and its questions checked against the
    catalogue (each must be a share staff may upload)."""

    def __init__(
        self, table: SurveyTable, parsed: ParsedSheet, mapping: Mapping, catalogue: Catalogue
    ) -> None:
        self.table, self.sheet = table, parsed.sheet
        self.header = {norm_header(h): j for j, h in enumerate(parsed.rows[0]) if cell_text(h)}
        self.district = self._column(mapping.district_column, "stadsdelsområde")
        self.sex = self._column(mapping.sex_column, "kön")
        self.age = self._column(mapping.age_column, "åldersgrupp")
        self.year = self._column(mapping.year_column, "år")
        self.questions = [
            (q, self._column(q.column, f"frågan {q.column!r}")) for q in mapping.questions
        ]
        add = table.findings.append
        for q, _ in self.questions:
            measure = catalogue.measures.get(q.measure)
            if measure is None or not measure.upload or measure.kind != "share":
                add(
                    Finding(
                        "fel",
                        self.sheet,
                        "",
                        q.measure,
                        f"frågan {q.column!r}: måttet är inte en andel i indikatorkatalogen",
                    )
                )
        if mapping.district is None and mapping.district_column is None:
            add(
                Finding(
                    "fel", self.sheet, "", "", "ange kolumnen för stadsdelsområde eller ett område"
                )
            )
        if mapping.year is None and mapping.year_column is None:
            add(Finding("fel", self.sheet, "", "", "ange året eller kolumnen för år"))

    def _column(self, name: str | None, what: str) -> int | None:
        if name is None:
            return None
        j = self.header.get(norm_header(name))
        if j is None:
            self.table.findings.append(
                Finding("fel", self.sheet, "rad 1", name, f"kolumnen för {what} finns inte i filen")
            )
        return j


class _Counter:
    """Counts each answer (a hit when it is one of the question's numerator answers) for
    the total and for the row's sex and age band."""

    def __init__(
        self,
        table: SurveyTable,
        sheet: str,
        mapping: Mapping,
        catalogue: Catalogue,
        resolver: RegionResolver,
        columns: _Columns,
        fixed_region: object,
    ) -> None:
        self.table, self.sheet, self.mapping = table, sheet, mapping
        self.resolver, self.columns, self.fixed_region = resolver, columns, fixed_region
        # (region, name, year, measure, sex, age) → [numerator, denominator]
        self.counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.unknown: set[str] = set()
        self.age_values = {dashed(k).casefold(): v for k, v in mapping.age_values.items()}
        self.age_groups = {dashed(a).casefold(): dashed(a) for a in catalogue.age_groups}

    def fail(self, where: str, value: str, message: str) -> None:
        self.table.findings.append(Finding("fel", self.sheet, where, value, message))

    def count(self, i: int, row: list[object]) -> None:
        def value(j: int | None) -> str:
            return cell_text(row[j]) if j is not None and j < len(row) else ""

        columns = self.columns
        region = self._region(i, value(columns.district))
        if region is None:
            return
        year_text = value(columns.year) if columns.year is not None else str(self.mapping.year)
        if not year_text.isdigit():
            self.fail(address(i, columns.year or 0), year_text, "året ska vara ett årtal")
            return
        lifetimes = self.resolver.lifetimes
        gone = (
            lifetimes.not_existing(region.code, int(year_text)) if lifetimes is not None else None
        )
        if gone:
            if gone not in self.unknown:
                self.unknown.add(gone)
                self.fail(address(i, columns.district or 0), region.name, gone)
            return
        sexes = ["total"]
        sex = SEX.get(value(columns.sex).casefold()) if columns.sex is not None else None
        if sex in ("female", "male"):
            sexes.append(sex)
        ages = ["all"]
        if columns.age is not None:
            raw_age = dashed(value(columns.age)).casefold()
            band = self.age_values.get(raw_age) or self.age_groups.get(raw_age)
            if band:
                ages.append(band)
        for q, j in columns.questions:
            answer = value(j)
            if not answer or answer.casefold() in {e.casefold() for e in q.exclude}:
                continue
            hit = answer.casefold() in {n.casefold() for n in q.numerator}
            for s in sexes:
                for a in ages:
                    cell = self.counts[(region.code, region.name, int(year_text), q.measure, s, a)]
                    cell[0] += int(hit)
                    cell[1] += 1

    def _region(self, i: int, name: str) -> Any:
        """The mapping's one district, or the row's; None to skip the row (no name, or an
        unknown one: named once)."""
        if self.fixed_region is not None:
            return self.fixed_region
        if not name:
            return None
        try:
            return self.resolver.resolve(name, DISTRICT_KINDS).region
        except UnknownRegionError as exc:
            if name not in self.unknown:
                self.unknown.add(name)
                self.fail(
                    address(i, self.columns.district or 0),
                    name,
                    f"okänt stadsdelsområde; närmast: {', '.join(exc.suggestions)}",
                )
            return None
