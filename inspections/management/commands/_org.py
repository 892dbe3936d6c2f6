from django.core.management.base import CommandError

from accounts.models import Organization


def organization_for(code: str) -> Organization:
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        known = "、".join(Organization.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(f"找不到机构代码“{code}”（现有：{known or '无'}）。")
    return organization
