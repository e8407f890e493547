"""What drove a change: an indicator's change between two comparable periods split into
parts, each with its 95 % interval.

- ``region``: each district's contribution to the city's change (counts: the district's own
  change; rates: the district's count over the city's population, so that the parts add up
  to the city's rate). Where the city's figure holds more than its districts (events placed
  in no district), that remainder is a part of its own.
- ``measure``: each measure's contribution to a region's change: the definition's measures,
  or the parts a measure is made of (``part_of`` in measures.yaml, e.g. BRÅ's chapters of
  3–7 kap.) with the rest as "övriga". A "därav" line (a part of a part) is listed under its
  parent and never counted again.
- ``sex``/``age_group``: each group's change (for a count the groups add up; for a share each
  group's own change, which do not).

Periods are comparable or the split is refused: two whole years, or a part of a year against
the same months of the year before. Small numbers stay hidden: a part is hidden where either
period's figure is, and when one part alone would be hidden under a shown total, the next
smallest is hidden with it, so that no part can be had by subtraction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import duckdb
import pandas as pd

from catalogue.catalogue import Catalogue
from catalogue.model import Definition
from indicators.basis import Request
from indicators.change_parts import (
    GROUP_NAMES,
    UNPLACED,
    Drivers,
    DriversError,
    Part,
    Periods,
    count_ci,
    interval_of,
    pair,
    part_value,
    periods,
    protect,
    rows_by,
)
from indicators.compute import compute
from store import reference_data
from swedish.format import number


def by_region(
    definition: Definition, frame: pd.DataFrame, start: int, end: int, city: str
) -> Drivers:
    """Each district's contribution to the city's change. ``frame``: the indicator's values
    on today's boundaries, every district and the city (``city`` its code)."""
    if definition.type not in ("count", "rate"):
        raise DriversError(
            f"{definition.id} is a {definition.type}: a split over districts is for counts and "
            "rates (use --by sex or --by age_group for a share)",
            f"{definition.title} är {'en andel' if definition.type == 'share' else 'inget antal'}"
            ": uppdelningen på stadsdelsområden gäller antal och tal per invånare.",
        )
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    when = periods(definition, totals, start, end)
    districts = totals[totals["region_kind"] == "district"]
    city_rows = pair(totals, city, when)
    scale = _scale(definition, districts, city_rows, start, end)

    def part(code: str, name: str, rows: tuple) -> Part:  # type: ignore[type-arg]
        return _region_part(definition, when, scale, start, end, code, name, rows)

    parts: list[Part] = []
    missing_names: list[str] = []
    compared = rows_by(totals, when)  # every district's two periods, read once
    for code, name in sorted(
        set(zip(districts["region_code"], districts["region_name"], strict=True)),
        key=lambda x: str(x[1]),
    ):
        item = part(str(code), str(name), pair(compared, str(code), when))
        if not item.hidden and (item.before is None or item.after is None):
            missing_names.append(item.name)
        parts.append(item)
    named = totals.loc[totals["region_code"] == city, "region_name"]
    city_name = str(named.iloc[0]) if not named.empty else "Hela staden"
    total, notes = _city_total(
        part("total", city_name, city_rows), parts, missing_names, scale, when, start, end
    )
    protect(parts, total)
    return Drivers(definition.id, "region", city_name, when.from_label, when.to_label, True,
                   parts, total, notes)  # fmt: skip


def _scale(
    definition: Definition, districts: pd.DataFrame, city_rows: tuple, start: int, end: int
) -> dict[int, float]:
    """For a rate, each year's factor from a count to the city's rate (per / the city's
    population, or the districts' summed); 1 for a count."""
    scale = {start: 1.0, end: 1.0}
    if definition.type != "rate":
        return scale
    per = float(definition.per or 1)
    for year, row in ((start, city_rows[0]), (end, city_rows[1])):
        known = part_value(row, "population")
        year_rows = districts[districts["year"] == year]
        if known is None and not year_rows.empty and year_rows["population"].notna().all():
            known = float(year_rows["population"].sum())
        if known is None:
            raise DriversError(
                f"no population for the city in {year}",
                f"Befolkningen för hela staden saknas för {year}.",
            )
        scale[year] = per / known
    return scale


