"""Project-wide middleware: the Content-Security-Policy, the
Indonesian-first choice of language, and the HTML edge of the domain errors.

Scripts only from our own origin: no inline scripts or handlers anywhere, so
an injected <script> or onclick= does nothing. Inline style attributes stay
allowed for progress bars and chart sizes, a much smaller risk.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

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
        return render(
            request,
            "errors/refused.html",
            {"message": exception.message, "response_status": status_of(exception)},
            status=status_of(exception),
        )
