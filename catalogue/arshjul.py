"""The årshjul's settings (arshjul.yaml): the reports to the beredningsgrupp and the year-end
summary per year (a default and any year of its own), the survey rounds each source is expected
to have, and when reminders go out. Read and checked here; the calendar itself is built by
service/calendar.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from swedish.format import date_text

ARSHJUL_FILE = Path(__file__).resolve().parent / "arshjul.yaml"
# Any leap year: a month and day is checked as a date of it, so 02-29 is one.
_LEAP_YEAR = 2000


class ArshjulError(ValueError):
    """The settings cannot be read, or a value is wrong; the message names the file and place."""


class Report(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=3)
    due: str

    @field_validator("due")
    @classmethod
    def _month_day(cls, value: str) -> str:
        date.fromisoformat(f"{_LEAP_YEAR}-{value}")  # 02-29 is a date
        return value


class YearPlan(BaseModel):
    reports: list[Report]
    year_end: str

    @field_validator("year_end")
    @classmethod
    def _month_day(cls, value: str) -> str:
        date.fromisoformat(f"{_LEAP_YEAR}-{value}")
        return value


class Survey(BaseModel):
    source: str
    every: int = Field(ge=1, le=10)
    since: int = Field(ge=1990, le=2100)
    month: int = Field(ge=1, le=12)
    results_within_days: int = Field(ge=0, le=1000)


class Reminders(BaseModel):
    days_before: int = Field(ge=0, le=90)
    overdue_every_days: int = Field(ge=1, le=90)
    # The overarching agreement's revision (every fourth year) is warned of this long before
    # (a remiss to every committee takes months).
    agreement_revision_days_before: int = Field(default=365, ge=0, le=1000)


class Calendar(BaseModel):
    reminders: Reminders
    default: YearPlan
    years: dict[int, YearPlan] = {}
    surveys: list[Survey] = []

    def plan(self, year: int) -> YearPlan:
        return self.years.get(year, self.default)


def due_day(year: int, month_day: str) -> date:
    """A deadline "MM-DD" in ``year`` (29 February as 28 in a year without it)."""
    month, day = (int(p) for p in month_day.split("-"))
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return date(year, month, day)


def report_key(year: int, report: str, district: str) -> str:
    """The årshjul's key of a district's report of a year (what a mark as done is kept by)."""
    return f"rapport:{year}:{report}:{district}"


def year_end_key(year: int) -> str:
    """The årshjul's key of the year-end summary of a year."""
    return f"årssammanställning:{year}"


def followup_lines(calendar: Calendar, year: int) -> str:
    """The follow-up of a handlingsplan for ``year``: the årshjul's reporting dates and who
    reports, a line each (Swedish; dates as "15 juni 2026")."""
    plan = calendar.plan(year)
    lines = [
        f"{date_text(due_day(year, r.due))}: {r.title} (varje stadsdelsområdes rapportör, "
        "efter den lokala styrgruppen)"
        for r in plan.reports
    ]
    lines.append(
        f"{date_text(due_day(year, plan.year_end))}: årssammanställning med plan för "
        f"{year + 1} (beredningsgruppen)"
    )
    return "\n".join(lines)


def load_arshjul(path: Path = ARSHJUL_FILE) -> Calendar:
    """The calendar's settings; a mistake in the file is named with its place (in Swedish:
    the pages and the reminders show it)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Calendar.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ArshjulError(
            f"Årshjulets inställningar ({path.name}) går inte att läsa: {exc}"
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ArshjulError(
            f"Årshjulets inställningar ({path.name}): {where}: {first['msg']}"
        ) from exc
