"""Meeting packs of what a page shows (Översikt, Mötesläge, Årssammanställning): the same
figures as meeting mode's view model, for the city or a district, every priority area, as PDF
or PowerPoint (report/pack.py). Built when a download button is pressed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from indicators.format import date_text
from report.build import YearEnd
from report.pack import Pack, PackPage, PackRow
from service import session
from service import views as data
from store import queries

AGREEMENTS = {"2024": "Överenskommelsen 2024 (fem prioriterade områden)",
              "2019": "Överenskommelsen 2019 (tio prioriterade områden)"}  # fmt: skip


def _data_version() -> str:
    """The newest batch in force and when it was loaded: what a reader can look up on
    Datastatus."""
    con = session.cursor()
    try:
        batches = [b for b in queries.batches(con) if b.state == "active"]
    finally:
        con.close()
    if not batches:
        return "inga inlästa uppgifter"
    last = max(batches, key=lambda b: b.id)
    return f"sats {last.id}, inläst {str(last.loaded_at)[:16]} (se Datastatus)"


def build(page: str, region_code: str, agreement: str = "2024") -> Pack:
    """The pack of ``page`` ("Översikt", "Mötesläge" or "Årssammanställning") for a region."""
    catalogue = data.catalogue()
    names = {code: name for name, code in data.district_options().items()}
    region = names.get(region_code, region_code)
    pages, years = [], []
    for area, title in catalogue.areas(agreement):
        slide = data.slide(area, region_code, agreement)
        rows = []
        for card in slide.cards:
            definition = card["definition"]
            if card["year"] is None:
                now, before = "–", "–"
            else:
                years.append(int(card["year"]))  # type: ignore[arg-type]
                value = (
                    "skyddat" if card["suppressed"] else data.fmt_value(definition, card["value"])  # type: ignore[arg-type]
                )
                now = f"{value} ({card['period']})"
                earlier = card["previous"]
                before = (
                    "–"
                    if not earlier
                    else (
                        "skyddat"
                        if earlier["suppressed"]  # type: ignore[index]
                        else data.fmt_value(definition, earlier["value"])  # type: ignore[arg-type,index]
                    )
                    + f" ({earlier['period']})"  # type: ignore[index]
                )
            example = bool(card["example"])
            rows.append(
                PackRow(
                    title=str(card["title"]),
                    unit=definition.unit,  # type: ignore[attr-defined]
                    now=now,
                    before=before,
                    change=str(card.get("change_value") or ""),
                    test=str(card.get("change") or ""),
                    status=str(card["label"]),
                    example=example,
                    source="Källa: Exempeldata (påhittade värden)."
                    if example
                    else data.source_line(definition.source),  # type: ignore[attr-defined]
                    series=list(card["series"]),  # type: ignore[call-overload]
                )
            )
        counts = " · ".join(f"{slide.counts[g]} {g}" for g in slide.counts if slide.counts[g])
        pages.append(
            PackPage(
                title=title,
                verdict=f"Indikatorerna visar: {slide.calculated}"
                + (f" ({counts})" if counts else ""),
                judgement="Gruppens bedömning: "
                + (slide.judgement or "området är inte bedömt ännu."),
                rows=rows,
            )
        )
    period = f"senaste värdet per indikator, {min(years)}–{max(years)}" if years else "inga värden"
    facts = [
        ("Överenskommelse", AGREEMENTS.get(agreement, agreement)),
        ("Prioriterade områden", f"alla {len(pages)}, ett per sida"),
        ("Område", region),
        ("Period", period),
        ("Indelning", "dagens stadsdelsområden (äldre uppgifter omräknade)"),
        ("Dataversion", _data_version()),
        ("Skapad", f"{date_text(datetime.now().date())} {datetime.now():%H:%M}"),
    ]
    return Pack(title=f"{page}: {region}", facts=facts, pages=pages)


def from_year_end(summary: YearEnd) -> Pack:
    """The pack of the year-end page: the report year against the year before."""
    pages = []
    for section in summary.sections:
        rows = [
            PackRow(
                title=line.title,
                unit=line.unit,
                now=f"{line.value} ({summary.year})",
                before=f"{line.previous} ({summary.year - 1})",
                change="",
                test=line.change,
                status=line.status,
                example=line.example,
                source="Källa: Exempeldata (påhittade värden)." if line.example else line.source,
                series=line.series,
            )
            for line in section.lines
        ]
        pages.append(
            PackPage(
                title=section.title,
                verdict=f"Indikatorerna visar: {section.calculated}",
                judgement=f"Gruppens bedömning {summary.year}: "
                + (
                    f"{section.judgement}. {section.justification}".strip()
                    if section.judgement
                    else "ej bedömt."
                ),
                rows=rows,
            )
        )
    facts = [
        ("Överenskommelse", AGREEMENTS.get(summary.agreement, summary.agreement)),
        ("Prioriterade områden", f"alla {len(pages)}, ett per sida"),
        ("Område", summary.region_name),
        ("Period", f"{summary.year}, jämfört med {summary.year - 1}"),
        ("Indelning", "dagens stadsdelsområden (äldre uppgifter omräknade)"),
        ("Dataversion", _data_version()),
        ("Skapad", f"{date_text(datetime.now().date())} {datetime.now():%H:%M}"),
    ]
    if summary.as_of:
        facts.append(("Visar", summary.as_of))
    return Pack(title=f"Årssammanställning {summary.year}: {summary.region_name}",
                facts=facts, pages=pages)  # fmt: skip


def year_end_downloads(summary: YearEnd) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    from report import pack

    return (
        lambda: pack.render_pdf(from_year_end(summary)),
        lambda: pack.render_pptx(from_year_end(summary)),
    )


def downloads(
    page: str, region_code: str, agreement: str = "2024"
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """PDF and PowerPoint of a page's pack, each built when its button is pressed."""
    from report import pack

    return (
        lambda: pack.render_pdf(build(page, region_code, agreement)),
        lambda: pack.render_pptx(build(page, region_code, agreement)),
    )
