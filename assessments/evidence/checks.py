"""Checks an uploaded evidence file before anything is stored.

The type is decided from the content (magic bytes and, for office documents,
the package structure), never from the name or the browser's Content-Type.
The file is read once, in chunks, so a 20 MB upload never sits in memory
whole; the SHA-256 is computed on the same pass. Office packages are
inspected through their zip directory only: nothing is extracted to disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.evidence import pdf

CHUNK = 64 * 1024
HEAD_BYTES = 8 * 1024
# The zip end-of-central-directory record sits within the last 64 KiB + 22 bytes.
TAIL_BYTES = 65_557
DISPLAY_NAME_MAX = 150

# Zip-bomb limits for office packages, judged from the zip directory.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNCOMPRESSED = 250 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 10 * 1024 * 1024  # small packages may compress well without being bombs
ZIP_PART_READ_MAX = 2 * 1024 * 1024

IMAGE_KINDS = ("png", "jpeg", "gif", "webp")
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "jpe", "jfif", "gif", "webp")


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", "application/pdf", ("pdf",)),
    "png": Kind("PNG", "image/png", IMAGE_EXTENSIONS),
    "jpeg": Kind("JPEG", "image/jpeg", IMAGE_EXTENSIONS),
    "gif": Kind("GIF", "image/gif", IMAGE_EXTENSIONS),
    "webp": Kind("WebP", "image/webp", IMAGE_EXTENSIONS),
    "docx": Kind(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xlsx": Kind(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    "pptx": Kind(
        "PPTX",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
    "doc": Kind("DOC", "application/msword", ("doc",)),
    "xls": Kind("XLS", "application/vnd.ms-excel", ("xls",)),
    "ppt": Kind("PPT", "application/vnd.ms-powerpoint", ("ppt",)),
    "odt": Kind("ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "odp": Kind("ODP", "application/vnd.oasis.opendocument.presentation", ("odp",)),
}

# Types a browser may show inline (the reviewer's preview); everything else
# is only ever sent as an attachment.
INLINE_CONTENT_TYPES = frozenset(KINDS[k].content_type for k in ("pdf", *IMAGE_KINDS))

OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_MACRO_MARKERS = (b"macroenabled", b"vbaproject")
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Stream names in the OLE2 directory (UTF-16LE) that identify the application.
OLE_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}
OLE_MACRO_STREAMS = ("_VBA_PROJECT", "Macros")

EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Mach-O fat binary / Java class
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
)
# Markup or script a browser would run; refused anywhere in the file, which
# also catches polyglots (an image or PDF that is also an HTML page).
ACTIVE_MARKUP = re.compile(
    rb"<script|<html|<!doctype\s+html|<svg|<\?php|<iframe|<object|<embed|<body|javascript:"
)
PDF_ACTIVE = re.compile(rb"/(?:javascript|js|launch|richmedia)(?![a-z0-9])")
# Judged on the parsed object tree (names decoded, object streams unpacked).
ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_END_RECORD = b"PK\x05\x06"
OVERLAP = 64


class EvidenceRejected(Exception):
    """The upload was refused; `message` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def safe_display_name(name: str | None) -> str:
    """The name shown to people and offered on download: no directories, no
    control or bidi characters (which can disguise 'exe.pdf'), bounded length
    with the extension kept. Storage never uses it."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name.replace("\x00", ""))[-1]
    name = re.sub(r"\s+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r" +", " ", name).strip(" .")
    if not name:
        return _("berkas")
    if len(name) <= DISPLAY_NAME_MAX:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: DISPLAY_NAME_MAX - len(ext) - 1].rstrip(" .") + "." + ext
    return name[:DISPLAY_NAME_MAX]


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def accepted_types_text() -> str:
    return _(
        "Unggah PDF, gambar (PNG, JPEG, GIF, WebP) atau dokumen perkantoran "
        "(DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP)."
    )


def _checked_name(raw_name: str) -> str:
    if "\x00" in raw_name or ".." in re.split(r"[\\/]", raw_name):
        # No browser sends such a name: it is an attack, not a user's file.
        raise EvidenceRejected(
            _(
                'Nama berkas tidak sah (memuat ".." atau karakter nol). '
                "Ganti nama berkas lalu unggah lagi."
            )
        )
    return safe_display_name(raw_name)


def evidence_check(uploaded_file, *, max_bytes: int | None = None) -> CheckedUpload:
    """Decide whether `uploaded_file` may be stored; raise EvidenceRejected
    with a message for the user otherwise. Leaves the file rewound."""
    max_bytes = max_bytes or settings.EVIDENCE_MAX_BYTES
    display_name = _checked_name(str(getattr(uploaded_file, "name", "") or ""))
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_big(max_bytes)

    digest = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    carry = b""
    pdf_active = False
    markup = False
    ole_names: set[bytes] = set()
    ole_wanted = {
        name.encode("utf-16-le"): name
        for names in (*OLE_STREAMS.values(), OLE_MACRO_STREAMS)
        for name in names
    }
    for chunk in uploaded_file.chunks(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(max_bytes)
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        tail = (tail + chunk)[-TAIL_BYTES:]
        window = carry + chunk
        lowered = window.lower()
        markup = markup or bool(ACTIVE_MARKUP.search(lowered))
        pdf_active = pdf_active or bool(PDF_ACTIVE.search(lowered))
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            ole_names.update(n for n in ole_wanted if n in window)
        carry = window[-OVERLAP:]
    _rewind(uploaded_file)

    if size == 0:
        raise EvidenceRejected(_("Berkas kosong."))
    kind = _sniff(head)
    if kind is None:
        raise EvidenceRejected(_("Jenis berkas tidak dikenali. ") + accepted_types_text())
    if markup:
        # Checked before the container types: an office file stored without
        # compression, or any image, must not carry a web page.
        raise EvidenceRejected(
            _("Berkas berisi HTML, SVG atau skrip (mungkin berkas ganda/polyglot); tidak diterima.")
        )
    if kind == "zip":
        kind = _check_zip_package(uploaded_file, size)
    elif kind == "ole":
        kind = _check_ole(ole_names, ole_wanted, extension_of(display_name))
    else:
        if ZIP_END_RECORD in tail or (ZIP_LOCAL_HEADER in head[4:]):
            raise EvidenceRejected(
                _("Berkas %(label)s berisi arsip tersembunyi (polyglot); tidak diterima.")
                % {"label": KINDS[kind].label}
            )
        if kind == "pdf":
            _check_pdf(uploaded_file, pdf_active)

    spec = KINDS[kind]
    ext = extension_of(display_name)
    if ext not in spec.extensions:
        raise EvidenceRejected(
            _("Isi berkas adalah %(label)s, tidak sesuai dengan nama berkasnya (.%(ext)s).")
            % {"label": spec.label, "ext": ext or "-"}
        )
    return CheckedUpload(
        display_name=display_name,
        kind=kind,
        content_type=spec.content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def _too_big(max_bytes: int) -> EvidenceRejected:
    return EvidenceRejected(
        _("Berkas terlalu besar; ukuran maksimum %(max)s.") % {"max": filesizeformat(max_bytes)}
    )


def _rewind(uploaded_file) -> None:
    with contextlib.suppress(AttributeError, OSError, ValueError):
        uploaded_file.seek(0)


def _sniff(head: bytes) -> str | None:
    """The container or type the first bytes announce, or refusal for
    executables and markup."""
    if any(head.startswith(magic) for magic in EXECUTABLE_MAGIC):
        raise EvidenceRejected(_("Berkas program atau skrip tidak diterima sebagai data dukung."))
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(ZIP_LOCAL_HEADER):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if text.startswith(b"<"):
        raise EvidenceRejected(_("Berkas HTML, SVG atau XML tidak diterima sebagai data dukung."))
    return None


def _check_zip_package(uploaded_file, size: int) -> str:
    """An OOXML or ODF package, judged from its zip directory. Declared sizes
    bound everything read, so a bomb is refused before any inflating."""
    invalid = EvidenceRejected(
        _("Berkas zip ini bukan dokumen perkantoran yang sah atau rusak. ") + accepted_types_text()
    )
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise _bomb()
            total = sum(info.file_size for info in infos)
            if total > ZIP_MAX_UNCOMPRESSED or (
                total > ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(size, 1)
            ):
                raise _bomb()
            for info in infos:
                if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _bomb()
            names = {info.filename for info in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise _macros()
            if "[Content_Types].xml" in names:
                types = _read_part(archive, "[Content_Types].xml").lower()
                if any(marker in types for marker in OOXML_MACRO_MARKERS):
                    raise _macros()
                for main_type, kind in OOXML_MAIN_PARTS.items():
                    if main_type in types:
                        return kind
                raise invalid
            if infos and infos[0].filename == "mimetype":
                mimetype = _read_part(archive, "mimetype").strip()
                if mimetype in ODF_MIMETYPES:
                    return ODF_MIMETYPES[mimetype]
            raise invalid
    except EvidenceRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError):
        raise invalid from None
    except NotImplementedError:  # unsupported compression method
        raise invalid from None
    finally:
        _rewind(uploaded_file)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > ZIP_PART_READ_MAX:
        raise _bomb()
    with archive.open(info) as part:
        return part.read(ZIP_PART_READ_MAX)


def _pdf_active() -> EvidenceRejected:
    return EvidenceRejected(
        _("PDF berisi JavaScript atau aksi otomatis; simpan ulang sebagai PDF biasa.")
    )


def _check_pdf(uploaded_file, seen_in_bytes: bool) -> None:
    try:
        active = seen_in_bytes or pdf.has_active_content(uploaded_file)
    except pdf.Unreadable as exc:
        raise EvidenceRejected(str(exc)) from None
    finally:
        _rewind(uploaded_file)
    if active:
        raise _pdf_active()


def _bomb() -> EvidenceRejected:
    return EvidenceRejected(
        _("Dokumen mengembang terlalu besar saat dibuka (kemungkinan bom zip); tidak diterima.")
    )


def _macros() -> EvidenceRejected:
    return EvidenceRejected(_("Dokumen yang berisi makro tidak diterima; simpan tanpa makro."))


def _check_ole(found: set[bytes], wanted: dict[bytes, str], ext: str) -> str:
    """Legacy Word/Excel/PowerPoint: the OLE2 header alone also fits MSI
    installers, so the application's stream name must be present too."""
    names = {wanted[n] for n in found}
    if names & set(OLE_MACRO_STREAMS):
        raise _macros()
    for kind, streams in OLE_STREAMS.items():
        if names & set(streams) and ext in KINDS[kind].extensions:
            return kind
    for kind, streams in OLE_STREAMS.items():
        if names & set(streams):
            return kind  # the extension check reports the mismatch
    raise EvidenceRejected(
        _("Berkas OLE ini bukan dokumen Word, Excel atau PowerPoint. ") + accepted_types_text()
    )


class EvidenceSizeLimitHandler(FileUploadHandler):
    """First in the upload handler chain: a file that grows past the limit is
    skipped while it streams in, so it never reaches memory or a temporary
    file. The skipped names are left on the request for the view to report."""

    def __init__(self, request=None, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes or settings.EVIDENCE_MAX_BYTES
        if request is not None and not hasattr(request, "evidence_too_big"):
            request.evidence_too_big = []

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            if self.request is not None:
                self.request.evidence_too_big.append(safe_display_name(self.file_name))
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def too_big_message(max_bytes: int | None = None) -> str:
    return _too_big(max_bytes or settings.EVIDENCE_MAX_BYTES).message
