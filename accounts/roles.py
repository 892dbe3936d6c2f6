"""Roles are Django groups; this module is the single source of what each role may do."""

from django.contrib.auth.models import Group, Permission

SCORER = "填报人"
LEADER = "领导"
ADMIN = "管理员"
MUNICIPAL_REVIEWER = "市局复核"

_STANDARD_MODELS = ("standard", "system", "indicator", "ruleitem")
_RECORD_MODELS = (
    "pollutionsource",
    "dispatch",
    "inspection",
    "penaltycase",
    "casemeasure",
    "equipment",
    "training",
    "officer",
    "drillresult",
    "casefilereview",
)
_VIEW_RECORDS = [f"inspections.view_{model}" for model in _RECORD_MODELS]
_VIEW_ALL_AUDIT = ["audit.view_auditevent", "audit.view_all_auditevents"]
_PLAN_MODELS = ("annualplan", "campaign", "monthlyplan", "sourcesupervision")
_VIEW_PLANS = [f"plans.view_{model}" for model in (*_PLAN_MODELS, "draw", "checkitem")]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SCORER: [
        "assessment.view_selfassessment",
        "assessment.score_selfassessment",
        "assessment.submit_selfassessment",
        "assessment.view_report",
        "assessment.change_report",
        # bureau staff keep the enforcement records
        *[
            f"inspections.{action}_{model}"
            for model in _RECORD_MODELS
            for action in ("add", "change", "delete", "view")
        ],
        "inspections.import_ledger",
        # the publication desk: what is due for 执法公示, read-only
        "disclosure.view_penaltypublication",
        # inspection plans and draws (docs/plans.md): drafted and drawn by staff, filed and published by leaders
        *_VIEW_PLANS,
        *[f"plans.{action}_{model}" for model in _PLAN_MODELS for action in ("add", "change")],
        "plans.run_draw",
    ],
    LEADER: [
        "assessment.view_selfassessment",
        "assessment.review_selfassessment",
        "assessment.view_report",
        "assessment.change_report",
        "assessment.sign_report",
        *_VIEW_RECORDS,
        # 执法公示: publish, correct, approve a 信用修复 withdrawal (disclosure/policies.py)
        "disclosure.view_penaltypublication",
        "disclosure.publish_penaltypublication",
        *_VIEW_PLANS,
        "plans.file_monthlyplan",
        # the audit trail of their own organisation (audit.models.AuditEventQuerySet.for_user)
        "audit.view_auditevent",
    ],
    ADMIN: [
        "assessment.view_selfassessment",
        *[
            f"assessment.{action}_{model}"
            for model in _STANDARD_MODELS
            for action in ("add", "change", "delete", "view")
        ],
        "assessment.publish_standard",
        # the 免罚清单 that penalty cases cite as their ground
        *[f"inspections.{action}_exemptionlistitem" for action in ("add", "change", "delete", "view")],
        # the 案卷评查 checklist
        *[f"inspections.{action}_reviewitem" for action in ("add", "change", "delete", "view")],
        # the equipment standard the equipment measure counts against
        *[f"inspections.{action}_equipmentrequirement" for action in ("add", "change", "delete", "view")],
        *[f"accounts.{action}_{model}" for model in ("user", "department") for action in ("add", "change", "view")],
        "accounts.view_organization",
        "assessment.view_report",
        # the audit trail of every organisation, read-only (nobody holds add/change/delete: they do not exist)
        *_VIEW_ALL_AUDIT,
        *[f"assessment.{action}_signingcredential" for action in ("add", "change", "view")],
        # unlock a locked-out login at once: delete its attempt (django-axes), README "身份鉴别"
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        # the lockout windows and how many attempts each refused (accounts.models.LockoutWindow)
        "accounts.view_lockoutwindow",
        # reset a lost authenticator: delete the device, the user enrols a new one at the next login; admins can
        # neither add nor change a device, so they never see or set anyone's secret
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        # the working-day calendar (放假调休) and each bureau's public contact details
        *[f"disclosure.{action}_calendarday" for action in ("add", "change", "delete", "view")],
        *[f"disclosure.{action}_bureaucontact" for action in ("add", "change", "view")],
        # the 随机抽查事项清单 of every district, in the admin
        *[f"plans.{action}_checkitem" for action in ("add", "change", "view")],
        # 回避 relations between officers and sources, which every draw honours
        *[f"plans.{action}_officerrelation" for action in ("add", "change", "delete", "view")],
    ],
    MUNICIPAL_REVIEWER: [
        "assessment.view_selfassessment",
        # 复核: review scores, return to the district, confirm (review/policies.py)
        "review.review_assessment",
        "assessment.view_report",
        "accounts.view_all_organizations",
        *_VIEW_RECORDS,
        *_VIEW_ALL_AUDIT,
        *_VIEW_PLANS,
        "plans.review_monthlyplan",
        "inspections.view_exemptionlistitem",
    ],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_roles() -> None:
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(p) for p in permissions])


def sync_roles_after_migrate(sender, app_config=None, **kwargs) -> None:
    # Run once, after the last of our apps has migrated and its permissions exist.
    if app_config is not None and app_config.label == "assessment":
        sync_roles()
