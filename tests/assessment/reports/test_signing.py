"""签发: the signed PDF is stored and verifies with pyHanko and poppler's pdfsig; one flipped byte breaks both;
role, state and certificate problems are refused and leave the report unsigned; corrections are new versions."""

from __future__ import annotations

import hashlib
import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from assessment.models import IssuedReport, Report, ReportJob, SigningCredential
from assessment.reports import services
from assessment.reports.pki import make_ca, make_signing_p12
from assessment.reports.signing import SigningError, check_pkcs12, check_signature, encrypt_passphrase
from assessment.reports.verify import verify_pdf
from assessment.services import AssessmentError
from tests.assessment.reports.conftest import (
    MM,
    PASSPHRASE,
    bbox_lines,
    expired_p12,
    images,
    page_count,
    pdf_file,
    pdf_text,
    pdffonts,
    pdfsig,
    signature_widget,
)

CHANGNING = "上海市长宁区生态环境局"


def assert_unsigned(report: Report) -> None:
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    assert not IssuedReport.objects.filter(report=report).exists()


def flip(data: bytes, at: int = 2000) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_issue_stores_the_signed_pdf_which_pyhanko_and_pdfsig_accept(demo, nss_db, tmp_path):
    issued = services.issue_report(report=demo.report, user=demo.leader)
    pdf = bytes(issued.pdf)

    assert pdf.startswith(b"%PDF-")
    assert (issued.version, issued.size, issued.sha256) == (1, len(pdf), hashlib.sha256(pdf).hexdigest())
    assert (issued.signed_by, issued.signer_name, issued.superseded_at) == (demo.leader, "马骥", None)
    assert CHANGNING in issued.certificate_subject
    demo.report.refresh_from_db()
    assert demo.report.status == Report.Status.ISSUED
    assert not demo.report.is_editable
    stored = IssuedReport.objects.get(report=demo.report)
    assert bytes(stored.pdf) == pdf

    # pyHanko: intact, chains to the configured trust root, covers the whole file.
    check = check_signature(pdf)
    assert (check.present, check.intact, check.trusted, check.covers_whole_file) == (True, True, True, True)
    assert check.ok and check.problem == ""
    assert CHANGNING in check.signer_subject

    # poppler's pdfsig with the demo CA in an NSS database.
    path = pdf_file(tmp_path, pdf, "signed.pdf")
    out = pdfsig(path, nss_db)
    assert "Signature is Valid." in out
    assert "Certificate is Trusted." in out
    assert "Total document signed" in out
    assert "SHA-256" in out

    signed_at = timezone.localtime(issued.signed_at)
    # The visible signature is the seal, pressed on the 署名 and 成文日期 (GB/T 9704 7.3.5.1): centred on them,
    # they in its lower half, its top within a line of the 附件说明. No software box with a name and a time.
    seal_page, (left, top, right, bottom) = signature_widget(pdf)
    lines = bbox_lines(path, seal_page)
    issuer = next(line for line in lines if line["text"] == CHANGNING)
    date = next(line for line in lines if line["text"] == "2023年10月22日")
    note = [line for line in lines if line["text"].startswith(("附件：", "2.长宁区"))]
    assert (right - left) / MM == pytest.approx(42, abs=0.5) and (bottom - top) / MM == pytest.approx(42, abs=0.5)
    assert (left + right) / 2 == pytest.approx((date["xMin"] + date["xMax"]) / 2, abs=MM)
    assert top < issuer["yMin"] and date["yMax"] < bottom
    assert (top + bottom) / 2 < (issuer["yMin"] + date["yMax"]) / 2  # 居印章中心偏下
    assert 0 < top - note[-1]["yMax"] < 225 / 22 * MM
    seal = [image for image in images(path) if image["page"] == seal_page]
    assert [(i["type"], i["width"], i["height"]) for i in seal] == [("image", 600, 600), ("smask", 600, 600)]
    assert all(image["page"] == seal_page for image in images(path))
    signed_text = pdf_text(path, "-f", str(seal_page), "-l", str(page_count(path)))
    assert "签发人" not in signed_text and f"{signed_at:%H:%M}" not in signed_text
    fonts = pdffonts(path)
    assert fonts and all((f["emb"], f["sub"]) == ("yes", "yes") for f in fonts)

    # The verification service finds it by hash.
    result = verify_pdf(pdf)
    assert result.ok and result.current
    assert result.issued == issued
    assert "第1版" in result.summary() and "长环保发〔2023〕15号" in result.summary()

    # One flipped byte inside the signed range: both validators fail, and it is no issued report.
    first_range_end = int(out.split("Signed Ranges: [0 - ")[1].split("]")[0])
    assert first_range_end > 2000
    tampered = flip(pdf)
    check = check_signature(tampered)
    assert check.present and not check.intact and not check.ok
    assert "改动" in check.problem
    tampered_out = pdfsig(pdf_file(tmp_path, tampered, "tampered.pdf"), nss_db)
    assert "Signature is Valid." not in tampered_out
    result = verify_pdf(tampered)
    assert not result.ok and result.issued is None
    assert "不是本系统签发" in result.summary()

    # An incremental update after the signature leaves the signature intact but no longer covering the file.
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    updated = buffer.getvalue()
    check = check_signature(updated)
    assert check.present and check.intact and check.trusted and not check.covers_whole_file and not check.ok
    assert "追加" in check.problem
    assert "Signature is Valid." in (updated_out := pdfsig(pdf_file(tmp_path, updated, "updated.pdf"), nss_db))
    assert "Total document signed" not in updated_out
    result = verify_pdf(updated)
    assert not result.ok and result.issued is None and "追加" in result.summary()


