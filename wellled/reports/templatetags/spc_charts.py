"""Template tags that draw SPC charts and icons: `{% load spc_charts %}`.

{% chart_svg chart "metric-12" %}      the chart (ChartData) as SVG
{% variation_icon chart.variation %}   the MDC variation icon
{% assurance_icon chart.assurance %}   the MDC assurance icon
{% chart_rows chart as rows %}         the data table's rows
{{ code|variation_label }}, {{ code|assurance_label }}, {{ chart.improvement|improvement_words }}
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django.utils.text import slugify

from wellled.reports import charts
from wellled.reports.chartdata import ChartData

register = template.Library()

IMPROVEMENT_WORDS = {
    "increase": "Higher is better",
    "decrease": "Lower is better",
    "neither": "Neither higher nor lower is better",
}


@register.simple_tag
def chart_svg(
    chart: ChartData, id_prefix: str = "", width: int = 720, height: int = 300
) -> SafeString:
    prefix = id_prefix or "chart-" + (slugify(chart.title) or "untitled")
    return charts.render_chart_svg(chart, width=width, height=height, id_prefix=prefix)


@register.simple_tag
def variation_icon(code: str, size: int = 40) -> SafeString:
    return charts.variation_icon_svg(code, size=size)


@register.simple_tag
def assurance_icon(code: str, size: int = 40) -> SafeString:
    return charts.assurance_icon_svg(code, size=size)


@register.simple_tag
def chart_rows(chart: ChartData) -> list[charts.TableRow]:
    return charts.table_rows(chart)


@register.simple_tag
def chart_annotations(chart: ChartData) -> list[tuple[int, str, str]]:
    """(number on the chart, period in words, text) for each annotation."""
    return [
        (number, charts.period_label(chart, period), text)
        for number, period, text in charts.annotation_list(chart)
    ]


@register.filter
def variation_label(code: str) -> str:
    return charts.variation_label(code)


@register.filter
def assurance_label(code: str) -> str:
    return charts.assurance_label(code)


@register.filter
def improvement_words(code: str) -> str:
    return IMPROVEMENT_WORDS.get(code, "")


@register.filter
def spc_value(value: float | None, unit: str = "") -> str:
    return charts.format_value(value, unit)
