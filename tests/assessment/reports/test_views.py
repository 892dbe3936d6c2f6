"""The report pages through the test client: 签发 and preview as task-worker jobs, editing, the public
verification page, and isolation between bureaux."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import IssuedReport, Report, ReportJob, ReportSection
from assessment.reports import services
from assessment.reports.content import numbered_sections, report_values
from assessment.reports.pdf import report_html
from assessment.reports.signing import check_signature
from assessment.services import AssessmentError

FORM_FIELDS = (
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


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


def start_job(client, report: Report, kind: str, capture):
    """POST the job button; the immediate backend runs the job when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(url("report-job-start", report.pk, kind))
    return response


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def upload(client, data: bytes, name: str = "report.pdf"):
    return client.post(url("report-verify"), {"pdf": SimpleUploadedFile(name, data, "application/pdf")})


def edit_data(report: Report, *, sections: list[dict], delete: set[int] = frozenset(), extra: list[dict] = ()):
    """POST data for the edit page: the metadata form and the "sections" model formset."""
    data = {"version": report.version}  # the version the page was loaded with (no lost updates, docs/audit.md)
    for name in FORM_FIELDS:
        value = getattr(report, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    existing = list(report.sections.order_by("order"))
    for i, section in enumerate(existing):
        values = sections[i] if i < len(sections) else {}
        data[f"sections-{i}-id"] = section.pk
        data[f"sections-{i}-level"] = values.get("level", section.level)
        data[f"sections-{i}-heading"] = values.get("heading", section.heading)
        data[f"sections-{i}-body"] = values.get("body", section.body)
        if i in delete:
            data[f"sections-{i}-DELETE"] = "on"
    for j, values in enumerate(extra, start=len(existing)):
        data.update({f"sections-{j}-{key}": value for key, value in values.items()})
    data.update(
        {
            "sections-TOTAL_FORMS": len(existing) + len(extra),
            "sections-INITIAL_FORMS": len(existing),
            "sections-MIN_NUM_FORMS": 0,
            "sections-MAX_NUM_FORMS": 1000,
        }
    )
    return data


def test_a_leader_issues_from_the_page_and_downloads_the_signed_bytes(
    client, demo, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(demo.leader)
    response = start_job(client, demo.report, "issue", django_capture_on_commit_callbacks)

    job = ReportJob.objects.get(report=demo.report)
    assert response.status_code == 302
    assert response["Location"] == url("report-detail", demo.report.pk) + f"?job={job.pk}"
    assert (job.kind, job.status, job.requested_by) == (ReportJob.Kind.ISSUE, ReportJob.Status.DONE, demo.leader)
    issued = IssuedReport.objects.get(report=demo.report)
    assert job.issued == issued

    status = client.get(url("report-job-status", job.pk)).json()
    assert status["status"] == "done" and status["done"] is True and status["failed"] is False
    assert status["progress"] == 100
    assert status["message"] == "已签发第1版。"
    assert status["download"] == url("report-version-pdf", demo.report.pk, 1)

    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="report-changning-2023-v1.pdf"')
    body = b"".join(download) if download.streaming else download.content
    assert hashlib.sha256(body).hexdigest() == issued.sha256 == download["X-Content-SHA256"]
    assert check_signature(body).ok

    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "已签发第1版。" in content and "第1版" in content and "现行" in content
    assert url("report-version-pdf", demo.report.pk, 1) in content

    # After 签发 the report is frozen: the edit page sends the user back with a message, the service refuses.
    edit = client.get(url("report-edit", demo.report.pk))
    assert edit.status_code == 302 and edit["Location"] == url("report-detail", demo.report.pk)
    assert any("报告已签发，不能修改" in m for m in messages_of(edit))
    posted = client.post(url("report-edit", demo.report.pk), edit_data(demo.report, sections=[]))
    assert posted.status_code == 302
    with pytest.raises(AssessmentError):
        services.update_report(report=demo.report, user=demo.leader, fields={}, sections=[])
    demo.report.refresh_from_db()
    assert demo.report.status == Report.Status.ISSUED and demo.report.sections.count() == 12

    # Issuing again from the page says why, and signs nothing.
    again = start_job(client, demo.report, "issue", django_capture_on_commit_callbacks)
    assert again.status_code == 302 and again["Location"] == url("report-detail", demo.report.pk)
    assert any("已签发" in m for m in messages_of(again))
    assert IssuedReport.objects.filter(report=demo.report).count() == 1


def test_a_scorer_previews_an_unsigned_pdf_and_may_not_issue(
    client, demo, alice, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = start_job(client, demo.report, "preview", django_capture_on_commit_callbacks)
    job = ReportJob.objects.get(report=demo.report)
    assert response["Location"] == url("report-detail", demo.report.pk) + f"?job={job.pk}"
    status = client.get(url("report-job-status", job.pk)).json()
    assert status["done"] is True and status["failed"] is False and status["status"] == "done"
    assert status["download"] == url("report-job-pdf", job.pk)
    download = client.get(status["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="report-changning-2023-preview.pdf"')
    assert download.content.startswith(b"%PDF-")
    assert check_signature(download.content).present is False
    assert not IssuedReport.objects.exists()

    refused = start_job(client, demo.report, "issue", django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    assert client.post(url("report-job-start", demo.report.pk, "bogus")).status_code == 403
    assert ReportJob.objects.count() == 1
    demo.report.refresh_from_db()
    assert demo.report.status == Report.Status.DRAFT

    # The draft is no issued report; the public page says so without revealing anything of it.
    anonymous = client.__class__()
    result = upload(anonymous, download.content).content.decode()
    assert "核验未通过" in result and "不是本系统签发" in result
    assert "长环保发" not in result and "马骥" not in result and "规范化建设工作报告" not in result


def test_next_years_report_starts_as_a_copy_and_is_not_issued_before_approval(
    client, demo, alice, lea, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = client.post(url("report-create", demo.draft_2024.pk))
    report = Report.objects.get(organization=demo.changning, year=2024)
    assert response.status_code == 302 and response["Location"] == url("report-detail", report.pk)
    assert report.doc_number == "长环保发〔2024〕15号" and report.assessment == demo.draft_2024
    assert report.sections.count() == demo.report.sections.count()
    assert client.post(url("report-create", demo.draft_2024.pk))["Location"] == response["Location"]
    assert Report.objects.filter(organization=demo.changning, year=2024).count() == 1

    client.force_login(lea)
    page = client.get(url("report-detail", report.pk)).content.decode()
    assert "签发（自评审定后才能签发）" in page
    refused = start_job(client, report, "issue", django_capture_on_commit_callbacks)
    assert refused.status_code == 302 and refused["Location"] == url("report-detail", report.pk)
    assert any("自评尚未审定" in m for m in messages_of(refused))
    assert not ReportJob.objects.exists() and not IssuedReport.objects.exists()


def test_the_edit_page_saves_metadata_and_sections(client, demo, alice):
    client.force_login(alice)
    report = demo.report
    page = client.get(url("report-edit", report.pk))
    assert page.status_code == 200
    assert 'name="sections-TOTAL_FORMS"' in page.content.decode()

    count = report.sections.count()
    data = edit_data(
        report,
        sections=[{"body": "本期共检查{检查户次}户次。"}, {"heading": "工作概况"}],
        delete=set(range(2, count)),
        extra=[{"level": 2, "heading": "执法检查", "body": "出动{出动批次}批次。\n\n第二段。"}],
    )
    data.update({"doc_number": "长环保发〔2023〕16号", "signatory": "张三", "cc": "区政府办公室"})
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 302 and response["Location"] == url("report-detail", report.pk)
    assert "报告已保存。" in messages_of(response)

    report.refresh_from_db()
    assert (report.doc_number, report.signatory, report.cc) == ("长环保发〔2023〕16号", "张三", "区政府办公室")
    sections = list(report.sections.order_by("order"))
    assert [(s.order, s.level, s.heading) for s in sections] == [(1, 0, ""), (2, 1, "工作概况"), (3, 2, "执法检查")]
    rendered = numbered_sections(sections, report_values(report))
    assert [s.number for s in rendered] == ["", "一、", "（一）"]
    assert rendered[0].paragraphs == ["本期共检查1062户次。"]
    assert rendered[2].paragraphs == ["出动1068批次。", "第二段。"]
    html = report_html(report)
    assert "<h2>一、工作概况</h2>" in html and "<h3>（一）执法检查</h3>" in html
    assert "长环保发〔2023〕16号" in html and "抄送：区政府办公室。" in html


def test_the_edit_page_refuses_bad_input_and_keeps_what_was_typed(client, demo, alice):
    client.force_login(alice)
    report = demo.report
    before = list(ReportSection.objects.filter(report=report).values_list("level", "heading", "body"))
    data = edit_data(report, sections=[{"body": "新写的一段，含{不存在}的数字。"}])
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "第1节：未知的占位符 {不存在}" in content
    assert "新写的一段，含{不存在}的数字。" in content  # the text is not lost
    data = edit_data(report, sections=[])
    data.update({"period_start": "2023-08-31", "period_end": "2023-01-01"})
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 400
    assert "统计期间的结束日期不能早于开始日期" in response.content.decode()
    assert list(ReportSection.objects.filter(report=report).values_list("level", "heading", "body")) == before


def test_the_public_verification_page(client, demo, tmp_path):
    issued = services.issue_report(report=demo.report, user=demo.leader)
    pdf = bytes(issued.pdf)
    assert client.get(url("report-verify")).status_code == 200  # no login

    content = upload(client, pdf).content.decode()
    assert "核验通过" in content and "核验未通过" not in content
    assert "第1版" in content and "长环保发〔2023〕15号" in content and issued.sha256 in content

    assert "不是 PDF 文件" in upload(client, b"just some text\n", "notes.pdf").content.decode()
    assert "不完整" in upload(client, pdf[: len(pdf) // 2]).content.decode()
    tampered = pdf[:2000] + bytes([pdf[2000] ^ 1]) + pdf[2001:]
    content = upload(client, tampered).content.decode()
    assert "核验未通过" in content and "不是本系统签发" in content
    # A browser always sends the CSRF token with the form; without a file the page asks for one.
    no_file = client.post(url("report-verify"), {"csrfmiddlewaretoken": "token"}).content.decode()
    assert "请选择要核验的 PDF 文件" in no_file
    assert "空文件" in upload(client, b"").content.decode()


def test_another_district_cannot_see_or_touch_the_report(client, demo, bob, bella):
    report = demo.report
    issued = services.issue_report(report=report, user=demo.leader)
    preview = ReportJob.objects.create(
        report=report,
        kind=ReportJob.Kind.PREVIEW,
        status=ReportJob.Status.DONE,
        pdf=b"%PDF-1.7",
        requested_by=demo.scorer,
    )
    for user in (bob, bella, demo.xuhui_leader):
        client.force_login(user)
        for method, target in (
            ("get", url("report-detail", report.pk)),
            ("get", url("report-edit", report.pk)),
            ("post", url("report-edit", report.pk)),
            ("post", url("report-job-start", report.pk, "preview")),
            ("post", url("report-job-start", report.pk, "issue")),
            ("get", url("report-job-status", preview.pk)),
            ("get", url("report-job-pdf", preview.pk)),
            ("get", url("report-version-pdf", report.pk, issued.version)),
            ("post", url("report-correct", report.pk)),
            ("post", url("report-create", demo.approved_2023.pk)),
        ):
            response = getattr(client, method)(target)
            assert response.status_code == 404, (user.username, method, target, response.status_code)
    assert ReportJob.objects.count() == 1
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED
    issued.refresh_from_db()
    assert issued.superseded_at is None


def test_the_municipal_reviewer_reads_but_does_not_issue_or_correct(client, demo, rita):
    report = demo.report
    client.force_login(rita)
    assert client.get(url("report-detail", report.pk)).status_code == 200
    assert client.post(url("report-job-start", report.pk, "issue")).status_code == 403
    assert client.get(url("report-edit", report.pk)).status_code == 403
    assert not ReportJob.objects.exists()

    issued = services.issue_report(report=report, user=demo.leader)
    page = client.get(url("report-detail", report.pk)).content.decode()
    assert url("report-version-pdf", report.pk, 1) in page
    assert "发起更正" not in page and url("report-correct", report.pk) not in page
    download = client.get(url("report-version-pdf", report.pk, 1))
    assert download.status_code == 200 and download.content == bytes(issued.pdf)

    assert client.post(url("report-correct", report.pk)).status_code == 403
    assert client.post(url("report-job-start", report.pk, "issue")).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED
    assert list(IssuedReport.objects.filter(report=report)) == [issued]
    issued.refresh_from_db()
    assert issued.superseded_at is None
    assert not ReportJob.objects.exists()


def test_sections_are_reordered_and_inserted_by_their_position(client, demo, alice):
    client.force_login(alice)
    report = demo.report
    before = list(report.sections.order_by("order").values_list("heading", "body"))
    data = edit_data(
        report, sections=[], extra=[{"level": 1, "heading": "插入的一节", "body": "内容。", "ORDER": "1.5"}]
    )
    count = len(before)
    for i in range(count):
        data[f"sections-{i}-ORDER"] = str(i + 1)
    data["sections-0-ORDER"], data["sections-1-ORDER"] = "2", "1"  # swap the first two
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = list(report.sections.order_by("order").values_list("heading", "body"))
    assert after == [before[1], ("插入的一节", "内容。"), before[0], *before[2:]]
    assert [s.order for s in report.sections.order_by("order")] == list(range(1, count + 2))


def test_the_edit_page_offers_a_button_for_more_sections(client, demo, alice):
    client.force_login(alice)
    content = client.get(url("report-edit", demo.report.pk)).content.decode()
    assert 'id="section-template"' in content and "sections-__prefix__-heading" in content
    assert 'id="add-section"' in content and "js/report-edit.js" in content


def test_characters_the_report_fonts_cannot_draw_are_refused_where_they_were_typed(client, demo, alice):
    client.force_login(alice)
    report = demo.report
    before = list(ReportSection.objects.filter(report=report).values_list("level", "heading", "body"))
    title = report.title
    data = edit_data(report, sections=[{"body": "完成情况 ✓ 良好"}])
    data["title"] = "2023年工作报告☺"
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "报告字体无法显示“✓”（U+2713）" in content
    assert "报告字体无法显示“☺”（U+263A）" in content
    assert "完成情况 ✓ 良好" in content  # what was typed is kept
    report.refresh_from_db()
    assert report.title == title
    assert list(ReportSection.objects.filter(report=report).values_list("level", "heading", "body")) == before


def test_the_report_page_warns_of_appendix_text_the_fonts_cannot_draw(client, demo, alice):
    from assessment.models import Score

    client.force_login(alice)
    page = client.get(url("report-detail", demo.report.pk)).content.decode()
    assert "报告字体无法显示" not in page
    score = Score.objects.filter(assessment=demo.approved_2023).select_related("indicator").first()
    Score.objects.filter(pk=score.pk).update(justification=score.justification + "☺")
    page = client.get(url("report-detail", demo.report.pk)).content.decode()
    assert "报告字体无法显示" in page
    assert f"指标{score.indicator.code}的自评说明：☺" in page


def test_a_section_without_a_position_goes_after_every_numbered_one(client, demo, alice):
    client.force_login(alice)
    report = demo.report
    before = list(report.sections.order_by("order").values_list("heading", "body"))
    data = edit_data(report, sections=[], extra=[{"level": 1, "heading": "未编位置的一节", "body": "内容。"}])
    for i in range(len(before)):
        data[f"sections-{i}-ORDER"] = str(i + 1)
    data["sections-0-ORDER"] = "100"  # the first section moved to the end of the numbered ones
    response = client.post(url("report-edit", report.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = list(report.sections.order_by("order").values_list("heading", "body"))
    assert after == [*before[1:], before[0], ("未编位置的一节", "内容。")]