def _region_part(
    definition: Definition,
    when: Periods,
    scale: dict[int, float],
    start: int,
    end: int,
    code: str,
    name: str,
    rows: tuple,  # type: ignore[type-arg]
) -> Part:
    """A region's part: for a rate its count over the city's population."""
    before_row, after_row, before, after, hidden = rows
    if definition.type == "rate":
        count_before = part_value(before_row, "numerator")
        count_after = part_value(after_row, "numerator")
        before = None if count_before is None else count_before * scale[start]
        after = None if count_after is None else count_after * scale[end]
        return Part(code, name, before, after, count_ci(count_before, scale[start]),
                    count_ci(count_after, scale[end]), hidden)  # fmt: skip
    first = interval_of(definition, before_row, before, when.same_months)
    second = interval_of(definition, after_row, after, False)
    return Part(code, name, before, after, first, second, hidden)


def _city_total(
    city_total: Part,
    parts: list[Part],
    missing_names: list[str],
    scale: dict[int, float],
    when: Periods,
    start: int,
    end: int,
) -> tuple[Part, list[str]]:
    """The total the parts split: the city's own figure (what no district holds as a part of
    its own, unless that would reveal a protected part), or the sum of the districts'."""
    counted = [p for p in parts if not p.hidden and p.before is not None and p.after is not None]
    any_hidden = any(p.hidden for p in parts)
    notes: list[str] = []
    city_name = city_total.name
    if city_total.before is not None and city_total.after is not None and not city_total.hidden:
        if not any_hidden:
            rest_before = city_total.before - sum(p.before for p in counted)  # type: ignore[misc]
            rest_after = city_total.after - sum(p.after for p in counted)  # type: ignore[misc]
            if abs(rest_before) > 1e-6 or abs(rest_after) > 1e-6:
                name = (
                    "Stadsdelsområden utan uppgifter: " + _names(missing_names)
                    if missing_names
                    else "Ej placerat i något stadsdelsområde"
                )
                parts.append(Part(UNPLACED, name, rest_before, rest_after,
                                  count_ci(rest_before / scale[start], scale[start]),
                                  count_ci(rest_after / scale[end], scale[end])))  # fmt: skip
        else:
            notes.append(
                "Delarna summerar inte till totalen: områden med för litet underlag visas "
                "inte (skyddade), och det som inte kan placeras i något stadsdelsområde "
                "redovisas då inte heller som en egen del, eftersom det skulle avslöja dem."
            )
        return city_total, notes
    if city_total.hidden or any_hidden:
        return Part("total", city_name, None, None, None, None, hidden=True), notes
    # The source gives no figure for the city: the sum of the districts that have one.
    before = sum(p.before for p in counted)  # type: ignore[misc]
    after = sum(p.after for p in counted)  # type: ignore[misc]
    name = (
        f"{city_name}: summan av {len(counted)} av {len(parts)} stadsdelsområden"
        if missing_names
        else city_name
    )
    total = Part("total", name, before, after, count_ci(before / scale[start], scale[start]),
                 count_ci(after / scale[end], scale[end]))  # fmt: skip
    if missing_names:
        notes.append(
            f"Källan har ingen siffra för hela staden, och {_names(missing_names)} saknar "
            f"uppgifter för {when.from_label} eller {when.to_label}: summan gäller de "
            f"övriga {len(counted)} stadsdelsområdena."
        )
    return total, notes


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def by_group(
    definition: Definition, frame: pd.DataFrame, start: int, end: int, by: str, region: str
) -> Drivers:
    """Each sex's or age group's change in one region (``frame``: values by that breakdown,
    with the total rows)."""
    if by not in definition.breakdowns:
        raise DriversError(
            f"{definition.id} has no breakdown by {by}",
            f"{definition.title} finns inte uppdelad på "
            + ("kön" if by == "sex" else "åldersgrupp")
            + ".",
        )
    rows = frame[frame["region_code"] == region]
    other = "age_group" if by == "sex" else "sex"
    rows = rows[rows[other] == ("all" if other == "age_group" else "total")]
    totals = rows[rows[by] == ("total" if by == "sex" else "all")]
    when = periods(definition, totals, start, end)
    share = definition.type == "share"

    def part(code: str, name: str, found: tuple) -> Part:  # type: ignore[type-arg]
        before_row, after_row, before, after, hidden = found
        first = interval_of(definition, before_row, before, when.same_months)
        second = interval_of(definition, after_row, after, False)
        return Part(code, name, before, after, first, second, hidden)

    parts = [
        part(str(g), GROUP_NAMES.get(str(g), str(g)), pair(rows, g, when, key=by))
        for g in sorted(g for g in rows[by].unique() if g not in ("total", "all"))
    ]
    total = part("total", "Alla", pair(totals, region, when))
    if not share:
        protect(parts, total)
    name = str(rows["region_name"].iloc[0]) if not rows.empty else region
    notes = (
        ["För en andel är delarna gruppernas egna förändringar; de summeras inte till helheten."]
        if share
        else []
    )
    return Drivers(definition.id, by, name, when.from_label, when.to_label, not share, parts,
                   total, notes)  # fmt: skip


