"""Login by username or e-mail, with throttling of repeated failures, and the
rate limit on password reset requests.

Failed sign-ins are counted by django-axes (settings AXES_*) in the database,
which every worker and node shares, per account AND client address together:
five failures from one address lock that address out of that account for 15
minutes, while the account's owner elsewhere still signs in, so nobody can
lock out a user (an administrator included) by guessing at their name.

axes is called from the backend below rather than through its own backend and
middleware: Django's test client and internal code authenticate without a
request, which axes' backend refuses.
"""

import ipaddress
import logging

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied
from django.db.models import Q

logger = logging.getLogger(__name__)

# Password reset requests, per hour: a few for one address (so nobody floods
# someone's inbox), more for one client (a shared office address).
RESET_WINDOW_SECONDS = 60 * 60
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10

# While the shared cache (Redis) is unreachable, reset requests are counted in
# this process only: the page keeps working, and the limit still holds per process.
_fallback = LocMemCache("reset-throttle-fallback", {})


def _account(identifier: str):
    """The one user a username or e-mail names, else None."""
    found = list(
        get_user_model().objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier)
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def failure_username(request, credentials) -> str:
    """What axes counts failures under (AXES_USERNAME_CALLABLE): the account a
    username or e-mail names, so alternating between them does not double the
    attempts; for no account, what was typed, case-folded."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = request.POST.get("username", "")
    identifier = str(identifier or "").strip()
    user = _account(identifier) if identifier else None
    return f"account:{user.pk}" if user is not None else identifier.lower()[:200]


def client_ip(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind
    TRUSTED_PROXY_COUNT proxies the address the outermost of them saw. Only
    entries our own proxies appended are trusted; a client can forge the rest."""
    address = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count and len(forwarded) >= count:
        address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def login_locked(request, identifier: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": identifier})


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        if request is not None and login_locked(request, username):
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied
        user = _account(username)
        if user is None:
            get_user_model()().set_password(password)  # equal time for unknown users
        elif user.check_password(password) and self.user_can_authenticate(user):
            return user
        # Django sends user_login_failed, which axes counts.
        return None


def _counter():
    try:
        cache.get("reset-requests:probe")
    except Exception:  # the cache client's own connection/timeout errors
        logger.warning("Cache unavailable: password reset requests counted per process")
        return _fallback
    return cache


def reset_request_allowed(*, address: str, client: str | None) -> tuple[bool, bool]:
    """Count one password reset request; (client allowed, address allowed)."""
    counter = _counter()
    allowed = []
    for key, limit in (
        (f"reset-requests:client:{client}", RESET_PER_CLIENT),
        (f"reset-requests:address:{address.strip().lower()}", RESET_PER_ADDRESS),
    ):
        counter.add(key, 0, RESET_WINDOW_SECONDS)
        try:
            count = counter.incr(key)
        except ValueError:  # expired between add and incr
            counter.set(key, 1, RESET_WINDOW_SECONDS)
            count = 1
        allowed.append(count <= limit)
    return allowed[0], allowed[1]
