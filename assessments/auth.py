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


def login_locked(identifier: str) -> bool:
    return _counter().get(_key(identifier), 0) >= MAX_FAILURES


def login_failed(identifier: str) -> None:
    counter, key = _counter(), _key(identifier)
    counter.add(key, 0, LOCKOUT_SECONDS)
    try:
        counter.incr(key)
    except ValueError:
        counter.set(key, 1, LOCKOUT_SECONDS)


def login_succeeded(identifier: str) -> None:
    _counter().delete(_key(identifier))


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        if login_locked(username):
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied
        user_model = get_user_model()
        candidates = list(
            user_model.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))[:2]
        )
        user = candidates[0] if len(candidates) == 1 else None
        if user is None:
            user_model().set_password(password)  # equal time for unknown users
        elif user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(username)
            return user
        login_failed(username)
        return None
