"""build_report, issue_report and verify_report on the demo data."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.models import IssuedReport, Report
from assessment.reports.signing import check_signature
from tests.assessment.reports.conftest import pdf_text, pdfsig


def call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_build_issue_and_verify_from_the_command_line(demo, tmp_path, nss_db):
    draft = tmp_path / "draft.pdf"
    out = call("build_report", "--org", "changning", "--year", "2023", "--out", str(draft))
    assert "未签名" in out
    data = draft.read_bytes()
    assert data.startswith(b"%PDF-")
    assert check_signature(data).present is False
    assert "does not contain any signatures" in pdfsig(draft, nss_db)
    assert "我局总得分为79.5分" in pdf_text(draft)
    assert not IssuedReport.objects.exists()
    with pytest.raises(CommandError, match="核验未通过"):
        call("verify_report", str(draft))

    signed = tmp_path / "signed.pdf"
    out = call(
        "issue_report", "--org", "changning", "--year", "2023", "--signer", "changning_leader", "--out", str(signed)
    )
    issued = IssuedReport.objects.get(report=demo.report)
    assert signed.read_bytes() == bytes(issued.pdf)
    assert issued.sha256 == hashlib.sha256(signed.read_bytes()).hexdigest()
    assert issued.sha256 in out and "第1版" in out
    assert Report.objects.get(pk=demo.report.pk).status == Report.Status.ISSUED
    assert "Signature is Valid." in pdfsig(signed, nss_db)

    out = call("verify_report", str(signed))
    assert "核验通过" in out and "第1版" in out

    tampered = tmp_path / "tampered.pdf"
    data = signed.read_bytes()
    tampered.write_bytes(data[:2000] + bytes([data[2000] ^ 1]) + data[2001:])
    with pytest.raises(CommandError, match="核验未通过") as failed:
        call("verify_report", str(tampered))
    assert failed.value.returncode == 1  # manage.py exits with it
    with pytest.raises(CommandError, match="无法读取"):
        call("verify_report", str(tmp_path / "missing.pdf"))

    # Signing twice is refused.
    with pytest.raises(CommandError, match="已签发"):
        call(
            "issue_report", "--org", "changning", "--year", "2023", "--signer", "changning_leader", "--out", str(signed)
        )
    assert IssuedReport.objects.count() == 1


def test_issue_report_refuses_a_signer_who_is_no_leader(demo, tmp_path):
    out = tmp_path / "signed.pdf"
    base = ["issue_report", "--org", "changning", "--year", "2023", "--out", str(out)]
    with pytest.raises(CommandError, match="领导"):
        call(*base, "--signer", "changning_scorer")
    with pytest.raises(CommandError):
        call(*base, "--signer", "xuhui_leader")
    with pytest.raises(CommandError, match="不存在"):
        call(*base, "--signer", "nobody")
    with pytest.raises(CommandError, match="找不到"):
        call("issue_report", "--org", "nowhere", "--year", "2023", "--signer", "changning_leader", "--out", str(out))
    with pytest.raises(CommandError, match="找不到"):
        call("build_report", "--org", "changning", "--year", "2019", "--out", str(out))
    assert not out.exists()
    assert not IssuedReport.objects.exists()
    assert Report.objects.get(pk=demo.report.pk).status == Report.Status.DRAFT


def test_issue_report_names_a_placeholder_the_data_no_longer_has(demo, tmp_path):
    """A narrative copied from an older year may name a placeholder this year's standard lacks: a clear
    message, not a traceback, and the report stays unsigned."""
    section = demo.report.sections.order_by("order").last()
    section.body += "另见{第九体系得分}。"
    section.save()
    with pytest.raises(CommandError, match=r"未知的占位符：\{第九体系得分\}"):
        call(
            "issue_report",
            "--org",
            "changning",
            "--year",
            "2023",
            "--signer",
            "changning_leader",
            "--out",
            str(tmp_path / "x.pdf"),
        )
    assert not IssuedReport.objects.exists()
    assert not (tmp_path / "x.pdf").exists()