def test_a_signature_that_does_not_chain_to_the_trust_roots_is_not_trusted(demo, settings, tmp_path):
    issued = services.issue_report(report=demo.report, user=demo.leader)
    other = tmp_path / "other-ca.pem"
    other.write_bytes(make_ca("另一个根证书").pem)
    settings.REPORT_TRUST_ROOTS = [str(other)]
    check = check_signature(bytes(issued.pdf))
    assert check.present and check.intact and not check.trusted and not check.ok
    assert "信任根" in check.problem
    assert not verify_pdf(bytes(issued.pdf)).ok


def test_only_a_leader_of_the_bureau_may_issue(demo, alice, bella, bob, rita):
    for user in (demo.scorer, alice, bella, bob, rita, demo.xuhui_leader):
        with pytest.raises(PermissionDenied, match="只有本单位的领导"):
            services.issue_report(report=demo.report, user=user)
        with pytest.raises(PermissionDenied):
            services.request_job(report=demo.report, user=user, kind=ReportJob.Kind.ISSUE)
    assert_unsigned(demo.report)
    assert not ReportJob.objects.exists()


def test_a_report_of_an_unapproved_assessment_is_not_issued(demo, lea):
    report = services.create_report(assessment=demo.draft_2024, user=lea)
    assert report.year == 2024 and report.doc_number == "长环保发〔2024〕15号"  # a copy of last year's
    assert report.sections.count() == demo.report.sections.count()
    with pytest.raises(AssessmentError, match="自评尚未审定"):
        services.issue_report(report=report, user=demo.leader)
    assert_unsigned(report)


def test_a_new_years_report_keeps_a_period_that_ends_at_a_month_end(demo, lea):
    Report.objects.filter(pk=demo.report.pk).update(period_end=date(2023, 2, 28))
    report = services.create_report(assessment=demo.draft_2024, user=lea)
    assert (report.period_start, report.period_end) == (date(2024, 1, 1), date(2024, 2, 29))


