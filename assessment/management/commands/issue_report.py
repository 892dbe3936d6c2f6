from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from assessment.management.commands._report_arg import report_for
from assessment.reports import services
from assessment.reports.content import UnknownPlaceholder
from assessment.reports.pdf import ReportRenderError
from assessment.reports.signing import SigningError
from assessment.services import AssessmentError


class Command(BaseCommand):
    help = "以指定领导的身份签发工作报告（渲染、数字签名、冻结），并写出签名后的PDF。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--signer", required=True, help="签发领导的用户名")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, org: str, year: int, signer: str, out: Path, **options):
        report = report_for(org, year)
        user = User.objects.filter(username=signer, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{signer}”不存在或已停用。")
        try:
            issued = services.issue_report(report=report, user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "没有签发权限。") from exc
        except (AssessmentError, SigningError, ReportRenderError, UnknownPlaceholder) as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(bytes(issued.pdf))
        self.stdout.write(self.style.SUCCESS(f"已签发{report}第{issued.version}版：{out}（SHA-256 {issued.sha256}）"))
