"""A radar chart as static SVG markup: PDFs carry no JavaScript, so the chart
is drawn here, from the same rounded values the tables show."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIZE = 360
CENTER = SIZE / 2
RADIUS = 125


def _point(axis: int, count: int, fraction: float) -> tuple[float, float]:
    # Axis 0 points straight up; the others follow clockwise.
    angle = -math.pi / 2 + 2 * math.pi * axis / count
    return (
        CENTER + RADIUS * fraction * math.cos(angle),
        CENTER + RADIUS * fraction * math.sin(angle),
    )


def _points(values: list[float], count: int) -> str:
    return " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, v) for i, v in enumerate(values))
    )


def radar_svg(
    labels: list[str], values: list[Decimal | None], *, level_min: int, level_max: int, title: str
) -> SafeString:
    """Values on a scale 0..level_max; a missing value is drawn at the centre
    and labelled with a dash. Needs at least three axes to mean anything."""
    count = len(labels)
    if count < 3:
        return mark_safe("")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in range(1, level_max + 1):
        ring_points = _points([ring / level_max] * count, count)
        parts.append(
            f'<polygon points="{ring_points}" fill="none" stroke="#c8ccd2" stroke-width="0.7"/>'
        )
    for axis in range(count):
        x, y = _point(axis, count, 1)
        parts.append(
            f'<line x1="{CENTER}" y1="{CENTER}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#c8ccd2" stroke-width="0.7"/>'
        )
    fractions = [0.0 if v is None else float(v) / level_max for v in values]
    parts.append(
        f'<polygon points="{_points(fractions, count)}" fill="#0d6efd" fill-opacity="0.25" '
        'stroke="#0d6efd" stroke-width="1.6"/>'
    )
    for axis, (label, value) in enumerate(zip(labels, values, strict=True)):
        x, y = _point(axis, count, 1.18)
        shown = "—" if value is None else number_format(value, decimal_pos=2, use_l10n=True)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" text-anchor="middle" '
            f'font-family="DejaVu Sans, Noto Sans, sans-serif">'
            f'<tspan x="{x:.1f}" dy="-2">{escape(label)}</tspan>'
            f'<tspan x="{x:.1f}" dy="12">{escape(shown)}</tspan></text>'
        )
    for ring in range(level_min, level_max + 1):
        x, y = _point(0, count, ring / level_max)
        parts.append(
            f'<text x="{x + 3:.1f}" y="{y - 2:.1f}" font-size="7" fill="#6c757d" '
            f'font-family="DejaVu Sans, sans-serif">{ring}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above
