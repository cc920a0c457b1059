"""Operational endpoints for load balancers and monitoring, and the password
reset request page."""

import hmac

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from assessments.forms.auth import ThrottledPasswordResetForm
from spbe_portal.metrics import exposition


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view with the rate-limited form, which needs the request for
    the client's address and sends the e-mail from a task."""

    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches nothing else on purpose."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database answers. The broker is reported but does not
    fail readiness, because the web keeps serving while Redis is away."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        # Broker and cache share REDIS_URL; a failure is reported for
        # monitoring, and report requests wait in the database meanwhile.
        try:
            cache.get("readyz-probe")
            checks["redis"] = "ok"
        except Exception as exc:  # the client's connection and timeout errors
            checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


@never_cache
def metrics(request):
    """Prometheus metrics, for the scraper only: a 404 unless METRICS_TOKEN is
    configured, and then a 403 without that token as a Bearer token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    expected = f"Bearer {token}".encode()
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
        return HttpResponseForbidden()
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
