"""The report's trend charts (report.charts): drawn once for what they show, kept in the
user's cache folder, drawn again when anything they show changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from report import charts

SERIES = [(2021, 2049.0, 1960.0, 2140.0), (2022, 1869.0, 1785.0, 1956.0)]
TITLE = "Brott mot person, Rinkeby-Kista"
SOURCE = "Källa: BRÅ, anmälda brott."


def test_a_chart_is_drawn_once_for_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path / "charts"))
    drawn: list[str] = []
    original = charts._drawn
    monkeypatch.setattr(
        charts, "_drawn", lambda title, *a: drawn.append(title) or original(title, *a)
    )
    first = charts.line_png(TITLE, "antal", SERIES, SOURCE, last_year=2022)
    assert first.startswith(b"\x89PNG") and drawn == [TITLE]
    # the same chart again (another document, another process): the kept one
    assert charts.line_png(TITLE, "antal", SERIES, SOURCE, last_year=2022) == first
    assert drawn == [TITLE]
    # a year after the report year does not change what is shown
    later = [*SERIES, (2023, 1900.0, None, None)]
    assert charts.line_png(TITLE, "antal", later, SOURCE, last_year=2022) == first
    # another value, source or event is another chart
    changed = [SERIES[0], (2022, 1870.0, 1785.0, 1956.0)]
    charts.line_png(TITLE, "antal", changed, SOURCE, last_year=2022)
    charts.line_png(TITLE, "antal", SERIES, "Källa: BRÅ.", last_year=2022)
    charts.line_png(TITLE, "antal", SERIES, SOURCE, last_year=2022, events=[2021.5])
    assert len(drawn) == 4
    kept = list((tmp_path / "charts").glob("*.png"))
    assert len(kept) == 4 and all(p.stat().st_mode & 0o077 == 0 for p in kept)
    assert (tmp_path / "charts").stat().st_mode & 0o077 == 0


def test_no_charts_are_kept_when_turned_off_and_the_oldest_go_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(charts.CACHE_ENV, "off")
    charts.line_png(TITLE, "antal", SERIES, SOURCE)
    assert not (tmp_path / "home" / ".cache" / "samverkan-dashboard" / "charts").exists()
    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path / "charts"))
    monkeypatch.setattr(charts, "MAX_CACHED", 2)
    for n in range(3):
        charts.line_png(f"{TITLE} {n}", "antal", SERIES, SOURCE)
    assert len(list((tmp_path / "charts").glob("*.png"))) == 2


def test_an_all_zero_series_reads_as_zero_not_as_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Narcotics events in Järva, 0 in 2024 and 2025: the interval of a count of 0 reaches
    3,7, and drawn as a band it filled the chart like a solid block (issue 36). Now the line
    lies on the floor of a 0–1 axis, without the band, and the chart says "0 varje år"."""
    import io

    from PIL import Image

    from report.charts import line_png

    monkeypatch.setenv("DASHBOARD_CHART_CACHE", "off")
    band = (217, 234, 244)  # the band's blue at 18 % on white

    def banded(series: list[tuple[int, float, float | None, float | None]]) -> float:
        image = Image.open(
            io.BytesIO(line_png("Narkotikabrott", "antal", series, "Källa"))
        ).convert("RGB")
        pixels = list(image.getdata())
        near = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, band, strict=True)))
        return near / len(pixels)

    assert banded([(2024, 0.0, 0.0, 3.7), (2025, 0.0, 0.0, 3.7)]) < 0.01
    assert banded([(2024, 1.0, 0.0, 5.6), (2025, 2.0, 0.2, 7.2)]) > 0.05  # a band where it informs
