"""What the import commands look up by the names an operator types: an
unknown instansi or user ends the command with exit code 2 and says what
exists, the same way in every command."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.models import Instansi, User


def instansi_or_exit(code: str) -> Instansi:
    instansi = Instansi.objects.filter(code=code).first()
    if instansi is None:
        raise CommandError(
            _("Instansi %(code)r tidak ada. Kode yang ada: %(codes)s.")
            % {
                "code": code,
                "codes": ", ".join(Instansi.objects.values_list("code", flat=True)) or "-",
            },
            returncode=2,
        )
    return instansi


def user_or_exit(username: str | None) -> User | None:
    """None when no user is named: the operator acts."""
    if not username:
        return None
    actor = User.objects.filter(username=username).first()
    if actor is None:
        raise CommandError(
            _("Pengguna %(username)r tidak ada.") % {"username": username}, returncode=2
        )
    return actor
