"""Isolation, table-driven over every URL of the ``assessment`` namespace.

A user of another district gets 404 on every URL that names 长宁区's data, whatever the method, and nothing
changes; the municipal reviewer reads but cannot write; anonymous users are sent to the login page. The table
is checked against ``assessment.urls.urlpatterns``, so a new URL without an entry here fails the suite.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from assessment import scoring, services
from assessment.exports import score_workbook
from assessment.models import (
    Evidence,
    Indicator,
    IssuedReport,
    Report,
    ReportJob,
    ReportSection,
    RuleCount,
    RuleItem,
    Score,
    SelfAssessment,
    WorkflowEvent,
)
from assessment.reports import services as report_services
from assessment.selectors import scoring_sheet
from assessment.urls import urlpatterns
from common.http import XLSX_MIME
from tests.assessment.conftest import score_all

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MISSING = 987654


@dataclass
class Changning:
    """长宁区's data, one object for every kind of URL argument."""

    assessment: SelfAssessment
    indicator: Indicator
    evidence: Evidence
    report: Report
    job: ReportJob
    issued: IssuedReport


@dataclass(frozen=True)
class Route:
    args: Callable[[Changning], list]
    post_only: bool = False


# Every URL that names one organisation's data. args: the URL arguments for 长宁区's objects.
ROUTES: dict[str, Route] = {
    "detail": Route(lambda o: [o.assessment.pk]),
    "score-sheet": Route(lambda o: [o.assessment.pk]),
    "score-edit": Route(lambda o: [o.assessment.pk, o.indicator.pk], post_only=True),
    "evidence-download": Route(lambda o: [o.assessment.pk, o.evidence.pk]),
    "evidence-delete": Route(lambda o: [o.assessment.pk, o.evidence.pk], post_only=True),
    "submit": Route(lambda o: [o.assessment.pk], post_only=True),
    "return": Route(lambda o: [o.assessment.pk], post_only=True),
    "approve": Route(lambda o: [o.assessment.pk], post_only=True),
    "export": Route(lambda o: [o.assessment.pk]),
    "import": Route(lambda o: [o.assessment.pk]),
    "report-create": Route(lambda o: [o.assessment.pk], post_only=True),
    "report-detail": Route(lambda o: [o.report.pk]),
    "report-edit": Route(lambda o: [o.report.pk]),
    "report-job-start": Route(lambda o: [o.report.pk, ReportJob.Kind.PREVIEW], post_only=True),
    "report-job-status": Route(lambda o: [o.job.pk]),
    "report-job-pdf": Route(lambda o: [o.job.pk]),
    "report-version-pdf": Route(lambda o: [o.report.pk, o.issued.version]),
    "report-correct": Route(lambda o: [o.report.pk], post_only=True),
    "measure-records": Route(
        lambda o: [
            o.assessment.pk,
            RuleItem.objects.filter(indicator__system__standard_id=o.assessment.standard_id)
            .exclude(measure="")
            .values_list("pk", flat=True)
            .first(),
        ]
    ),
}

# URLs that name no organisation's data, and where their isolation is checked instead.
NOT_ONE_ORGANISATION = {
    "list": "test_another_district_never_sees_changning_in_the_list",
    "create": "test_creating_as_another_district_never_touches_changning",
    "report-verify": "public by design (anyone holding a copy checks a signed PDF); test_reports verifies it",
}


def url_for(name: str, objects: Changning, *, missing: bool = False) -> str:
    args = ROUTES[name].args(objects)
    if missing:
        args = [MISSING if isinstance(a, int) else a for a in args]
    return reverse(f"assessment:{name}", args=args)


