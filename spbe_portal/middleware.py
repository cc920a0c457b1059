"""Project-wide middleware: the limit on request bodies, the
Content-Security-Policy, the Indonesian-first choice of language, and the
HTML edge of the domain errors.

Scripts only from our own origin: no inline scripts or handlers anywhere, so
an injected <script> or onclick= does nothing. Inline style attributes stay
allowed for progress bars and chart sizes, a much smaller risk.
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from spbe_portal.errors import DomainError, status_of

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many
    office laptops in Indonesia run an English browser; the portal is
    Indonesian first, so only an explicit choice (the language cookie set by
    the language form) switches to English."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestBodyLimitMiddleware:
    """Refuse a body larger than the limit from its Content-Length, before
    anything reads it: Django would otherwise spool a multipart body of any
    size to disk for any form, the login page included. Only the upload
    routes take more, each up to its limit (settings.UPLOAD_ROUTES_MAX_BYTES);
    each evidence file is still held to the evidence limit while it streams.
    A body without Content-Length is never read by Django (it reads none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit = _upload_limit(request) or settings.REQUEST_MAX_BYTES
            if length > limit:
                return _too_large(request, limit)
        return self.get_response(request)


def _upload_limit(request) -> int | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return settings.UPLOAD_ROUTES_MAX_BYTES.get(match.view_name)


def _too_large(request, limit: int):
    message = _("Data yang dikirim terlalu besar; ukuran maksimum %(max)s.") % {
        "max": filesizeformat(limit)
    }
    # The connection still carries the unread body: close it rather than
    # let a keep-alive client's next request be parsed out of it.
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=413)
    else:
        response = render(request, "413.html", {"message": message}, status=413)
    response["Connection"] = "close"
    return response


class DomainErrorMiddleware:
    """The HTML edge of spbe_portal.errors: a refusal that a view did not
    handle itself becomes the portal's error page with the domain's own
    (translated) message and the status `status_of` gives it. The API maps
    the same errors in its exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        status = status_of(exception)
        return render(
            request,
            "errors/refused.html",
            {"message": exception.message, "response_status": status},
            status=status,
        )
