from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.access import can_manage_instansi
from assessments.management.lookups import instansi_or_exit, user_or_exit
from assessments.people.importing import PeopleFileError, people_import, people_read_path


class Command(BaseCommand):
    help = (
        "Imports the people of one instansi from a CSV or XLSX file with the columns name, "
        "email, nip, position, opd and role (one row per role). All-or-nothing: one bad row "
        "refuses the file (exit status 1) and nothing is written; an unknown instansi or user "
        "exits with status 2. Existing accounts (same e-mail or NIP) are updated, new ones "
        "receive an invitation e-mail (links use PORTAL_BASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--instansi", required=True, help="instansi code, e.g. kaltim")
        parser.add_argument(
            "--user", help="username recorded as the actor in the audit trail (optional)"
        )
        parser.add_argument(
            "--no-invitations",
            action="store_true",
            help="create new accounts without sending invitations (send them later from the "
            "user page)",
        )
        parser.add_argument("file", type=Path, help="CSV or XLSX file")

    def handle(self, *args, instansi, user, no_invitations, file, **options):
        target = instansi_or_exit(instansi)
        actor = user_or_exit(user)
        if actor is not None and not can_manage_instansi(actor, target):
            raise CommandError(
                _("Pengguna %(username)r bukan administrator %(instansi)s.")
                % {"username": actor.username, "instansi": target.code},
                returncode=2,
            )
        base_url = getattr(settings, "PORTAL_BASE_URL", "")
        if not no_invitations and not base_url:
            raise CommandError(
                _(
                    "PORTAL_BASE_URL belum diatur, sehingga tautan undangan tidak dapat dibuat. "
                    "Atur PORTAL_BASE_URL atau jalankan dengan --no-invitations."
                ),
                returncode=2,
            )
        try:
            people = people_read_path(file, instansi=target, by=actor)
            outcome = people_import(
                instansi=target,
                people=people,
                by=actor,
                invite=not no_invitations,
                base_url=base_url,
            )
        except PeopleFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"  - {error}")
            raise CommandError(
                _("%(file)s ditolak: %(count)s kesalahan; tidak ada yang ditulis.")
                % {"file": file, "count": len(exc.errors)},
                returncode=1,
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Impor pegawai %(instansi)s selesai: %(people)s orang, %(created)s akun baru, "
                    "%(updated)s diperbarui, %(unchanged)s tidak berubah, "
                    "%(roles)s peran ditambahkan."
                )
                % {
                    "instansi": target.code,
                    "people": outcome.people,
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "roles": outcome.roles_granted,
                }
            )
        )