def changed_workbook(assessment: SelfAssessment) -> bytes:
    """A valid 评分表 of the assessment with one score and one justification changed."""
    wb = load_workbook(io.BytesIO(score_workbook(scoring_sheet(assessment))))
    ws = wb["评分表"]
    row = next(cell.row for cell in ws["A"] if cell.value == "1.1")
    ws.cell(row=row, column=4).value = 0.5
    ws.cell(row=row, column=5).value = "被外单位改过"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post_data(name: str, objects: Changning) -> dict:
    """What a real form would send: if the scoping failed, this would change something."""
    prefix = f"i{objects.indicator.pk}"
    return {
        "score-edit": {f"{prefix}-score": "0.5", f"{prefix}-justification": "被外单位改过"},
        "return": {"reason": "外单位退回"},
        "import": {
            "workbook": SimpleUploadedFile("评分表.xlsx", changed_workbook(objects.assessment), content_type=XLSX_MIME)
        },
        "report-edit": {"title": "被外单位改过"},
    }.get(name, {})


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def state() -> dict[str, list]:
    """Everything a request on these URLs could change."""
    return {
        "assessments": list(
            SelfAssessment.objects.order_by("pk").values_list(
                "pk", "organization_id", "year", "status", "submitted_at", "approved_at"
            )
        ),
        "scores": list(
            Score.objects.order_by("pk").values_list(
                "pk", "indicator_id", "score", "justification", "scored_by_id", "scored_at"
            )
        ),
        "rule_counts": list(RuleCount.objects.order_by("pk").values_list("pk", "occurrences")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "file", "score_id")),
        "events": list(WorkflowEvent.objects.order_by("pk").values_list("pk", "action")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")),
        "sections": list(ReportSection.objects.order_by("pk").values_list("pk", "heading", "body")),
        "jobs": list(ReportJob.objects.order_by("pk").values_list("pk", "kind", "status")),
        "issued": list(IssuedReport.objects.order_by("pk").values_list("pk", "superseded_at")),
        "media": media_files(),
    }


@pytest.fixture
def changning_data(draft_2024, alice, lea) -> Changning:
    """长宁区's 2024 draft, fully scored, with an evidence file, a report, a finished preview and an issued version."""
    score_all(draft_2024, alice)
    indicator = Indicator.objects.get(system__standard=draft_2024.standard, code="1.1")
    score = services.save_score(
        assessment=draft_2024,
        indicator=indicator,
        user=alice,
        value=scoring.parse_score("4", indicator.max_score),
        justification="已编制权责清单。",
        new_evidence=[SimpleUploadedFile("权责清单.pdf", PDF, content_type="application/pdf")],
    )
    report = report_services.create_report(assessment=draft_2024, user=alice)
    job = ReportJob.objects.create(
        report=report, kind=ReportJob.Kind.PREVIEW, status=ReportJob.Status.DONE, pdf=PDF, requested_by=alice
    )
    signed = PDF + b"% signed\n"
    issued = IssuedReport.objects.create(
        report=report,
        version=1,
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signed_by=lea,
        signer_name="lea",
        certificate_subject="CN=上海市长宁区生态环境局",
        signed_at=timezone.now(),
    )
    return Changning(
        assessment=draft_2024,
        indicator=indicator,
        evidence=score.evidence.get(),
        report=report,
        job=job,
        issued=issued,
    )


# --- the table is complete ----------------------------------------------------------------------------


def test_every_assessment_url_has_an_entry_in_the_isolation_table():
    names = [pattern.name for pattern in urlpatterns]
    assert None not in names, "every assessment URL needs a name"
    assert set(ROUTES).isdisjoint(NOT_ONE_ORGANISATION)
    assert sorted(names) == sorted([*ROUTES, *NOT_ONE_ORGANISATION])


# --- another district: 404 everywhere, nothing changed ------------------------------------------------


@pytest.mark.parametrize("outsider", ["bob", "bella"])
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_another_district_gets_404_on_every_url_of_changning(client, request, changning_data, name, outsider):
    user: User = request.getfixturevalue(outsider)
    client.force_login(user)
    target = url_for(name, changning_data)
    before = state()

    post = client.post(target, post_data(name, changning_data))
    get = client.get(target)

    assert post.status_code == 404, (outsider, "POST", target, post.status_code)
    if ROUTES[name].post_only:
        # GET is refused by the method check before any lookup: the same answer as for an object that does not exist
        missing = client.get(url_for(name, changning_data, missing=True))
        assert (get.status_code, missing.status_code) == (405, 405), (outsider, "GET", target)
    else:
        assert get.status_code == 404, (outsider, "GET", target, get.status_code)
    assert state() == before


