"""Template helpers for issued documents."""

import segno
from django import template

register = template.Library()


@register.filter
def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI, drawn by WeasyPrint like any
    image: no file, no network. Medium error correction survives a printed,
    folded and rescanned page."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)
