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

import yaml

from catalogue.catalogue import Catalogue
from loaders.survey_cells import address, cell_text, dashed, norm_header
from loaders.survey_types import SEX, Finding, SurveyRow, SurveyTable
from loaders.upload_parse import ParsedSheet
from store.regions import RegionResolver, UnknownRegionError


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
    table = SurveyTable(sheet=parsed.sheet)
    add = table.findings.append
    sheet = parsed.sheet
    if not parsed.rows:
        add(Finding("fel", sheet, "", "", "filen är tom"))
        return table
    header = {norm_header(h): j for j, h in enumerate(parsed.rows[0]) if cell_text(h)}

    def column(name: str | None, what: str) -> int | None:
        if name is None:
            return None
        j = header.get(norm_header(name))
        if j is None:
            add(Finding("fel", sheet, "rad 1", name, f"kolumnen för {what} finns inte i filen"))
        return j

    district_j = column(mapping.district_column, "stadsdelsområde")
    sex_j = column(mapping.sex_column, "kön")
    age_j = column(mapping.age_column, "åldersgrupp")
    year_j = column(mapping.year_column, "år")
    questions = [(q, column(q.column, f"frågan {q.column!r}")) for q in mapping.questions]
    for q, _ in questions:
        measure = catalogue.measures.get(q.measure)
        if measure is None or not measure.upload or measure.kind != "share":
            add(
                Finding(
                    "fel",
                    sheet,
                    "",
                    q.measure,
                    f"frågan {q.column!r}: måttet är inte en andel i indikatorkatalogen",
                )
            )
    if mapping.district is None and mapping.district_column is None:
        add(Finding("fel", sheet, "", "", "ange kolumnen för stadsdelsområde eller ett område"))
    if mapping.year is None and mapping.year_column is None:
        add(Finding("fel", sheet, "", "", "ange året eller kolumnen för år"))
    if table.errors:
        return table

    fixed_region = None
    if mapping.district:
        try:
            fixed_region = resolver.resolve(mapping.district).region
        except UnknownRegionError as exc:
            add(
                Finding(
                    "fel",
                    sheet,
                    "",
                    mapping.district,
                    f"okänt stadsdelsområde; närmast: {', '.join(exc.suggestions)}",
                )
            )
            return table
    # (region, name, year, measure, sex, age) → [numerator, denominator]
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    unknown: set[str] = set()
    age_values = {dashed(k).casefold(): v for k, v in mapping.age_values.items()}
    age_groups = {dashed(a).casefold(): dashed(a) for a in catalogue.age_groups}
    for i, row in enumerate(parsed.rows[1:], start=1):

        def value(j: int | None, row: list[object] = row) -> str:
            return cell_text(row[j]) if j is not None and j < len(row) else ""

        if fixed_region is not None:
            region = fixed_region
        else:
            name = value(district_j)
            if not name:
                continue
            try:
                region = resolver.resolve(name).region
            except UnknownRegionError as exc:
                if name not in unknown:
                    unknown.add(name)
                    add(
                        Finding(
                            "fel",
                            sheet,
                            address(i, district_j or 0),
                            name,
                            f"okänt stadsdelsområde; närmast: {', '.join(exc.suggestions)}",
                        )
                    )
                continue
        year_text = value(year_j) if year_j is not None else str(mapping.year)
        if not year_text.isdigit():
            add(
                Finding("fel", sheet, address(i, year_j or 0), year_text, "året ska vara ett årtal")
            )
            continue
        gone = (
            resolver.lifetimes.not_existing(region.code, int(year_text))
            if (resolver.lifetimes is not None)
            else None
        )
        if gone:
            if gone not in unknown:
                unknown.add(gone)
                add(Finding("fel", sheet, address(i, district_j or 0), region.name, gone))
            continue
        sexes = ["total"]
        sex = SEX.get(value(sex_j).casefold()) if sex_j is not None else None
        if sex in ("female", "male"):
            sexes.append(sex)
        ages = ["all"]
        if age_j is not None:
            raw_age = dashed(value(age_j)).casefold()
            band = age_values.get(raw_age) or age_groups.get(raw_age)
            if band:
                ages.append(band)
        for q, j in questions:
            answer = value(j)
            if not answer or answer.casefold() in {e.casefold() for e in q.exclude}:
                continue
            hit = answer.casefold() in {n.casefold() for n in q.numerator}
            for s in sexes:
                for a in ages:
                    cell = counts[(region.code, region.name, int(year_text), q.measure, s, a)]
                    cell[0] += int(hit)
                    cell[1] += 1
    for (code, name, year, measure, sex, age), (hits, total) in sorted(counts.items()):
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
        add(Finding("fel", sheet, "", "", "inga svar att räkna med kartläggningen"))
    return table
