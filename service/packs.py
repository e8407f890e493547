"""Meeting packs of what a page shows, as PDF or PowerPoint (report/pack.py), built when a
download button is pressed: Översikt, Stadsdelsområde and Mötesläge (every priority area for
the city or a district, the figures of meeting mode's view model), Årssammanställning (the
report year), Indikator (the latest year per district and the trends), Jämför (the table
shown) and Anmälda brott (the chart and the yearly table shown). Each starts with a title page
naming agreement, area, district, period, boundaries and data version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT
from catalogue.model import Definition
from indicators.summaries import NOT_RANKED, rank_text, rankable, ranking
from report.build import YearEnd
from report.pack import EXAMPLE, Pack, PackChart, PackPage, PackRow, table_pages
from service import followup, indicator_values, local, local_coverage, overview, session
from store import loading
from swedish.format import date_text

TODAY = "dagens stadsdelsområden (äldre uppgifter omräknade)"
EXAMPLE_SOURCE = "Källa: Exempeldata (påhittade värden)."


def facts(
    areas: str, region: str, period: str, boundaries: str = TODAY,
    extra: list[tuple[str, str]] | None = None, *, agreement: str = CURRENT_AGREEMENT,
) -> list[tuple[str, str]]:  # fmt: skip
    """The title page's facts, in the same order in every pack."""
    now = datetime.now()
    return [
        ("Överenskommelse", indicator_values.catalogue().agreement_label(agreement)),
        ("Prioriterade områden", areas),
        ("Område", region),
        ("Period", period),
        ("Indelning", boundaries),
        *(extra or []),
        ("Dataversion", _data_version()),
        ("Skapad", f"{date_text(now.date())} {now:%H:%M}"),
    ]


def _data_version() -> str:
    """The newest batch in force and when it was loaded: what a reader can look up on
    Datastatus."""
    con = session.cursor()
    try:
        batches = [b for b in loading.batches(con) if b.state == "active"]
    finally:
        con.close()
    if not batches:
        return "inga inlästa uppgifter"
    last = max(batches, key=lambda b: b.id)
    return f"sats {last.id}, inläst {str(last.loaded_at)[:16]} (se Datastatus)"


def build(page: str, region_code: str, agreement: str = CURRENT_AGREEMENT) -> Pack:
    """The pack of ``page`` ("Översikt", "Mötesläge" or "Årssammanställning") for a region."""
    catalogue = indicator_values.catalogue()
    names = {code: name for name, code in indicator_values.district_options().items()}
    region = names.get(region_code, region_code)
    pages, years = [], []
    for area, title in catalogue.areas(agreement):
        slide = overview.slide(area, region_code, agreement)
        rows = []
        for card in slide.cards:
            definition = card["definition"]
            if card["year"] is None:
                now, before = "–", "–"
            else:
                years.append(int(card["year"]))  # type: ignore[arg-type]
                value = (
                    "skyddat"
                    if card["suppressed"]
                    else indicator_values.fmt_value(definition, card["value"])  # type: ignore[arg-type]
                )
                now = f"{value} ({card['period']})"
                before = str(card["reference_text"]) or "–"
            example = bool(card["example"])
            rows.append(
                PackRow(
                    title=str(card["title"]),
                    unit=definition.unit,  # type: ignore[attr-defined]
                    now=now,
                    before=before,
                    change=str(card.get("change_value") or ""),
                    test=str(card.get("change") or ""),
                    status=str(card["verdict"]),
                    example=example,
                    source=EXAMPLE_SOURCE
                    if example
                    else indicator_values.source_line(definition.source),  # type: ignore[attr-defined]
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
                notes=_events_of([str(c["indicator"]) for c in slide.cards], region_code),
            )
        )
    period = f"senaste värdet per indikator, {min(years)}–{max(years)}" if years else "inga värden"
    title_facts = facts(f"alla {len(pages)}, ett per sida", region, period, agreement=agreement)
    pages += _local_pages(region_code, region)
    return Pack(title=f"{page}: {region}", facts=title_facts, pages=pages)


