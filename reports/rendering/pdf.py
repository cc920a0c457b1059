"""PDF reports: Django templates rendered in Bahasa Indonesia, laid out by
WeasyPrint. The renderer never touches the network: its URL fetcher serves
`data:` URLs and the portal's own static files read from disk, and refuses
everything else."""

from __future__ import annotations

import base64
import gc
import logging
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.models import ReportKind
from reports.rendering.radar import radar_svg
from reports.report_data import ReportData

logger = logging.getLogger(__name__)

# A base URL that can never resolve: relative links in the templates become
# URLs under it, which the fetcher maps onto static files on disk.
BASE_URL = "https://portal.invalid/"
TEMPLATES = {
    ReportKind.INSTANSI: "reports/pdf/instansi.html",
    ReportKind.OPD: "reports/pdf/opd.html",
    ReportKind.BERITA_ACARA: "reports/pdf/berita_acara.html",
}
STATIC_CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
# One font configuration per worker process: the system fonts are found once
# and Pango keeps its loaded faces and shaping caches from one report to the
# next. The reports declare no @font-face, so nothing of one document stays
# in it for the next.
FONT_CONFIG = FontConfiguration()


class RefusedURL(ValueError):
    pass


class OfflineURLFetcher(URLFetcher):
    """Only `data:` URLs and static files of the portal; no network at all."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            logger.warning("PDF renderer refused URL %s", url)
            raise RefusedURL(f"URL refused: {url}")
        suffix = path[path.rfind(".") :].lower() if "." in path else ""
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(
            url,
            body,
            {"Content-Type": STATIC_CONTENT_TYPES.get(suffix, "application/octet-stream")},
        )

    @staticmethod
    def static_path(url: str) -> str | None:
        parts = urlsplit(url)
        prefix = urlsplit(BASE_URL)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != (prefix.scheme, prefix.netloc):
            return None
        if not parts.path.startswith(static_prefix):
            return None
        relative = unquote(parts.path[len(static_prefix) :])
        if not relative or ".." in relative.split("/"):
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        return found if isinstance(found, str) else None


def logo_data_url(issue) -> str:
    """The letterhead's logo inline: the renderer fetches nothing else."""
    letterhead = issue.letterhead if issue else None
    if letterhead is None or not letterhead.logo:
        return ""
    encoded = base64.b64encode(bytes(letterhead.logo)).decode("ascii")
    return f"data:{letterhead.logo_type};base64,{encoded}"


def report_context(data: ReportData, kind: str, issue=None) -> dict:
    return {
        "data": data,
        "kind": kind,
        "issue": issue,
        "logo": logo_data_url(issue),
        "radar": radar_svg(
            [row.code for row in data.radar_rows],
            [row.value for row in data.radar_rows],
            level_min=data.level_min,
            level_max=data.level_max,
            title=str(translation.gettext("Diagram radar nilai aspek")),
        ),
    }


def render_html(data: ReportData, kind: str, issue=None) -> str:
    with translation.override("id"):
        return render_to_string(TEMPLATES[ReportKind(kind)], report_context(data, kind, issue))


def render_pdf(data: ReportData, kind: str, issue=None) -> bytes:
    """`issue` (reports.documents.Issue) is what an issued document prints
    about itself: number, code, letterhead, signatories."""
    html = render_html(data, kind, issue)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=OfflineURLFetcher())
    with collector_paused():
        return document.write_pdf(font_config=FONT_CONFIG)


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while WeasyPrint lays out. A
    layout allocates hundreds of thousands of boxes, each allocation counts
    towards the next collection, and every collection walks every object
    the worker holds: a fifth to a third of a report's CPU went there
    (docs/PERFORMANCE.md). The cycles of one document are collected as soon
    as the collector runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
