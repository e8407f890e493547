"""Every dashboard page on the demo data, checked for what a user would read, and opened from
links (query parameters)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from service.session import open_store
from tests.app.plotly_data import _values, table_with
from tests.conftest import ROOT, copy_store


@pytest.fixture
def demo(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    return demo_db_path


def _open(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _chart(at: AppTest, key: str) -> dict:
    for element in at.get("plotly_chart"):
        if element.proto.id and key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


@pytest.mark.slow
def test_overview_cards_and_matrix(demo: Path) -> None:
    at = _open("overview")
    assert at.title[0].value == "Översikt"
    assert [s.value for s in at.subheader] == [
        "Unga i riskzon för destruktivt beteende", "Otrygga och brottsutsatta platser",
        "Systemhotande brottslighet", "Särskilt utsatta och sårbara brottsoffer",
        "Kriminella miljöer och livsstilar",
    ]  # fmt: skip
    card = table_with(at, "Trend")
    assert list(card.columns) == ["Indikator", "Trend", "Period", "Senaste", "Status", "Jämförelse"]
    # Each explanation whole under its table (a cell cut it at 1440 px).
    assert any("- **Anmäld misshandel:** " in m.value for m in at.markdown)
    crime = None
    for element in at.dataframe:
        table = element.value
        if "Indikator" in table.columns and "Anmälda brott mot person" in set(table["Indikator"]):
            crime = table.set_index("Indikator")
    assert crime is not None
    # The city's BRÅ total exists only in the 2024 region-list export (2023, preliminary),
    # whose "3-7 kap." rows are all "..": no city value for crimes against persons.
    assert crime.loc["Anmälda brott mot person", "Period"] == "–"
    assert crime.loc["Anmäld misshandel", "Period"] == "2023"
    assert crime.loc["Anmäld misshandel", "Status"].startswith("… Underlag saknas")
    matrix = table_with(at, "Lägesbild")
    assert len(matrix) == 12 and matrix.iloc[-1]["Stadsdelsområde"] == "Hela staden"
    # Where no indicator of the area has a value, the cell says so instead of "↗0 →0 ↘0 ✔0".
    by_name = matrix.set_index("Stadsdelsområde")
    assert by_name.loc["Bromma", "Unga i riskzon för destruktivt beteende"] == "→2 ↘1"
    assert by_name.loc["Hela staden", "Systemhotande brottslighet"] == "↗1 →1"
    assert "↗0" not in " ".join(matrix.drop(columns=["Lägesbild"]).to_numpy().ravel().astype(str))
    assert matrix.iloc[0]["Lägesbild"] == "stadsdelsomrade?stadsdelsomrade=Bromma"


def test_overview_2019_agreement_from_the_link(demo: Path) -> None:
    at = _open("overview", {"overenskommelse": "Överenskommelsen 2019", "omfattning": "Järva"})
    titles = [s.value for s in at.subheader]
    assert len(titles) == 10 and "Skolan som brottsplats" in titles
    assert any("linjearbete" in c.value for c in at.caption)


@pytest.mark.slow
def test_district_page_from_a_link(demo: Path) -> None:
    at = _open("district", {"stadsdelsomrade": "Järva"})
    assert at.sidebar.selectbox(key="stadsdelsomrade").value == "Järva"
    victims = None
    for element in at.dataframe:
        if "Indikator" in element.value.columns and "Järva" in element.value.columns:
            table = element.value.set_index("Indikator")
            if "Anmälda brott mot person" in table.index:
                victims = table
    assert victims is not None
    row = victims.loc["Anmälda brott mot person"]
    assert (row["Period"], row["Järva"]) == ("2023", "3\u00a0438")  # 2 300 + 1 138 (prel.)
    # A count is not ranked: Järva is larger than most districts.
    assert row["Placering bland områdena"] == "rangordnas inte (antal)"
    assert row["Exempeldata"] == ""
    weapons = next(
        d.value.set_index("Indikator")
        for d in at.dataframe
        if "Indikator" in d.value.columns and "Elever som burit vapen" in set(d.value["Indikator"])
    )
    assert weapons.loc["Elever som burit vapen", "Exempeldata"] == "ja"  # the invented survey
    # Each chart's figures as a table (issue 38): the reported crimes beside the survey, and
    # the trend of the indicator chosen, with the intervals the charts draw as bands.
    figures = [
        d.value for d in at.dataframe if list(d.value.columns[:3]) == ["Serie", "År", "Värde"]
    ]
    assert len(figures) == 2
    beside = figures[0].set_index(["Serie", "År"])
    assert beside.loc[("Anmälda brott mot person", "2023 prel."), "Värde"] == "3\u00a0438"
    assert beside.loc[("Anmälda brott mot person", "2023 prel."), "Intervall (95 %)"] == (
        "3\u00a0324–3\u00a0555"
    )
    assert set(figures[1]["Serie"]) >= {"Järva", "Hela staden"}


@pytest.mark.slow
def test_the_indicator_chosen_on_a_district_stays_chosen_on_the_indicator_page(
    demo: Path,
) -> None:
    """One widget on both pages: the choice goes along, and the next rerun (any click) keeps
    it instead of falling back to the first indicator."""
    at = _open("district", {"stadsdelsomrade": "Järva"})
    shown = at.selectbox(key="indikator").value  # the district page's first indicator
    at.query_params.clear()  # as the sidebar's link to the page opens it
    at.switch_page("app_pages/indicator.py").run()
    assert at.sidebar.selectbox(key="indikator").value == shown
    at.run()
    assert at.sidebar.selectbox(key="indikator").value == shown
    at.sidebar.selectbox(key="indikator").set_value("Anmäld misshandel").run()
    at.switch_page("app_pages/district.py").run()
    assert at.selectbox(key="indikator").value == "Anmäld misshandel"
    at.run()
    assert at.selectbox(key="indikator").value == "Anmäld misshandel"


@pytest.mark.slow
def test_indicator_page_from_a_link_shows_rinkeby_kista(demo: Path) -> None:
    at = _open(
        "indicator", {"indikator": "Anmälda brott mot person", "indelning": "Dåtidens indelning"}
    )
    assert at.sidebar.selectbox(key="indikator").value == "Anmälda brott mot person"
    spec = _chart(at, "multiples")
    trace = next(t for t in spec["data"] if t.get("meta") == "Rinkeby-Kista")
    series = dict(zip(_values(trace["x"]), _values(trace["y"]), strict=True))
    assert series[2021] == 2049 and series[2022] == 1869
    assert spec["layout"]["title"]["text"].startswith("Anmälda brott mot person: per")
    # Every panel has its own agreement line (2024) and, in the boundaries of the time, its
    # merger line (1 July 2020), on the panel's own axes.
    panels = {t["xaxis"] for t in spec["data"] if t.get("meta")}
    for at_x in (2023.5, 2020.5):
        lines = [s for s in spec["layout"]["shapes"] if s["x0"] == at_x]
        assert {s["xref"] for s in lines} == panels and len(lines) == len(panels)
        assert {s["yref"] for s in lines} == {f"{p.replace('x', 'y')} domain" for p in panels}
    numbers = table_with(at, "Preliminärt")
    rk = numbers[(numbers["Område"] == "Rinkeby-Kista") & (numbers["År"] == 2021)].iloc[0]
    assert rk["antal anmälda brott"] == "2\u00a0049"
    assert rk["Osäkerhet (95 %)"] == "1\u00a0961–2\u00a0140"
    assert rk["Exempeldata"] == ""  # BRÅ's figures are real


@pytest.mark.slow
def test_a_part_of_a_year_is_marked_as_such_on_the_indicator_page(demo: Path) -> None:
    """Shootings from the police events: 2023 from 27 March, 2026 until July. Neither sits on
    the line of whole years (Järva read as 6 → 3); each is an open diamond labelled with its
    months, and the map and ranking name the months of their year."""
    at = _open("indicator", {"indikator": "Skjutningar"})
    spec = _chart(at, "multiples")
    jarva = next(t for t in spec["data"] if t.get("meta") == "Järva")
    assert _values(jarva["x"]) == [2024, 2025]
    parts = [t for t in spec["data"] if t.get("name", "").startswith("Del av år")]
    mine = next(t for t in parts if t["xaxis"] == jarva["xaxis"])
    assert _values(mine["x"]) == [2023, 2026] and mine["text"] == ["apr–dec", "jan–jul"]
    assert mine["marker"]["symbol"] == "diamond-open"
    assert [t["showlegend"] for t in parts].count(True) == 1
    note = spec["layout"]["annotations"][-1]["text"].replace("<br>", " ")
    assert "Del av år: apr–dec 2023, jan–jul 2026" in note
    assert "Rangordning jan–jul 2026" in [s.value for s in at.subheader]


@pytest.mark.slow
def test_indicator_page_map_and_ranking(demo: Path) -> None:
    at = _open("indicator", {"indikator": "Anmälda brott mot person"})
    spec = _chart(at, "map")
    # Drawn on plain axes from the bundled outlines: no geo trace (whose base layer Plotly
    # fetches from cdn.plot.ly), one filled outline per district of today, labelled.
    assert {t["type"] for t in spec["data"]} == {"scatter"}
    outlines = [t for t in spec["data"] if t.get("fill") == "toself"]
    assert len(outlines) == 11
    # The labels: black on light fills, white on dark ones (one trace per colour).
    labels = [t for t in spec["data"] if t.get("mode") == "text"]
    assert {t["textfont"]["color"] for t in labels} <= {"#000000", "#FFFFFF"}
    text = dict(x.split("<br>") for t in labels for x in _values(t["text"]))
    assert text["Järva"] == "3\u00a0438" and text["Bromma"] == "1\u00a0789"
    # The demo's district crime file has no Södermalm: said, with the reason in the hover.
    assert text["Södermalm"] == "inga uppgifter"
    hovers = [h for t in labels for h in _values(t["hovertext"])]
    assert any("Södermalm: inga uppgifter (" in h for h in hovers)
    assert [t["name"] for t in outlines if t.get("showlegend")] == ["Inga uppgifter"]
    assert spec["layout"]["title"]["text"] == (
        "Anmälda brott mot person 2023, per stadsdelsområde (antal anmälda brott)"
    )
    # Counts are not ranked (a larger district has more of everything); rates are.
    assert not [e for e in at.get("plotly_chart") if "ranking" in e.proto.id]
    assert any(c.value.startswith("Antal rangordnas inte") for c in at.caption)
    at = _open("indicator", {"indikator": "Anmälda brott mot person per 1 000 invånare"})
    ranking = _chart(at, "ranking")
    assert ranking["layout"]["title"]["text"].endswith(": bäst överst")
    assert len(ranking["data"][0]["y"]) >= 9


@pytest.mark.slow
def test_compare_women_and_men(demo: Path) -> None:
    at = _open("compare", {"jamforelse": "Kvinnor mot män",
                           "omrade_prio": "Otrygga och brottsutsatta platser",
                           "jamfor_omrade": "Bromma"})  # fmt: skip
    table = table_with(at, "Skillnad").set_index("Indikator")
    row = table.loc["Otrygga ute sent en kväll i det egna området"]
    assert row["Kvinnor i Bromma"].endswith("%") and row["Män i Bromma"].endswith("%")
    assert row["Skillnad"] in {"skillnaden är statistiskt säkerställd", "inom felmarginalen"}


def test_compare_two_districts(demo: Path) -> None:
    at = _open("compare", {"jamforelse": "Två stadsdelsområden",
                           "omrade_prio": "Särskilt utsatta och sårbara brottsoffer",
                           "jamfor_omrade": "Järva", "jamfor_med": "Bromma"})  # fmt: skip
    table = table_with(at, "Skillnad").set_index("Indikator")
    row = table.loc["Anmälda brott mot person"]
    assert row["Järva"] == "3\u00a0438"
    assert row["Skillnad"] == "skillnaden är statistiskt säkerställd"
    # BRÅ's counts are real; the survey's demo values are invented, and the table says so.
    assert row["Exempeldata"] == ""
    assert table.loc["Utsatta för brott mot person (enkät)", "Exempeldata"] == "ja"


@pytest.mark.parametrize(
    "page", ["overview", "district", "indicator", "compare", "meeting", "crime", "year_end"]
)
@pytest.mark.slow
def test_every_analysis_page_offers_its_meeting_pack(demo: Path, page: str) -> None:
    at = _open(page)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Mötespaket (PDF)" in labels and "Mötespaket (PowerPoint)" in labels


@pytest.mark.slow
def test_meeting_mode_next_and_previous(demo: Path) -> None:
    at = _open("meeting")
    assert at.title[0].value == "Unga i riskzon för destruktivt beteende"
    at.button(key="next").click().run()
    assert at.title[0].value == "Otrygga och brottsutsatta platser"
    at.button(key="previous").click().run()
    at.button(key="previous").click().run()
    assert at.title[0].value == "Kriminella miljöer och livsstilar"
    assert len(at.get("metric")) >= 3


def test_streamlit_table_export_is_off(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's own "Download as CSV" would write every table unprotected (formulas
    included): only the app's buttons download."""
    import tomllib

    import streamlit as st

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    st.set_option("client.disableDataExport", False)
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert st.get_option("client.disableDataExport") is True