def by_measure(
    definition: Definition,
    total_frame: pd.DataFrame,
    part_frames: list[tuple[str, str, str | None, pd.DataFrame]],
    start: int,
    end: int,
    region: str,
    rest: bool,
) -> Drivers:
    """Each measure's contribution to a region's change. ``part_frames``: (measure, title,
    parent or None, values of that measure alone) in order, a "därav" line (parent set)
    after its parent; ``rest``: the parts do not cover the whole ("övriga" is the rest)."""
    if definition.type != "count":
        raise DriversError(
            f"{definition.id} is a {definition.type}: a split over measures is for counts",
            f"{definition.title} är inget antal: uppdelningen på brottstyper gäller antal.",
        )
    totals = total_frame[(total_frame["sex"] == "total") & (total_frame["age_group"] == "all")]
    when = periods(definition, totals[totals["region_code"] == region], start, end)
    _, _, before, after, hidden = pair(totals, region, when)
    total = Part("total", definition.title, before, after, count_ci(before), count_ci(after),
                 hidden)  # fmt: skip
    parts = []
    for measure, title, parent, values in part_frames:
        own = values[(values["sex"] == "total") & (values["age_group"] == "all")]
        _, _, b, a, h = pair(own, region, when)
        name = ("därav " + title) if parent else title
        parts.append(Part(measure, name, b, a, count_ci(b), count_ci(a), h, bool(parent)))
    if rest:
        counted = [p for p in parts if not p.contained]
        known = all(p.before is not None and p.after is not None for p in counted)
        if before is not None and after is not None and known:
            rest_before = before - sum(p.before for p in counted)  # type: ignore[misc]
            rest_after = after - sum(p.after for p in counted)  # type: ignore[misc]
            parts.append(Part("övriga", "Övriga", rest_before, rest_after, count_ci(rest_before),
                              count_ci(rest_after), any(p.hidden for p in counted)))  # fmt: skip
        else:
            parts.append(Part("övriga", "Övriga", None, None, None, None, True))
    protect(parts, total)
    name = str(totals.loc[totals["region_code"] == region, "region_name"].iloc[0])
    return Drivers(definition.id, "measure", name, when.from_label, when.to_label, True, parts,
                   total)  # fmt: skip


def split(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    *,
    start: int,
    end: int,
    region_code: str,
    by: str | None = None,
    values_of: Callable[[Definition, Request], pd.DataFrame] | None = None,
    city: str = "0180",
) -> Drivers:
    """What drove the change of ``definition`` from ``start`` to ``end`` in ``region_code``
    (a region of today): the city split over its districts (the default for the city), a
    district over its crime categories or event types (the default for a district), or over
    women and men or age groups. ``values_of`` gives an indicator's values for a request
    (stored results on a page; computed by default)."""
    compute_values = values_of or (lambda d, r: compute(con, d, catalogue, r))
    code = region_code
    by = by or ("region" if code == city else "measure")
    if by == "region":
        if code != city:
            raise DriversError(
                "--by region splits the city's change: leave out --region",
                "Uppdelningen på stadsdelsområden gäller hela staden.",
            )
        frame = compute_values(definition, Request(boundaries="today", with_missing=True))
        return by_region(definition, frame, start, end, city)
    request = Request(boundaries="today", region_codes=(code,), with_missing=True)
    if by in ("sex", "age_group"):
        frame = compute_values(
            definition, replace(request, by_sex=by == "sex", by_age=by == "age_group")
        )
        return by_group(definition, frame, start, end, by, code)
    if definition.source not in reference_data.published_sources(con):
        # Each part would be a family of its own, decided apart from the total's: the sum of
        # the parts could narrow a hidden one down. Parts of a protected count are not shown.
        raise DriversError(
            f"{definition.id} is from a protected source: its parts are not shown one by one",
            f"{definition.title} kommer från en skyddad källa: delarna visas inte var för sig.",
        )
    parts = measure_parts(definition, catalogue)
    if not parts:
        raise DriversError(
            f"{definition.id} has one measure with no parts: nothing to split by measure",
            f"{definition.title} har ingen uppdelning på brottstyper eller händelsetyper.",
        )
    frames = [
        (measure, title, parent, compute_values(one_measure(definition, measure), request))
        for measure, title, parent in parts
    ]
    rest = len(definition.measures) == 1
    return by_measure(definition, compute_values(definition, request), frames, start, end, code,
                      rest)  # fmt: skip