def _local_pages(region_code: str, region: str) -> list[PackPage]:
    """The local level: the city's coverage matrix and the revisions due, or the district's
    local agreement (a row per local area)."""
    agreements = local.local_agreements()
    actions = followup.action_register()
    if region_code == indicator_values.CITY:
        districts = {
            n: c
            for n, c in indicator_values.district_options().items()
            if c != indicator_values.CITY
        }
        frame = local_coverage.coverage_rows(agreements, actions, districts)
        due = local_coverage.revisions_due(
            agreements,
            date(date.today().year + 1, 12, 31),
            districts,
        )
        notes = [
            "Ska revideras: "
            + "; ".join(
                f"{n} ({'ingen överenskommelse' if d is None else date_text(d)})" for n, d in due
            )
        ] if due else []  # fmt: skip
        return table_pages(
            "Täckning: lokala områden och åtgärder per stadsövergripande område",
            [str(c) for c in frame.columns],
            frame.astype(str).values.tolist(),
            [1.3, 1.5] + [1.0] * (len(frame.columns) - 3) + [2.0],
            per_page=11,
            example=any(a.is_example for a in agreements.values()),
            notes=notes,
        )
    agreement = agreements.get(region_code)
    if agreement is None:
        return []
    wide = local.city_areas()
    by_area = local_coverage.actions_by_local_area(actions, region_code)
    titles = {i: d.title for i, d in indicator_values.catalogue().definitions.items()}
    rows = [
        [
            area.title,
            "; ".join(wide.get(a, a) for a in area.city_areas) or "endast lokalt",
            "; ".join(titles.get(i, i) for i in area.indicators) or "–",
            "; ".join(
                f"{t} ({s})"
                for t, s in zip(
                    by_area[area.key]["title"],
                    by_area[area.key]["status"],
                    strict=True,
                )
            )
            if area.key in by_area
            else "–",
        ]
        for area in agreement.areas
    ]
    return table_pages(
        f"Lokal överenskommelse: {region}",
        ["Lokalt prioriterat område", "Tjänar", "Indikatorer", "Åtgärder"],
        rows,
        [1.6, 1.4, 1.6, 1.8],
        example=bool(agreement.is_example),
        notes=[f"{agreement.title}; revideras senast {date_text(agreement.revision_date)}."],
    )


def from_year_end(summary: YearEnd) -> Pack:
    """The pack of the year-end page: the report year against the year before."""
    pages = []
    for section in summary.sections:
        rows = [
            PackRow(
                title=line.title,
                unit=line.unit,
                now=f"{line.value} ({line.period or summary.year})",
                before=line.previous,  # with its period: "51 (basåret 2023)", or "–"
                change=line.change_shown,
                test=line.test,
                status=line.status,
                example=line.example,
                source=EXAMPLE_SOURCE if line.example else line.source,
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
                notes=[f"Händelser {summary.year}: " + "; ".join(section.events)]
                if section.events
                else [],
            )
        )
    title_facts = facts(
        f"alla {len(pages)}, ett per sida",
        summary.region_name,
        f"{summary.year} (varje rad anger vad den jämförs med)",
        agreement=summary.agreement,
    )
    if summary.as_of:
        title_facts.append(("Visar", summary.as_of))
    if summary.reports is not None:
        part = summary.reports
        pages += table_pages(
            part.heading,
            part.header,
            part.rows,
            [1.4, *([2.0] * (len(part.header) - 1))],
            per_page=12,
            notes=[n for n in (part.preliminary, *part.facts) if n],
        )
    if summary.plan is not None:
        pages += table_pages(
            summary.plan.heading,
            summary.plan.header or ["Plan"],
            summary.plan.rows,
            [1.1, 1.8, 1.8, 1.5, 1.3] if summary.plan.rows else [1.0],
            per_page=3,
            notes=[summary.plan.state],
        )
    if summary.local is not None and summary.local.coverage_rows:
        pages += table_pages(
            summary.local.heading,
            summary.local.coverage_header,
            summary.local.coverage_rows,
            [1.3, 1.5] + [1.0] * (len(summary.local.coverage_header) - 2),
            per_page=11,
            notes=[*summary.local.facts[1:], *summary.local.revisions],
        )
    elif summary.local is not None and summary.local.areas:
        pages += table_pages(
            f"{summary.local.heading}: {summary.region_name}",
            ["Lokalt prioriterat område", "Tjänar", "Indikatorer", "Åtgärder"],
            [
                [a.title, a.serves, "; ".join(r[0] for r in a.rows) or "–",
                 "; ".join(a.actions) or "–"]
                for a in summary.local.areas
            ],
            [1.6, 1.6, 1.6, 1.6],
            notes=summary.local.facts[:1],
        )  # fmt: skip
    return Pack(title=f"Årssammanställning {summary.year}: {summary.region_name}",
                facts=title_facts, pages=pages)  # fmt: skip


