"""Writes on a report's sign-off: the signing credential, 签发 (render, sign, freeze) and corrections."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from assessment import policies
from assessment.models import IssuedReport, Report, SigningCredential
from assessment.reports import seal, signing
from assessment.reports.pdf import build_report_pdf
from assessment.services.common import AssessmentError
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action


@transaction.atomic
def configure_credential(
    *,
    organization: Organization,
    pkcs12_data: bytes,
    passphrase: str,
    seal_image: bytes | None = None,
    actor: User | None = None,
) -> SigningCredential:
    """Store the bureau's certificate and, when given, its seal image (``seal.SealImageError`` if unfit); a
    credential keeps its seal when only the certificate is replaced."""
    info = signing.check_pkcs12(pkcs12_data, passphrase)
    stored = SigningCredential.objects.filter(organization=organization).first()
    before = audit.snapshot(stored) if stored is not None else {}
    fields = {
        "pkcs12": pkcs12_data,
        "passphrase_encrypted": signing.encrypt_passphrase(passphrase),
        "subject": info.subject,
        "not_after": info.not_after,
    }
    if seal_image is not None:
        fields["seal_image"] = seal.normalise_seal_image(seal_image)
    credential, created = SigningCredential.objects.update_or_create(organization=organization, defaults=fields)
    # the certificate's subject and validity, never its key or passphrase (audit.services skips those fields)
    audit.record(
        actor=actor,
        action=Audit.CREATE if created else Audit.UPDATE,
        obj=credential,
        changes=audit.diff(before, audit.snapshot(credential)),
        note="配置签名证书" if seal_image is None else "配置签名证书和印章图片",
    )
    return credential


@transaction.atomic
def set_seal_image(*, credential: SigningCredential, seal_image: bytes, actor: User | None = None) -> None:
    """Replace the seal drawn on the bureau's signed reports (``seal.SealImageError`` if the image is unfit)."""
    credential.seal_image = seal.normalise_seal_image(seal_image)
    credential.save(update_fields=["seal_image", "updated_at"])
    audit.record(actor=actor, action=Audit.UPDATE, obj=credential, changes={}, note="更换印章图片")


def ensure_may_sign(report: Report, user: User) -> None:
    if not policies.may_sign_report(user, report):
        raise PermissionDenied("只有本单位的领导可以签发工作报告。")
    if not report.assessment.is_district_approved:
        raise AssessmentError("自评尚未审定，不能签发工作报告。")
    if not report.is_editable:
        raise AssessmentError("报告已签发；如需更正，请先发起更正。")


def issue_report(*, report: Report, user: User, on_step=None) -> IssuedReport:
    """签发: render the final PDF, sign it, freeze it.

    The render and the signature happen before the transaction, so the page's progress bar (written by
    ``on_step``) is visible while they run; the transaction then takes a row lock, checks again that nothing
    changed and that nobody issued it meanwhile (two leaders clicking at once issue one report), and stores it.
    """
    report = Report.objects.select_related("assessment", "organization").get(pk=report.pk)
    ensure_may_sign(report, user)
    credential = SigningCredential.objects.filter(organization=report.organization).first()
    if credential is None:
        raise AssessmentError("本单位尚未配置签名证书，请联系管理员在后台上传。")
    if not credential.seal_image:
        raise AssessmentError("本单位的签名证书还没有印章图片，请联系管理员在后台“签名证书”上传本单位印章。")
    passphrase = signing.decrypt_passphrase(credential.passphrase_encrypted)
    signing.check_pkcs12(bytes(credential.pkcs12), passphrase)  # refuse before spending a render on it
    step = on_step or (lambda percent, text: None)
    step(20, "正在生成PDF")
    rendered_version = report.updated_at
    pdf = build_report_pdf(report)
    step(70, "正在数字签名")
    now = timezone.localtime()
    signed = signing.sign_pdf(
        pdf,
        pkcs12_data=bytes(credential.pkcs12),
        passphrase=passphrase,
        seal_png=bytes(credential.seal_image),
        signer_name=report.signatory or str(user),
        issuer_name=report.issuer_name,
    )
    step(90, "正在保存")
    return _store_issued(
        report=report,
        user=user,
        signed=signed,
        now=now,
        rendered_version=rendered_version,
        certificate_subject=credential.subject,
    )


@transaction.atomic
def _store_issued(
    *, report: Report, user: User, signed: bytes, now, rendered_version, certificate_subject: str
) -> IssuedReport:
    report = Report.objects.select_for_update().select_related("assessment", "organization").get(pk=report.pk)
    ensure_may_sign(report, user)
    if report.updated_at != rendered_version:
        raise AssessmentError("报告在签发过程中被修改，本次未签发；请核对后重新签发。")
    previous = report.versions.filter(superseded_at__isnull=True)
    previous_version = report.versions.order_by("-version").values_list("version", flat=True).first() or 0
    version = previous_version + 1
    previous.update(superseded_at=now)
    issued = IssuedReport.objects.create(
        report=report,
        version=version,
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signed_by=user,
        signer_name=report.signatory or str(user),
        certificate_subject=certificate_subject,
        signed_at=now,
    )
    report.status = Report.Status.ISSUED
    report.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=user,
        action=Audit.SIGN,
        obj=report,
        changes={
            "status": [Report.Status.DRAFT.label, Report.Status.ISSUED.label],
            "版本": [previous_version or None, version],
            "SHA-256": [None, issued.sha256],
        },
        note=f"签发第{version}版（{report.doc_number}），签名证书：{certificate_subject}",
    )
    return issued


@transaction.atomic
def start_correction(*, report: Report, user: User) -> Report:
    """Reopen an issued report for a corrected version; the issued versions stay as they are."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not policies.may_sign_report(user, report):
        raise PermissionDenied("只有本单位的领导可以发起更正。")
    if report.status != Report.Status.ISSUED:
        raise AssessmentError("报告尚未签发，直接修改即可。")
    report.status = Report.Status.DRAFT
    report.version += 1  # an edit page opened before the sign-off is stale now
    report.save(update_fields=["status", "updated_at", "version"])
    audit.record(
        actor=user,
        action=Audit.WORKFLOW,
        obj=report,
        changes={"status": [Report.Status.ISSUED.label, Report.Status.DRAFT.label]},
        note="发起更正：修改后重新签发将生成新版本",
    )
    return report
