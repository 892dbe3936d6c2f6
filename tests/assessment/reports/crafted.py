"""PDFs made to hurt a parser, for the public verification page: small ones and large ones."""

from __future__ import annotations


def pdf_with_objects(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table whose object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]


def nested_arrays(depth: int = 5000) -> bytes:
    """About 10 KB: arrays nested ``depth`` deep in the trailer; a recursive parser runs out of stack."""
    return pdf_with_objects(CATALOG, trailer_extra=b"/X " + b"[" * depth + b"]" * depth + b" ")


def many_signature_fields(count: int = 200_000) -> bytes:
    """About 15 MB for 200,000: a form with that many signature fields, each its own object; looking for the
    signatures reads every one (63 s and 619 MB in one process before the limits)."""
    refs = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm 3 0 R >>",
        CATALOG[1],
        b"<< /Fields [" + refs + b"] >>",
        *(b"<< /FT /Sig /T (f%d) >>" % i for i in range(count)),
    ]
    return pdf_with_objects(objects)