@pytest.mark.slow
def test_meeting_mode_from_a_short_link(demo: Path) -> None:
    at = _open("meeting", {"omrade": "jarva", "steg": "2"})
    assert at.title[0].value == "Otrygga och brottsutsatta platser"
    assert at.caption[0].value == "Järva · prioriterat område 2 av 5"
    # A part of a year is compared with the same months a year earlier, never a whole year.
    at = _open("meeting", {"omrade": "jarva", "steg": "5"})
    murders = next(m for m in at.get("metric") if m.label.endswith("jan–jul 2026"))
    assert murders.value == "3" and murders.proto.delta == "±0 jan–jul 2026 mot jan–jul 2025"
    assert "Jan–jul 2026 mot jan–jul 2025: 3 → 3 · inom felmarginalen" in [
        c.value for c in at.caption
    ]
    at = _open("meeting", {"omrade": "jarva", "steg": "9"})
    assert at.title[0].value == "Unga i riskzon för destruktivt beteende"
    assert at.warning[0].value == "Steg '9' finns inte: det finns steg 1–5. Visar steg 1."


def test_meeting_mode_trends_have_years_and_intervals(demo: Path) -> None:
    """The trends are Plotly charts with the years on the axis (they were a list plotted
    against 0, 1, 2), the unit and period in the title, the source or Exempeldata below."""
    at = _open("meeting", {"steg": "4"})
    charts = [json.loads(e.proto.spec) for e in at.get("plotly_chart") if "trend-" in e.proto.id]
    assert charts
    for spec in charts:
        line = spec["data"][-1]
        years = _values(line["x"])
        assert years == sorted(years) and all(2000 <= y <= 2030 for y in years)
        assert f"{years[0]}–{years[-1]}" in spec["layout"]["title"]["text"]
    assert at.title[0].value == "Särskilt utsatta och sårbara brottsoffer"  # ?steg=4 is 4
    # The verdict, the group's assessment, and per indicator now, before, change and test.
    text = [m.value for m in at.markdown]
    assert (
        "**Indikatorerna visar: oförändrat** (3 oförändrat · 4 underlag saknas)  \n"
        "**Gruppens bedömning:** ej uppfyllt (2023): Anmälda brott mot person ökade i "
        "flera stadsdelsområden."
    ) in text
    metric = at.get("metric")[0]
    assert (metric.label, metric.value) == ("procent av eleverna, 2024", "6,8\u00a0%")
    assert metric.proto.delta == "-0,4 procentenheter sedan basåret 2022"
    assert metric.proto.direction == metric.proto.MetricDirection.DOWN
    assert "Sedan basåret 2022: 7,2\u00a0% → 6,8\u00a0% · inom felmarginalen" in [
        c.value for c in at.caption
    ]
    # Where the baseline has no value the card says so, not a silent other year.
    assert "Ingen jämförelse: det finns inget värde för basåret 2021" in [
        c.value for c in at.caption
    ]
    # The school survey's invented values for the city: every second year, marked as such.
    first = charts[0]
    assert first["layout"]["title"]["text"] == "procent av eleverna, 2022–2024 – Exempeldata"
    assert _values(first["data"][-1]["x"]) == [2022, 2024]
    assert _values(first["data"][-1]["y"]) == [7.2, 6.8]
    assert first["layout"]["annotations"][0]["text"] == (
        "Källa: Exempeldata (påhittade värden, inte verkliga resultat)."
    )


