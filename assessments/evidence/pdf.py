"""PDF evidence judged on its object tree: qpdf (through pikepdf) decodes #xx
escapes in names and unpacks compressed object streams, so active content
(scripts, launch actions, embedded files, forms that submit) is found however
it is written. qpdf reads a stream's dictionary, not its data, until asked:
a 50 MB page of drawing operators is walked without being held in memory."""

import re

import pikepdf
from django.utils.translation import gettext as _
from pikepdf import ObjectType


class Unreadable(Exception):
    """The PDF cannot be inspected; what we cannot inspect, a viewer may run."""


PDF_ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/EmbeddedFiles", "/EF"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition"}
PDF_ACTIVE_SUBTYPES = {"/RichMedia", "/FileAttachment", "/Screen", "/Movie", "/Sound"}
PDF_MAX_OBJECTS = 50_000  # a 500-page report has a few thousand
DICTIONARIES = (ObjectType.dictionary, ObjectType.stream)  # a stream's dictionary counts
# The walk decodes only object and cross-reference streams; a small one that
# inflates to gigabytes must fail rather than fill the worker's memory. qpdf
# sets no such bound by default (pypdf stopped at 75 MB); the limits are
# process-wide, and this module is the process's only user of pikepdf.
DECODED_STREAM_MAX_BYTES = 75_000_000
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=DECODED_STREAM_MAX_BYTES,
    png_max_memory=DECODED_STREAM_MAX_BYTES,
    tiff_max_memory=DECODED_STREAM_MAX_BYTES,
    run_length_max_memory=DECODED_STREAM_MAX_BYTES,
)
# LZW output has no such bound, and qpdf decodes a cross-reference stream while
# opening the file, before the walk could look at its filter. A PDF naming the
# LZW filter, in any #xx spelling or case, is refused as unreadable (writers have used
# Flate for twenty years; saving again converts it).
LZW_FILTER_NAME = re.compile(
    b"/"
    + b"".join(
        b"(?:%s|#%x|#%x)" % (c.lower().encode(), ord(c.upper()), ord(c.lower()))
        for c in "LZWDecode"
    ),
    re.IGNORECASE,
)
SCAN_CHUNK = 256 * 1024


def has_active_content(uploaded_file) -> bool:
    """Walk every object of the PDF as a viewer reads it: qpdf decodes #xx
    escapes in names and unpacks compressed object streams, which the byte
    scan cannot see. A file qpdf cannot read is refused: what we cannot
    inspect, a viewer may still run. (The raw file: Django's proxy is slow.)"""
    unreadable = Unreadable(
        _("PDF ini rusak atau tidak dapat diperiksa; simpan ulang sebagai PDF biasa.")
    )
    raw = getattr(uploaded_file, "file", uploaded_file)
    try:
        if _names_lzw_filter(raw):
            raise unreadable
        # Only an empty user password is tried: a file that needs another
        # cannot be looked inside. Page attributes stay where they are written.
        with pikepdf.open(
            raw,
            inherit_page_attributes=False,
            access_mode=pikepdf.AccessMode.stream,  # no mmap: its pages would count as ours
        ) as document:
            numbers = document.get_xref_table()
            if len(numbers) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            roots = [document.trailer, *(document.get_object(n) for n in numbers)]
            return _objects_active(roots)
    except Unreadable:
        raise
    except Exception:  # qpdf raises many kinds of error on malformed input
        raise unreadable from None
    finally:
        uploaded_file.seek(0)


def _names_lzw_filter(raw) -> bool:
    """One pass in quarter-MB chunks (the file may be 50 MB), overlapping by
    more than the longest spelling of the name."""
    raw.seek(0)
    carry = b""
    while chunk := raw.read(SCAN_CHUNK):
        window = carry + chunk
        if LZW_FILTER_NAME.search(window):
            return True
        carry = window[-32:]
    raw.seek(0)
    return False


def _objects_active(roots: list) -> bool:
    """Iterative, so deep nesting cannot exhaust the stack; bounded, so a file
    of millions of tiny objects cannot keep a worker busy."""
    seen: set[tuple[int, int]] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Object):
            continue  # numbers and booleans come back as Python values
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
        kind = node._type_code
        if kind in DICTIONARIES:
            if _dict_active(node):
                return True
            stack.extend(node.values())
        elif kind == ObjectType.array:
            stack.extend(node)
    return False


def _name(node, key: str) -> str | None:
    """A name's text; a string's too, as the pypdf walk before it compared."""
    value = node.get(key)
    return str(value) if isinstance(value, pikepdf.Name | pikepdf.String) else None


def _dict_active(node) -> bool:
    if PDF_ACTIVE_KEYS & set(node.keys()) or _name(node, "/Type") == "/EmbeddedFile":
        return True
    if _name(node, "/S") in PDF_ACTIVE_ACTIONS or _name(node, "/Subtype") in PDF_ACTIVE_SUBTYPES:
        return True
    # Actions that start by themselves (on opening, on a page or field event)
    # may only move within the document.
    automatic = [node.get("/OpenAction")]
    additional = node.get("/AA")
    if isinstance(additional, pikepdf.Object) and additional._type_code in DICTIONARIES:
        automatic += additional.values()
    for action in automatic:
        if (
            isinstance(action, pikepdf.Object)
            and action._type_code in DICTIONARIES
            and _name(action, "/S") != "/GoTo"
        ):
            return True
    return False
