"""Reading an uploaded spreadsheet into plain rows, in a separate process with limits.

The parent calls :func:`read_safely`; it runs ``python -m loaders.upload_parse FILE KIND`` with
a memory limit and a limit on its CPU time (the work it does, not the clock: a busy server does
not refuse a valid file; a generous wall-clock limit is kept as a backstop for a child that
waits), so a workbook that makes a reader abort or swell cannot take the app down. The child
prints JSON: the sheet read (``Data`` if there is one, else the first), its rows (values as
python-calamine reads them: calculated values of formulas), and what the values alone do not
say: cells formatted as percent, formulas that have no stored value (a file never calculated),
and merged areas.
"""

from __future__ import annotations

import json
import re
import resource
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree

from loaders.upload_safety import UploadRefused

MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
CPU_LIMIT_SECONDS = 60  # the child's CPU time (RLIMIT_CPU): the work reading the file costs
WALL_LIMIT_SECONDS = 900  # backstop only: a child that waits rather than works

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@dataclass
class ParsedSheet:
    sheet: str
    rows: list[list[object]]
    percent: set[tuple[int, int]] = field(default_factory=set)
    no_value: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read (Swedish)


def _cell_index(reference: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    assert match is not None
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _xlsx_meta(path: Path, sheet_index: int) -> tuple[set, set, list]:
    """Percent-formatted cells, formulas without a value, merged areas of one sheet."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = workbook.find(f"{_MAIN}sheets")
        assert sheets is not None
        rel_id = list(sheets)[sheet_index].get(f"{_REL}id")
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
        target = target.lstrip("/")
        sheet_path = target if target.startswith("xl/") else f"xl/{target}"
        percent_styles: set[str] = set()
        if "xl/styles.xml" in archive.namelist():
            styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
            custom = {
                n.get("numFmtId"): n.get("formatCode", "") for n in styles.iter(f"{_MAIN}numFmt")
            }
            xfs = styles.find(f"{_MAIN}cellXfs")
            for i, xf in enumerate(list(xfs) if xfs is not None else []):
                fmt = xf.get("numFmtId", "0")
                if fmt in ("9", "10") or "%" in custom.get(fmt, ""):
                    percent_styles.add(str(i))
        percent, no_value, merged = set(), set(), []
        with archive.open(sheet_path) as handle:
            for _, element in ElementTree.iterparse(handle):
                tag = element.tag
                if tag == f"{_MAIN}c":
                    ref = element.get("r")
                    if ref:
                        if element.get("s") in percent_styles:
                            percent.add(_cell_index(ref))
                        has_formula = element.find(f"{_MAIN}f") is not None
                        value = element.find(f"{_MAIN}v")
                        if has_formula and (value is None or value.text in (None, "")):
                            no_value.add(_cell_index(ref))
                    element.clear()
                elif tag == f"{_MAIN}mergeCell":
                    first, _, last = (element.get("ref") or "").partition(":")
                    if last:
                        merged.append((*_cell_index(first), *_cell_index(last)))
                elif tag == f"{_MAIN}row":
                    element.clear()
    return percent, no_value, merged


def _ods_meta(path: Path, sheet_name: str) -> tuple[set, set, list]:
    """The same for an OpenDocument sheet (content.xml; repeated rows and columns counted)."""
    percent, no_value, merged = set(), set(), []
    cell, covered = f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        row, column, in_sheet = -1, 0, False
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag
            if tag == f"{_TABLE}table":
                if event == "start":
                    in_sheet, row = element.get(f"{_TABLE}name") == sheet_name, -1
                continue
            if not in_sheet:
                continue
            if tag == f"{_TABLE}table-row":
                if event == "start":
                    row, column = row + 1, 0
                else:
                    row += int(element.get(f"{_TABLE}number-rows-repeated", "1")) - 1
                    element.clear()
            elif tag in (cell, covered) and event == "end":
                if tag == cell:
                    value_type = element.get(f"{_OFFICE}value-type")
                    if value_type == "percentage":
                        percent.add((row, column))
                    if element.get(f"{_TABLE}formula") and not value_type:
                        no_value.add((row, column))
                    span_c = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    span_r = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                    if span_c > 1 or span_r > 1:
                        merged.append((row, column, row + span_r - 1, column + span_c - 1))
                column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                element.clear()
    return percent, no_value, merged


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


class TooManyRows(Exception):
    """The sheet has more rows than are accepted (whatever its <dimension> claims)."""


ROWS_EXIT = 3  # the child's exit code for a sheet with too many rows
SHEET_EXIT = 4  # and for a sheet asked for by name that is not there


class NoSuchSheet(Exception):
    """The workbook has no visible sheet of the name asked for."""


def parse(
    path: Path, kind: str, max_rows: int | None = None, wanted: str | None = None
) -> ParsedSheet:
    """The visible sheet named ``wanted`` (any case), else the one named Data, else the first
    visible one."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    names = workbook.sheet_names
    # Only sheets the user can see: a hidden "Data" is not read while the visible sheet is
    # ignored.
    visible = [i for i, m in enumerate(workbook.sheets_metadata) if _is_visible(m)] or [0]
    if wanted is not None:
        found = [i for i in visible if names[i].strip().casefold() == wanted.casefold()]
        if not found:
            raise NoSuchSheet(wanted)
        index = found[0]
    else:
        index = next((i for i in visible if names[i].strip().casefold() == "data"), visible[0])
    sheet = workbook.get_sheet_by_index(index)
    if max_rows is not None and sheet.height > max_rows + 1:  # + the header row
        raise TooManyRows(sheet.height)
    rows = [[_json_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    parsed = ParsedSheet(sheet=names[index], rows=rows)
    if kind == "xlsx":
        parsed.percent, parsed.no_value, parsed.merged = _xlsx_meta(path, index)
    elif kind == "ods":
        parsed.percent, parsed.no_value, parsed.merged = _ods_meta(path, names[index])
    else:
        ranges = sheet.merged_cell_ranges or []
        parsed.merged = [(a[0], a[1], b[0], b[1]) for a, b in ranges]
    return parsed


def _is_visible(metadata: object) -> bool:
    """Calamine says Visible, Hidden or VeryHidden."""
    return str(getattr(metadata, "visible", "Visible")).rsplit(".", 1)[-1] == "Visible"


def _limit() -> None:  # runs in the child before it starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    # SIGXCPU (which ends the child) at the soft limit; SIGKILL at the hard one.
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS + 1))


def _command(path: Path, kind: str, max_rows: int, sheet: str | None) -> list[str]:
    named = [sheet] if sheet is not None else []
    return [sys.executable, "-m", "loaders.upload_parse", str(path), kind, str(max_rows), *named]


def read_safely(
    path: Path, kind: str, max_rows: int = 250_000, sheet: str | None = None
) -> ParsedSheet:
    """Parse in a child process with a memory, CPU-time and row limit; UploadRefused if it
    fails (the server process never holds more than ``max_rows`` rows of a file)."""
    try:
        result = subprocess.run(
            _command(path, kind, max_rows, sheet),
            capture_output=True, timeout=WALL_LIMIT_SECONDS, preexec_fn=_limit, check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise UploadRefused(
            f"Filen tog längre tid än {WALL_LIMIT_SECONDS // 60} minuter att läsa och avbröts."
        ) from exc
    if result.returncode == -signal.SIGXCPU:
        raise UploadRefused(
            f"Filen krävde mer än {CPU_LIMIT_SECONDS} sekunders beräkningstid att läsa och "
            "avbröts. Spara den på nytt utan formler och formatering, eller dela upp den."
        )
    if result.returncode == ROWS_EXIT:
        found = result.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:]
        raise UploadRefused(
            f"Arket har {found[0] if found else 'för många'} rader; högst {max_rows} rader "
            "tas emot. Dela upp filen."
        )
    if result.returncode == SHEET_EXIT:
        raise UploadRefused(f"Filen har inget blad som heter {sheet}.")
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        last = detail[-1] if detail else f"slutkod {result.returncode}"
        if "MemoryError" in last or result.returncode < 0:
            raise UploadRefused("Filen krävde för mycket minne att läsa och avbröts.")
        raise UploadRefused(f"Filen gick inte att läsa som kalkylark ({last[:200]}).")
    data = json.loads(result.stdout)
    return ParsedSheet(
        sheet=data["sheet"],
        rows=data["rows"],
        percent={tuple(x) for x in data["percent"]},  # type: ignore[misc]
        no_value={tuple(x) for x in data["no_value"]},  # type: ignore[misc]
        merged=[tuple(x) for x in data["merged"]],  # type: ignore[misc]
    )


def main() -> int:
    max_rows = int(sys.argv[3]) if len(sys.argv) > 3 else None
    try:
        parsed = parse(Path(sys.argv[1]), sys.argv[2], max_rows, (sys.argv[4:] or [None])[0])
    except TooManyRows as exc:
        print(exc.args[0], file=sys.stderr)
        return ROWS_EXIT
    except NoSuchSheet:
        return SHEET_EXIT
    json.dump(
        {
            "sheet": parsed.sheet,
            "rows": parsed.rows,
            "percent": sorted(parsed.percent),
            "no_value": sorted(parsed.no_value),
            "merged": parsed.merged,
        },
        sys.stdout,
        ensure_ascii=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
