"""Issued documents: the Berita Acara and instansi report with kop surat,
number, place and date, signatories and a verification code; gap-free
numbering under concurrent requests; the public verification page; the
administrator's page for the kop surat, numbering and signatories."""

import hashlib
import io
import re
import subprocess
import threading
from pathlib import Path

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from assessments.models import Role
from reports import documents
from reports.models import DocumentCounter, IssuedDocument, Letterhead, ReportJob, Signatories
from reports.rendering import render_report
from spbe_portal.errors import Invalid
from tests.factories import PASSWORD, InstansiFactory, officer_of, role_in

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "documents"


def flat(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def first_page_png(content: bytes, name: str) -> Path:
    """The first page as the reader sees it (pdftoppm, as in CI)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            pdf.with_suffix(""),
        ],
        check=True,
    )
    return pdf.with_suffix(".png")


def issue(period, basis="validated", kind="berita-acara"):
    return render_report(period=period, basis=basis, kind=kind, fmt="pdf")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- the documents ------------------------------------------------------------------


def test_berita_acara_is_issued_complete(kaltim2024_signed):
    period = kaltim2024_signed.period
    content = issue(period)
    reader, text = flat(content)
    document = IssuedDocument.objects.get()
    year = timezone.localtime(document.issued_at).year
    assert document.number == f"000.8/1/Diskominfo/{year}"
    assert (document.kind, document.basis, document.index_display) == (
        "berita-acara",
        "validated",
        "3.82",
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    # Kop surat, number, place and date, both signatories with rank and NIP.
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in text
    assert f"Nomor: 000.8/1/Diskominfo/{year}" in text
    issued_on = timezone.localtime(document.issued_at)
    assert re.search(rf"Samarinda, {issued_on.day} \w+ {year}", text)
    assert "Dr. Ir. Ahmad Rizal, M.Si." in text and "NIP. 197003151995031002" in text
    assert "Siti Aminah, S.Kom., M.T." in text and "NIP. 198107222006042003" in text
    assert "Pembina Utama (IV/e)" in text
    assert "3,82" in text and "Hasil validasi asesor internal" in text
    # The code and the page that confirms it; the digest is on that page only.
    assert document.code in text and f"/verifikasi-dokumen/{document.code}/" in text
    assert "SHA-256" not in text and "...." not in text
    assert 1 < len(reader.pages) <= 5
    image = first_page_png(content, "berita-acara")
    assert Image.open(image).size[0] > 300


def test_instansi_report_carries_number_code_and_signatures(kaltim2024_signed):
    content = issue(kaltim2024_signed.period, basis="final", kind="instansi")
    _, text = flat(content)
    document = IssuedDocument.objects.get()
    assert document.kind == "instansi" and document.index_display == "3.79"
    assert document.number in text and document.code in text
    assert "Sidik masukan" not in text
    assert "Dr. Ir. Ahmad Rizal, M.Si." in text
    first_page_png(content, "instansi")


def test_opd_report_and_excel_are_not_numbered(kaltim2024_signed):
    period = kaltim2024_signed.period
    content = render_report(
        period=period, basis="final", kind="opd", opd=kaltim2024_signed.opds[0], fmt="pdf"
    )
    _, text = flat(content)
    assert "Diskominfo" in text and "Status" in text and "Tervalidasi" in text
    assert "3,79" not in text and "Nomor" not in text
    first_page_png(content, "opd")
    render_report(period=period, basis="final", kind="instansi", fmt="xlsx")
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("basis", ["self", "final"])
def test_berita_acara_only_on_the_validated_basis(kaltim2024_signed, basis):
    with pytest.raises(Invalid, match="Hasil validasi asesor internal"):
        issue(kaltim2024_signed.period, basis=basis)
    assert not IssuedDocument.objects.exists()
    assert DocumentCounter.objects.filter(last__gt=0).count() == 0


def test_berita_acara_needs_its_signatories(kaltim2024):
    with pytest.raises(Invalid, match="Penandatangan"):
        issue(kaltim2024.period)
    assert not IssuedDocument.objects.exists()


def test_a_failed_rendering_gives_its_number_back(kaltim2024_signed):
    period = kaltim2024_signed.period

    def broken(printed):
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        documents.issue(
            period=period, basis="final", kind="instansi", index_display="", render=broken
        )
    documents.issue(
        period=period, basis="final", kind="instansi", index_display="", render=lambda p: b"%PDF"
    )
    assert list(IssuedDocument.objects.values_list("sequence", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_numbers_have_no_gaps_or_twins_under_concurrent_requests(kaltim2024_signed):
    period = kaltim2024_signed.period
    threads, errors, barrier = [], [], threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            documents.issue(
                period=period,
                basis="final",
                kind="instansi",
                index_display="3.79",
                render=lambda printed: printed.number.encode(),
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    for _ in range(8):
        threads.append(threading.Thread(target=worker))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(IssuedDocument.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert IssuedDocument.objects.values("code").distinct().count() == 8
    assert DocumentCounter.objects.get().last == 8


def test_number_pattern_is_checked():
    documents.pattern_check("000.8/{nomor}/Diskominfo/{tahun}")
    for wrong in (
        "000.8/Diskominfo",
        "{nomor}/{nomor}",
        "{nomor}/{tahun.__class__}",
        "{nomor}/{x}",
    ):
        with pytest.raises(Invalid):
            documents.pattern_check(wrong)
    assert documents.document_number("{nomor}/B/{tahun}", 12, 2026) == "12/B/2026"


# --- the public verification page ---------------------------------------------------


def test_verification_page_confirms_only_what_the_paper_says(client, kaltim2024_signed):
    content = issue(kaltim2024_signed.period)
    document = IssuedDocument.objects.get()
    response = client.get(reverse("documents:verify", kwargs={"code": document.code}))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        document.number,
        "Pemerintah Provinsi Kalimantan Timur",
        "2024",
        "Hasil validasi asesor internal",
        "3,82",
        hashlib.sha256(content).hexdigest(),
    ):
        assert shown in page
    # Nothing else: no signatory, no indicator, no OPD.
    assert "Ahmad Rizal" not in page and "Diskominfo</" not in page and "Bappeda" not in page
    lower = client.get(reverse("documents:verify", kwargs={"code": document.code.lower()}))
    assert lower.status_code == 200


def test_unknown_codes_are_refused_alike(client, kaltim2024_signed):
    issue(kaltim2024_signed.period)
    pages = []
    for code in ("ABCDEFGHJK", "x", "2" * 10, "'; select 1 --"):
        response = client.get(reverse("documents:verify", kwargs={"code": code}))
        assert response.status_code == 404
        body = response.content.decode()
        pages.append(re.search(r"<h1.*?</div>", body, re.DOTALL).group(0))
    assert "tidak dikenal" in pages[0]
    assert len(set(pages)) == 1  # nothing tells one unknown code from another


def test_verification_page_query_count_does_not_grow_with_the_register(client, kaltim2024_signed):
    period = kaltim2024_signed.period

    def more(n):
        # Registered through the real numbering; the file's bytes do not matter here.
        for _ in range(n):
            documents.issue(
                period=period,
                basis="validated",
                kind="berita-acara",
                index_display="3,82",
                render=lambda printed: b"%PDF-1.4 bench",
            )

    more(1)
    code = IssuedDocument.objects.get().code
    address = reverse("documents:verify", kwargs={"code": code})
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    more(25)
    with CaptureQueriesContext(connection) as many:
        assert client.get(address).status_code == 200
    assert len(many) == len(few) == 1


# --- the administrator's page -------------------------------------------------------


def settings_url(period):
    return reverse(
        "reports:document_settings",
        kwargs={"instansi": period.instansi.code, "year": period.year},
    )


def png_bytes(fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "navy").save(out, fmt)
    return out.getvalue()


def form_data(**overrides):
    data = {
        "kop-heading": "PEMERINTAH PROVINSI KALIMANTAN TIMUR\nDINAS KOMUNIKASI DAN INFORMATIKA",
        "kop-address": "Jalan Basuki Rahmat No. 41, Samarinda",
        "kop-place": "Samarinda",
        "kop-number_pattern": "000.8/{nomor}/Diskominfo/{tahun}",
        "kop-portal_url": "https://spbe.example.go.id",
        "ttd-coordinator_name": "Sri Wahyuni",
        "ttd-coordinator_nip": "197003151995031002",
        "ttd-coordinator_rank": "Pembina Utama (IV/e)",
        "ttd-coordinator_position": "Sekretaris Daerah",
        "ttd-assessor_name": "Budi Santoso",
        "ttd-assessor_nip": "198107222006042003",
        "ttd-assessor_rank": "Pembina (IV/a)",
        "ttd-assessor_position": "Kepala Diskominfo",
    }
    return data | overrides


def test_administrator_sets_letterhead_and_signatories(client, kaltim2024):
    from django.core.files.uploadedfile import SimpleUploadedFile

    period = kaltim2024.period
    login(client, role_in(kaltim2024.instansi, Role.ADMINISTRATOR))
    assert client.get(settings_url(period)).status_code == 200
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client.post(settings_url(period), form_data(**{"kop-logo_file": logo}))
    assert response.status_code == 302
    letterhead = Letterhead.objects.get(instansi=kaltim2024.instansi)
    assert letterhead.place == "Samarinda" and letterhead.logo_type == "image/png"
    assert bytes(letterhead.logo) == png_bytes()
    assert Signatories.objects.get(period=period).coordinator_name == "Sri Wahyuni"

    content = issue(period)
    _, text = flat(content)
    code = IssuedDocument.objects.get().code
    assert f"https://spbe.example.go.id/verifikasi-dokumen/{code}/" in text
    assert "Sri Wahyuni" in text and "Budi Santoso" in text
    page = client.get(settings_url(period)).content.decode()
    assert code in page  # the registry of the period's documents


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ttd-coordinator_nip": "19700315199503100"}, "18 angka"),
        ({"ttd-assessor_nip": "19810722200604200X"}, "18 angka"),
        ({"kop-number_pattern": "000.8/Diskominfo"}, "{nomor}"),
        ({"kop-logo_file": ("logo.gif", "GIF")}, "PNG atau JPEG"),
        ({"kop-logo_file": ("logo.png", "svg")}, "SVG"),
    ],
)
def test_administrator_input_is_checked(client, kaltim2024, overrides, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for key, value in overrides.items():
        if key == "kop-logo_file":
            name, kind = value
            body = (
                b'<svg xmlns="http://www.w3.org/2000/svg"/>' if kind == "svg" else png_bytes(kind)
            )
            overrides[key] = SimpleUploadedFile(name, body)
    login(client, role_in(kaltim2024.instansi, Role.ADMINISTRATOR))
    response = client.post(settings_url(kaltim2024.period), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Letterhead.objects.exists() and not Signatories.objects.exists()


def test_only_the_administrator_of_the_instansi(client, kaltim2024):
    period = kaltim2024.period
    login(client, role_in(kaltim2024.instansi, Role.REVIEWER))
    assert client.get(settings_url(period)).status_code == 404
    login(client, officer_of(kaltim2024.opds[0]))
    assert client.post(settings_url(period), form_data()).status_code == 404
    login(client, role_in(InstansiFactory(code="kaltara"), Role.ADMINISTRATOR))
    assert client.post(settings_url(period), form_data()).status_code == 404
    assert not Signatories.objects.exists()


# --- the request paths: UI and API refuse a Berita Acara on another basis ---------


def test_ui_refuses_berita_acara_on_another_basis(client, kaltim2024_signed):
    period = kaltim2024_signed.period
    login(client, role_in(kaltim2024_signed.instansi, Role.REVIEWER))
    url = reverse("reports:report_list", kwargs={"instansi": "kaltim", "year": 2024})
    response = client.post(
        url, {"kind": "berita-acara", "basis": "final", "fmt": "pdf", "idempotency_key": ""}
    )
    assert response.status_code == 400
    assert "hanya diterbitkan atas dasar" in response.content.decode()
    assert not ReportJob.objects.filter(period=period).exists()


def test_api_refuses_berita_acara_on_another_basis(client, kaltim2024_signed):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(role_in(kaltim2024_signed.instansi, Role.REVIEWER))
    payload = {"period": kaltim2024_signed.period.pk, "basis": "self", "kind": "berita-acara"}
    response = api.post(reverse("api:report-job-list"), payload | {"format": "pdf"}, format="json")
    assert response.status_code == 400
    assert "hanya diterbitkan atas dasar" in str(response.json())
    assert not ReportJob.objects.exists()


def test_api_issues_the_berita_acara_and_names_its_document(
    kaltim2024_signed, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from spbe_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    api = APIClient()
    api.force_authenticate(role_in(kaltim2024_signed.instansi, Role.LEADERSHIP))
    payload = {"period": kaltim2024_signed.period.pk, "basis": "validated", "format": "pdf"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            reverse("api:report-job-list"), payload | {"kind": "berita-acara"}, format="json"
        )
    assert created.status_code == 201
    job = api.get(created["Location"]).json()
    document = IssuedDocument.objects.get()
    assert job["state"] == "done"
    assert job["document"] == {
        "number": document.number,
        "code": document.code,
        "issued_at": job["document"]["issued_at"],
        "sha256": document.sha256,
        "verification_url": f"/verifikasi-dokumen/{document.code}/",
    }
    download = api.get(job["download_url"])
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == document.sha256
    listed = api.get(reverse("api:report-job-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["document"]["code"] == document.code


def test_ui_issues_the_berita_acara(
    client, kaltim2024_signed, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from spbe_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    login(client, role_in(kaltim2024_signed.instansi, Role.REVIEWER))
    url = reverse("reports:report_list", kwargs={"instansi": "kaltim", "year": 2024})
    form = {"kind": "berita-acara", "basis": "validated", "fmt": "pdf", "idempotency_key": "k1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    job = ReportJob.objects.get()
    document = IssuedDocument.objects.get()
    assert (job.state, document.job_id, document.issued_by.username) == (
        "done",
        job.pk,
        job.requested_by.username,
    )
    download = client.get(reverse("reports:report_download", kwargs={"public_id": job.public_id}))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == document.sha256


def test_demo_documents_are_written_once(kaltim2024):
    from assessments.management.demo import Seeding
    from assessments.management.demo.documents import documents_ensure

    first, second = Seeding(password="x"), Seeding(password="x")
    documents_ensure(first, kaltim2024.instansi)
    documents_ensure(second, kaltim2024.instansi)
    assert len(first.created) == 2 and second.created == []
    letterhead = Letterhead.objects.get()
    assert letterhead.number_pattern == "000.8/{nomor}/Diskominfo/{tahun}"
    assert bytes(letterhead.logo).startswith(b"\x89PNG")
    signatories = Signatories.objects.get(period=kaltim2024.period)
    assert len(signatories.coordinator_nip) == 18 and signatories.coordinator_nip.isdigit()


def test_the_qr_code_on_an_issued_document_opens_its_verification_page(kaltim2024_signed, tmp_path):
    """The paper carries a QR code of the public verification page; read back
    from the rendered pages with zbarimg, as a phone's camera would."""
    content = issue(kaltim2024_signed.period)
    document = IssuedDocument.objects.get()
    pdf = tmp_path / "ba.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "150", pdf, tmp_path / "page"], check=True)
    decoded = set()
    for page in sorted(tmp_path.glob("page*.png")):
        found = subprocess.run(
            ["zbarimg", "--quiet", "--raw", page], capture_output=True, text=True
        )
        decoded.update(line for line in found.stdout.splitlines() if line)
    assert len(decoded) == 1
    [url] = decoded
    assert url.endswith(f"/verifikasi-dokumen/{document.code}/")
