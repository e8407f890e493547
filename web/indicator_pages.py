"""Indicator pages (issue 38): ``/indikatorer`` lists the indicators and ``/indikatorer/{id}``
shows one on a page that stands on its own (service.indicator_sheet): plain HTML from this
server, no script, no request to another host, printable (A4 landscape, the menu left out),
with the same sign-in rule as the open data (web/gate.py): a signed-in user sees every
indicator, anyone else only when open data is on and only those of published sources."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from service import indicator_sheet, open_data, session
from web import pages
from web.api import is_public

PREFIX = "/indikatorer"

STYLE = """
body { font-family: "Source Sans Pro", "Segoe UI", Arial, sans-serif; color: #1f2430;
       margin: 0; background: #fff; line-height: 1.45; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1rem; }
nav a { color: #0b5cad; margin-right: 1.2rem; }
h1 { font-size: 1.9rem; margin: 0.8rem 0 0.3rem; }
h2 { font-size: 1.3rem; margin-top: 1.8rem; border-bottom: 1px solid #d5d8de; }
a { color: #0b5cad; }
a:focus, a:hover { outline: 2px solid #0b5cad; outline-offset: 2px; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #c9cdd4; padding: 0.3rem 0.5rem; vertical-align: top; }
th { background: #f1f3f6; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
td .interval { display: block; }
.interval, .small { color: #4d5360; font-size: 0.85rem; }
td .small { display: block; white-space: normal; max-width: 9rem; margin-left: auto; }
.example { background: #fff4e0; color: #6b4300; padding: 0.6rem 1rem; border-radius: 0.3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.2rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.scroll { overflow-x: auto; }
@page { size: A4 landscape; margin: 12mm; }
caption, h2 { break-after: avoid; }
@media print {
  nav, .noprint { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  .interval, .small { font-size: 7.5pt; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – {escape(pages.TITLE)}</title><style>{STYLE}</style></head>"
        '<body><header><nav aria-label="Sidor">'
        f'<a href="{PREFIX}">Alla indikatorer</a><a href="/">Till uppföljningen</a>'
        f"</nav></header><main>{body}</main>"
        f'<footer><p class="small">{escape(pages.TITLE)}.</p></footer></body></html>'
    )


def _answer(request: Request, html: str, status: int = 200) -> Response:
    cache = "public, max-age=300" if is_public(request) else "private, no-cache"
    return HTMLResponse(html, status_code=status, headers={"cache-control": cache,
                                                           "content-language": "sv"})  # fmt: skip


def list_page(request: Request) -> Response:
    con = session.cursor()
    try:
        listed = indicator_sheet.listing(con, is_public(request))
    finally:
        con.close()
    by_area: dict[str, list[dict[str, object]]] = {}
    for item in listed:
        for area in item["områden"]:  # type: ignore[attr-defined]
            by_area.setdefault(str(area["titel"]), []).append(item)
    parts = [
        "<h1>Indikatorer</h1>",
        "<p>Indikatorerna som följer upp samverkansöverenskommelsen mellan Stockholms stad och "
        "Polisregion Stockholm, per prioriterat område. Varje indikator har en egen sida att "
        "länka till och skriva ut; siffrorna finns också som öppna data "
        f'(<a href="{open_data.PREFIX}/indicators">{open_data.PREFIX}/indicators</a>).</p>',
    ]
    if is_public(request):
        parts.append(
            '<p class="small">Här visas bara indikatorer från källor som ägaren själv '
            "publicerar. Logga in för att se alla.</p>"
        )
    for area, items in by_area.items():
        parts.append(f"<h2>{escape(area)}</h2><ul>")
        parts += [
            f'<li><a href="{PREFIX}/{escape(str(i["id"]))}">{escape(str(i["titel"]))}</a> '
            f'<span class="small">({escape(str(i["enhet"]))}; '
            f"{escape(str(i['källa']['utgivare'] or i['källa']['titel']))})</span></li>"  # type: ignore[index]
            for i in items
        ]
        parts.append("</ul>")
    return _answer(request, _page("Indikatorer", "".join(parts)))


def indicator_page(request: Request) -> Response:
    indicator_id = request.path_params["indicator"]
    con = session.cursor()
    try:
        sheet = indicator_sheet.sheet(con, indicator_id, is_public(request))
    except open_data.NotFound as exc:
        return _answer(request, _page("Indikatorn finns inte", f"<p>{escape(str(exc))}</p>"), 404)
    finally:
        con.close()
    return _answer(request, _page(sheet.title, _sheet_html(sheet)))


def _sheet_html(sheet: indicator_sheet.Sheet) -> str:
    e = escape
    source = sheet.source
    parts = [f"<h1>{e(sheet.title)}</h1>", f"<p>{e(sheet.definition)}</p>"]
    if sheet.example:
        parts.append(
            '<p class="example" role="note">Exempeldata: en del värden på sidan är påhittade '
            "för demonstration, inte verkliga resultat.</p>"
        )
    parts.append("<h2>Varför indikatorn finns</h2>")
    for title, unmeasured in sheet.areas:
        parts.append(
            f"<p>Den följer upp det prioriterade området <strong>{e(title)}</strong> i "
            f"{e(sheet.agreement[:1].lower() + sheet.agreement[1:])}."
            + (f" Det som området inte kan mätas med här: {e(unmeasured)}" if unmeasured else "")
            + "</p>"
        )
    link = (
        f'<a href="{e(str(source["adress"]))}">{e(str(source["adress"]))}</a>'
        if source.get("adress")
        else "–"
    )
    parts += [
        "<h2>Om indikatorn</h2><dl>",
        f"<dt>Enhet</dt><dd>{e(sheet.unit)}</dd>",
        f"<dt>Riktning</dt><dd>{e(sheet.direction)}</dd>",
        f"<dt>Källa</dt><dd>{e(str(source.get('hänvisning') or source.get('titel')))}</dd>",
        f"<dt>Utgivare</dt><dd>{e(str(source.get('utgivare') or '–'))}</dd>",
        f"<dt>Kommer</dt><dd>{e(str(source.get('rytm') or '–'))}</dd>",
        f"<dt>Licens</dt><dd>{e(str(source.get('licens') or '–'))}</dd>",
        f"<dt>Källans adress</dt><dd>{link}</dd>",
        f"<dt>Små tal</dt><dd>{e(sheet.disclosure)}</dd>",
        f'<dt>Öppna data</dt><dd><a href="{open_data.PREFIX}/indicators/{e(sheet.id)}/values'
        f'?format=csv">värdena som CSV</a></dd>',
        "</dl>",
    ]
    parts.append("<h2>Senaste läget</h2>")
    if sheet.latest:
        parts.append(
            '<div class="scroll"><table><caption>Senaste värdet per område, med 95 % '
            "osäkerhetsintervall och vad det jämförs med</caption><thead><tr>"
            '<th scope="col">Område</th><th scope="col">Period</th><th scope="col">Värde</th>'
            '<th scope="col">Intervall</th><th scope="col">Jämfört med</th>'
            '<th scope="col">Förändring</th><th scope="col">Bedömning</th></tr></thead><tbody>'
        )
        for row in sheet.latest:
            test = row["prövning"]
            repeated = not test or row["bedömning"].lower() in test.lower()
            verdict = row["bedömning"] + ("" if repeated else f" ({test})")
            parts.append(
                f'<tr><th scope="row">{e(row["område"])}</th><td>{e(row["period"])}</td>'
                f'<td class="num">{e(row["värde"])}</td><td class="num">{e(row["intervall"])}</td>'
                f"<td>{e(row['jämfört med'])}</td><td>{e(row['förändring'])}</td>"
                f"<td>{e(verdict)}</td></tr>"
            )
        parts.append("</tbody></table></div>")
        without = [region for region, cells in sheet.series if region not in
                   {row["område"] for row in sheet.latest}]  # fmt: skip
        if without:
            parts.append(
                f'<p class="small">Utan något värde (se serien nedan): {e(", ".join(without))}.</p>'
            )
    else:
        parts.append("<p>Indikatorn har inga värden ännu.</p>")
    parts.append("<h2>Serien</h2>")
    if sheet.years:
        earlier = (
            f" De {sheet.earlier_years} tidigare åren finns i öppna data."
            if sheet.earlier_years
            else ""
        )
        parts.append(
            f"<p>{e(sheet.unit[:1].upper() + sheet.unit[1:])} per år, för hela staden och "
            "varje stadsdelsområde (dagens indelning), med 95 % osäkerhetsintervall under "
            f"värdet där det kan beräknas.{e(earlier)}</p>"
            '<div class="scroll"><table><caption>'
            f"{e(sheet.title)}, {sheet.years[0]}–{sheet.years[-1]}</caption><thead><tr>"
            '<th scope="col">Område</th>'
            + "".join(f'<th scope="col">{y}</th>' for y in sheet.years)
            + "</tr></thead><tbody>"
        )
        for region, cells in sheet.series:
            parts.append(f'<tr><th scope="row">{e(region)}</th>')
            for value, interval, note in cells:
                extra = "".join(
                    f'<span class="{cls}">{e(text)}</span>'
                    for cls, text in (("interval", interval), ("small", note))
                    if text
                )
                parts.append(f'<td class="num">{e(value)}{extra}</td>')
            parts.append("</tr>")
        parts.append("</tbody></table></div>")
        parts += [f'<p class="small">{e(n)}</p>' for n in sheet.notes]
    parts.append("<h2>Förbehåll och brott i serien</h2>")
    said = [*sheet.caveats, *(f"Brott i serien {b}" for b in sheet.breaks)]
    parts.append(
        "<ul>" + "".join(f"<li>{e(c)}</li>" for c in said) + "</ul>"
        if said
        else "<p>Inga kända förbehåll eller brott i serien.</p>"
    )
    return "".join(parts)


def routes() -> list[Route]:
    return [
        Route(PREFIX, list_page),
        Route(PREFIX + "/{indicator}", indicator_page),
    ]