def test_what_drove_the_citys_change_on_the_indicator_page(demo: Path) -> None:
    at = _open("indicator", {"indikator": "Anmälda brott mot person"})
    spec = _chart(at, "indikator_drivers_chart")
    bars = spec["data"][0]
    changes = dict(zip(bars["y"], _values(bars["x"]), strict=True))
    assert changes["Järva  <b>+579</b>"] == 579
    assert changes["Enskede-Årsta-Vantör  <b>−58</b>"] == -58
    total = "<b>Totalt</b>: Stockholms stad: summan av 9 av 11 stadsdelsområden  <b>+1 873</b>"
    assert changes[total.replace(" 873", "\u00a0873")] == 1873
    assert spec["layout"]["title"]["text"].startswith(
        "Vad drev förändringen? Anmälda brott mot person, Stockholms stad: 2022 till 2023 prel."
    )
    table = table_with(at, "Förändring").set_index("Del")
    assert table.loc["Järva", ["2022", "2023 prel.", "Förändring"]].tolist() == [
        "2\u00a0859",
        "3\u00a0438",
        "+579",
    ]
    assert table.loc["Järva", "Säkerställd"] == "ja"
    assert any("Norra innerstaden och Södermalm saknar uppgifter" in c.value for c in at.caption)


@pytest.mark.slow
def test_what_drove_a_districts_change_lists_a_darav_line_under_its_chapter(demo: Path) -> None:
    at = _open("district", {"stadsdelsomrade": "Järva", "indikator": "Anmälda brott mot person"})
    table = table_with(at, "Förändring")
    parts = table["Del"].tolist()
    chapter = parts.index("Anmälda brott mot liv och hälsa (3 kap. BrB)")
    assert parts[chapter + 1] == "   därav Anmäld misshandel inkl. grov"
    assert table.iloc[-1]["Del"] == "Totalt: Anmälda brott mot person"
    assert table.iloc[-1]["Förändring"] == "+579"
    assert any("räknas inte två gånger" in c.value for c in at.caption)


