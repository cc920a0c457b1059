"""PDF evidence judged on its object tree: pypdf decodes #xx escapes in
names and unpacks compressed object streams, so active content (scripts,
launch actions, embedded files, forms that submit) is found however it is
written."""

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class Unreadable(Exception):
    """The PDF cannot be inspected; what we cannot inspect, a viewer may run."""


PDF_ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/EmbeddedFiles", "/EF"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition"}
PDF_ACTIVE_SUBTYPES = {"/RichMedia", "/FileAttachment", "/Screen", "/Movie", "/Sound"}
PDF_MAX_OBJECTS = 50_000  # a 500-page report has a few thousand; ~0.5 ms each


def has_active_content(uploaded_file) -> bool:
    """Walk every object of the PDF as a viewer reads it: pypdf decodes #xx
    escapes in names and unpacks compressed object streams, which the byte
    scan cannot see. A file pypdf cannot read is refused: what we cannot
    inspect, a viewer may still run. (The raw file: Django's proxy is slow.)"""
    unreadable = Unreadable(
        _("PDF ini rusak atau tidak dapat diperiksa; simpan ulang sebagai PDF biasa.")
    )
    try:
        reader = PdfReader(getattr(uploaded_file, "file", uploaded_file), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise unreadable  # only a user password opens it: we cannot look inside
        numbers = [(n, g) for g, nums in reader.xref.items() for n in nums]
        numbers += [(n, 0) for n in reader.xref_objStm]
        return _objects_active([reader.trailer, *(IndirectObject(*n, reader) for n in numbers)])
    except Unreadable:
        raise
    except Exception:  # pypdf raises many kinds of error on malformed input
        raise unreadable from None
    finally:
        uploaded_file.seek(0)


def _objects_active(roots: list) -> bool:
    """Iterative, so deep nesting cannot exhaust the stack; bounded, so a file
    of millions of tiny objects cannot keep a worker busy."""
    seen: set[tuple[int, int]] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams are dictionaries too
            if _dict_active(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _dict_active(node) -> bool:
    if PDF_ACTIVE_KEYS & set(node) or node.get("/Type") == "/EmbeddedFile":
        return True
    if node.get("/S") in PDF_ACTIVE_ACTIONS or node.get("/Subtype") in PDF_ACTIVE_SUBTYPES:
        return True
    # Actions that start by themselves (on opening, on a page or field event)
    # may only move within the document.
    additional = node.get("/AA")
    additional = additional.get_object() if additional is not None else None
    automatic = [node.get("/OpenAction")]
    if isinstance(additional, DictionaryObject):
        automatic += additional.values()
    for action in (a.get_object() for a in automatic if a is not None):
        if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
            return True
    return False
