"""The user's profile page: personal API tokens (create, list, revoke).

A new token's secret is shown once, in the response to the request that
created it; only its hash is stored, so it can never be shown again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import access
from assessments.api.auth import (
    DEFAULT_LIFETIME,
    LIFETIMES,
    NAME_MAX,
    api_token_create,
    api_token_revoke,
)
from assessments.models import ApiToken
from spbe_portal.errors import Invalid


def _page(request, *, new_token=None, error="", name="", status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "assessments/profile.html",
        {
            "tokens": tokens,
            "new_token": new_token,
            "error": error,
            "name": name,
            "name_max": NAME_MAX,
            "lifetimes": LIFETIMES,
            "default_lifetime": DEFAULT_LIFETIME,
        },
        status=status,
    )


@login_required
@require_GET
def profile(request):
    return _page(request)


@login_required
@require_POST
def token_create(request):
    name = request.POST.get("name", "")
    try:
        token, raw = api_token_create(
            user=request.user, name=name, days=request.POST.get("days", DEFAULT_LIFETIME)
        )
    except Invalid as exc:
        return _page(request, error=exc.message, name=name[:NAME_MAX], status=400)
    # Rendered, not redirected: the secret must not travel through the session.
    response = _page(request, new_token={"token": token, "secret": raw}, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    # Tokens are private to their owner: someone else's id is simply not found.
    token = access.get_visible_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    api_token_revoke(token=token)
    messages.success(request, _("Token «%(name)s» dicabut.") % {"name": token.name})
    return redirect("assessments:profile")
