"""Typed models of the YAML files (agreements, measures, indicator definitions), and reading
YAML with the line of every value, so each problem can say ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

IndicatorType = Literal["count", "rate", "share", "mean", "index", "published_rate"]
Direction = Literal["lower_is_better", "higher_is_better"]
Owner = Literal["stad", "polis", "gemensamt"]
Breakdown = Literal["sex", "age_group"]
MeasureKind = Literal["count", "share", "index", "rate"]
Level = Literal["district", "city", "municipality"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Target(BaseModel):
    """A target value for a year, for the city, every district or one district, from the
    date it was decided to apply (a year is judged against the target in force then)."""

    model_config = _STRICT
    value: float
    year: int = Field(ge=2000, le=2100)
    scope: str = "city"  # "city", "all" (every district and the city) or a district
    applies_from: date
    decided_by: str | None = None


class SeriesBreak(BaseModel):
    """A break in an indicator's series (a changed question, method or source), drawn on its
    charts like an event on the time axis: from ``on``, values are not quite comparable with
    those before."""

    model_config = _STRICT
    on: date
    title: str = Field(min_length=3, max_length=200)
    description: str = ""


class Filters(BaseModel):
    """Fixed selections of a measure's rows, e.g. only the age band 16–24."""

    model_config = _STRICT
    sex: Literal["total", "female", "male"] | None = None
    age_group: str | None = None


class Suppression(BaseModel):
    model_config = _STRICT
    min_respondents: int = Field(default=30, ge=1)
    min_count: int | None = Field(default=None, ge=1)  # default: by the measure's kind


class Definition(BaseModel):
    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    areas: list[str] = Field(min_length=1)
    source: str
    type: IndicatorType
    measures: list[str] = Field(min_length=1)
    filters: Filters = Filters()
    denominator: Literal["population"] | None = None
    per: Literal[1000, 100000] | None = None
    unit: str
    decimals: int = Field(ge=0, le=3)
    direction: Direction
    breakdowns: list[Breakdown] = []
    owner: Owner
    caveats: list[str] = []
    baseline_year: int | None = Field(default=None, ge=2000, le=2100)
    levels: list[Level] = ["district", "city"]  # which regions it is shown for
    # The source lists every event it publishes (police events): a region and year with no
    # row had none, so it counts as 0 rather than missing.
    absent_is_zero: bool = False
    comparison: list[str] = []  # municipality codes shown beside the city (level municipality)
    targets: list[Target] = []
    breaks: list[SeriesBreak] = []
    # An indicator shown beside this one on one time axis: reported crime beside the survey's
    # share exposed, so that a rise in reports is not read without the survey.
    beside: str | None = None
    suppression: Suppression = Suppression()


class Measure(BaseModel):
    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_.]+$")
    source: str
    kind: MeasureKind
    title: str
    upload: bool = False
    about_individuals: bool = False
    max: float | None = Field(default=None, gt=0)  # a stricter bound than the kind's
    # Contained in another measure of the same source ("därav"): BRÅ's chapters are parts of
    # 3–7 kap., misshandel a part of 3 kap. Used to split a change without counting twice.
    part_of: str | None = None


class Bounds(BaseModel):
    """The largest plausible values, checked on every load: a value outside refuses the
    file (a count of 1e300 would otherwise break every page that reads it)."""

    model_config = _STRICT
    count: float = Field(default=10_000_000, gt=0)  # crimes, events or people, one cell
    rate: float = Field(default=1_000_000, gt=0)  # per 100 000 inhabitants or per 1 000
    index: float = Field(default=6, gt=0)  # the police's problem index 0–6
    respondents: float = Field(default=1_000_000, gt=0)
    population: float = Field(default=20_000_000, gt=0)


class AgreementArea(BaseModel):
    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    successors: list[str] | None = None  # 2019 areas: the 2024 areas they became
    note: str | None = None
    # What the area's goal cannot be measured by here (unreported crime …): said in the
    # handlingsplan beside the indicators that do measure it.
    unmeasured: str | None = None


class Agreement(BaseModel):
    """An overarching agreement: its decision, signing, period, revision rhythm, the areas it
    names and the agreement it replaces (issue 37: the agreement as data)."""

    model_config = _STRICT
    id: str
    title: str
    decision: str | None = None  # the diary number (KS 2023/740)
    decided_by: str | None = None  # the body that decided it
    decided_on: date | None = None
    signed: str | None = None  # when it was signed, in words, as the sources say it
    signed_on: date | None = None  # the day, where known
    parties: list[str] = Field(default_factory=list)
    valid_from: date
    valid_to: date | None = None
    revision_every_years: int | None = Field(default=None, gt=0)
    replaces: str | None = None  # the older agreement (an id here, or one before them)
    sources: list[str] = Field(default_factory=list)  # where the facts above come from
    areas: list[AgreementArea] = Field(min_length=1)

    def next_revision(self) -> date | None:
        """When the agreement is to be revised: its signing (or, not known, the start of its
        period) plus its rhythm; None without one."""
        if self.revision_every_years is None:
            return None
        start = self.signed_on or self.valid_from
        year = start.year + self.revision_every_years
        return start.replace(year=year, day=min(start.day, 28))


# --- YAML with lines -----------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class YamlFile:
    """A parsed YAML file with the line of every key and item."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        text = path.read_text(encoding="utf-8")
        self.lines: dict[Path_, int] = {}
        # libyaml's loader (PyYAML's C binding): the same safe loading, about ten times faster;
        # one parse gives the lines (the nodes) and the data (built from them, as yaml.load)
        loader = yaml.CSafeLoader(text)
        try:
            node = loader.get_single_node()
            self.data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        if node is not None:
            _walk(node, (), self.lines)

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.name, self.line(path), message)

    def validation_problems(self, error: ValidationError, prefix: Path_ = ()) -> list[Problem]:
        problems = []
        for item in error.errors():
            loc = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
            field = ".".join(str(p) for p in loc) or "(file)"
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "is not a known field (a typing error?)"
            problems.append(self.problem((*prefix, *loc), f"{field}: {message}"))
        return problems


def read_yaml(path: Path, root: Path) -> tuple[YamlFile | None, list[Problem]]:
    try:
        return YamlFile(path, root), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        return None, [Problem(name, line, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