def test_the_indicator_page_shows_koladas_comparison_of_municipalities(demo: Path) -> None:
    at = _open(
        "indicator", {"indikator": "Anmälda stöld- och tillgreppsbrott, jämfört med andra kommuner"}
    )
    spec = _chart(at, "municipalities")
    lines = {t["name"]: t for t in spec["data"]}
    assert {"Stockholms stad", "Göteborg", "Malmö", "Solna (grannkommun)"} <= set(lines)
    stockholm = dict(zip(_values(lines["Stockholms stad"]["x"]),
                         _values(lines["Stockholms stad"]["y"]), strict=True))  # fmt: skip
    assert round(stockholm[2023]) == 4454  # Kolada U07417, Stockholm 2023
    table = table_with(at, "Plats").set_index("Kommun")
    assert table.loc["Stockholms stad", "Plats"] == "8 av 10"
    assert table.loc["Malmö", "Grupp"] == "storstad (SKR A1)"


def test_reported_crime_beside_the_surveys_share_exposed_on_one_time_axis(demo: Path) -> None:
    at = _open("district", {"stadsdelsomrade": "Järva"})
    spec = _chart(at, "beside_brott_mot_person")
    lines = [t for t in spec["data"] if t.get("mode") == "lines+markers"]
    reported = dict(zip(_values(lines[0]["x"]), _values(lines[0]["y"]), strict=True))
    assert reported[2022] == 2859 and reported[2023] == 3438
    assert lines[1]["xaxis"] == "x2" and lines[1]["name"] == "procent av de svarande"
    # One time axis: both panels over the same years.
    assert spec["layout"]["xaxis"]["range"] == spec["layout"]["xaxis2"]["range"] == [2016.5, 2023.5]
    assert any(t.get("fill") == "toself" for t in spec["data"])  # the intervals
    assert any("En ökning av anmälningarna kan därför bero på att fler anmäler" in c.value
               for c in at.caption)  # fmt: skip


