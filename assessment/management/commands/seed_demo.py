"""Demo data: python manage.py seed_demo. Running it again adds nothing and changes nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import roles
from accounts.demo import DEMO_TOTP_SECRET, ensure_demo_accounts, ensure_demo_totp_device
from accounts.models import Department
from assessment import scoring, services
from assessment.demo import CHANGNING_2023, CHANGNING_2024, backdate_demo_workflow
from assessment.models import Indicator, Report, SelfAssessment, Standard, WorkflowEvent
from assessment.reports import services as report_services
from assessment.reports.demo import REPORT_2023, SECTIONS_2023
from assessment.standard_files import read_standard_file

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "Demo@2024cn"
XUHUI_DEPARTMENTS = [("执法大队", Department.Kind.ENFORCEMENT), ("办公室", Department.Kind.OFFICE)]
CHANGNING_DEPARTMENTS = [
    ("执法宣传科", Department.Kind.OFFICE),
    ("办公室", Department.Kind.OFFICE),
    ("规划督察科", Department.Kind.OFFICE),
    ("行政审批科", Department.Kind.OFFICE),
    ("大气与水科", Department.Kind.OFFICE),
    ("土壤辐射科", Department.Kind.OFFICE),
    ("执法大队", Department.Kind.ENFORCEMENT),
    ("监测站", Department.Kind.MONITORING),
]
# username, organisation code, role, department, full name
DEMO_USERS = [
    ("changning_scorer", "changning", roles.SCORER, "执法大队", "张", "填报"),
    ("changning_office_scorer", "changning", roles.SCORER, "执法宣传科", "李", "填报"),
    ("changning_leader", "changning", roles.LEADER, None, "马", "骥"),
    ("xuhui_scorer", "xuhui", roles.SCORER, "执法大队", "王", "徐汇"),
    ("xuhui_leader", "xuhui", roles.LEADER, None, "赵", "徐汇"),
    ("city_reviewer", "shanghai", roles.MUNICIPAL_REVIEWER, None, "市局", "复核"),
    ("admin", "shanghai", roles.ADMIN, None, "系统", "管理员"),
]
DEMO_TOTP_USERS = ("changning_leader", "xuhui_leader", "admin", "city_reviewer")


# The demo's documented differences (docs/standard.md): 4.2's hours per officer and 3.2's reviews are not in its records.
DEMO_DIFFERENCE = (
    "4.2培训学时按培训台账人工统计为4人不足40学时、3.2案卷评查按纸质评查表统计2件不合格，"
    "系统中尚未录入逐人参训记录和评查记录，按填写次数审定。"
)


class Command(BaseCommand):
    help = "载入演示数据（机构、部门、演示账号、标准、长宁区2023/2024年度自评及执法记录）。可重复执行。"

    @transaction.atomic
    def handle(self, *args, **options):
        orgs, users = ensure_demo_accounts(
            departments={"changning": CHANGNING_DEPARTMENTS, "xuhui": XUHUI_DEPARTMENTS},
            users=DEMO_USERS,
            password=DEMO_PASSWORD,
        )
        changning, xuhui = orgs["changning"], orgs["xuhui"]
        # Leaders and admins need a second factor; the demo ones share a published secret (README 演示账号).
        for username in DEMO_TOTP_USERS:
            if ensure_demo_totp_device(users[username]):
                self.stdout.write(f"演示身份验证器：{username}（密钥 {DEMO_TOTP_SECRET}）")

        spec = read_standard_file(settings.BASE_DIR / "assessment" / "standards" / "shanghai.yaml")
        standard, outcome = services.load_standard(spec=spec)
        self.stdout.write(f"标准：{standard}（{outcome}）")

        from inspections.demo import seed_records

        # the records first: the 2023 approval compares the typed counts with what they show
        seed_records(changning)
        self._assessment(
            changning, 2023, standard, CHANGNING_2023, users["changning_scorer"], users["changning_leader"]
        )
        self._assessment(changning, 2024, standard, CHANGNING_2024, users["changning_scorer"], None)
        self._assessment(xuhui, 2024, standard, {"1.1": ("4", "徐汇区演示数据。", [])}, users["xuhui_scorer"], None)
        from plans.demo import seed_plans

        seed_plans(changning)
        from disclosure.demo import seed_disclosure

        for line in seed_disclosure(
            scorer=users["changning_scorer"], leader=users["changning_leader"], organizations=[changning, xuhui]
        ):
            self.stdout.write(line)
        self._report_2023(changning, users["changning_leader"])
        call_command("create_demo_pki", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪。演示账号密码均为 {DEMO_PASSWORD}"))

    def _report_2023(self, org, leader) -> None:
        """The 2023 report, ready for a leader to sign (its assessment approved, not yet issued): 长宁区's own text,
        written through the report services like any other edit."""
        if Report.objects.filter(organization=org, year=2023).exists():
            return
        assessment = SelfAssessment.objects.get(organization=org, year=2023)
        report = report_services.create_report(assessment=assessment, user=leader)
        report = report_services.update_report(
            report=report,
            user=leader,
            fields=REPORT_2023,
            sections=[report_services.SectionData(level, heading, body) for level, heading, body in SECTIONS_2023],
        )
        self.stdout.write(f"报告：{report}（草稿，待签发）")

    def _assessment(self, org, year, standard: Standard, scores, scorer, leader) -> None:
        if SelfAssessment.objects.filter(organization=org, year=year, standard=standard).exists():
            return
        assessment = services.create_self_assessment(organization=org, year=year, standard=standard)
        indicators = {i.code: i for i in Indicator.objects.filter(system__standard=standard)}
        for code, (value, text, counts) in scores.items():
            indicator = indicators[code]
            rule_ids = [r.pk for r in indicator.rule_items.all()]
            services.save_score(
                assessment=assessment,
                indicator=indicator,
                user=scorer,
                value=scoring.parse_score(value, indicator.max_score) if not rule_ids else None,
                justification=text,
                rule_counts=dict(zip(rule_ids, counts + [0] * len(rule_ids), strict=False)),
            )
        if leader is not None:
            services.move_assessment(assessment=assessment, user=scorer, action=WorkflowEvent.Action.SUBMIT)
            assessment = services.move_assessment(
                assessment=assessment, user=leader, action=WorkflowEvent.Action.APPROVE, reason=DEMO_DIFFERENCE
            )
            # The real 2023 assessment was submitted and approved before the report of 2023年10月22日.
            submitted = datetime(year, 10, 18, 9, 30, tzinfo=SHANGHAI)
            approved = datetime(year, 10, 20, 15, 0, tzinfo=SHANGHAI)
            backdate_demo_workflow(assessment, submitted=submitted, approved=approved)
        self.stdout.write(f"自评：{assessment}（{assessment.get_status_display()}）")
