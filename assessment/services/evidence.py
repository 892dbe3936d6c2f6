"""Writes on evidence (佐证材料): files attached to a score, checked by name, size and first bytes."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from assessment.models import Evidence, Score
from assessment.services.common import AssessmentError, ensure_may_score, lock_assessment
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action

EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def check_evidence_file(uploaded: UploadedFile, *, max_bytes: int) -> str:
    """The file's extension, when its name, size and first bytes are those of an allowed type."""
    name = uploaded.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise AssessmentError(f"文件“{name}”的类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。")
    if uploaded.size > max_bytes:
        raise AssessmentError(
            f"文件“{name}”大小为{uploaded.size / 1024 / 1024:.1f} MB，超过上限{max_bytes // 1024 // 1024} MB。"
        )
    if uploaded.size == 0:
        raise AssessmentError(f"文件“{name}”是空文件。")
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[extension]):
        raise AssessmentError(f"文件“{name}”的内容与扩展名{extension}不符。")
    return extension


def add_evidence(*, score: Score, user: User, uploaded: UploadedFile, extension: str, where: str) -> Evidence:
    """Store one checked file on a score (inside the caller's transaction), audited."""
    evidence = Evidence(
        score=score, original_name=PurePath(uploaded.name).name[:255], size=uploaded.size, uploaded_by=user
    )
    stored_name = f"evidence/{score.assessment.organization.code}/{score.assessment.year}/{uuid.uuid4().hex}{extension}"
    evidence.file.save(stored_name, uploaded, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit.record(
        actor=user,
        action=Audit.CREATE,
        obj=evidence,
        organization=score.assessment.organization_id,
        changes=audit.created(evidence, ["original_name", "size"]),
        note=f"{where}的佐证材料",
    )
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, user: User) -> None:
    assessment = lock_assessment(evidence.score.assessment)
    ensure_may_score(assessment, user)
    audit.record(
        actor=user,
        action=Audit.DELETE,
        obj=evidence,
        organization=assessment.organization_id,
        changes=audit.deleted(evidence, ["original_name", "size", "uploaded_by", "uploaded_at"]),
        note=f"{assessment} 指标{evidence.score.indicator.code}的佐证材料",
    )
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
