"""Personal API tokens: creating, revoking, and the DRF authentication class
that accepts `Authorization: Bearer <token>`.

Only the SHA-256 of a token is stored. A request's token is looked up by its
first characters (the prefix the user also sees on the profile page) and
its hash is compared in constant time, so timing tells nothing about how
much of a guessed token was right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from assessments.models import ApiToken
from spbe_portal.errors import Invalid

NAME_MAX = 100
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# How long a new token lives, in days; the profile page offers these.
LIFETIMES = (30, 90, 180, 365)
DEFAULT_LIFETIME = 90


@transaction.atomic
def api_token_create(*, user, name: str, days=DEFAULT_LIFETIME) -> tuple[ApiToken, str]:
    """Returns the token row and the full secret, which is never stored and
    can never be shown again. The token expires after `days` days."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Beri nama token, misalnya nama sistem yang memakainya."))
    if len(name) > NAME_MAX:
        raise Invalid(_("Nama token maksimum %(max)s karakter.") % {"max": NAME_MAX})
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days not in LIFETIMES:
        raise Invalid(
            _("Pilih masa berlaku token: %(choices)s hari.")
            % {"choices": ", ".join(str(d) for d in LIFETIMES)}
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=raw[: ApiToken.PREFIX_LENGTH],
        key_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Idempotent: revoking a revoked token keeps its first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_user(raw: str) -> tuple | None:
    """(user, token) for an active token of an active user, else None."""
    if len(raw) < ApiToken.PREFIX_LENGTH:
        return None
    wanted = token_hash(raw)
    candidates = ApiToken.objects.filter(key_prefix=raw[: ApiToken.PREFIX_LENGTH]).select_related(
        "user"
    )
    for token in candidates:
        if hmac.compare_digest(token.key_hash, wanted):
            if not token.is_active or not token.user.is_active:
                return None
            _touch(token)
            return token.user, token
    return None


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`. A request without that header is left
    to the next class (the browser's session); a wrong, revoked or malformed
    token is refused with 401 rather than silently treated as anonymous."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization tidak valid."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Token tidak valid.")) from None
        found = token_user(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Token tidak valid atau sudah dicabut."))
        return found

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (Swagger's Authorize button)."""

    target_class = "assessments.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
