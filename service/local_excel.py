"""A local agreement as an Excel workbook and back: the same sheets and columns as the download
(Överenskommelse, Lokala områden, Styrgrupp, Möten); a file is read whole, every problem named
by sheet and cell, and checked by the same rules as the page (service.local.check)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from loaders import agreement_excel
from report import exports
from service.local import (
    FIELD_WORDS,
    LOCAL_ONLY,
    Agreement,
    LocalArea,
    Locate,
    Meeting,
    Member,
    check,
    city_areas,
    current,
    police_areas,
    text,
)
from service.writes import RuleBroken
from store import reference_data


def to_excel(agreement: Agreement, names: dict[str, str]) -> bytes:
    """The agreement as the workbook ``from_excel`` reads back (names, not codes)."""
    wide = city_areas()
    register = police_areas()
    sheets: dict[str, list[list[object]]] = {
        agreement_excel.HEAD: [
            ["Fält", "Värde"],
            ["Stadsdelsområde", names.get(agreement.district, agreement.district)],
            ["Rubrik", agreement.title],
            [
                "Lokalpolisområden",
                "; ".join(register[c].name if c in register else c for c in agreement.police_areas),
            ],
            ["Gäller från", agreement.valid_from],
            ["Gäller till", agreement.valid_to],
            ["Revideras senast", agreement.revision_date],
        ],
        agreement_excel.SHEETS["areas"]: [
            list(agreement_excel.COLUMNS["areas"].values()),
            *[
                [
                    a.key,
                    a.title,
                    a.description,
                    "; ".join(wide.get(c, c) for c in a.city_areas) or LOCAL_ONLY,
                    "; ".join(a.indicators),
                ]
                for a in agreement.areas
            ],
        ],
        agreement_excel.SHEETS["members"]: [
            list(agreement_excel.COLUMNS["members"].values()),
            *[
                [m.role, m.name, m.party, m.email, "ja" if m.reports else "nej"]
                for m in agreement.members
            ],
        ],
        agreement_excel.SHEETS["meetings"]: [
            list(agreement_excel.COLUMNS["meetings"].values()),
            *[[m.meeting_date, m.note] for m in agreement.meetings],
        ],
    }
    # Through the one writer of downloads: a note typed as =… stays text (issue 34).
    return exports.workbook(sheets, agreement_excel.WIDTHS, title="Lokala överenskommelser")


def _list(value: object) -> tuple[str, ...]:
    return tuple(t.strip() for t in str(value or "").replace(",", ";").split(";") if t.strip())


def from_excel(
    con: duckdb.DuckDBPyConnection, path: Path, original_name: str
) -> tuple[Agreement, Locate]:
    """The agreement a workbook holds, and where each value was (for ``check``'s messages);
    refuses with every problem that is not a rule of the agreement (a sheet, a column, a
    date, a name) named with its sheet and cell."""
    read = agreement_excel.parse(agreement_excel.read_sheets(path, original_name), original_name)
    problems = list(read.problems)

    def place(part: str, row: int | None, name: str) -> str:
        where = read.cells.get((part, row, name)) or read.cells.get((part, None, name))
        return f"{where or original_name}, {FIELD_WORDS.get(name, name)}"

    def day(part: str, row: int | None, name: str, value: object) -> date | None:
        parsed = agreement_excel.cell_date(value)
        if parsed == "fel":
            problems.append(f"{place(part, row, name)}: ett datum (ÅÅÅÅ-MM-DD), inte {value!r}")
            return None
        return parsed  # type: ignore[return-value]

    register_ = reference_data.regions(con, ("district",))
    today_names = {
        str(n).casefold(): str(c)
        for n, c in zip(register_["name"], register_["code"], strict=True)
        if c in set(register_[register_["valid_to"].isna()]["code"])
    }
    district_text = text(read.head.get("district"))
    district = today_names.get(district_text.casefold(), district_text)
    police_by_name = {p.name.casefold(): p.code for p in police_areas().values()}
    police = tuple(
        police_by_name.get(n.casefold(), n) for n in _list(read.head.get("police_areas"))
    )
    head = {
        k: day("agreement", None, k, read.head.get(k))
        for k in ("valid_from", "valid_to", "revision_date")
    }
    areas = _areas(read.rows["areas"])
    members = _members(read.rows["members"], place, problems)
    meetings = _meetings(read.rows["meetings"], day, place, problems)
    agreement = Agreement(
        district=district,
        title=text(read.head.get("title")),
        police_areas=police,
        valid_from=head["valid_from"],
        valid_to=head["valid_to"],
        revision_date=head["revision_date"],
        areas=tuple(areas),
        members=tuple(members),
        meetings=tuple(meetings),
    )
    # The agreement's own rules too, so the file's every problem is listed at once (a place
    # already named for what it holds is not named again).
    try:
        check(con, agreement, place, current(con, district))
    except RuleBroken as exc:
        named = {p.split(": ", 1)[0] for p in problems}
        problems += [
            line for line in str(exc).split("\n- ")[1:] if line.split(": ", 1)[0] not in named
        ]
    if problems:
        raise RuleBroken("Lästes inte in:\n- " + "\n- ".join(problems))
    return agreement, place


def _areas(rows: list[dict]) -> list[LocalArea]:
    """The local areas as written, the city-wide areas by title or id ("endast lokalt" kept
    as the area's choice: check() holds the rules)."""
    wide = {title.casefold(): code for code, title in city_areas().items()}
    areas = []
    for values in rows:
        served = tuple(wide.get(s.casefold(), s) for s in _list(values.get("city_areas")))
        areas.append(
            LocalArea(
                key=text(values.get("key")),
                title=text(values.get("title")),
                description=str(values.get("description") or "").strip(),
                city_areas=tuple(s for s in served if s.casefold() != LOCAL_ONLY),
                indicators=_list(values.get("indicators")),
                local_only=any(s.casefold() == LOCAL_ONLY for s in served),
            )
        )
    return areas


def _members(rows: list[dict], place: Locate, problems: list[str]) -> list[Member]:
    """The steering group; "rapporterar" must be ja or nej."""
    members = []
    for row, values in enumerate(rows, start=1):
        answer = text(values.get("reports")).casefold()
        if answer not in ("", "ja", "nej"):
            problems.append(f"{place('members', row, 'reports')}: ja eller nej, inte {answer!r}")
        members.append(
            Member(
                role=text(values.get("role")),
                name=text(values.get("name")),
                party=text(values.get("party")).casefold(),
                email=text(values.get("email")),
                reports=answer == "ja",
            )
        )
    return members


def _meetings(
    rows: list[dict],
    day: Callable[[str, int | None, str, object], date | None],
    place: Locate,
    problems: list[str],
) -> list[Meeting]:
    """The meetings with a date (a row whose date is empty or not a date is named)."""
    meetings = []
    for row, values in enumerate(rows, start=1):
        when = day("meetings", row, "meeting_date", values.get("meeting_date"))
        if when is None and "meeting_date" in values and not text(values.get("meeting_date")):
            problems.append(f"{place('meetings', row, 'meeting_date')}: ett datum saknas")
        if when is not None:
            meetings.append(Meeting(when, text(values.get("note"))))
    return meetings
