from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.api.auth import DEFAULT_LIFETIME, api_token_create
from assessments.models import User
from spbe_portal.errors import Invalid


class Command(BaseCommand):
    help = (
        "Creates a personal API token for USERNAME and prints it (once; only its hash is "
        "stored). The same as 'Buat token' on the profile page, for scripts and the API "
        "walkthrough in docs/API.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help=_("Nama token."))
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_LIFETIME,
            help=_("Masa berlaku dalam hari (30, 90, 180 atau 365)."),
        )

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("Pengguna aktif «%s» tidak ditemukan.") % username)
        try:
            _token, raw = api_token_create(user=user, name=name, days=days)
        except Invalid as exc:
            raise CommandError(exc.message) from None
        # Only the token on stdout, so that TOKEN=$(manage.py create_api_token ...) works.
        self.stdout.write(raw)