def test_an_issued_report_is_not_issued_twice_and_is_read_only(demo, lea):
    first = services.issue_report(report=demo.report, user=demo.leader)
    with pytest.raises(AssessmentError, match="已签发"):
        services.issue_report(report=demo.report, user=lea)
    assert list(IssuedReport.objects.filter(report=demo.report)) == [first]
    with pytest.raises(AssessmentError, match="已签发"):
        services.update_report(report=demo.report, user=demo.leader, fields={"title": "改"}, sections=[])
    demo.report.refresh_from_db()
    assert demo.report.sections.count() > 0
    with pytest.raises(AssessmentError, match="已签发"):
        services.request_job(report=demo.report, user=demo.leader, kind=ReportJob.Kind.ISSUE)


def test_certificate_problems_are_refused_with_a_clear_message(demo, demo_ca, signing_p12):
    with pytest.raises(SigningError, match="证书口令错误"):
        check_pkcs12(signing_p12, "wrong")
    with pytest.raises(SigningError, match="证书口令错误"):
        check_pkcs12(signing_p12, "")
    with pytest.raises(SigningError, match="不是有效的 PKCS#12"):
        check_pkcs12(b"not a certificate", PASSPHRASE)
    with pytest.raises(SigningError, match=r"已于2020年1月2日过期"):
        check_pkcs12(expired_p12(demo_ca), PASSPHRASE)
    future = make_signing_p12(
        demo_ca, common_name=CHANGNING, passphrase=PASSPHRASE, not_before=datetime.now(UTC) + timedelta(days=10)
    )
    with pytest.raises(SigningError, match="尚未生效"):
        check_pkcs12(future, PASSPHRASE)
    no_signing = make_signing_p12(demo_ca, common_name=CHANGNING, passphrase=PASSPHRASE, can_sign=False)
    with pytest.raises(SigningError, match="密钥用法不包含数字签名"):
        check_pkcs12(no_signing, PASSPHRASE)
    assert CHANGNING in check_pkcs12(signing_p12, PASSPHRASE).subject

    # configure_credential refuses them all and keeps the credential that works.
    before = SigningCredential.objects.get(organization=demo.changning)
    for data, passphrase, message in (
        (signing_p12, "wrong", "证书口令错误"),
        (expired_p12(demo_ca), PASSPHRASE, "过期"),
        (no_signing, PASSPHRASE, "密钥用法"),
    ):
        with pytest.raises(SigningError, match=message):
            services.configure_credential(organization=demo.changning, pkcs12_data=data, passphrase=passphrase)
    after = SigningCredential.objects.get(organization=demo.changning)
    assert bytes(after.pkcs12) == bytes(before.pkcs12) == signing_p12
    assert after.not_after == before.not_after


def test_a_bad_stored_credential_leaves_the_report_unsigned(demo, demo_ca, settings):
    credential = SigningCredential.objects.filter(organization=demo.changning)
    good = credential.values("pkcs12", "passphrase_encrypted").get()
    # The certificate was replaced in the database by an expired one (configure_credential would refuse it).
    credential.update(pkcs12=expired_p12(demo_ca), passphrase_encrypted=encrypt_passphrase(PASSPHRASE))
    with pytest.raises(SigningError, match="已于2020年1月2日过期"):
        services.issue_report(report=demo.report, user=demo.leader)
    assert_unsigned(demo.report)
    # The stored passphrase is wrong.
    credential.update(pkcs12=good["pkcs12"], passphrase_encrypted=encrypt_passphrase("not-the-passphrase"))
    with pytest.raises(SigningError, match="证书口令错误"):
        services.issue_report(report=demo.report, user=demo.leader)
    assert_unsigned(demo.report)
    # The passphrase was encrypted under another SECRET_KEY.
    credential.update(passphrase_encrypted=good["passphrase_encrypted"])
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(SigningError, match="SECRET_KEY"):
        services.issue_report(report=demo.report, user=demo.leader)
    assert_unsigned(demo.report)


def test_a_bureau_without_a_credential_cannot_issue(demo):
    SigningCredential.objects.filter(organization=demo.changning).delete()
    with pytest.raises(AssessmentError, match="尚未配置签名证书"):
        services.issue_report(report=demo.report, user=demo.leader)
    assert_unsigned(demo.report)


