"""The open data's routes (issue 38), served by the app's own server beside the pages:

- ``GET /api/v1/indicators``: every indicator with its metadata;
- ``GET /api/v1/indicators/{id}``: one;
- ``GET /api/v1/indicators/{id}/values?region=Järva&boundaries=current|historical``: its
  values per region, year and breakdown with intervals, periods, verdicts and the reasons for
  missing values (the columns of ``python -m indicators values``);
- ``GET /api/v1/reports?year=2026``: the districts' reports the beredningsgrupp approved;
- ``GET /api/v1/plans/{year}``: the handlingsplan, once adopted;
- ``GET /api/v1/openapi.json``: the OpenAPI description.

JSON by default, CSV with ``?format=csv`` (or ``Accept: text/csv``). Read-only; an ETag per
answer (the store's data version, the catalogue and the request) answered 304 when unchanged,
``Cache-Control`` public for open data and private otherwise; at most
``DASHBOARD_API_PER_MINUTE`` requests a minute per client (429 with Retry-After). The gate
(web/gate.py) lets a request through without sign-in only when open data is on; then only
published sources are served (service.open_data)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service import accounts, open_data, session
from service.analysis import UnknownRegionError

PREFIX = open_data.PREFIX
BOUNDARIES = {"current": "today", "historical": "time"}


def _client(request: Request) -> str:
    client = request.client.host if request.client else None
    return accounts.throttle_key(client, dict(request.headers))


def is_public(request: Request) -> bool:
    """Whether the request is served as open data (no sign-in): only published sources (the
    front gate marks a signed-in request, web/gate.SIGNED_IN)."""
    return not bool(request.scope.get("samverkan_signed_in"))


def _wants_csv(request: Request) -> bool:
    asked = request.query_params.get("format", "").lower()
    if asked:
        return asked == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"fel": message}, status_code=status, headers={"cache-control": "no-store"})


def _answer(request: Request, key: tuple[object, ...], make) -> Response:  # type: ignore[no-untyped-def]
    """Throttled, validated by its ETag, built by ``make(con, public)`` → (json, csv|None)."""
    wait = open_data.wait(_client(request))
    if wait:
        response = _error(429, "För många förfrågningar; försök igen om en stund.")
        response.headers["retry-after"] = str(int(wait) + 1)
        return response
    public = is_public(request)
    csv_wanted = _wants_csv(request)
    con = session.cursor()
    try:
        tag = open_data.etag(con, public, csv_wanted, request.url.path, *key)
        cache = "public, max-age=300" if public else "private, max-age=60"
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers={"etag": tag, "cache-control": cache})
        try:
            data, table = make(con, public)
        except open_data.NotFound as exc:
            return _error(404, str(exc))
        except UnknownRegionError as exc:
            return _error(400, f"Okänt område: {exc}")
    finally:
        con.close()
    headers = {"etag": tag, "cache-control": cache, "content-language": "sv"}
    if csv_wanted and table is not None:
        return Response(table, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(
        json.dumps(data, ensure_ascii=False, default=str),
        media_type="application/json; charset=utf-8",
        headers=headers,
    )


def list_indicators(request: Request) -> Response:
    def make(con, public):  # type: ignore[no-untyped-def]
        listed = open_data.indicators(con, public)
        rows = [
            [i["id"], i["titel"], i["enhet"], i["källa"]["id"], i["röjandeskydd"]]  # type: ignore[index]
            for i in listed
        ]
        table = "id,titel,enhet,källa,röjandeskydd\n" + "".join(
            ",".join(_csv_cell(c) for c in row) + "\n" for row in rows
        )
        return {"version": open_data.VERSION, "indikatorer": listed}, table

    return _answer(request, (), make)


def one_indicator(request: Request) -> Response:
    indicator_id = request.path_params["indicator"]
    return _answer(
        request,
        (indicator_id,),
        lambda con, public: (
            {
                **open_data.indicator(con, indicator_id, public),
                "täckning": open_data.coverage(open_data.served_values(con, indicator_id)[0]),
            },
            None,
        ),
    )


def indicator_values(request: Request) -> Response:
    indicator_id = request.path_params["indicator"]
    region = request.query_params.get("region") or None
    boundaries = BOUNDARIES.get(request.query_params.get("boundaries", "current"))
    if boundaries is None:
        return _error(400, "boundaries ska vara current eller historical.")

    def make(con, public):  # type: ignore[no-untyped-def]
        frame, example = open_data.values(con, indicator_id, public, region, boundaries)
        said = {"indikator": indicator_id, "område": region, "exempeldata": example}
        if example:
            said["anmärkning"] = "Exempeldata: en del värden är påhittade för demonstration."
        return {**said, "värden": open_data.as_records(frame)}, open_data.as_csv(frame)

    return _answer(request, (indicator_id, region, boundaries), make)


def approved_reports(request: Request) -> Response:
    try:
        year = int(request.query_params.get("year", ""))
    except ValueError:
        return _error(400, "year ska vara ett år, t.ex. year=2026.")
    return _answer(
        request,
        ("reports", year),
        lambda con, public: (
            {"år": year, "rapporter": open_data.reports(con, year, public)},
            None,
        ),
    )


def adopted_plan(request: Request) -> Response:
    year = int(request.path_params["year"])
    return _answer(request, ("plan", year), lambda con, public: (open_data.plan(con, year), None))


def openapi(request: Request) -> Response:
    return JSONResponse(open_data.openapi(), headers={"cache-control": "public, max-age=3600"})


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def routes() -> list[Route]:
    return [
        Route(f"{PREFIX}/indicators", list_indicators),
        Route(f"{PREFIX}/indicators/{{indicator}}", one_indicator),
        Route(f"{PREFIX}/indicators/{{indicator}}/values", indicator_values),
        Route(f"{PREFIX}/reports", approved_reports),
        Route(f"{PREFIX}/plans/{{year:int}}", adopted_plan),
        Route(f"{PREFIX}/openapi.json", openapi),
    ]
