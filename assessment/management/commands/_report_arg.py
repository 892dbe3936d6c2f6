from django.core.management.base import CommandError

from assessment.models import Report


def report_for(org_code: str, year: int) -> Report:
    report = (
        Report.objects.select_related("organization", "assessment")
        .filter(organization__code=org_code, year=year)
        .first()
    )
    if report is None:
        raise CommandError(f"找不到机构“{org_code}”{year}年度的工作报告。")
    return report
