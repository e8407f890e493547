"""What the pages share: cached indicator values keyed on the data version, status badges,
Swedish tables, downloads (CSV and Excel, formula-safe), the link to the current view."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from app_pages import state
from indicators.catalogue import Catalogue, load_catalogue
from indicators.compute import Request, compute, compute_all
from indicators.format import indicator_value
from indicators.model import Definition
from store import queries
from store.db import resolve_db_path

# Status → (symbol, Streamlit colour). The word is always shown: never colour alone.
# Blue/orange/red-violet stay apart for the common colour-vision deficiencies.
BADGES = {
    "target_met": ("✔", "blue"),
    "on_track": ("↗", "blue"),
    "improvement": ("↗", "blue"),
    "right_direction_too_slow": ("→", "orange"),
    "no_significant_change": ("→", "gray"),
    "deterioration": ("↘", "red"),
    "wrong_direction": ("↘", "red"),
    "insufficient_data": ("…", "gray"),
}
GROUPS = {
    "target_met": "mål nått",
    "on_track": "förbättring",
    "improvement": "förbättring",
    "right_direction_too_slow": "förbättring",
    "no_significant_change": "oförändrat",
    "deterioration": "försämring",
    "wrong_direction": "försämring",
    "insufficient_data": "underlag saknas",
}
CITY = "0180"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@st.cache_resource
def catalogue() -> Catalogue:
    return load_catalogue()


def version() -> str:
    return queries.data_version(state.cursor())


@st.cache_data(max_entries=64, show_spinner=False)
def all_values(db: str, data_version: str, boundaries: str) -> dict[str, pd.DataFrame]:
    """Every indicator on the chosen boundaries; the cache key changes when data change."""
    return compute_all(state.cursor(), catalogue(), Request(boundaries=boundaries))  # type: ignore[arg-type]


@st.cache_data(max_entries=128, show_spinner=False)
def values(
    db: str, data_version: str, indicator: str, boundaries: str, by_sex: bool
) -> pd.DataFrame:
    definition = catalogue().definitions[indicator]
    request = Request(boundaries=boundaries, by_sex=by_sex)  # type: ignore[arg-type]
    return compute(state.cursor(), definition, catalogue(), request)


def cached_all(boundaries: str = "today") -> dict[str, pd.DataFrame]:
    return all_values(str(resolve_db_path()), version(), boundaries)


def cached_values(indicator: str, boundaries: str = "today", by_sex: bool = False) -> pd.DataFrame:
    return values(str(resolve_db_path()), version(), indicator, boundaries, by_sex)


def badge(code: str, label: str) -> str:
    symbol, colour = BADGES.get(code, ("…", "gray"))
    return f":{colour}[{symbol} {label}]"


def badge_text(code: str, label: str) -> str:
    """The badge for tables (no colour markup): symbol and word."""
    return f"{BADGES.get(code, ('…', ''))[0]} {label}"


def fmt_value(definition: Definition, value: object) -> str:
    return indicator_value(definition.type, value, definition.decimals)


def fmt_interval(definition: Definition, low: object, high: object) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):  # type: ignore[arg-type]
        return ""
    return f"{fmt_value(definition, low)}–{fmt_value(definition, high)}"


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells that a spreadsheet would run as formulas get a leading apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [
                f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v
                for v in out[column]
            ]
    return out


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (Swedish Excel dialect: ';' and decimal comma) and Excel of a table."""
    safe = neutralise(frame)
    csv = safe.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    buffer = io.BytesIO()
    safe.to_excel(buffer, index=False, sheet_name="Data")
    left, right = st.columns(2)
    left.download_button("Ladda ner CSV", csv, f"{name}.csv", "text/csv", key=f"{key}_csv")
    right.download_button(
        "Ladda ner Excel",
        buffer.getvalue(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def link_to_view(page: str) -> None:
    """The address of exactly this view, ready to copy (the code box has a copy button)."""
    query = urlencode({k: v for k, v in st.query_params.to_dict().items()})
    base = ""
    try:
        base = str(st.context.url).split("?")[0].rsplit("/", 1)[0]  # type: ignore[attr-defined]
    except Exception:
        base = ""
    st.caption("Länk till den här vyn (kopiera med knappen i rutan):")
    address = f"{base}/{page}".rstrip("/") if page else (base or "/")
    st.code(f"{address}?{query}" if query else address, language=None)


def example_note(frame: pd.DataFrame) -> str | None:
    if "example" in frame and frame["example"].fillna(False).astype(bool).any():
        return "Exempeldata: påhittade värden för demonstration, inte verkliga resultat."
    return None


def source_line(definition: Definition) -> str:
    record = queries.source(state.cursor(), definition.source)
    citation = record["citation"] if record else definition.source
    return f"Källa: {citation}."


def district_options() -> dict[str, str]:
    """Today's districts by name → code, and the city."""
    register = queries.regions(state.cursor(), ("district",))
    current = register[register["valid_to"].isna()].sort_values("name")
    return {**dict(zip(current["name"], current["code"], strict=True)), "Hela staden": CITY}


@st.cache_data(max_entries=32, show_spinner=False)
def _overview(db: str, data_version: str, agreement: str) -> dict[str, dict[str, list]]:
    """Per region (today's districts and the city) and area: the rows of the overview."""
    from indicators.summaries import area_rows

    frames = all_values(db, data_version, "today")
    return {
        code: {area: area_rows(catalogue(), frames, area, agreement, code)
               for area, _ in catalogue().areas(agreement)}
        for code in district_options().values()
    }  # fmt: skip


def overview_rows(agreement: str) -> dict[str, dict[str, list]]:
    return _overview(str(resolve_db_path()), version(), agreement)


# Okabe–Ito tints for status cells (the symbol and the word carry the meaning too).
STATUS_TINTS = {"✔": "#cfe3f2", "↗": "#cfe3f2", "→": "#f7e6c4", "↘": "#f5d3c2", "…": "#ececec"}


def style_status(frame: pd.DataFrame, column: str = "Status") -> object:
    """A Styler that tints the status column by its symbol."""

    def tint(value: object) -> str:
        symbol = str(value)[:1]
        return f"background-color: {STATUS_TINTS[symbol]}" if symbol in STATUS_TINTS else ""

    return frame.style.map(tint, subset=[column])
