from django.core.management.base import CommandError

from assessment.models import SelfAssessment


def assessment_for(org_code: str, year: int) -> SelfAssessment:
    matches = list(
        SelfAssessment.objects.filter(organization__code=org_code, year=year)
        .select_related("organization", "standard")
        .order_by("-standard__version")
    )
    if not matches:
        raise CommandError(f"找不到机构“{org_code}”{year}年度的自评。")
    return matches[0]
