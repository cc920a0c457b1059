"""What the administrator's pages ("Kelola") share: every page is scoped to
one instansi looked up through access.py, so someone who does not administer
it gets 404, as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError

from assessments.access import administrable_instansi, get_visible_or_404
from assessments.models import EvaluationPeriod, Instansi


def instansi_or_404(request, code: str) -> Instansi:
    return get_visible_or_404(administrable_instansi(request.user), code=code)


def period_or_404(instansi: Instansi, year: int) -> EvaluationPeriod:
    return get_visible_or_404(
        EvaluationPeriod.objects.filter(instansi=instansi).select_related("framework"), year=year
    )


def posted(request):
    """Bound data for a POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


def errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
