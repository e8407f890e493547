"""The year-end Word document as a reader gets it: rendered by LibreOffice to PDF, with no box
drawn over another (a chart over a table's last rows, two lines on one another) and no word
broken inside ("stadsdelsförvaltni ng", "trygghetsvandring ar").

Needs LibreOffice (``soffice``) and poppler's ``pdftohtml``, Debian's packages; in the browser
tier with the other programs that draw what the product makes (tests/system.py).
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest

from cli.report import main

pytestmark = pytest.mark.browser

Box = tuple[float, float, float, float]  # left, top, width, height


def _pdf(document: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{document.parent}/lo",
         "--convert-to", "pdf", "--outdir", str(document.parent), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return document.with_suffix(".pdf")


def _pages(pdf: Path) -> list[tuple[list[tuple[Box, str]], list[Box]]]:
    """Per page: the text lines with their boxes, and the pictures' boxes (poppler)."""
    out = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-q", str(pdf), str(pdf.parent / "img")],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    pages = []
    for page in ET.fromstring(out).iter("page"):
        texts, images = [], []
        for element in page:
            if element.tag not in ("text", "image"):
                continue
            box = tuple(float(element.get(k) or 0) for k in ("left", "top", "width", "height"))
            if element.tag == "text":
                texts.append((box, "".join(element.itertext())))
            else:
                images.append(box)
        pages.append((texts, images))
    return pages  # type: ignore[return-value]


def _overlap(a: Box, b: Box, share: float) -> bool:
    """Whether the boxes overlap by more than ``share`` of the lower one's height."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return width > 0 and height > share * min(a[3], b[3])


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text) if len(w) >= 4 and not w.isdigit()}


def _problems(document: Path) -> list[str]:
    source = docx.Document(str(document))
    written = {p.text for p in source.paragraphs} | {
        cell.text for table in source.tables for row in table.rows for cell in row.cells
    }
    pages = _pages(_pdf(document))
    shown = set().union(*(_words(t) for texts, _ in pages for _, t in texts))
    problems = [f"word broken: {w}" for w in sorted(set().union(*map(_words, written)) - shown)]
    for n, (texts, images) in enumerate(pages, start=1):
        for box, text in texts:
            under = [i for i in images if _overlap(box, i, 0)]
            problems += [f"page {n}: {text!r} under a picture" for _ in under]
        for k, (box, text) in enumerate(texts):
            problems += [
                f"page {n}: {text!r} over {other!r}"
                for other_box, other in texts[k + 1 :]
                if _overlap(box, other_box, 0.3)
            ]
    return problems


@pytest.mark.parametrize("region", ["Stockholms stad", "Järva"])
def test_the_2025_year_end_renders_without_overlaps_or_broken_words(
    demo_db_path: Path, tmp_path: Path, region: str
) -> None:
    out = tmp_path / "arssammanstallning.docx"
    main(["year-end", "--year", "2025", "--region", region, "--out", str(out),
          "--db", str(demo_db_path)])  # fmt: skip
    problems = _problems(out)
    assert problems == []
