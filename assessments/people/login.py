"""Login by username or e-mail, with throttling of repeated failures."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied
from django.db.models import Q

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60

# While the shared cache (Redis) is unreachable, failures are counted in this
# process only: signing in keeps working, and throttling still holds per process.
_fallback = LocMemCache("login-throttle-fallback", {})


def _counter():
    try:
        cache.get("login-failures:probe")
    except Exception:  # the cache client's own connection/timeout errors
        logger.warning("Cache unavailable: login failures counted per process")
        return _fallback
    return cache


def _key(identifier: str) -> str:
    return f"login-failures:{identifier.strip().lower()}"


def _account(identifier: str):
    """The one user a username or e-mail names, else None."""
    found = list(
        get_user_model().objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier)
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _keys(identifier: str, user) -> list[str]:
    # Counted per identifier typed and per account, so alternating between a
    # user's name and e-mail address does not double the attempts allowed.
    keys = [_key(identifier)]
    if user is not None:
        keys.append(f"login-failures:account:{user.pk}")
    return keys


def login_locked(identifier: str, user=None) -> bool:
    counter = _counter()
    user = user if user is not None else _account(identifier)
    return any(counter.get(key, 0) >= MAX_FAILURES for key in _keys(identifier, user))


def login_failed(identifier: str, user=None) -> None:
    counter = _counter()
    for key in _keys(identifier, user):
        counter.add(key, 0, LOCKOUT_SECONDS)
        try:
            counter.incr(key)
        except ValueError:
            counter.set(key, 1, LOCKOUT_SECONDS)


def login_succeeded(identifier: str, user=None) -> None:
    _counter().delete_many(_keys(identifier, user))


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = _account(username)
        if login_locked(username, user):
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied
        if user is None:
            get_user_model()().set_password(password)  # equal time for unknown users
        elif user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(username, user)
            return user
        login_failed(username, user)
        return None