def test_an_issue_job_with_a_bad_certificate_fails_with_the_message(demo, demo_ca):
    SigningCredential.objects.filter(organization=demo.changning).update(pkcs12=expired_p12(demo_ca))
    job = ReportJob.objects.create(report=demo.report, kind=ReportJob.Kind.ISSUE, requested_by=demo.leader)
    assert services.run_job(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "过期" in job.message and job.issued is None and job.progress == 100
    assert_unsigned(demo.report)


def test_a_correction_is_a_new_version_and_the_old_one_still_verifies_as_superseded(demo, alice):
    v1 = services.issue_report(report=demo.report, user=demo.leader)
    v1_bytes = bytes(v1.pdf)
    with pytest.raises(PermissionDenied):
        services.start_correction(report=demo.report, user=alice)
    report = services.start_correction(report=demo.report, user=demo.leader)
    assert report.status == Report.Status.DRAFT
    with pytest.raises(AssessmentError, match="尚未签发"):
        services.start_correction(report=report, user=demo.leader)
    sections = [services.SectionData(s.level, s.heading, s.body) for s in report.sections.order_by("order")]
    report = services.update_report(
        report=report, user=alice, fields={"doc_number": "长环保发〔2023〕16号"}, sections=sections
    )
    v2 = services.issue_report(report=report, user=demo.leader)

    assert v2.version == 2 and v2.sha256 != v1.sha256
    v1.refresh_from_db()
    assert v1.superseded_at is not None and v1.superseded_at == v2.signed_at
    assert v2.superseded_at is None
    assert bytes(v1.pdf) == v1_bytes and v1.sha256 == hashlib.sha256(v1_bytes).hexdigest()

    old = verify_pdf(v1_bytes)
    assert old.ok is True and old.current is False
    assert old.issued == v1
    assert "第1版" in old.summary() and "已被更正版本取代" in old.summary()
    new = verify_pdf(bytes(v2.pdf))
    assert new.ok is True and new.current is True
    assert "第2版" in new.summary() and "长环保发〔2023〕16号" in new.summary()
    assert check_signature(v1_bytes).ok and check_signature(bytes(v2.pdf)).ok


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (select_for_update is a no-op and writers serialise on the file)",
)
@pytest.mark.django_db(transaction=True)
def test_two_leaders_clicking_at_once_issue_one_version(demo, lea):
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def sign(user) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = services.issue_report(report=demo.report, user=user)
        except Exception as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(user,)) for user in (demo.leader, lea)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    issued = [o for o in outcomes.values() if isinstance(o, IssuedReport)]
    refused = [o for o in outcomes.values() if not isinstance(o, IssuedReport)]
    assert len(issued) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], AssessmentError) and "已签发" in str(refused[0])
    assert IssuedReport.objects.filter(report=demo.report).count() == 1
    assert IssuedReport.objects.get(report=demo.report).version == 1


def test_a_credential_without_a_seal_image_cannot_sign(demo):
    SigningCredential.objects.filter(organization=demo.changning).update(seal_image=b"")
    with pytest.raises(AssessmentError, match="还没有印章图片"):
        services.issue_report(report=demo.report, user=demo.leader)
    assert_unsigned(demo.report)


def test_a_pdf_without_the_seal_destination_is_not_signed(signing_p12):
    from weasyprint import HTML

    from assessment.reports.seal import demo_seal_png
    from assessment.reports.signing import sign_pdf

    pdf = HTML(string="<p>no seal here</p>").write_pdf()
    with pytest.raises(SigningError, match="没有印章位置"):
        sign_pdf(
            pdf,
            pkcs12_data=signing_p12,
            passphrase=PASSPHRASE,
            seal_png=demo_seal_png(),
            signer_name="马骥",
            issuer_name=CHANGNING,
        )
