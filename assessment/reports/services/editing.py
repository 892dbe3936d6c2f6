"""Writes on a report's content: create the year's draft (or copy last year's) and save the edit page."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from assessment import policies
from assessment.models import Report, ReportSection, SelfAssessment
from assessment.reports.content import report_values, unknown_placeholders
from assessment.reports.first_draft import first_draft_fields, first_draft_sections
from assessment.services.common import AssessmentError, when_text
from audit import services as audit
from audit.models import AuditEvent
from audit.selectors import last_change

Audit = AuditEvent.Action


@dataclass(frozen=True)
class SectionData:
    level: int
    heading: str
    body: str


def _ensure_may_edit(report: Report, user: User) -> None:
    if not policies.may_edit_report(user, report):
        raise PermissionDenied("只有本单位的填报人或领导可以编辑工作报告。")
    if not report.is_editable:
        raise AssessmentError("报告已签发，不能修改；如需更正，请由领导发起更正（生成新版本）。")


def _same_day_in(year: int, day: date) -> date:
    """The same month and day in another year; a month's last day stays its last day (28 or 29 February)."""
    last = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, day.month, last)
    return date(year, day.month, min(day.day, last))


def _shift_year(text: str, old: int, new: int) -> str:
    return text.replace(f"〔{old}〕", f"〔{new}〕").replace(str(old), str(new)) if old != new else text


@transaction.atomic
def create_report(*, assessment: SelfAssessment, user: User) -> Report:
    """The year's report, starting as a copy of last year's when there is one."""
    if not policies.may_edit_report(user, assessment):
        raise PermissionDenied("只有本单位的填报人或领导可以创建工作报告。")
    existing = Report.objects.filter(organization=assessment.organization, year=assessment.year).first()
    if existing is not None:
        return existing
    org: Organization = assessment.organization
    year = assessment.year
    previous = (
        Report.objects.filter(organization=org, year__lt=year).order_by("-year").prefetch_related("sections").first()
    )
    if previous is not None:
        report = Report.objects.create(
            organization=org,
            year=year,
            assessment=assessment,
            issuer_mark=previous.issuer_mark,
            doc_number=_shift_year(previous.doc_number, previous.year, year),
            signatory=previous.signatory,
            addressee=previous.addressee,
            title=previous.title,
            period_start=_same_day_in(year, previous.period_start),
            period_end=_same_day_in(year, previous.period_end),
            issuer_name=previous.issuer_name,
            written_on=timezone.localdate(),
            cc=previous.cc,
            printed_by=previous.printed_by,
            printed_on=timezone.localdate(),
        )
        sections = [SectionData(s.level, s.heading, s.body) for s in previous.sections.all()]
    else:
        # no earlier report: a neutral outline in the district's own name (assessment/reports/first_draft.py)
        report = Report.objects.create(
            organization=org, year=year, assessment=assessment, **first_draft_fields(assessment)
        )
        sections = [SectionData(level, heading, body) for level, heading, body in first_draft_sections(assessment)]
    ReportSection.objects.bulk_create(
        ReportSection(report=report, order=i, level=s.level, heading=s.heading, body=s.body)
        for i, s in enumerate(sections, start=1)
    )
    audit.record(
        actor=user,
        action=Audit.CREATE,
        obj=report,
        changes=audit.diff({}, {**audit.snapshot(report, REPORT_FIELDS), **_section_lines(sections)}),
        note=f"复制{previous.year}年度报告" if previous is not None else "新建报告（按通用提纲）",
    )
    return report


REPORT_FIELDS = (
    "issuer_mark",
    "doc_number",
    "signatory",
    "addressee",
    "title",
    "period_start",
    "period_end",
    "issuer_name",
    "written_on",
    "cc",
    "printed_by",
    "printed_on",
)


class StaleReport(AssessmentError):
    """The report was changed after the edit page was loaded: nothing was saved (no lost update)."""

    def __init__(self, current: Report):
        self.current = current
        event = last_change(current)
        who = event.actor_name if event is not None else "他人"
        super().__init__(
            f"该报告已被{who}于{when_text(current.updated_at)}修改，您的修改未保存；"
            f"当前内容见下方“当前保存的内容”，请刷新后重新填写。"
        )


def _section_lines(sections) -> dict[str, str]:
    return {
        f"第{i}节": f"{ReportSection.Level(s.level).label}｜{s.heading.strip()}｜{s.body.strip()}"
        for i, s in enumerate((s for s in sections if s.heading.strip() or s.body.strip()), start=1)
    }


@transaction.atomic
def update_report(
    *,
    report: Report,
    user: User,
    fields: dict,
    sections: Sequence[SectionData],
    expected_version: int | None = None,
) -> Report:
    """Save the edit page. ``expected_version`` is the version the page was loaded with; a save against any
    other version raises StaleReport and changes nothing. The database makes the check: the version is claimed
    with ``UPDATE … WHERE pk = … AND version = …`` before anything else is written."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _ensure_may_edit(report, user)
    version = report.version if expected_version is None else expected_version
    if not Report.objects.filter(pk=report.pk, version=version).update(version=F("version") + 1):
        raise StaleReport(report)
    report.version = version + 1
    before = {**audit.snapshot(report, REPORT_FIELDS), **_section_lines(report.sections.order_by("order"))}
    for name in REPORT_FIELDS:
        if name in fields:
            setattr(report, name, fields[name])
    if report.period_end < report.period_start:
        raise AssessmentError("统计期间的结束日期不能早于开始日期。")
    values = report_values(report)
    problems = [
        f"第{i}节：未知的占位符 " + "、".join("{" + n + "}" for n in missing)
        for i, s in enumerate(sections, start=1)
        if (missing := unknown_placeholders(s.heading + s.body, values))
    ]
    if problems:
        raise AssessmentError("；".join(problems) + "。")
    report.save()
    report.sections.all().delete()
    ReportSection.objects.bulk_create(
        ReportSection(report=report, order=i, level=s.level, heading=s.heading.strip(), body=s.body.strip())
        for i, s in enumerate(sections, start=1)
        if s.heading.strip() or s.body.strip()
    )
    changes = audit.diff(before, {**audit.snapshot(report, REPORT_FIELDS), **_section_lines(sections)})
    audit.record(actor=user, action=Audit.UPDATE, obj=report, changes=changes, note="编辑发文信息和正文")
    return report