def test_another_district_cannot_export_the_score_workbook(client, changning_data, bob):
    client.force_login(bob)
    response = client.get(url_for("export", changning_data))
    assert response.status_code == 404
    assert response["Content-Type"] != XLSX_MIME
    assert "上海市长宁区生态环境局" not in response.content.decode()


def test_another_district_never_sees_changning_in_the_list(client, changning_data, xuhui_2024, bob):
    client.force_login(bob)
    page = client.get(reverse("assessment:list")).content.decode()
    assert "上海市徐汇区生态环境局" in page  # bob's own assessment is listed
    assert reverse("assessment:detail", args=[xuhui_2024.pk]) in page
    assert "长宁区" not in page
    assert reverse("assessment:detail", args=[changning_data.assessment.pk]) not in page


def test_creating_as_another_district_never_touches_changning(client, changning_data, bob, xuhui):
    client.force_login(bob)
    before = list(SelfAssessment.objects.filter(organization=changning_data.assessment.organization).values())
    response = client.post(reverse("assessment:create"), {"year": 2024})
    created = SelfAssessment.objects.get(organization=xuhui, year=2024)
    assert response["Location"] == reverse("assessment:detail", args=[created.pk])
    assert list(SelfAssessment.objects.filter(organization=changning_data.assessment.organization).values()) == before


# --- the municipal reviewer: reads every district, writes nothing -------------------------------------


@pytest.mark.parametrize("name", ["detail", "score-sheet", "export", "evidence-download"])
def test_municipal_reviewer_reads_changning(client, changning_data, rita, name):
    client.force_login(rita)
    response = client.get(url_for(name, changning_data))
    assert response.status_code == 200


def test_municipal_reviewer_downloads_the_score_workbook(client, changning_data, rita):
    client.force_login(rita)
    response = client.get(url_for("export", changning_data))
    assert response["Content-Type"] == XLSX_MIME
    ws = load_workbook(io.BytesIO(response.content))["评分表"]
    assert ws["B2"].value == "上海市长宁区生态环境局"


def test_municipal_reviewer_sees_no_write_buttons(client, changning_data, rita):
    client.force_login(rita)
    detail = client.get(url_for("detail", changning_data)).content.decode()
    for name in ("import", "submit", "approve", "return"):
        assert url_for(name, changning_data) not in detail, name
    sheet = client.get(url_for("score-sheet", changning_data)).content.decode()
    assert url_for("evidence-delete", changning_data) not in sheet


@pytest.mark.parametrize(
    ("name", "submitted"),
    [
        ("score-edit", False),
        ("evidence-delete", False),
        ("submit", False),
        ("import", False),
        ("approve", True),
        ("return", True),
    ],
)
def test_municipal_reviewer_cannot_write(client, changning_data, alice, rita, name, submitted):
    if submitted:
        services.move_assessment(assessment=changning_data.assessment, user=alice, action=WorkflowEvent.Action.SUBMIT)
    client.force_login(rita)
    before = state()
    response = client.post(url_for(name, changning_data), post_data(name, changning_data))
    assert response.status_code in (403, 302), response.status_code
    assert state() == before


# --- anonymous: the login page ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted([*ROUTES, "list", "create"]))
def test_anonymous_users_are_sent_to_the_login_page(client, changning_data, name):
    target = url_for(name, changning_data) if name in ROUTES else reverse(f"assessment:{name}")
    login = reverse("accounts:login")
    before = state()
    for response in (client.get(target), client.post(target, post_data(name, changning_data))):
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith(f"{login}?next="), response["Location"]
    assert state() == before
