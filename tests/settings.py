"""Test settings, in one place: the portal's own settings (read from the
environment exactly as in production, see spbe_portal.settings) plus what
only tests want. Child processes the tests start (workers, manage.py) inherit
DJANGO_SETTINGS_MODULE, so they run with these too."""

from spbe_portal.settings import *  # noqa: F403

# Logging users in is most of what many tests do; the production hasher is
# deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
