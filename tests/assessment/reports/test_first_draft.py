"""A district without an earlier report starts from a neutral outline in its own name, never from 长宁区's text."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from assessment.models import Report
from assessment.reports import services
from assessment.reports.content import report_values, unknown_placeholders
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _text(report: Report) -> str:
    fields = [str(getattr(report, name)) for name in services.REPORT_FIELDS]
    sections = [s.heading + s.body for s in report.sections.order_by("order")]
    return "\n".join(fields + sections)


def test_a_xuhui_first_draft_names_xuhui_and_never_changning(xuhui_2024, bob):
    report = services.create_report(assessment=xuhui_2024, user=bob)
    text = _text(report)
    assert "徐汇" in text
    assert "长宁" not in text and "长环保发" not in text
    assert report.doc_number == "徐汇环保发〔2024〕号"
    assert report.issuer_mark == "上海市徐汇区生态环境局文件"
    assert report.sections.count() >= 7
    assert "上海市徐汇区生态环境局组织开展了" in report.sections.order_by("order").first().body


def test_the_first_draft_uses_only_known_placeholders_one_per_system(xuhui_2024, bob):
    report = services.create_report(assessment=xuhui_2024, user=bob)
    values = report_values(report)
    for section in report.sections.all():
        assert not unknown_placeholders(section.heading + section.body, values), section.heading
    result = report.sections.get(heading="自评结果").body
    systems = xuhui_2024.standard.systems.count()
    assert result.count("项下") == systems and "{体系一名称}" in result


def test_creating_a_report_is_audited(xuhui_2024, bob):
    report = services.create_report(assessment=xuhui_2024, user=bob)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, object_type="assessment.report", object_id=str(report.pk)
    )
    assert event.actor_id == bob.pk and "通用提纲" in event.note


def test_the_demo_keeps_changning_text_and_writes_it_through_the_services(db):
    call_command("seed_demo", verbosity=0)
    report = Report.objects.get(organization__code="changning", year=2023)
    assert report.doc_number == "长环保发〔2023〕15号"
    assert "长宁区生态环境局认真组织开展执法机构规范化建设工作" in _text(report)
    actions = set(
        AuditEvent.objects.filter(object_type="assessment.report", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    assert {AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE} <= actions
