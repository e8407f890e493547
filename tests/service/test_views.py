"""View-model rules the pages show as they are: the cells of the area × district matrix and
the short link names of meeting mode."""

from __future__ import annotations

from service.indicator_values import slug
from service.overview import matrix_cell


def _row(status: str) -> dict[str, object]:
    return {"status": status}


def test_matrix_cell_counts_each_verdict_and_says_when_there_is_nothing() -> None:
    rows = [_row(s) for s in ("improvement", "no_significant_change", "no_significant_change")]
    assert matrix_cell([*rows, _row("target_met")]) == "↗1 →2 ✔1"
    # Only "underlag saknas": the cell says so instead of "↗0 →0 ↘0 ✔0".
    assert matrix_cell([_row("insufficient_data"), _row("insufficient_data")]) == ("inga uppgifter")
    assert matrix_cell([]) == "–"  # the area has no indicators (linjearbete)


def test_short_link_names() -> None:
    assert slug("Järva") == "jarva"
    assert slug("Hägersten-Älvsjö") == "hagersten-alvsjo"
    assert slug("Enskede-Årsta-Vantör") == "enskede-arsta-vantor"
    assert slug("Hela staden") == "hela-staden"


def test_the_print_header_names_the_choices_and_escapes_them() -> None:
    from datetime import datetime

    from app_pages.views import _print_header_html as print_header

    html = print_header(
        [("Indikator", "Anmäld misshandel"), ("Område", "<b>Järva</b>")],
        "http://127.0.0.1:8501/indikator?indikator=Anm%C3%A4ld",
        datetime(2026, 12, 3, 7, 5),
    )
    assert 'class="print-only"' in html
    assert "<b>Urval:</b> Indikator: Anmäld misshandel · Område: &lt;b&gt;Järva&lt;/b&gt;" in html
    assert "Utskriven 3 december 2026 kl. 07.05 från http://127.0.0.1:8501/indikator?" in html
    assert "Urval" not in print_header([], "x", datetime(2026, 12, 3))


def test_the_crime_table_marks_invented_values_only_when_there_are_some() -> None:
    import pandas as pd

    from service.crime import crime_table

    frame = pd.DataFrame(
        {
            "region_name": ["Järva", "Bromma"],
            "year": [2023, 2023],
            "month": [None, None],
            "value": [3438.0, None],
            "suppressed": [False, True],
            "preliminary": [True, True],
            "example": [False, False],
        }
    )
    real = crime_table(frame, "Antal anmälda brott", "year")
    assert list(real.columns) == ["Område", "Period", "Antal anmälda brott", "Preliminärt"]
    assert real.iloc[0].tolist() == ["Järva", "2023", "3\u00a0438", "ja"]
    assert real.iloc[1, 2] == "skyddat"
    invented = crime_table(frame.assign(example=[True, False]), "Antal anmälda brott", "year")
    assert invented["Exempeldata"].tolist() == ["ja", ""]
