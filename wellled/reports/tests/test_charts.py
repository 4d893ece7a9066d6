"""The chart drawing: valid, accessible, faithful SVG for any ChartData."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from wellled.reports import charts
from wellled.reports.chartdata import ChartData

SVG = "{http://www.w3.org/2000/svg}"


def months(n: int, start: datetime.date = datetime.date(2023, 1, 1)) -> list[datetime.date]:
    out = []
    year, month = start.year, start.month
    for _ in range(n):
        out.append(datetime.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def make_chart(
    values: list[float | None],
    *,
    limits: bool = True,
    point_types: list[str] | None = None,
    **extra: object,
) -> ChartData:
    n = len(values)
    present = [v for v in values if v is not None]
    mean = sum(present) / len(present) if present else None
    line = [mean] * n if limits else [None] * n
    return ChartData(
        title=str(extra.pop("title", "Complaints answered in time")),
        unit=str(extra.pop("unit", "%")),
        improvement=str(extra.pop("improvement", "increase")),
        periods=months(n),
        values=values,
        mean=line,
        lpl=[m - 10 if m is not None else None for m in line],
        upl=[m + 10 if m is not None else None for m in line],
        point_types=point_types
        if point_types is not None
        else ["common_cause" if v is not None else "" for v in values],
        variation=str(extra.pop("variation", "common_cause" if limits else "")),
        assurance=str(extra.pop("assurance", "")),
        **extra,  # type: ignore[arg-type]
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def points(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if "spc-point" in el.get("class", "").split()]


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in el.get("class", "").split()]


def test_the_chart_is_valid_accessible_svg() -> None:
    chart = make_chart([50.0 + (i % 5) for i in range(24)], target=55.0)
    root = parse(charts.render_chart_svg(chart, id_prefix="metric-7"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "metric-7-title metric-7-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "metric-7-title"
    assert title.text == "Complaints answered in time"
    assert desc is not None and desc.get("id") == "metric-7-desc"
    assert "24 values from Jan 2023 to Dec 2024" in (desc.text or "")
    assert "The target is 55%" in (desc.text or "")


def test_no_style_attributes_or_elements() -> None:
    chart = make_chart([1.0, 2.0, 3.0] * 6, annotations=[(months(18)[3], "A note")])
    root = parse(charts.render_chart_svg(chart))
    for element in root.iter():
        assert "style" not in element.attrib
        assert element.tag != f"{SVG}style"
        assert element.tag != f"{SVG}script"


def test_one_marker_per_value_and_gaps_break_the_line() -> None:
    values: list[float | None] = [10.0, 12.0, None, 11.0, 13.0, None, 9.0]
    root = parse(charts.render_chart_svg(make_chart(values)))
    assert len(points(root)) == 5
    (data,) = by_class(root, "spc-data")
    # Three runs of values: three moves of the pen.
    assert data.get("d", "").count("M") == 3


def test_point_types_get_their_colour_and_their_own_shape() -> None:
    types = [
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neither",
    ]
    root = parse(charts.render_chart_svg(make_chart([1.0, 2.0, 3.0, 4.0], point_types=types)))
    found = {el.get("data-type"): el for el in points(root)}
    assert found["common_cause"].get("fill") == "#A6A6A6"
    assert found["special_cause_improvement"].get("fill") == "#00B0F0"
    assert found["special_cause_concern"].get("fill") == "#E46C0A"
    assert found["special_cause_neither"].get("fill") == "#490092"
    shapes = {el.tag for el in found.values()}
    assert shapes == {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"}
    # The two polygons differ: a triangle and a diamond.
    assert len(found["special_cause_concern"].get("points", "").split()) == 3
    assert len(found["special_cause_neither"].get("points", "").split()) == 4
    # Each point says in words what it is, and the legend names every shape.
    titles = [el.find(f"{SVG}title") for el in found.values()]
    assert "(special cause: concern)" in (titles[2].text or "")  # type: ignore[union-attr]
    legend = " ".join(t.text or "" for t in by_class(root, "spc-legend")[0].iter(f"{SVG}text"))
    for word in ("Common cause", "Improvement", "Concern", "Neither", "Mean", "Process limits"):
        assert word in legend


def test_limits_are_omitted_when_there_are_none() -> None:
    root = parse(charts.render_chart_svg(make_chart([5.0, 6.0, 7.0], limits=False)))
    assert by_class(root, "spc-lpl") == []
    assert by_class(root, "spc-upl") == []
    assert by_class(root, "spc-mean") == []
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Process limits" not in legend
    desc = root.find(f"{SVG}desc")
    assert "too few points for process limits" in (desc.text or "")  # type: ignore[union-attr]


def test_limits_are_dashed_and_the_target_is_drawn() -> None:
    root = parse(charts.render_chart_svg(make_chart([5.0, 6.0, 7.0, 6.0], target=8.0)))
    (lpl,) = by_class(root, "spc-lpl")
    (upl,) = by_class(root, "spc-upl")
    (mean,) = by_class(root, "spc-mean")
    assert lpl.get("stroke-dasharray") and upl.get("stroke-dasharray")
    assert mean.get("stroke-dasharray") is None
    (target,) = by_class(root, "spc-target")
    assert target.get("stroke") == "#DE1B1B"


def test_rebases_split_the_limits_into_segments() -> None:
    periods = months(24)

    def steps(before: float, after: float) -> list[float | None]:
        return [before if i < 12 else after for i in range(24)]

    values, mean = steps(50.0, 70.0), steps(50.0, 70.0)
    lpl, upl = steps(40.0, 65.0), steps(60.0, 75.0)
    chart = ChartData(
        title="Recalculated",
        unit="count",
        improvement="increase",
        periods=periods,
        values=values,
        mean=mean,
        lpl=lpl,
        upl=upl,
        point_types=["common_cause"] * 24,
        variation="common_cause",
        assurance="",
        rebases=[periods[12]],
    )
    root = parse(charts.render_chart_svg(chart))
    assert len(by_class(root, "spc-mean")) == 2
    assert len(by_class(root, "spc-upl")) == 2
    (rebase,) = by_class(root, "spc-rebase")
    assert "Jan 2024" in (rebase.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
    # Each segment's limit is one flat line: its two ends at the same height.
    for path in by_class(root, "spc-upl"):
        assert re.fullmatch(r"M[\d.]+ [\d.]+ H[\d.]+", path.get("d", ""))
    rows = charts.table_rows(chart)
    assert [row.rebased for row in rows].index(True) == 12
    assert rows[12].mean == "70" and rows[11].upl == "60"


def test_every_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script> & <b>'
    chart = make_chart(
        [1.0, 2.0],
        title=nasty,
        unit="<u>",
        description=nasty,
        annotations=[(months(2)[1], nasty)],
    )
    svg = str(charts.render_chart_svg(chart, id_prefix='x" onload="evil'))
    root = parse(svg)
    assert "<script" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}title").text == nasty  # type: ignore[union-attr]
    assert root.get("aria-labelledby") == "x--onload--evil-title x--onload--evil-desc"
    assert not any(key.startswith("on") for el in root.iter() for key in el.attrib)


def test_annotations_are_numbered_markers_with_their_text() -> None:
    periods = months(6)
    chart = make_chart(
        [1.0, 2.0, 3.0, 2.0, 1.0, 2.0],
        annotations=[(periods[4], "Second"), (periods[1], "First")],
    )
    root = parse(charts.render_chart_svg(chart))
    flags = by_class(root, "spc-annotation")
    assert [f.find(f"{SVG}title").text for f in flags] == [  # type: ignore[union-attr]
        "Feb 2023: First",
        "May 2023: Second",
    ]
    assert [text.text for f in flags for text in f.iter(f"{SVG}text")] == ["1", "2"]


@pytest.mark.parametrize(
    "values",
    [[], [None, None, None], [42.0], [7.0] * 20, [0.0, 0.0], [-5.0, 1e9]],
    ids=["empty", "all-missing", "one-point", "constant", "zeros", "wide"],
)
def test_awkward_series_still_draw(values: list[float | None]) -> None:
    root = parse(charts.render_chart_svg(make_chart(values)))
    assert len(points(root)) == sum(1 for v in values if v is not None)
    if not any(v is not None for v in values):
        (empty,) = by_class(root, "spc-empty")
        assert empty.text
        assert by_class(root, "spc-data") == []


def test_one_point_has_no_line_and_sits_inside_the_plot() -> None:
    root = parse(charts.render_chart_svg(make_chart([42.0], limits=False), height=300))
    assert by_class(root, "spc-data") == []
    (point,) = points(root)
    assert 0 < float(point.get("cy", "0")) < 300


def test_the_y_axis_has_round_ticks_covering_the_data() -> None:
    ticks, decimals = charts.nice_ticks(3.2, 97.1)
    assert ticks[0] <= 3.2 and ticks[-1] >= 97.1
    assert ticks == [0, 20, 40, 60, 80, 100] and decimals == 0
    ticks, decimals = charts.nice_ticks(0.12, 0.19)
    assert decimals == 2 and ticks[0] <= 0.12 and ticks[-1] >= 0.19
    ticks, _ = charts.nice_ticks(5.0, 5.0)
    assert ticks[0] < 5.0 < ticks[-1]


def test_the_output_is_deterministic() -> None:
    chart = make_chart([float(i % 7) for i in range(36)], target=3.0)
    assert charts.render_chart_svg(chart) == charts.render_chart_svg(replace(chart))


def test_weekly_periods_are_labelled_by_day() -> None:
    start = datetime.date(2025, 1, 6)
    periods = [start + datetime.timedelta(weeks=i) for i in range(4)]
    chart = replace(make_chart([1.0, 2.0, 3.0, 4.0]), periods=periods)
    root = parse(charts.render_chart_svg(chart))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "6 Jan 25" in texts and "Period" in texts


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
        max_size=40,
    ),
    st.booleans(),
)
def test_any_series_gives_valid_svg(values: list[float | None], limits: bool) -> None:
    chart = make_chart(values, limits=limits)
    root = parse(charts.render_chart_svg(chart))
    import math

    finite = [v for v in values if v is not None and math.isfinite(v)]
    assert len(points(root)) == len(finite)
    for element in root.iter():
        for value in element.attrib.values():
            assert "nan" not in value.lower() or element.tag.endswith("title")
            assert "inf" not in value.lower() or element.tag.endswith("title")


# --- icons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(charts.VARIATION_LABELS))
def test_variation_icons_are_labelled_svg(code: str) -> None:
    root = parse(charts.variation_icon_svg(code))
    assert root.get("role") == "img"
    assert root.get("aria-label") == charts.VARIATION_LABELS[code]
    assert root.find(f"{SVG}title").text == charts.VARIATION_LABELS[code]  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    if code.endswith("_high"):
        assert texts == ["H"]
    elif code.endswith("_low"):
        assert texts == ["L"]
    else:
        assert texts == []


def test_variation_icon_colours_follow_the_meaning() -> None:
    def ring(code: str) -> str:
        return parse(charts.variation_icon_svg(code)).find(f"{SVG}circle").get("stroke", "")  # type: ignore[union-attr]

    assert ring("common_cause") == "#A6A6A6"
    assert ring("improvement_high") == ring("improvement_low") == "#00B0F0"
    assert ring("concern_high") == ring("concern_low") == "#E46C0A"
    assert ring("neither_high") == ring("neither_low") == "#490092"


@pytest.mark.parametrize(
    ("code", "letter", "colour"),
    [("pass", "P", "#00B0F0"), ("fail", "F", "#E46C0A"), ("hit_or_miss", None, "#A6A6A6")],
)
def test_assurance_icons(code: str, letter: str | None, colour: str) -> None:
    root = parse(charts.assurance_icon_svg(code))
    assert root.get("aria-label") == charts.ASSURANCE_LABELS[code]
    assert root.find(f"{SVG}circle").get("stroke") == colour  # type: ignore[union-attr]
    assert [t.text for t in root.iter(f"{SVG}text")] == ([letter] if letter else [])


def test_no_icon_without_a_code_and_unknown_codes_are_refused() -> None:
    assert charts.variation_icon_svg("") == ""
    assert charts.assurance_icon_svg("") == ""
    with pytest.raises(ValueError, match="Unknown"):
        charts.variation_icon_svg("bogus")
    with pytest.raises(ValueError, match="Unknown"):
        charts.assurance_icon_svg("<x>")


# --- the include ---------------------------------------------------------------------------


def test_the_include_has_the_chart_icons_and_a_data_table() -> None:
    types = ["common_cause"] * 13 + ["special_cause_improvement"]
    chart = make_chart(
        [float(i) for i in range(14)],
        point_types=types,
        variation="improvement_high",
        assurance="pass",
        target=2.0,
        warnings=["Only 14 points"],
        annotations=[(months(14)[2], "New <rota>")],
    )
    html = render_to_string("reports/includes/chart.html", {"chart": chart, "chart_id": "m-1"})
    assert 'aria-labelledby="m-1-title m-1-desc"' in html
    assert "Special cause variation: improvement, high values" in html
    assert "Consistently passing the target" in html
    assert 'class="spc-icon spc-icon--improvement_high"' in html
    assert "<details" in html and "<summary" in html
    assert html.count('<th scope="row"') == 14
    assert "Special cause: improvement" in html
    assert "Only 14 points" in html
    assert "Mar 2023: New &lt;rota&gt;" in html
    assert "<script" not in html and "style=" not in html


def test_the_include_says_when_there_are_no_icons() -> None:
    chart = make_chart([1.0, 2.0], limits=False)
    html = render_to_string("reports/includes/chart.html", {"chart": chart})
    assert "No variation icon" in html and "No assurance icon" in html
    assert "spc-icon" not in html
    # Without a chart_id the ids come from the title.
    assert 'id="chart-complaints-answered-in-time-title"' in html