def measure_parts(
    definition: Definition, catalogue: Catalogue
) -> list[tuple[str, str, str | None]]:
    """The measures a change splits into: (measure, title, parent or None), a "därav" line
    after its parent. Several measures: each; one: the measures that are part of it."""
    measures = catalogue.measures
    if len(definition.measures) > 1:
        return [(m, measures[m].title, None) for m in definition.measures]
    whole = definition.measures[0]
    parts: list[tuple[str, str, str | None]] = []
    for child in sorted(
        (m for m in measures.values() if m.part_of == whole), key=lambda m: m.title
    ):
        parts.append((child.id, child.title, None))
        parts += [(m.id, m.title, child.id) for m in measures.values() if m.part_of == child.id]
    return parts


def one_measure(definition: Definition, measure: str) -> Definition:
    """The definition counting one of its parts alone (same type, unit and small-number
    rule)."""
    return definition.model_copy(
        update={"id": f"{definition.id}.{measure}", "measures": [measure], "targets": []}
    )


def choices(definition: Definition, catalogue: Catalogue, city: bool) -> list[str]:
    """The splits an indicator's change can have: the city's over its districts (counts and
    rates), over measures (counts made of parts), over women and men or age groups (where the
    source gives them); the default first."""
    found = []
    if city and definition.type in ("count", "rate"):
        found.append("region")
    if definition.type == "count" and measure_parts(definition, catalogue):
        found.append("measure")
    found += [by for by in ("sex", "age_group") if by in definition.breakdowns]
    return found


def default_split(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    start: int,
    end: int,
    region_code: str,
    values_of: Callable[[Definition, Request], pd.DataFrame] | None = None,
    city: str = "0180",
) -> Drivers | None:
    """The change split the default way (the city over its districts, a district over its
    crime categories or event types); None where it cannot be split."""
    found = [b for b in choices(definition, catalogue, region_code == city)
             if b in ("region", "measure")]  # fmt: skip
    if not found:
        return None
    try:
        return split(con, definition, catalogue, start=start, end=end, region_code=region_code,
                     by=found[0], values_of=values_of, city=city)  # fmt: skip
    except DriversError:
        return None


def table_rows(split: Drivers, decimals: int) -> list[list[str]]:
    """The split as a document's table: part ("därav" lines indented), the two periods'
    values, the change and its interval, as Swedes write numbers; "skyddat" where hidden."""

    def shown(value: object) -> str:
        if value is None or pd.isna(value):  # type: ignore[arg-type]
            return "–"
        return number(float(value), decimals).replace("-", "\u2212")  # type: ignore[arg-type]

    rows = []
    for row in split.frame(contained=True).itertuples():
        name = ("Totalt: " if row.part == "total" else "") + str(row.part_name)
        if row.contained:
            name = "  " + name
        if row.suppressed:
            rows.append([name, "skyddat", "skyddat", "skyddat", ""])
            continue
        # In words, not with a leading "+": a cell copied into a spreadsheet must not start
        # like a formula (report.exports.quoted_text would show a quote mark).
        change = "–"
        if row.change is not None and not pd.isna(row.change):
            size = number(abs(float(row.change)), decimals)
            change = (
                f"ökning {size}" if row.change > 0 else f"minskning {size}" if row.change < 0
                else "oförändrat"
            )  # fmt: skip
        interval = "" if pd.isna(row.lower) else f"{shown(row.lower)} till {shown(row.upper)}"
        rows.append([name, shown(row.from_value), shown(row.to_value), change, interval])
    return rows
