"""The demo annual report (长宁区 2023, made by seed_demo): render and sign times, pages and size.

    python -m bench.annual_report --repeat 5 --out FILE

Render is ``build_report_pdf`` (HTML from the records and the assessment, then WeasyPrint in a forked child,
as the task worker does); sign is ``signing.sign_pdf`` with the bureau's stored credential (PAdES, the
seal image as the visible signature). Both are run once to warm up, then ``--repeat`` times each; the signed PDF is checked by the same
verifier as the 核验 page before any figure is reported.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from typing import Any

from bench.common import setup_django, write_out


def measure(repeat: int) -> dict[str, Any]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from assessment.models import Report, SigningCredential
    from assessment.reports import signing
    from assessment.reports.pdf import build_report_pdf

    report = Report.objects.select_related("organization", "assessment").get(organization__code="changning", year=2023)
    credential = SigningCredential.objects.get(organization=report.organization)
    passphrase = signing.decrypt_passphrase(credential.passphrase_encrypted)

    def sign(pdf: bytes) -> bytes:
        return signing.sign_pdf(
            pdf,
            pkcs12_data=bytes(credential.pkcs12),
            passphrase=passphrase,
            seal_png=bytes(credential.seal_image),
            signer_name=report.signatory or "签发人",
            issuer_name=report.issuer_name,
        )

    sign(build_report_pdf(report))  # warm: fonts, templates, pyHanko
    render_seconds, sign_seconds = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        pdf = build_report_pdf(report)
        render_seconds.append(time.perf_counter() - started)
    for _ in range(repeat):
        started = time.perf_counter()
        signed = sign(pdf)
        sign_seconds.append(time.perf_counter() - started)
    check = signing.check_signature(signed)
    if not check.ok:
        raise SystemExit(f"the signed benchmark report does not verify: {check.problem}")
    pages = int(PdfFileReader(io.BytesIO(signed)).root["/Pages"]["/Count"])
    render_ms = statistics.median(render_seconds) * 1000
    sign_ms = statistics.median(sign_seconds) * 1000
    return {
        "report": str(report),
        "repeat": repeat,
        "render_ms": [round(s * 1000, 1) for s in render_seconds],
        "sign_ms": [round(s * 1000, 1) for s in sign_seconds],
        "render_median_ms": round(render_ms, 1),
        "sign_median_ms": round(sign_ms, 1),
        "render_and_sign_median_ms": round(render_ms + sign_ms, 1),
        "pages": pages,
        "pdf_bytes": len(pdf),
        "signed_pdf_bytes": len(signed),
        "signature_verified": check.ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    write_out(args.out, measure(args.repeat))


if __name__ == "__main__":
    main()