def _events_of(indicators: list[str], region_code: str) -> list[str]:
    """The events and series breaks that concern these indicators in the region, once each,
    as one note ("Händelser: …")."""
    from service import events

    texts: list[str] = []
    for indicator in indicators:
        for marker in events.markers(indicator, region_code):
            if marker.text not in texts:
                texts.append(marker.text)
    return ["Händelser: " + "; ".join(texts)] if texts else []


def _points(rows: pd.DataFrame) -> list[tuple[float, float | None, float | None, float | None]]:
    def value(v: object) -> float | None:
        return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]

    return [
        (float(y), value(v), value(lo), value(hi))
        for y, v, lo, hi in zip(rows["year"], rows["value"], rows["lower"], rows["upper"],
                                strict=True)
    ]  # fmt: skip


def indicator(indicator_id: str, boundaries: str = "today") -> Pack:
    """The Indikator page's pack: the latest year per district (value, interval, rank range,
    status) and the trend of every district and the city, each with its 95 % interval."""
    catalogue = indicator_values.catalogue()
    definition = catalogue.definitions[indicator_id]
    frame = indicator_values.values(indicator_id, boundaries)
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    districts = totals[totals["region_kind"] == "district"]
    example = (
        bool(totals["example"].fillna(False).astype(bool).any()) if "example" in totals else False
    )
    source = EXAMPLE_SOURCE if example else indicator_values.source_line(definition.source)
    pages: list[PackPage] = []
    years = sorted(int(y) for y in totals["year"].unique())
    if not districts.empty:
        pages += _latest_pages(definition, frame, totals, districts, example)
        pages.append(_trend_page(indicator_id, definition, totals, districts, source, example))
    areas = ", ".join(catalogue.area_title(a) for a in definition.areas)
    period = f"{years[0]}–{years[-1]}" if years else "inga värden"
    title_facts = facts(
        areas, "alla stadsdelsområden och hela staden", period,
        TODAY if boundaries == "today" else "stadsdelsområdena som de var varje år",
        [("Indikator", f"{definition.title} ({definition.unit})"),
         ("Källa", source.removeprefix("Källa: "))],
    )  # fmt: skip
    return Pack(title=f"Indikator: {definition.title}", facts=title_facts, pages=pages)


def _latest_pages(
    definition: Definition,
    frame: pd.DataFrame,
    totals: pd.DataFrame,
    districts: pd.DataFrame,
    example: bool,
) -> list[PackPage]:
    """The latest year per district, ranked districts first (best first), then the rest by
    name, then the city."""
    shown = districts[districts["value"].notna()]
    year = int((shown if not shown.empty else districts)["year"].max())
    ranked = ranking(definition, frame, year)  # rates and shares only
    ranks = {
        str(code): rank_text(row, len(ranked))
        for code, (_, row) in zip(ranked["region_code"], ranked.iterrows(), strict=True)
    }
    unranked = "rangordnas inte (antal)" if not rankable(definition) else ""
    latest = totals[totals["year"] == year]
    city = indicator_values.CITY
    order = [*ranked["region_code"].astype(str)]
    order += sorted(
        (c for c in latest["region_code"].astype(str) if c not in order and c != city),
        key=lambda c: str(latest.loc[latest["region_code"] == c, "region_name"].iloc[0]),
    )
    order += [city] if (latest["region_code"] == city).any() else []
    table = []
    for code in order:
        row = latest[latest["region_code"] == code].iloc[0]
        table.append([
            str(row["region_name"]),
            "skyddat"
            if row["suppressed"]
            else indicator_values.fmt_value(definition, row["value"]),
            ""
            if row["suppressed"]
            else indicator_values.fmt_interval(definition, row["lower"], row["upper"]),
            ranks.get(code, unranked if code != city else ""),
            str(row["status_text"]),
        ])  # fmt: skip
    notes = [
        "Placering: bäst först; inom parentes de placeringar som intervallen tillåter."
        if rankable(definition)
        else NOT_RANKED
    ]
    if example:
        notes.append(EXAMPLE)
    return table_pages(
        f"{definition.title} {year}, per stadsdelsområde",
        ["Område", definition.unit, "Osäkerhet (95 %)", "Placering", "Utveckling"],
        table,
        [0.17, 0.1, 0.13, 0.12, 0.48],
        per_page=13,
        example=example,
        notes=notes,
    )


