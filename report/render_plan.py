"""The handlingsplan as a Word document (issue 37): the overarching agreement's facts, then per
priority area the goal, how it is measured (its indicators, and what cannot be measured),
the responsible parties, the commitments (actions) and the follow-up dates. Built from a
``PlanDocument`` the service prepares; the house style of the year-end document."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from report.render_docx import ORGANISATION, _a4, _after_table, _field, _styles, _table
from swedish.format import date_text


@dataclass
class PlanArea:
    title: str
    goal: str
    measured: list[str]  # the indicators, "title (unit; source)"
    unmeasured: str
    responsible: str
    commitments: list[list[str]]  # action, district, owner, status, period
    followup: list[str]


@dataclass
class PlanDocument:
    year: int
    title: str
    state: str  # "fastställd, version 3 (…)" or "utkast …"
    facts: list[tuple[str, str]]
    areas: list[PlanArea] = field(default_factory=list)
    example: bool = False


def render(plan: PlanDocument, author: str | None = None, today: date | None = None) -> bytes:
    today = today or date.today()
    document = Document()
    _a4(document)
    _styles(document)
    properties = document.core_properties
    properties.title = plan.title
    properties.subject = (
        "Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm"
    )
    properties.author = properties.last_modified_by = author or ORGANISATION
    properties.language = "sv-SE"
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{plan.title} · {date_text(today)} · Sida "
    _field(footer, "PAGE", "1")
    heading = document.add_paragraph(plan.title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(
        f"Handlingsplan till den övergripande samverkansöverenskommelsen för {plan.year}: per "
        "prioriterat område målet, hur det mäts (och vad som inte kan mätas), vilka som "
        "ansvarar, åtagandena och uppföljningen. Upprättad "
        f"{date_text(today)} av {author or ORGANISATION}."
    )
    document.add_paragraph().add_run(f"Status: {plan.state}.").bold = True
    if plan.example:
        document.add_paragraph().add_run(
            "Exempeldata: planens mål och ansvariga är påhittade för demonstration."
        ).bold = True
    document.add_heading("1 Överenskommelsen", level=1)
    _table(document, ["Uppgift", "Värde"], [list(f) for f in plan.facts], [4.0, 12.6])
    for number, area in enumerate(plan.areas, start=2):
        document.add_heading(f"{number} {area.title}", level=1)
        document.add_heading("Mål", level=2)
        document.add_paragraph(area.goal or "Inget mål skrivet ännu.")
        document.add_heading("Så mäts målet", level=2)
        for measured in area.measured or ["Inga indikatorer valda."]:
            document.add_paragraph(measured, style="List Bullet")
        document.add_paragraph().add_run("Det som inte kan mätas: ").bold = True
        document.paragraphs[-1].add_run(area.unmeasured or "–")
        document.add_heading("Ansvariga", level=2)
        document.add_paragraph(area.responsible or "–")
        document.add_heading("Åtaganden (åtgärder)", level=2)
        if area.commitments:
            _table(
                document,
                ["Åtgärd", "Område", "Ansvarig", "Status", "Period"],
                area.commitments,
                [5.6, 3.0, 2.2, 2.2, 3.6],
            )
            _after_table(document, "")
        else:
            document.add_paragraph(f"Inga åtgärder registrerade för området {plan.year}.")
        document.add_heading("Uppföljning", level=2)
        for line in area.followup or ["–"]:
            document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
