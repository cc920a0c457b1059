"""A dashboard chart: its canvas and the JSON that static/js/charts.js draws
it from."""

from django import template
from django.utils.html import format_html, json_script

register = template.Library()


@register.simple_tag
def chart_box(name: str, data: dict, label: str, table_id: str = ""):
    """What reports/partials/chart.html writes, without an include's cost."""
    described = format_html(' aria-describedby="{}"', table_id) if table_id else ""
    return format_html(
        '\n<div class="chart-box chart-box-{}">\n'
        '  <canvas data-chart-source="chart-{}" role="img" aria-label="{}"{}></canvas>\n'
        "</div>\n{}\n",
        data["kind"],
        name,
        label,
        described,
        json_script(data, f"chart-{name}"),
    )
