"""Is this PDF an issued report of ours, unaltered? By hash against the issued versions, and by signature.

Anyone may upload a file (the public verification page), so the PDF is parsed in a child process with a time and
a memory limit (changning_enforce.bounded): a crafted file (deeply nested arrays, hundreds of thousands of objects)
gets the same clear answer as any other file that is not a valid issued report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from assessment.models import IssuedReport
from assessment.reports.signing import SignatureCheck, check_signature
from changning_enforce.bounded import BoundedWorkError, run_bounded

NOT_VALID = "不是本系统签发的有效报告"


@dataclass(frozen=True)
class Verification:
    problem: str  # why the file is not a PDF at all; empty when it is one
    sha256: str
    issued: IssuedReport | None
    signature: SignatureCheck | None

    @property
    def ok(self) -> bool:
        return not self.problem and self.issued is not None and self.signature is not None and self.signature.ok

    @property
    def current(self) -> bool:
        return self.issued is not None and self.issued.is_current

    def summary(self) -> str:
        if self.problem:
            return f"{NOT_VALID}：{self.problem}"
        if self.issued is None:
            base = f"{NOT_VALID}（或签发后已被改动）：找不到哈希相同的已签发版本。"
            if self.signature and self.signature.present and self.signature.problem:
                base += self.signature.problem
            return base
        report = self.issued.report
        text = (
            f"这是{report.organization.name}签发的《{report.title}》（{report.doc_number}）第{self.issued.version}版，"
            f"由{self.issued.signer_name}于{timezone.localtime(self.issued.signed_at):%Y-%m-%d %H:%M}签发。"
        )
        if not self.current:
            text += "该版本已被更正版本取代，请以最新版本为准。"
        if self.signature is not None and not self.signature.ok:
            text += "但数字签名校验未通过：" + self.signature.problem
        return text


def verify_pdf(data: bytes) -> Verification:
    digest = hashlib.sha256(data).hexdigest()
    if not data.startswith(b"%PDF-"):
        return Verification("上传的文件不是 PDF 文件。", digest, None, None)
    if b"%%EOF" not in data[-2048:]:
        return Verification("PDF 文件不完整（可能在传输中被截断）。", digest, None, None)
    issued = IssuedReport.objects.select_related("report__organization").filter(sha256=digest).first()
    try:
        signature = run_bounded(
            check_signature,
            data,
            timeout=settings.REPORT_VERIFY_TIMEOUT,
            memory_bytes=settings.REPORT_VERIFY_MEMORY_MB * 1024 * 1024,
        )
    except BoundedWorkError as exc:
        reason = {
            "timeout": f"文件结构异常，{settings.REPORT_VERIFY_TIMEOUT:g}秒内未能读完",
            "memory": "文件结构异常，读取所需内存超过上限",
        }.get(exc.kind, "文件无法作为 PDF 读取")
        return Verification(reason + "。", digest, None, None)
    return Verification("", digest, issued, signature)
