"""What reading a survey sheet gives: typed rows, and findings (every problem with its sheet, cell,
the value found and what was expected), listed up to a limit and counted beyond it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SEX = {
    "alla": "total",
    "totalt": "total",
    "total": "total",
    "t": "total",
    "båda": "total",
    "kvinnor": "female",
    "kvinna": "female",
    "k": "female",
    "flickor": "female",
    "män": "male",
    "man": "male",
    "m": "male",
    "pojkar": "male",
}


SEX_NAMES = {"total": "Alla", "female": "Kvinnor", "male": "Män"}


MAX_CELL_CHARS = 2000  # a comment, not a document


EXAMPLE_MARK = "exempelrad"


@dataclass(frozen=True)
class Finding:
    """A problem (level 'fel' blocks the upload) or a warning ('varning' does not)."""

    level: str
    sheet: str
    cell: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        found = f" (värde: {self.value})" if self.value else ""
        return f"{self.level}: {where}{found}: {self.message}"


@dataclass
class SurveyRow:
    line: int  # 1-based row in the sheet
    region_code: str
    region_name: str
    year: int
    measure: str
    sex: str
    age_group: str
    value: float
    respondents: float | None
    comment: str
    field_from: date | None = None  # the survey round's field period, when given
    field_to: date | None = None


MAX_FINDINGS = 1000  # listed; the rest are counted


@dataclass
class SurveyTable:
    sheet: str
    rows: list[SurveyRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error_count: int = 0  # every error, listed or not
    unlisted: int = 0  # findings beyond MAX_FINDINGS

    def add(self, finding: Finding) -> None:
        """Record a finding in constant time; beyond MAX_FINDINGS only count it."""
        if finding.level == "fel":
            self.error_count += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)
        else:
            self.unlisted += 1

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "fel"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "varning"]
