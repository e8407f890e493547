"""The one-step layout of panels (charts.grid) is the layout plotly's make_subplots makes:
the pages build their panel figures from it (issue 33: a tenth of the time)."""

from __future__ import annotations

import pytest
from plotly.subplots import make_subplots

from app_pages import charts


def _layout(figure_or_layout: object) -> dict:
    layout = dict(figure_or_layout.to_dict()["layout"])  # type: ignore[attr-defined]
    layout.pop("template", None)
    return layout


@pytest.mark.parametrize(
    ("rows", "cols", "titles", "options"),
    [
        (
            2,
            1,
            ["Farsta (antal)", "Hela staden (antal)"],
            {"shared_xaxes": True, "vertical_spacing": 0.12},
        ),
        (2, 1, ["Anmälda brott", "Utsatta (%)"], {"shared_xaxes": True, "vertical_spacing": 0.14}),
        (
            3,
            4,
            [f"Område {k}" for k in range(11)],
            {"shared_yaxes": True, "vertical_spacing": 0.12},
        ),
        (2, 3, ["a", "b", "c", "d", "e", "f"], {"vertical_spacing": 0.2}),
    ],
)
def test_the_grid_is_make_subplots_layout(
    rows: int, cols: int, titles: list[str], options: dict
) -> None:
    import plotly.graph_objects as go

    expected = _layout(make_subplots(rows=rows, cols=cols, subplot_titles=titles, **options))
    built = _layout(go.Figure(layout=charts.grid(titles, rows, cols, **options)))
    assert sorted(built) == sorted(expected)
    for key, axis in expected.items():
        if key == "annotations":
            assert [a["text"] for a in built[key]] == titles
            for got, want in zip(built[key], axis, strict=True):
                assert got == {**want, "x": pytest.approx(want["x"]), "y": pytest.approx(want["y"])}
        else:
            assert built[key] == {**axis, "domain": pytest.approx(axis["domain"])}, key


def test_a_trace_goes_to_its_panel() -> None:
    assert charts.panel(1) == {"xaxis": "x", "yaxis": "y"}
    assert charts.panel(7) == {"xaxis": "x7", "yaxis": "y7"}
    layout = charts.grid(
        ["a", "b"], 2, 1, vertical_spacing=0.1, x={"dtick": 1}, y={"rangemode": "tozero"}
    )
    assert layout["xaxis2"]["dtick"] == 1 and layout["yaxis"]["rangemode"] == "tozero"


def test_map_labels_contrast_with_every_fill_of_the_scale() -> None:
    """A district's name on the map is black or white by its fill, at least 4,5:1 (WCAG AA
    for text) on every colour of the scale, and on the grey of a protected district; before,
    black on Cividis' dark end was 1,6:1 (readable only through its halo)."""
    from plotly.colors import sample_colorscale

    from app_pages.charts import _luminance, label_colour

    def ratio(a: str, b: str) -> float:
        light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
        return (light + 0.05) / (dark + 0.05)

    fills = [str(sample_colorscale("Cividis", [k / 20])[0]) for k in range(21)]
    for fill in [*fills, "#D9D9D9", "#FFFFFF"]:
        assert ratio(label_colour(fill), fill) >= 4.5, fill
    assert label_colour(fills[0]) == "#FFFFFF" and label_colour(fills[-1]) == "#000000"