def test_meeting_mode_says_what_drove_each_change_under_the_cards(demo: Path) -> None:
    at = _open("meeting", {"omrade": "jarva", "steg": "4"})
    labels = [e.label for e in at.expander]
    person = next(x for x in labels if x.startswith("Anmälda brott mot person, "))
    # The split of the change the card's status tested: since the baseline 2021.
    assert person == (
        "Anmälda brott mot person, sedan basåret 2021: Störst förändring: Anmälda brott mot "
        "frihet och frid (4 kap. BrB) +225 (säkerställd), Anmälda sexualbrott (6 kap. BrB) −43 "
        "(säkerställd)."
    )
    bars = _chart(at, "drivers-brott_mot_person")["data"][0]
    assert 193 in _values(bars["x"])  # the total since 2021 (3 245 → 3 438), in the expander


@pytest.mark.slow
def test_a_load_for_one_category_recomputes_the_district_rows_over_it_only(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 33: a district's row of an indicator is kept under what its figures were computed
    from; after another connection loads Farsta's reported crime against persons, the rerun
    shows the new figures in those two rows and computes no other row again."""
    from loaders import bra_anmalda_brott
    from service import district, overview, results

    store = copy_store(demo_db_path, tmp_path / "store.sqlite")
    monkeypatch.setenv("DASHBOARD_DB", str(store))
    at = _open("district", {"stadsdelsomrade": "Farsta"})

    def rows() -> pd.DataFrame:
        return pd.concat([d.value for d in at.dataframe if "Farsta" in d.value.columns]).set_index(
            "Indikator"
        )

    before = rows()
    computed: list[str] = []
    by_region = district.by_region

    def counting(frame: pd.DataFrame, codes: list[str]) -> dict:  # type: ignore[type-arg]
        computed.append(str(frame["indicator"].iloc[0]) if not frame.empty else "")
        return by_region(frame, codes)

    monkeypatch.setattr(district, "by_region", counting)
    monkeypatch.setattr(overview, "by_region", counting)
    monkeypatch.setenv("DASHBOARD_RESULTS", "on")
    months = ["Jan", "Feb", "Mar", "Apr", "Maj"]
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"] + [
        f"Stadsdelsområde Farsta (Sthlm);3-7 kap. Brott mot person;2026 prel.;{m};{n};{n * 2};"
        for m, n in zip(months, [114, 130, 139, 121, 127], strict=True)
    ]
    path = tmp_path / "Databasfil2026.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    other = open_store(store)  # another connection, as a command line's
    bra_anmalda_brott.load(other, path, loaded_by="t")
    results.refresh_connection(other)
    other.close()
    at.run()
    assert not at.exception, at.exception
    after = rows()
    # Each summarised once for the district's table, once for the overview's rows (the local
    # agreement's section reads them); the other indicators' rows are kept.
    assert sorted(computed) == ["brott_mot_person"] * 2 + ["brott_mot_person_per_1000"] * 2
    person = after.loc["Anmälda brott mot person"]
    assert (person["Period"], person["Farsta"]) == ("jan–maj 2026 prel.", "631")
    changed = {i for i in after.index if not after.loc[i].equals(before.loc[i])}
    assert changed <= {"Anmälda brott mot person", "Anmälda brott mot person per 1 000 invånare"}
