"""seed_demo: the living demo (see assessments.management.demo)."""

import io
import os
import secrets

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments.management.demo import Seeding, documents, history, live, organisation
from assessments.management.demo import data as demo
from assessments.models import EvaluationPeriod, Role
from indicators.models import FrameworkVersion

URL = "http://127.0.0.1:8000/"


def _load_framework(code: str) -> FrameworkVersion:
    call_command("load_framework", code, stdout=io.StringIO())
    return FrameworkVersion.objects.get(code=code)


class Command(BaseCommand):
    help = (
        "Seeds a living demo: Pemerintah Provinsi Kalimantan Timur (kaltim) with its OPDs and "
        "kabupaten/kota, users for every role, published periods 2023 and 2024 reproducing the "
        "published SPBE results, a 2025 period open for answers and about half filled, and a "
        "2026 period on the Indeks Pemdi (pemdi-2026) open for evidence per item. "
        "Idempotent: what exists is left as it is. Passwords come from DEMO_PASSWORD, or one is "
        "generated and printed for the accounts created in this run."
    )

    def handle(self, *args, **options):
        generated = None
        password = os.environ.get("DEMO_PASSWORD") or None
        if password is None:
            generated = password = "demo-" + secrets.token_urlsafe(9)
        self.seeding = Seeding(password=password)
        try:
            instansi, users, new_users = self._seed()
        except BaseException:
            # The rows rolled back; the evidence files written meanwhile must go too.
            for name in self.seeding.stored_files:
                default_storage.delete(name)
            raise
        self._snapshots()
        self._summary(instansi, users, new_users, generated)

    def _seed(self):
        seeding = self.seeding
        with transaction.atomic():
            frameworks = organisation.frameworks_by_year(seeding)
            instansi = organisation.instansi_ensure(seeding)
            opds = organisation.opds_ensure(seeding, instansi)
            organisation.kabkota_ensure(seeding, instansi)
            users, new_users = organisation.users_ensure(seeding, instansi, opds)
            for year in history.HISTORIC_WINDOWS:
                history.historic_period(seeding, instansi, frameworks[year], year, users)
            history.kabkota_results(seeding, instansi, frameworks[2024], users[demo.ADMINISTRATOR])
            live.open_period(seeding, instansi, frameworks[live.OPEN_YEAR], users)
            live.pemdi_period(seeding, instansi, users, _load_framework)
            documents.documents_ensure(seeding, instansi)
        return instansi, users, new_users

    def _snapshots(self) -> None:
        """Stored index snapshots, so the dashboards show the demo years at
        once (unchanged inputs rewrite nothing). Left to the reports app when
        its command isn't there."""
        wanted = [
            (demo.INSTANSI_CODE, year, basis)
            for year in history.HISTORIC_WINDOWS
            for basis in ("self", "validated", "final")
        ]
        wanted += [(item.code, 2024, "final") for item in demo.KABKOTA]
        for code, year, basis in wanted:
            try:
                call_command(
                    "compute_index",
                    period=year,
                    instansi=code,
                    basis=basis,
                    stdout=io.StringIO(),
                )
            except CommandError:
                continue

    # --- output --------------------------------------------------------------

    def _summary(self, instansi, users, new_users, generated) -> None:
        out = self.stdout.write
        if self.seeding.created:
            out(
                self.style.SUCCESS(
                    _("Data demo dibuat atau diperbarui: %s.") % ", ".join(self.seeding.created)
                )
            )
        else:
            out(_("Data demo sudah lengkap; tidak ada yang diubah."))
        periods = EvaluationPeriod.objects.filter(instansi=instansi).order_by("year")
        out(
            _("%(name)s: %(opds)d OPD, %(children)d kabupaten/kota, periode %(years)s.")
            % {
                "name": instansi.name,
                "opds": instansi.opds.count(),
                "children": instansi.children.count(),
                "years": ", ".join(f"{p.year} ({p.get_state_display()})" for p in periods),
            }
        )
        out(
            _("Kabupaten/kota (indeks SPBE 2024): %s.")
            % "; ".join(
                f"{item.name.split(' ', 2)[-1]} {number_format(item.index_2024, 2)}"
                for item in demo.KABKOTA
            )
        )
        out(_("Portal: %s") % URL)
        out(_("Akun demo (nama pengguna / peran / kata sandi):"))
        for item in demo.USERS:
            held = str(Role(item.role).label)
            if item.opd:
                held += f" {users[item.username].memberships.first().opd}"
            if item.username in new_users or os.environ.get("DEMO_PASSWORD"):
                password = self.seeding.password
            else:
                password = _("(tidak berubah; lihat keluaran seed_demo pertama)")
            out(f"  {item.username:<16} {held:<34} {password}")
        if generated and new_users:
            out(
                _(
                    "Kata sandi dibuat acak dan tidak disimpan di mana pun selain di basis data "
                    "(sebagai hash); catat sekarang, atau jalankan ulang dengan DEMO_PASSWORD=... "
                    "untuk menggantinya."
                )
            )