def _trend_page(
    indicator_id: str,
    definition: Definition,
    totals: pd.DataFrame,
    districts: pd.DataFrame,
    source: str,
    example: bool,
) -> PackPage:
    """Every district's trend, and the city's where it shares the scale (not for counts)."""
    charts = [
        PackChart(
            title=str(name),
            unit=definition.unit,
            lines=[(str(name), _points(part.sort_values("year")))],
            source=source,
            example=example,
        )
        for name, part in districts.groupby("region_name", sort=True)
    ]
    city = totals[totals["region_code"] == indicator_values.CITY]
    if not city.empty and definition.type != "count":
        charts.append(PackChart("Hela staden", definition.unit,
                                [("Hela staden", _points(city.sort_values("year")))], source,
                                example))  # fmt: skip
    return PackPage(
        title=f"{definition.title}: utvecklingen per stadsdelsområde",
        charts=charts,
        notes=[
            "Linjen är värdet per år, bandet dess 95 % osäkerhetsintervall; ett år "
            "som saknas är skyddat eller har inget värde.",
            *_events_of([indicator_id], indicator_values.CITY),
        ],
    )


def table(
    title: str,
    frame: pd.DataFrame,
    widths: list[float],
    facts: list[tuple[str, str]],
    notes: list[str] | None = None,
) -> Pack:
    """A page's table as shown (Jämför): its columns and cells as text, over as many pages as
    it needs; rows marked Exempeldata make the pack say so."""
    example = "Exempeldata" in frame and bool((frame["Exempeldata"] == "ja").any())
    cells = [[("" if pd.isna(v) else str(v)) for v in row] for row in frame.itertuples(index=False)]
    pages = table_pages(title, [str(c) for c in frame.columns], cells, widths, example=example,
                        notes=notes)  # fmt: skip
    return Pack(title=title, facts=facts, pages=pages)


def crime(
    series: pd.DataFrame,
    shown: pd.DataFrame,
    title: str,
    unit: str,
    granularity: str,
    facts: list[tuple[str, str]],
    notes: list[str],
    source: str,
) -> Pack:
    """Anmälda brott's pack: the chart of the chosen areas and, per year, the table shown
    (a monthly table is too long for a meeting: it is in the Excel download)."""
    lines = []
    for name, part in series.groupby("region_name", sort=True):
        part = part.sort_values(["year", "month"] if granularity == "month" else ["year"])
        x = part["year"].astype(float)
        if granularity == "month":
            x = x + (part["month"].astype(float) - 1) / 12
        lines.append((str(name), [
            (float(a), None if pd.isna(v) else float(v), None, None)
            for a, v in zip(x, part["value"], strict=True)
        ]))  # fmt: skip
    pages = [PackPage(title=title, charts=[PackChart(title, unit, lines, source)], notes=notes)]
    if granularity == "year":
        pages += table_pages(
            f"{title}: siffrorna",
            [str(c) for c in shown.columns],
            [[("" if pd.isna(v) else str(v)) for v in r] for r in shown.itertuples(index=False)],
            [1 / len(shown.columns)] * len(shown.columns),
            per_page=22,
        )
    else:
        pages[0].notes = [*notes, "Tabellen per månad finns i Excel-nedladdningen på sidan."]
    return Pack(title=title, facts=facts, pages=pages)


def files(make: Callable[[], Pack]) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """PDF and PowerPoint of the pack ``make`` builds, each built when its button is pressed."""
    from report import pack

    return lambda: pack.render_pdf(make()), lambda: pack.render_pptx(make())
