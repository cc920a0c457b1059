"""The demo's kop surat, numbering and signatories: the 2024 period's Berita
Acara is complete out of the box.

The rows belong to the reports app. They are written through the app
registry, as a data migration would, so that assessments does not import
the app above it (tests/test_import_graph.py)."""

import io

from django.apps import apps
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from assessments.management.demo import Seeding

HEADING = "PEMERINTAH PROVINSI KALIMANTAN TIMUR\nDINAS KOMUNIKASI DAN INFORMATIKA"
ADDRESS = "Jalan Basuki Rahmat No. 41, Samarinda 75117 · Telepon (0541) 741049"
PATTERN = "000.8/{nomor}/Diskominfo/{tahun}"
SIGNATORIES = {
    # Invented people: the demo names no real official.
    "coordinator_name": "Dr. Ir. Ahmad Rizal, M.Si.",
    "coordinator_nip": "197003151995031002",
    "coordinator_rank": "Pembina Utama (IV/e)",
    "coordinator_position": "Sekretaris Daerah Provinsi Kalimantan Timur",
    "assessor_name": "Siti Aminah, S.Kom., M.T.",
    "assessor_nip": "198107222006042003",
    "assessor_rank": "Pembina Tingkat I (IV/b)",
    "assessor_position": "Kepala Dinas Komunikasi dan Informatika",
}


def _logo() -> bytes:
    """A plain emblem drawn here (a shield with a ring), so the demo ships no
    third-party artwork; a real instansi uploads its own."""
    image = Image.new("RGB", (160, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(10, 10), (150, 10), (150, 110), (80, 170), (10, 110)], fill="#0b5394")
    draw.ellipse((45, 40, 115, 110), outline="#f1c232", width=10)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def documents_ensure(seeding: Seeding, instansi, year: int = 2024) -> None:
    letterhead_model = apps.get_model("reports", "Letterhead")
    signatories_model = apps.get_model("reports", "Signatories")
    if not letterhead_model.objects.filter(instansi=instansi).exists():
        letterhead_model.objects.create(
            instansi=instansi,
            heading=HEADING,
            address=ADDRESS,
            place="Samarinda",
            number_pattern=PATTERN,
            logo=_logo(),
            logo_type="image/png",
        )
        seeding.created.append(_("kop surat"))
    period = instansi.periods.filter(year=year).first()
    if period and not signatories_model.objects.filter(period=period).exists():
        signatories_model.objects.create(period=period, **SIGNATORIES)
        seeding.created.append(_("penandatangan %s") % year)
