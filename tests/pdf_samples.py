"""Small PDFs written byte by byte for the evidence tests: a plain document
that any reader opens, and hostile ones that hide active content the way real
files do (escaped names, compressed object streams)."""

import zlib


def pdf(*objects: bytes) -> bytes:
    """A PDF with a classic cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_with_object_stream(*objects: bytes, compress_xref: bool = False) -> bytes:
    """A PDF 1.5 file as Acrobat saves it: every object inside one
    Flate-compressed object stream, found through a cross-reference stream."""
    count = len(objects)
    header, data = b"", b""
    for number, body in enumerate(objects, 1):
        header += b"%d %d " % (number, len(data))
        data += body + b"\n"
    packed = zlib.compress(header + data)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_number, xref_number = count + 1, count + 2
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        count,
        len(header),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = b"\x00" + b"\x00\x00\x00\x00" + b"\xff\xff"
    rows += b"".join(
        b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(count)
    )
    rows += b"\x01" + stream_offset.to_bytes(4, "big") + b"\x00\x00"
    rows += b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00"
    filters = b""
    if compress_xref:
        rows, filters = zlib.compress(rows), b" /Filter /FlateDecode"
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R%s /Length %d >>\n" % (
        xref_number,
        xref_number + 1,
        filters,
        len(rows),
    )
    out += b"stream\n" + rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>"

# A plain one-page document: what the tests upload when any PDF will do.
MINIMAL_PDF = pdf(CATALOG, PAGES, PAGE)
