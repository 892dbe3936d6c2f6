"""The public verification page bounds the work an anonymous upload causes: the PDF is parsed in a child process
with a time and a memory limit, each address has a rate limit, and every malformed file gets the page's clear
“不是本系统签发的有效报告” answer (never a 500)."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment.reports.verify import NOT_VALID, verify_pdf
from tests.assessment.reports import crafted

VERIFY = reverse("assessment:report-verify")


def upload(data: bytes, address: str = "10.1.2.3"):
    return Client(REMOTE_ADDR=address).post(VERIFY, {"pdf": SimpleUploadedFile("x.pdf", data, "application/pdf")})


def test_deeply_nested_arrays_get_the_clear_answer_not_a_500(db):
    data = crafted.nested_arrays()
    assert len(data) < 11_000
    response = upload(data)
    assert response.status_code == 200
    assert NOT_VALID in response.content.decode()


def test_a_large_slow_pdf_is_stopped_at_the_time_limit(db, settings):
    settings.REPORT_VERIFY_TIMEOUT = 2
    data = crafted.many_signature_fields(200_000)
    assert len(data) > 10_000_000
    started = time.monotonic()
    response = upload(data)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert NOT_VALID in response.content.decode()
    assert elapsed < 2 + 3  # the limit, plus reading the upload and the page


def test_a_pdf_needing_more_memory_than_allowed_is_stopped(db, settings):
    settings.REPORT_VERIFY_TIMEOUT = 60
    settings.REPORT_VERIFY_MEMORY_MB = 64
    result = verify_pdf(crafted.many_signature_fields(200_000))
    assert not result.ok
    assert result.summary().startswith(NOT_VALID)
    assert "内存超过上限" in result.summary()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%%EOF",
        b"%PDF-1.7\n" + b"\x00" * 5000 + b"\n%%EOF",
        b"%PDF-1.7\ntrailer\n<< /Root 1 0 R /Size 99999999999 >>\nstartxref\n-5\n%%EOF",
        b"%PDF-1.7\n1 0 obj\n<< /Length 99999999999 >>\nstream\nxx\nendstream\nendobj\n%%EOF",
        crafted.pdf_with_objects(crafted.CATALOG, trailer_extra=b"/Encrypt << /Filter /Nope >> "),
    ],
)
def test_malformed_files_get_the_clear_answer(db, data):
    response = upload(data)
    assert response.status_code == 200
    assert NOT_VALID in response.content.decode()


def test_each_address_has_a_rate_limit(db, settings):
    settings.REPORT_VERIFY_RATE = 3
    for _ in range(3):
        assert upload(b"not a pdf").status_code == 200
    refused = upload(b"not a pdf")
    assert refused.status_code == 429
    assert "核验次数过多" in refused.content.decode()
    assert upload(b"not a pdf", address="10.9.8.7").status_code == 200  # another client is not held back
